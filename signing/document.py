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
from signing.keys import SigningKey, organisation_of

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

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


def stamp_lines(options: RoleOptions, document: Any, certificate_agency: str) -> list[str]:
    """The text of an attachment or copy stamp (the signing time is added by the style):
    the agency given, else the one the signer's certificate names."""
    agency = options.agency or certificate_agency
    if options.role == "copy":
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


def _plan(data: bytes, role: RoleOptions, certificate_agency: str, source: str) -> Any:
    """The appearance of ``role`` on the PDF in ``data``."""
    from signing.appearance import plan_appearance

    if role.role not in ROLES:
        raise SigningInputError(f"unknown role {role.role!r} (one of {', '.join(ROLES)})",
                                subject="role")
    with _open(data, source) as document:
        lines = (stamp_lines(role, document, certificate_agency)
                 if role.role in ("attachment", "copy") else None)
        return plan_appearance(role.role, document, source=source, image=role.image,
                               stamp_lines=lines)


def _options(data: bytes, role: RoleOptions, level: Level, plan: Any, source: str,
             **metadata: str | None) -> tuple[IncrementalPdfFileWriter, SignOptions]:
    writer = open_for_signing(io.BytesIO(data), source=source)
    name = unique_field_name(existing_field_names(writer), role.role)
    return writer, SignOptions(level=level, field_name=name, appearance=plan, **metadata)


def sign_document(data: bytes, key: SigningKey, *, role: RoleOptions, level: Level,
                  services: TrustServices, source: str, reason: str | None = None,
                  location: str | None = None) -> tuple[bytes, SignedDocument]:
    """Sign ``data`` (a PDF) as ``role.role`` at ``level`` and return the signed bytes."""
    plan = _plan(data, role, key.organisation, source)
    writer, options = _options(data, role, level, plan, source, reason=reason,
                               location=location)
    output = io.BytesIO()
    signed = sign_pdf(writer, output, key, options, services, source=source)
    return output.getvalue(), signed


def prepare_role_document(data: bytes, certificate: bytes, chain: tuple[bytes, ...], *,
                          role: str, level: str, source: str,
                          image: Path | None = None) -> PendingSignature:
    """Lay out an external signature in ``role``'s appearance; see ``signing.external``."""
    from asn1crypto import x509 as asn1_x509

    from signing.external import prepare_external

    try:
        agency = organisation_of(asn1_x509.Certificate.load(certificate))
    except ValueError as error:
        raise SigningInputError("not a DER X.509 certificate", subject="certificate") from error
    options = RoleOptions(role=role, image=image)
    plan = _plan(data, options, agency, source)
    writer, sign_options = _options(data, options, Level(level), plan, source)
    return prepare_external(writer, certificate, chain, sign_options, source=source)
