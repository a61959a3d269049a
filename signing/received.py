"""Documents received from other units, with the verdict of the check made on arrival."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.incoming import stored_report
from signing.verify.model import Reason, SignatureReport, VerificationReport
from storage.accounts import CurrentUser
from storage.errors import BadInputError
from storage.objects import ObjectStore
from storage.records import Document, DocumentFile, FileRole


@dataclass(frozen=True)
class ReceivedDocument:
    """A received document and its verdict on arrival."""

    document: Document
    report: VerificationReport


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _reasons(data: dict[str, Any]) -> tuple[Reason, ...]:
    codes = data.get("reason_codes") or []
    english = data.get("reasons") or []
    vietnamese = data.get("reasons_vi") or english
    return tuple(Reason(code=str(code), en=str(en), vi=str(vi))
                 for code, en, vi in zip(codes, english, vietnamese, strict=False))


def report_from_json(data: dict[str, Any]) -> VerificationReport:
    """The report :meth:`VerificationReport.to_json` wrote, read back."""
    try:
        signatures = tuple(SignatureReport(
            field=str(item["field"]), kind=item["kind"], signer=item.get("signer"),
            organisation=item.get("organisation"), issuer=item.get("issuer"),
            signing_time=_time(item.get("signing_time")),
            timestamp_time=_time(item.get("timestamp_time")), level=item.get("level"),
            intact=bool(item["intact"]), valid=bool(item["valid"]),
            trusted=bool(item["trusted"]), revocation=item["revocation"],
            modification=item["modification"], coverage=item["coverage"],
            changes=tuple(item.get("changes") or ()), reasons=_reasons(item))
            for item in data.get("signatures", []))
        checked_at = _time(data["checked_at"])
        assert checked_at is not None
        return VerificationReport(
            source=str(data["source"]), size=int(data["size"]), sha256=str(data["sha256"]),
            checked_at=checked_at, signatures=signatures, reasons=_reasons(data),
            online=bool(data.get("online")),
            trust_anchors=tuple(data.get("trust_anchors") or ()))
    except (KeyError, TypeError, ValueError, AssertionError) as error:
        raise BadInputError("the stored verification report is unreadable",
                            subject="verification") from error


def arrival_report(session: Session, store: ObjectStore,
                   document: Document) -> VerificationReport:
    """The verification report kept with a received document."""
    return report_from_json(json.loads(stored_report(session, store, document)))


def received_documents(session: Session, store: ObjectStore, user: CurrentUser, *,
                       limit: int = 50) -> list[ReceivedDocument]:
    """The newest documents received (verified on arrival) in the units ``user`` sees."""
    documents = session.scalars(select(Document).where(
        Document.unit_id.in_(user.visible_unit_ids),
        Document.id.in_(select(DocumentFile.document_id).where(
            DocumentFile.role == FileRole.verification)))
        .order_by(Document.id.desc()).limit(limit))
    return [ReceivedDocument(document, arrival_report(session, store, document))
            for document in documents]
