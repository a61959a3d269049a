"""Users (administrators only, within their own part of the unit tree)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AdminDep, Id, SessionDep
from api.schemas import CertificateBindingIn, CertificateBindingOut, UserIn, UserOut
from api.transactions import CommitOnReturn
from signing.key_policy import bind_certificate
from storage.accounts import add_user_to_unit, managed_users
from storage.errors import BadInputError

router = APIRouter(route_class=CommitOnReturn, prefix="/users", tags=["admin"])
UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, user: AdminDep, session: SessionDep) -> UserOut:
    """Add a user to a unit the administrator manages."""
    return UserOut.of(add_user_to_unit(session, user, username=body.username,
                                       password=body.password, role=body.role,
                                       unit_code=body.unit_code, full_name=body.full_name))


@router.get("", response_model=list[UserOut], summary="Users of visible units")
def list_users(user: AdminDep, session: SessionDep) -> list[UserOut]:
    """Users of the administrator's units."""
    return [UserOut.of(row) for row in managed_users(session, user)]


def _certificate_bytes(text: str) -> bytes:
    if "-----BEGIN" in text:
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadInputError("certificate must be PEM or base64 DER",
                            subject="certificate") from None


@router.post("/{user_id}/certificate-bindings", response_model=CertificateBindingOut,
             status_code=201, summary="Bind a signing certificate to a user")
def bind_user_certificate(user_id: Id, body: CertificateBindingIn, user: AdminDep,
                          session: SessionDep, response: Response) -> CertificateBindingOut:
    """Let a user register a key file whose certificate does not carry their registered
    name: the certificate (PEM or base64 DER) or its SHA-256 fingerprint. Only for users of
    units the administrator manages; a certificate already registered by or bound to
    another user is refused (409)."""
    certificate = None if body.certificate is None else _certificate_bytes(body.certificate)
    binding, created = bind_certificate(session, user, user_id, certificate=certificate,
                                        fingerprint=body.fingerprint)
    if not created:
        response.status_code = 200
    return CertificateBindingOut.of(binding)
