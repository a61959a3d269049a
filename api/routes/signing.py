"""The signer's queue: batch signing with one PIN, and signing with a key on the signer's
own token (external). Every handler is a plain ``def``: FastAPI runs it in its thread
pool, so signing never blocks the event loop."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter

from api.deps import Id, RuntimeDep, SessionDep, SignerDep, UserDep
from api.schemas import (
    ExternalFinishIn,
    ExternalIn,
    ExternalOut,
    RequestOut,
    SignedOut,
    SignIn,
)
from api.transactions import CommitOnReturn
from signing.errors import SigningInputError
from signing.requests import finish_external_signing, sign_batch, signer_queue, start_external
from storage.records import SigningRequestStatus

router = APIRouter(route_class=CommitOnReturn, prefix="/signing", tags=["signing"])


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningInputError("not valid base64", subject=what) from error


@router.get("/queue", response_model=list[RequestOut],
            summary="Documents awaiting your signature")
def queue(user: UserDep, session: SessionDep,
          status: SigningRequestStatus = SigningRequestStatus.pending) -> list[RequestOut]:
    """Your signing requests (pending by default; ``status=signed`` for the done ones; any
    other value is 422)."""
    return [RequestOut.of(request, document)
            for request, document in signer_queue(session, user, status)]


@router.post("/sign", response_model=list[SignedOut],
             summary="Sign one or many queued documents with one PIN entry")
def sign(body: SignIn, user: SignerDep, runtime: RuntimeDep) -> list[SignedOut]:
    """Each document gets a new version with the signature; the drafts are kept. A batch
    listing a request twice is refused (422); too many wrong PINs lock signing for a while
    (429 with Retry-After)."""
    items = sign_batch(runtime.db.session, runtime.store, user, body.request_ids, body.pin,
                       runtime.settings.signing_setup(),
                       pin_limits=runtime.settings.pin_limits())
    return [SignedOut.of(item) for item in items]


@router.post("/requests/{request_id}/external", response_model=ExternalOut,
             summary="Start signing with a token on your own computer")
def external_start(request_id: Id, body: ExternalIn, user: SignerDep, session: SessionDep,
                   runtime: RuntimeDep) -> ExternalOut:
    """Lays the signature out in the PDF and returns the bytes your token must sign."""
    data = start_external(session, runtime.store, user, request_id,
                          _b64(body.certificate, "certificate"),
                          tuple(_b64(item, "chain") for item in body.chain),
                          runtime.settings.signing_setup())
    return ExternalOut(request_id=request_id, data_to_sign=base64.b64encode(data).decode())


@router.post("/requests/{request_id}/external/finish", response_model=SignedOut,
             summary="Finish signing with the token's signature value")
def external_finish(request_id: Id, body: ExternalFinishIn, user: SignerDep,
                    session: SessionDep, runtime: RuntimeDep) -> SignedOut:
    """Checks the value against the certificate, completes the PDF, stores the version."""
    return SignedOut.of(finish_external_signing(
        session, runtime.store, user, request_id,
        _b64(body.signature_value, "signature_value"), runtime.settings.signing_setup()))
