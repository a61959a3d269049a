"""The signing key file a user registers (``/me/signing-key``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, UploadFile

from api.deps import RuntimeDep, SessionDep, SignerDep, UserDep
from api.schemas import CredentialOut
from api.transactions import CommitOnReturn
from signing.requests import MAX_KEY_FILE, active_credential, register_credential

router = APIRouter(route_class=CommitOnReturn, prefix="/me/signing-key", tags=["signing"])


@router.post("", response_model=CredentialOut, status_code=201,
             summary="Register the PKCS#12 key file you sign with")
def upload_key(file: UploadFile, pin: Annotated[str, Form()], user: SignerDep,
               session: SessionDep, runtime: RuntimeDep) -> CredentialOut:
    """The file is checked with the PIN (it must open, match its certificate and be valid)
    and by the key policy: a document-signing certificate (not a CA; digitalSignature or
    nonRepudiation) chaining to a configured anchor, issued to your registered full name
    or bound to you by an administrator, and registered by nobody else (409). It is kept
    sealed under the server's key; the PIN is not stored."""
    data = file.file.read(MAX_KEY_FILE + 1)
    return CredentialOut.of(register_credential(session, runtime.store, user, data, pin,
                                                file.filename or "key.p12",
                                                runtime.settings.signing_setup()))


@router.get("", response_model=CredentialOut, summary="Your signing certificate")
def my_key(user: UserDep, session: SessionDep) -> CredentialOut:
    """The certificate of your registered key file."""
    return CredentialOut.of(active_credential(session, user.id))
