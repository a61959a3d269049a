"""The edXML message of a signed document, signed by its unit's key (``sohoa edxml
write``): the newest signed PDF is the attachment, the header comes from the document's
fields (number/symbol, summary, date, signer) and type."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from sqlalchemy.orm import Session

from ingest.classify.vocabulary import TITLES
from signing.edxml.model import (
    Attachment,
    Code,
    DocType,
    Message,
    Organ,
    Promulgation,
    SignerInfo,
)
from signing.edxml.write import write_message
from signing.exchange_parties import ExchangeKey, party_name, unlock_exchange_key
from signing.keystore import KeyFileSealer
from storage.errors import BadInputError, ConflictError, NotFoundError
from storage.objects import ObjectStore
from storage.records import Document, FileRole
from storage.records.files import newest_file, read_file
from storage.records.models import Unit

_TYPE_NAMES = {"cong_van": "Công văn",  # a công văn prints no title
               **{doc_type: title.capitalize() for title, doc_type in reversed(TITLES)}}


def _field(document: Document, name: str) -> str | None:
    value = (document.fields or {}).get(name)
    if isinstance(value, dict):  # {"value": ..., ...} forms
        value = value.get("value")
    if value is None or not str(value).strip():
        return None
    return unicodedata.normalize("NFC", str(value).strip())


def _iso_date(text: str | None) -> date | None:
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError:
        return None


def document_message(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                     document_id: int, recipients: list[str], pin: str, *,
                     now: datetime) -> bytes:
    """The signed edXML message of document ``document_id`` to the parties
    ``recipients`` (OrganIds of units here or of peers). Refused when the document has no
    signed version, its unit has no OrganId or exchange key, or a recipient is unknown."""
    message, key = unsigned_document_message(session, store, sealer, document_id,
                                             recipients, pin, now=now)
    return write_message(message, key.private_key, key.certificate, now=now, chain=key.chain)


def unsigned_document_message(session: Session, store: ObjectStore, sealer: KeyFileSealer,
                              document_id: int, recipients: list[str], pin: str, *,
                              now: datetime) -> tuple[Message, ExchangeKey]:
    """:func:`document_message` before signing: the message and the unit's opened key
    (a caller changes the business, e.g. a replacement, then signs)."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("no such document", subject=f"document {document_id}")
    subject = f"document {document_id}"
    signed = newest_file(session, document.id, FileRole.signed)
    if signed is None:
        raise ConflictError("has no signed version to send", subject=subject)
    unit = session.get(Unit, document.unit_id)
    if unit is None:
        raise NotFoundError("has no unit", subject=subject)
    if not unit.organ_id:
        raise ConflictError("has no organisation code (sohoa unit exchange --organ-id)",
                            subject=f"unit {unit.code}")
    if not recipients:
        raise BadInputError("no recipient (--to ORGAN_ID)", subject=subject)
    receivers = tuple(Organ(organ_id, party_name(session, organ_id)) for organ_id in recipients)
    key = unlock_exchange_key(session, store, sealer, unit, pin)
    number = _field(document, "so_ky_hieu")
    issued = _iso_date(_field(document, "ngay_ban_hanh"))
    day = issued or now.date()
    code = Code.of(number)
    message = Message(
        kind="edoc", sender=Organ(unit.organ_id, unit.name), receivers=receivers,
        document_id=f"{unit.organ_id},{day:%Y/%m/%d},{number or f'sohoa-{document.id}'}",
        code=code, subject=_field(document, "trich_yeu"),
        doc_type=DocType(None, _TYPE_NAMES.get(document.doc_type or "")),
        promulgation=Promulgation(None, issued),
        signer=SignerInfo(None, _field(document, "chuc_vu"), _field(document, "nguoi_ky")),
        priority=0, steering_type=1,
        attachments=(Attachment(name=_pdf_name(document.filename), content_type="application/pdf",
                                data=read_file(store, signed)),))
    return message, key


def _pdf_name(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem}.pdf"
