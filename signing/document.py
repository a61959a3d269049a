"""Sign one document by role: the Decree 30 appearance planned, then the PAdES signature.

This is what the CLI, the API and the batch signer call: bytes in, signed bytes out, no
file written on failure.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymupdf as _pymupdf

from signing.errors import SigningInputError
from signing.keys import SigningKey

if TYPE_CHECKING:
    from signing.external import PendingSignature
from signing.pades import (
    Level,
    SignedDocument,
    SignOptions,
    TrustServices,
    existing_field_names,
    open_for_signing,
    sign_pdf,
    unique_field_name,
)

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped
ROLES = ("leader", "agency", "attachment", "copy")
_NUMBER = re.compile(r"Số\s*:\s*(\S+/\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class RoleOptions:
    """How a role's appearance is made: the image for leader/agency, the stamp's words for
    attachment/copy (number/symbol, agency, kind of copy)."""

    role: str = "leader"
    image: Path | None = None
    symbol: str | None = None
    agency: str | None = None
    copy_kind: str = "SAO Y"


def read_symbol(document: Any) -> str | None:
    """The "Số: N/SYMBOL" printed on the first page's text layer, if any."""
    if document.page_count == 0:
        return None
    match = _NUMBER.search(document[0].get_text())
    return match.group(1).rstrip(".,;") if match else None


def stamp_lines(role: str, options: RoleOptions, document: Any,
                key: SigningKey) -> list[str]:
    """The text of an attachment or copy stamp (the signing time is added by the style)."""
    agency = options.agency or key.organisation
    if role == "copy":
        return [options.copy_kind, agency]
    symbol = options.symbol or read_symbol(document)
    return ([f"Số: {symbol}"] if symbol else []) + [agency]


def _open(data: bytes, source: str) -> Any:
    try:
        document: Any = pymupdf.open(stream=data, filetype="pdf")
    except (RuntimeError, ValueError) as error:
        raise SigningInputError("not a readable PDF", subject=source) from error
    if document.needs_pass:
        raise SigningInputError("the PDF is encrypted; decrypt it before signing",
                                subject=source)
    if document.page_count == 0:
        raise SigningInputError("the PDF has no pages", subject=source)
    return document


def sign_document(data: bytes, key: SigningKey, *, role: RoleOptions, level: Level,
                  services: TrustServices, source: str, reason: str | None = None,
                  location: str | None = None) -> tuple[bytes, SignedDocument]:
    """Sign ``data`` (a PDF) as ``role.role`` at ``level`` and return the signed bytes."""
    from signing.appearance import plan_appearance

    if role.role not in ROLES:
        raise SigningInputError(f"unknown role {role.role!r} (one of {', '.join(ROLES)})",
                                subject="role")
    with _open(data, source) as document:
        lines = (stamp_lines(role.role, role, document, key)
                 if role.role in ("attachment", "copy") else None)
        plan = plan_appearance(role.role, document, source=source, image=role.image,
                               stamp_lines=lines)
    writer = open_for_signing(io.BytesIO(data), source=source)
    name = unique_field_name(existing_field_names(writer), role.role)
    options = SignOptions(level=level, field_name=name, reason=reason, location=location,
                          appearance=plan)
    output = io.BytesIO()
    signed = sign_pdf(writer, output, key, options, services, source=source)
    return output.getvalue(), signed


def prepare_role_document(data: bytes, certificate: bytes, chain: tuple[bytes, ...], *,
                          role: str, level: str, source: str,
                          image: Path | None = None) -> PendingSignature:
    """Lay out an external signature in ``role``'s appearance; see ``signing.external``."""
    from asn1crypto import x509 as asn1_x509

    from signing.appearance import plan_appearance
    from signing.external import prepare_external

    if role not in ROLES:
        raise SigningInputError(f"unknown role {role!r}", subject="role")
    try:
        subject = asn1_x509.Certificate.load(certificate).subject.native
    except ValueError as error:
        raise SigningInputError("not a DER X.509 certificate", subject="certificate") from error
    agency = str(subject.get("organization_name") or subject.get("common_name", ""))
    with _open(data, source) as document:
        lines = None
        if role in ("attachment", "copy"):
            symbol = read_symbol(document)
            lines = (["SAO Y", agency] if role == "copy"
                     else ([f"Số: {symbol}"] if symbol else []) + [agency])
        plan = plan_appearance(role, document, source=source, image=image, stamp_lines=lines)
    writer = open_for_signing(io.BytesIO(data), source=source)
    name = unique_field_name(existing_field_names(writer), role)
    options = SignOptions(level=Level(level), field_name=name, appearance=plan)
    return prepare_external(writer, certificate, chain, options, source=source)
