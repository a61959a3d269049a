"""``/ui/my-key``: a signer uploads or replaces their key file (PKCS#12 and its PIN) in two
steps. The upload is checked exactly as registration checks it and its certificate
(subject, issuer, validity) is shown; only the confirmation registers it
(:func:`signing.requests.register_credential`).

Between the two steps the file and PIN travel in a hidden form field sealed under the
server's key-file key (AES-GCM, bound to the user's login session, valid ten minutes), so
nothing is kept on the server before confirmation and no cookie carries the key file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles, texts
from api.web.templates import render
from signing.errors import WrongPinError
from signing.key_files import KeyFileSummary, inspect_key_file
from signing.keystore import KeyFileSealer, is_sealed
from signing.requests import MAX_KEY_FILE, active_credential, register_credential
from storage.errors import BadInputError, ConflictError, NotFoundError, PermissionDeniedError
from storage.records import SigningCredential, UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
SignerUser = Annotated[PageUser, require_page_roles(UserRole.leader, UserRole.clerk)]
PENDING_SECONDS = 600
REFUSALS = (BadInputError, PermissionDeniedError, ConflictError)


def _context(user: PageUser) -> bytes:
    session = hashlib.sha256(user.token.encode()).hexdigest()
    return f"pending-key|user={user.user.id}|session={session}".encode()


def seal_pending(sealer: KeyFileSealer, user: PageUser, data: bytes, pin: str,
                 filename: str) -> str:
    """The hidden field's value: the key file, its PIN and an expiry, sealed."""
    body = json.dumps({"data": base64.b64encode(data).decode(), "pin": pin,
                       "filename": filename, "expires": time.time() + PENDING_SECONDS})
    return base64.urlsafe_b64encode(sealer.seal(body.encode(), _context(user))).decode()


def open_pending(sealer: KeyFileSealer, user: PageUser, value: str) -> tuple[bytes, str, str]:
    """The key file, PIN and file name of a hidden field made by :func:`seal_pending` for
    this user and session; :class:`BadInputError` when altered, foreign or expired."""
    try:
        blob = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        blob = b""
    if not is_sealed(blob):
        raise BadInputError("the pending key file is unreadable; upload it again",
                            subject="file")
    body = json.loads(sealer.open(blob, _context(user), source="pending key file"))
    if float(body["expires"]) < time.time():
        raise BadInputError("the pending key file expired; upload it again", subject="file")
    return base64.b64decode(body["data"]), str(body["pin"]), str(body["filename"])


def _current(session: Session, user: PageUser) -> SigningCredential | None:
    try:
        return active_credential(session, user.user.id)
    except NotFoundError:
        return None


def _page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser, *,
          errors: dict[str, str] | None = None, summary: KeyFileSummary | None = None,
          pending: str = "", status: int = 200) -> Response:
    return render(request, "signing/my_key.html", user=user,
                  secret=runtime.settings.url_secret(), status=status,
                  current=_current(session, user), errors=errors or {}, summary=summary,
                  pending=pending)


@router.get("/ui/my-key", response_class=HTMLResponse)
def my_key(request: Request, runtime: RuntimeDep, session: SessionDep,
           user: SignerUser) -> Response:
    """The registered certificate, if any, and the form to upload a key file."""
    return _page(request, runtime, session, user)


@router.post("/ui/my-key/check", response_class=HTMLResponse, dependencies=[CsrfChecked])
def check_key(request: Request, file: UploadFile, runtime: RuntimeDep, session: SessionDep,
              user: SignerUser,
              pin: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Step one: check the key file with its PIN and the key policy, and show its
    certificate with a button to keep it; a refusal is shown beside the field."""
    catalogue = texts(request)
    data = file.file.read(MAX_KEY_FILE + 1)
    filename = file.filename or "key.p12"
    setup = runtime.settings.signing_setup()
    if not pin:
        return _page(request, runtime, session, user, status=422,
                     errors={"pin": catalogue.text("signing.key_pin_missing")})
    try:
        summary = inspect_key_file(session, user.user, data, pin, filename, setup)
    except WrongPinError:
        return _page(request, runtime, session, user, status=422,
                     errors={"pin": catalogue.text("signing.key_wrong_pin")})
    except REFUSALS as error:
        return _page(request, runtime, session, user, status=422,
                     errors={"file": catalogue.text("signing.key_refused", reason=str(error))})
    assert setup.key_files is not None  # signing_setup always seals key files
    return _page(request, runtime, session, user, summary=summary,
                 pending=seal_pending(setup.key_files, user, data, pin, filename))


@router.post("/ui/my-key/confirm", response_class=HTMLResponse, dependencies=[CsrfChecked])
def confirm_key(request: Request, runtime: RuntimeDep, session: SessionDep, user: SignerUser,
                pending: Annotated[str, Form(max_length=2 * MAX_KEY_FILE)]) -> Response:
    """Step two: register the key file shown (checked again), replacing an earlier one."""
    catalogue = texts(request)
    setup = runtime.settings.signing_setup()
    assert setup.key_files is not None
    try:
        data, pin, filename = open_pending(setup.key_files, user, pending)
        register_credential(session, runtime.store, user.user, data, pin, filename, setup)
    except REFUSALS as error:
        session.rollback()
        return _page(request, runtime, session, user, status=422,
                     errors={"file": catalogue.text("signing.key_refused", reason=str(error))})
    response = RedirectResponse("/ui/my-key", status_code=303)
    flash(response, "signing.key_stored")
    return response
