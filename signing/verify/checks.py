"""Check every signature and document time stamp of a PDF (pyHanko's validation) and say
what was found in a :class:`~signing.verify.model.VerificationReport`.

Per signature: the byte range is sane (starts at 0, no overlap, the gap is exactly the
signature's /Contents), the digest over it matches (intact), the signature value is right
(valid), the certificate is a signer's (not a CA; digitalSignature or nonRepudiation key
usage), chains to a configured anchor and was valid (at the time stamp's
time when a trusted time stamp proves it was signed then), its revocation status (fetched
online only when allowed; otherwise from the document's own validation data), the time
stamp, the PAdES level, what it covers and what changed after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing.key_policy import signing_usage_problem
from signing.pades import CLOCK_TOLERANCE, VIETNAM
from signing.verify import material, pathcache
from signing.verify.material import DssMaterial
from signing.verify.model import (
    Coverage,
    Modification,
    Reason,
    Revocation,
    SignatureReport,
    VerificationReport,
)
from signing.verify.reasons import reason

pathcache.install()  # inert for contexts not marked (pyHanko's own, elsewhere)
material.install()  # a CMS's certificates parsed once per process (equal DER, same object)

_EXPIRY = {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "NOT_YET_VALID"}
_REVOKED = {"REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"}
_MODIFICATION: dict[ModificationLevel, Modification] = {
    ModificationLevel.NONE: "none", ModificationLevel.LTA_UPDATES: "none",
    ModificationLevel.FORM_FILLING: "form_filling",
    ModificationLevel.ANNOTATIONS: "annotations", ModificationLevel.OTHER: "other"}
_COVERAGE: dict[SignatureCoverageLevel, Coverage] = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision"}


class _Document:
    """The parsed file and what every signature check shares."""

    def __init__(self, data: bytes, reader: PdfFileReader, trust_roots: Sequence[Any],
                 online: bool) -> None:
        self.data = data
        self.reader = reader
        self.trust_roots = list(trust_roots)
        self.online = online
        self.dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
        self.material = DssMaterial(self.dss) if self.dss is not None else None

    def context(self, moment: datetime | None = None) -> ValidationContext:
        """A validation context: the anchors, the document's own validation data, and
        fetching only when allowed."""
        settings: dict[str, Any] = {"trust_roots": self.trust_roots,
                                    "allow_fetching": self.online and moment is None,
                                    "revocation_mode": "soft-fail",
                                    "time_tolerance": CLOCK_TOLERANCE}
        if moment is not None:
            settings.update(moment=moment, retroactive_revinfo=True)
        if self.material is not None:  # as DocumentSecurityStore.as_validation_context
            context = ValidationContext(other_certs=list(self.material.certs),
                                        ocsps=list(self.material.ocsps),
                                        crls=list(self.material.crls), **settings)
        else:
            context = ValidationContext(**settings)
        if moment is None and not self.online:  # now, from the document's data only
            pathcache.mark(context)
        return context


def _vietnam(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VIETNAM) if moment is not None else None


def _name(certificate: asn1_x509.Certificate | None, part: str) -> str | None:
    if certificate is None:
        return None
    value = certificate.subject.native.get(part)
    return str(value) if value else None


def _byte_range_problem(signature: EmbeddedPdfSignature, size: int, data: bytes) -> str | None:
    try:
        ranges = [int(item) for item in signature.sig_object["/ByteRange"]]
    except (KeyError, TypeError, ValueError):
        return "the signature has no usable /ByteRange"
    if len(ranges) != 4:
        return f"{len(ranges) // 2} ranges instead of two"
    start, first_length, second_start, second_length = ranges
    if start != 0:
        return "it does not start at the beginning of the file"
    if min(ranges) < 0 or second_start < first_length:
        return "its two ranges overlap or run backwards"
    if second_start + second_length > size:
        return "it runs past the end of the file"
    gap = data[first_length:second_start]
    if not (gap.startswith(b"<") and gap.endswith(b">")) or not _is_hex(gap[1:-1]):
        return "the unsigned gap is not exactly the signature's /Contents"
    return None


_HEX_OR_SPACE = frozenset(b"0123456789abcdefABCDEF \r\n")


def _is_hex(chunk: bytes) -> bool:
    """Whether both ends of ``chunk`` (64 bytes each) are hex digits or line space."""
    return set(chunk[:64]) | set(chunk[-64:]) <= _HEX_OR_SPACE


def _revocation(status: Any, context: ValidationContext, dss_known: bool) -> Revocation:
    if status.revoked:
        return "revoked"
    if not status.trusted:
        return "unknown"
    serial = status.signing_cert.serial_number
    for response in context.ocsps:
        try:
            single = response["response_bytes"]["response"].parsed["tbs_response_data"][
                "responses"]
            if any(item["cert_id"]["serial_number"].native == serial for item in single):
                return "good"
        except (KeyError, TypeError, ValueError):
            continue
    issuer = status.signing_cert.issuer
    if any(crl["tbs_cert_list"]["issuer"] == issuer for crl in context.crls):
        return "good"
    return "unknown" if dss_known else "not_checked"


def _changes(document: _Document, signature: EmbeddedPdfSignature, status: Any) -> list[str]:
    later = [other for other in document.reader.embedded_signatures
             if other.signed_revision > signature.signed_revision]
    notes = [f"later signature '{other.field_name}'" for other in later
             if other.sig_object.get("/Type") != "/DocTimeStamp"]
    stamps = sum(1 for other in later if other.sig_object.get("/Type") == "/DocTimeStamp")
    if stamps:
        notes.append(f"{stamps} document time stamp(s)")
    if document.dss is not None and later:
        notes.append("validation data (DSS)")
    diff = status.diff_result
    if diff is not None and not isinstance(diff, SuspiciousModification):
        filled = sorted(set(getattr(diff, "changed_form_fields", ()) or ())
                        - {other.field_name for other in later})
        if filled:
            notes.append("form fields filled: " + ", ".join(filled))
    if isinstance(diff, SuspiciousModification):
        notes.append(str(diff))
    return notes


def _level(document: _Document, signature: EmbeddedPdfSignature, status: Any) -> str:
    if status.timestamp_validity is None:
        return "B-B"
    if document.dss is None:
        return "B-T"
    archived = any(other.sig_object.get("/Type") == "/DocTimeStamp"
                   and other.signed_revision > signature.signed_revision
                   for other in document.reader.embedded_signatures)
    return "B-LTA" if archived else "B-LT"


async def _trust_at_timestamp(document: _Document, signature: EmbeddedPdfSignature,
                              status: Any) -> Any:
    """Validate again at the time a trusted time stamp proves, for a certificate that
    has expired since (long-term validation)."""
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid and stamp.trusted):
        return status
    context = document.context(moment=stamp.timestamp)
    try:
        return await async_validate_pdf_signature(signature, context)
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]


def _trust_reasons(status: Any) -> list[Reason]:
    problem = status.trust_problem_indic
    name = getattr(problem, "name", str(problem))
    if name in _REVOKED or status.revoked:
        details = status.revocation_details
        when = f"{details.revocation_date:%Y-%m-%d %H:%M} UTC" if details else "no date"
        return [reason("revoked", when)]
    if name in _EXPIRY:
        cert = status.signing_cert
        validity = cert["tbs_certificate"]["validity"]
        return [reason("expired", f"valid {validity['not_before'].native:%Y-%m-%d} to "
                                  f"{validity['not_after'].native:%Y-%m-%d}")]
    return [reason("untrusted", name.lower().replace("_", " ") if problem else "no path")]



async def _check_signature(document: _Document, signature: EmbeddedPdfSignature
                           ) -> SignatureReport:
    is_stamp = signature.sig_object.get("/Type") == "/DocTimeStamp"
    problem = _byte_range_problem(signature, len(document.data), document.data)
    if problem is not None:
        return _broken(signature, is_stamp, reason("byte_range_invalid", problem))
    context = document.context()
    try:
        if is_stamp:
            status: Any = await async_validate_pdf_timestamp(signature, context)
        else:
            status = await async_validate_pdf_signature(signature, context)
        revocation = _revocation(status, context, document.dss is not None)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return _broken(signature, is_stamp, reason("unreadable", str(error)[:200]))
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]
    reasons: list[Reason] = []
    trusted_status = status
    if status.intact and status.valid and not status.trusted and not is_stamp and \
            getattr(status.trust_problem_indic, "name", "") in _EXPIRY:
        trusted_status = await _trust_at_timestamp(document, signature, status)
    if not status.intact:
        reasons.append(reason("digest_mismatch"))
    elif not status.valid:
        reasons.append(reason("signature_invalid"))
    elif not trusted_status.trusted:
        reasons.extend(_trust_reasons(trusted_status))
    usage = None if is_stamp or status.signing_cert is None else \
        signing_usage_problem(status.signing_cert)
    if usage is not None:
        reasons.append(reason("not_signing_certificate", usage))
    stamp = None if is_stamp else status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid and stamp.trusted):
        reasons.append(reason("timestamp_invalid"))
    coverage = _COVERAGE.get(status.coverage, "partial")
    if coverage == "partial":
        reasons.append(reason("not_whole_file"))
    level = status.modification_level
    modification: Modification = "other" if level is None else _MODIFICATION[level]
    changes = _changes(document, signature, status)
    if modification in ("annotations", "other"):
        detail = next((note for note in changes if not note.startswith(("later", "valid"))),
                      "annotations were added or changed" if modification == "annotations"
                      else "content outside signatures, form filling and validation data")
        reasons.append(reason("modified_after_signing", detail))
    cert = status.signing_cert
    return SignatureReport(
        field=str(signature.field_name or ""),
        kind="document_timestamp" if is_stamp else "signature",
        signer=_name(cert, "common_name"), organisation=_name(cert, "organization_name"),
        issuer=(str(cert.issuer.native.get("common_name")) if cert is not None else None),
        signing_time=_vietnam(status.timestamp if is_stamp else status.signer_reported_dt),
        timestamp_time=_vietnam(status.timestamp if is_stamp
                                else (stamp.timestamp if stamp else None)),
        level=None if is_stamp else _level(document, signature, status),
        intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(trusted_status.trusted) and usage is None,
        revocation=revocation, modification=modification,
        coverage=coverage, changes=tuple(changes), reasons=tuple(reasons))


def _broken(signature: EmbeddedPdfSignature, is_stamp: bool, why: Reason) -> SignatureReport:
    return SignatureReport(
        field=str(getattr(signature, "field_name", "") or ""),
        kind="document_timestamp" if is_stamp else "signature", signer=None,
        organisation=None, issuer=None, signing_time=None, timestamp_time=None, level=None,
        intact=False, valid=False, trusted=False, revocation="unknown", modification="other",
        coverage="partial", reasons=(why,))


async def _check_all(document: _Document) -> list[SignatureReport]:
    return [await _check_signature(document, signature)
            for signature in document.reader.embedded_signatures]


def verify_pdf(data: bytes, *, source: str, trust_roots: Sequence[asn1_x509.Certificate],
               allow_fetching: bool = False) -> VerificationReport:
    """Verify every signature of the PDF in ``data`` (named ``source`` in the report)
    against ``trust_roots``; revocation data is fetched only when ``allow_fetching``."""
    anchors = tuple(str(root.subject.human_friendly) for root in trust_roots)
    base = {"source": source, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "checked_at": datetime.now(UTC).replace(microsecond=0), "online": allow_fetching,
            "trust_anchors": anchors}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        document = _Document(data, reader, trust_roots, allow_fetching)
        found = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        return VerificationReport(signatures=(), **base,  # type: ignore[arg-type]
                                  reasons=(reason("unreadable", str(error)[:200]),))
    if not found:
        return VerificationReport(signatures=(), **base,  # type: ignore[arg-type]
                                  reasons=(reason("no_signatures"),))
    reports = asyncio.run(_check_all(document))
    return VerificationReport(signatures=tuple(reports), **base)  # type: ignore[arg-type]
