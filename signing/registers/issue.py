"""Issue and send in one action (ban hành và gửi): the records office numbers a signed
document in the outgoing book and sends it to the chosen parties of the directory, in one
transaction: the recipients, the unit's key (opened with the PIN) and the document are
checked before anything is written, and a refusal after that (e.g. the document numbered
meanwhile) leaves nothing once the caller rolls back, as every edge does on an error: no
number taken, no entry, no message queued (jobs are queued only on commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from signing.exchange.directory import chosen_parties
from signing.exchange.outbox import SENDER_ROLES, send_document
from signing.exchange_parties import unlock_exchange_key
from signing.keystore import KeyFileSealer
from signing.registers.entries import number_outgoing
from signing.registers.numbering import VIETNAM
from signing.registers.symbols import OUTGOING_TYPES
from storage.accounts import CurrentUser
from storage.errors import BadInputError, ConflictError, NotFoundError, PermissionDeniedError
from storage.jobs import JobQueue
from storage.objects import ObjectStore
from storage.records import Document, DocumentStatus, FileRole, utcnow
from storage.records.files import newest_file
from storage.records.models import ExchangeOutboxMessage, RegisterEntry, Unit
from storage.records.vocabulary import Confidentiality, Urgency


@dataclass(frozen=True)
class Numbering:
    """What the clerk gives to number the document (as for the outgoing book's form)."""

    doc_type: str
    summary: str
    signer: str = ""
    agency: str | None = None
    recipients: str = ""
    """Nơi nhận as the book prints it; the chosen parties' names when left empty."""
    confidentiality: Confidentiality = Confidentiality.thuong
    urgency: Urgency = Urgency.thuong
    copies: int | None = None


@dataclass(frozen=True)
class Issued:
    """The outgoing entry made and the messages queued (one per recipient)."""

    entry: RegisterEntry
    messages: list[ExchangeOutboxMessage]


@dataclass(frozen=True)
class Sending:
    """What sending needs: where the messages are kept, the delivery queue, the sealer of
    the unit's key and the PIN that opens it."""

    store: ObjectStore
    queue: JobQueue
    sealer: KeyFileSealer
    pin: str


def issue_and_send(session: Session, user: CurrentUser, document_id: int,
                   numbering: Numbering, to_organ_ids: list[str], sending: Sending, *,
                   now: datetime | None = None) -> Issued:
    """Number the signed document ``document_id`` of the user's unit in the outgoing book
    (:func:`~signing.registers.entries.number_outgoing`), then send it to every party of
    ``to_organ_ids`` (:func:`~signing.exchange.outbox.send_document`: one message each,
    signed by the unit's key opened with the PIN, queued for delivery once the transaction
    commits). The recipients (against the directory), the PIN (it opens the unit's key)
    and the document (signed, with a signed file, not numbered yet) are checked first:
    :class:`BadInputError` subject ``to`` or ``pin`` (:class:`~signing.errors.WrongPinError`),
    :class:`ConflictError` for the document. Runs in the caller's transaction, which the
    caller rolls back on any refusal. ``now`` (aware; default now) dates the entry and,
    in Vietnam time, the messages."""
    if user.role not in SENDER_ROLES:
        raise PermissionDeniedError("only the records office issues and sends documents")
    document = session.get(Document, document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"document {document_id}")
    if numbering.doc_type not in OUTGOING_TYPES:
        raise BadInputError("unknown outgoing document type", subject="doc_type")
    parties = chosen_parties(session, user, to_organ_ids)
    if not sending.pin:
        raise BadInputError("the unit key's PIN is required", subject="pin")
    if document.status != DocumentStatus.signed or newest_file(
            session, document.id, FileRole.signed) is None:
        raise ConflictError("only a signed document is issued and sent",
                            subject=f"document {document.id}")
    unit = session.get(Unit, document.unit_id)
    assert unit is not None
    unlock_exchange_key(session, sending.store, sending.sealer, unit, sending.pin)
    moment = now or utcnow()
    recipients = numbering.recipients.strip() or "; ".join(party.name for party in parties)
    entry = number_outgoing(
        session, user, document, doc_type=numbering.doc_type, summary=numbering.summary,
        agency=numbering.agency, recipients=recipients, signer=numbering.signer,
        confidentiality=numbering.confidentiality, urgency=numbering.urgency,
        copies=numbering.copies, now=moment)
    session.flush()
    messages = send_document(session, sending.store, sending.queue, sending.sealer, user,
                             document.id, [party.organ_id for party in parties],
                             sending.pin,
                             now=moment.astimezone(VIETNAM).replace(tzinfo=None, microsecond=0))
    return Issued(entry, messages)
