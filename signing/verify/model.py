"""What verification found: one :class:`SignatureReport` per signature (and per document
time stamp), and the document's :class:`VerificationReport` with its verdict.

The JSON form (:meth:`VerificationReport.to_json`) is the CLI contract's
(``../shared/spec/cli.md``, ``sohoa verify --json``); reasons are short plain sentences,
each in Vietnamese and English (:class:`Reason`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Modification = Literal["none", "form_filling", "annotations", "other"]
Revocation = Literal["good", "revoked", "unknown", "not_checked"]
Coverage = Literal["entire_file", "entire_revision", "partial"]


@dataclass(frozen=True)
class Reason:
    """Why a check failed (or what a person should know), in both languages.

    ``code`` is stable for programs and tests (e.g. ``"digest_mismatch"``,
    ``"untrusted"``, ``"revoked"``, ``"expired"``, ``"modified_after_signing"``,
    ``"not_whole_file"``, ``"byte_range_invalid"``, ``"signature_invalid"``,
    ``"no_signatures"``, ``"timestamp_invalid"``, ``"unreadable"``).
    """

    code: str
    vi: str
    en: str


@dataclass(frozen=True)
class SignatureReport:
    """Everything checked about one signature or document time stamp."""

    field: str
    kind: Literal["signature", "document_timestamp"]
    signer: str | None
    organisation: str | None
    issuer: str | None
    signing_time: datetime | None
    timestamp_time: datetime | None
    level: str | None  # "B-B", "B-T", "B-LT", "B-LTA", or None for a non-PAdES signature
    intact: bool
    valid: bool
    trusted: bool
    revocation: Revocation
    modification: Modification
    coverage: Coverage
    changes: tuple[str, ...] = ()  # what later revisions changed, in plain words (English)
    reasons: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, not revoked, and nothing but permitted changes after it."""
        return (self.intact and self.valid and self.trusted and self.revocation != "revoked"
                and self.modification in ("none", "form_filling") and not self.reasons)

    def to_json(self) -> dict[str, Any]:
        """The contract's per-signature object (times ISO 8601, reasons in English)."""
        return {
            "field": self.field, "kind": self.kind, "signer": self.signer,
            "organisation": self.organisation, "issuer": self.issuer,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "level": self.level, "intact": self.intact, "valid": self.valid,
            "trusted": self.trusted, "revocation": self.revocation,
            "modification": self.modification, "coverage": self.coverage,
            "changes": list(self.changes),
            "reasons": [reason.en for reason in self.reasons],
            "reason_codes": [reason.code for reason in self.reasons],
            "reasons_vi": [reason.vi for reason in self.reasons],
        }


@dataclass(frozen=True)
class VerificationReport:
    """The verdict on one PDF: valid only when it has a signature and every signature and
    time stamp is :attr:`SignatureReport.ok`, and nothing else is wrong with the file."""

    source: str
    size: int
    sha256: str
    checked_at: datetime
    signatures: tuple[SignatureReport, ...]
    reasons: tuple[Reason, ...] = ()  # problems of the file as a whole
    online: bool = False  # whether revocation data could be fetched
    trust_anchors: tuple[str, ...] = field(default=())  # subjects of the roots trusted

    @property
    def valid(self) -> bool:
        """The verdict."""
        regular = [item for item in self.signatures if item.kind == "signature"]
        return bool(regular) and not self.reasons and all(item.ok for item in self.signatures)

    def to_json(self) -> dict[str, Any]:
        """``{"valid", "signatures": [...]}`` as in the CLI contract, plus file details."""
        return {
            "valid": self.valid, "source": self.source, "size": self.size,
            "sha256": self.sha256, "checked_at": self.checked_at.isoformat(),
            "online": self.online, "trust_anchors": list(self.trust_anchors),
            "reasons": [reason.en for reason in self.reasons],
            "reason_codes": [reason.code for reason in self.reasons],
            "reasons_vi": [reason.vi for reason in self.reasons],
            "signatures": [item.to_json() for item in self.signatures],
        }
