"""The exchange's pages for the records office: the outbox (documents sent, each
recipient's trail of statuses in words, the form to send a signed document) and the
inbox (documents that arrived, with the verdict of their check on arrival in words and
links to the document, its verification report and its register entry)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.exchange_wiring import vietnam_now
from api.runtime import Runtime
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles
from api.web.templates import render
from ingest.figures import VIETNAM
from signing.exchange.deadlines import Timeliness, inbox_timeliness, outbox_timeliness
from signing.exchange.inbox import inbox_messages
from signing.exchange.outbox import outbox_messages, send_document
from signing.exchange.revocation import exchange_requests
from signing.exchange.statuses import status_trail
from storage.errors import NotFoundError, SohoaError
from storage.records import Document, DocumentStatus, Unit
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    ExchangePeer,
    ExchangeStatusEvent,
)
from storage.records.vocabulary import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ClerkUser = Annotated[PageUser, require_page_roles(UserRole.clerk)]
ViewerUser = Annotated[PageUser, require_page_roles(UserRole.clerk, UserRole.leader)]
KNOWN_CODES = frozenset({"01", "02", "03", "04", "05", "06", "15", "16"})
KNOWN_REASONS = frozenset({"unknown_sender", "bad_message_signature", "tampered_attachment",
                           "invalid_pdf_signature"})


def local_time(moment: datetime | None) -> str:
    """A moment in Vietnam time (a naive moment is already local, as edXML's are)."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM)
    return moment.strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class TrailStep:
    """One status of a recipient's trail, ready to show."""

    code: str
    known: bool
    description: str
    stated: str
    received: str


@dataclass(frozen=True)
class Due:
    """When an answer (01 or 03) is due, in Vietnam time, and whether it is overdue now."""

    code: str
    time: str
    overdue: bool


def _dues(timing: Timeliness | None) -> list[Due]:
    return [Due(item.code, local_time(item.due), item.overdue)
            for item in (timing.deadlines if timing else ())]


@dataclass(frozen=True)
class SentRow:
    """A sent message with its trail, and when its recipient's 01/03 are due."""

    message: ExchangeOutboxMessage
    created: str
    delivered: str
    trail: list[TrailStep]
    dues: list[Due] = field(default_factory=list)


def _steps(events: list[ExchangeStatusEvent]) -> list[TrailStep]:
    return [TrailStep(event.code, event.code in KNOWN_CODES, event.description,
                      local_time(event.stated_at), local_time(event.received_at))
            for event in events]


def _sent(session: Session, row: ExchangeOutboxMessage,
          runtime: Runtime | None = None) -> SentRow:
    timing = None if runtime is None else outbox_timeliness(
        runtime.store, runtime.settings.exchange_deadlines(), row, now=datetime.now(UTC))
    return SentRow(row, local_time(row.created_at), local_time(row.delivered_at),
                   _steps(status_trail(session, row.id)), _dues(timing))


def _sendable_documents(session: Session, page_user: PageUser) -> list[Document]:
    """The signed documents of the user's units (what the send form offers)."""
    return list(session.scalars(select(Document).where(
        Document.unit_id.in_(page_user.user.visible_unit_ids),
        Document.status == DocumentStatus.signed).order_by(Document.id.desc()).limit(200)))


def _parties(session: Session, page_user: PageUser) -> list[tuple[str, str]]:
    """(OrganId, name) of every party a document can go to: the other units here with an
    OrganId, and the registered peers."""
    units = session.execute(select(Unit.organ_id, Unit.name).where(
        Unit.organ_id.is_not(None), Unit.id != page_user.user.unit_id).order_by(Unit.name))
    peers = session.execute(select(ExchangePeer.organ_id, ExchangePeer.name)
                            .order_by(ExchangePeer.name))
    return [(str(organ), str(name)) for organ, name in [*units, *peers] if organ]


def _outbox_page(request: Request, runtime: RuntimeDep, session: Session, user: PageUser, *,
                 errors: dict[str, str] | None = None, chosen: list[str] | None = None,
                 document_id: int | None = None, status: int = 200) -> Response:
    rows = [_sent(session, row, runtime) for row in outbox_messages(session, user.user)]
    return render(request, "exchange/outbox.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), rows=rows,
                  documents=_sendable_documents(session, user) if user.role in (
                      UserRole.clerk, UserRole.admin) else [],
                  parties=_parties(session, user), errors=errors or {},
                  chosen=set(chosen or []), chosen_document=document_id)


@router.get("/ui/outgoing", response_class=HTMLResponse)
def outbox(request: Request, runtime: RuntimeDep, session: SessionDep,
           user: ViewerUser) -> Response:
    """The documents the unit sent, each recipient's trail, and the send form."""
    return _outbox_page(request, runtime, session, user)


def _visible_outbox(session: Session, user: PageUser, outbox_id: int) -> ExchangeOutboxMessage:
    row = session.get(ExchangeOutboxMessage, outbox_id)
    if row is None or row.kind != "edoc" or row.unit_id not in user.user.visible_unit_ids:
        raise NotFoundError("no such sent message", subject=f"message {outbox_id}")
    return row


@router.get("/ui/outgoing/{outbox_id}", response_class=HTMLResponse)
def sent_message(request: Request, outbox_id: int, runtime: RuntimeDep, session: SessionDep,
                 user: ViewerUser) -> Response:
    """One sent message and its recipient's trail of statuses."""
    row = _sent(session, _visible_outbox(session, user, outbox_id), runtime)
    return render(request, "exchange/sent.html", user=user,
                  secret=runtime.settings.url_secret(), row=row)


@router.get("/ui/outgoing/{outbox_id}/trail", response_class=HTMLResponse)
def sent_trail(request: Request, outbox_id: int, runtime: RuntimeDep, session: SessionDep,
               user: ViewerUser) -> Response:
    """The trail alone (a partial for htmx refreshes and other pages)."""
    row = _sent(session, _visible_outbox(session, user, outbox_id))
    return render(request, "exchange/_trail.html", user=user,
                  secret=runtime.settings.url_secret(), row=row)


def _field_of(error: SohoaError) -> str:
    subject = (error.subject or "").lower()
    message = str(error).lower()
    if "pin" in message or "password" in message or "exchange key" in subject:
        return "pin"
    if subject == "to" or "recipient" in message:
        return "to"
    return "document_id"


@router.post("/ui/outgoing", response_class=HTMLResponse, dependencies=[CsrfChecked])
def send(request: Request, runtime: RuntimeDep, session: SessionDep, user: ClerkUser,
         document_id: Annotated[int | None, Form()] = None,
         to: Annotated[list[str] | None, Form(max_length=64)] = None,
         pin: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Send a signed document to the chosen parties (one message each), signed by the
    unit's key opened with the PIN; errors shown beside their field."""
    chosen = list(to or [])[:100]
    errors: dict[str, str] = {}
    if document_id is None:
        errors["document_id"] = "exchange.error_document"
    if not chosen:
        errors["to"] = "exchange.error_to"
    if not pin:
        errors["pin"] = "exchange.error_pin"
    if not errors:
        assert document_id is not None
        try:
            send_document(session, runtime.store, runtime.queue,
                          runtime.settings.key_file_sealer(), user.user, document_id, chosen,
                          pin, now=vietnam_now())
        except SohoaError as error:
            session.rollback()
            errors[_field_of(error)] = str(error)
    if errors:
        return _outbox_page(request, runtime, session, user, errors=errors, chosen=chosen,
                            document_id=document_id, status=422)
    response = RedirectResponse("/ui/outgoing", status_code=303)
    flash(response, "exchange.sent")
    return response


@dataclass(frozen=True)
class ArrivedRow:
    """A message that arrived, ready to show."""

    message: ExchangeInboxMessage
    received: str
    reasons: list[str]
    dues: list[Due] = field(default_factory=list)


def _arrived(row: ExchangeInboxMessage, runtime: Runtime | None = None) -> ArrivedRow:
    codes = [str(code) for code in (row.reasons or {}).get("codes", [])]
    timing = None if runtime is None else inbox_timeliness(
        runtime.store, runtime.settings.exchange_deadlines(), row, now=datetime.now(UTC))
    return ArrivedRow(row, local_time(row.received_at), codes, _dues(timing))


@router.get("/ui/inbox", response_class=HTMLResponse)
def inbox(request: Request, runtime: RuntimeDep, session: SessionDep,
          user: ViewerUser) -> Response:
    """The documents that arrived for the unit, with the verdict on arrival in words, and
    links to the revocation requests (how many wait for a decision) and the history."""
    rows = [_arrived(row, runtime) for row in inbox_messages(session, user.user)]
    waiting = sum(1 for item in exchange_requests(session, user.user)
                  if item.state == "pending")
    return render(request, "exchange/inbox.html", user=user,
                  secret=runtime.settings.url_secret(), rows=rows, known=KNOWN_REASONS,
                  waiting_requests=waiting)


@router.get("/ui/inbox/{inbox_id:int}", response_class=HTMLResponse)
def arrived_message(request: Request, inbox_id: int, runtime: RuntimeDep,
                    session: SessionDep, user: ViewerUser) -> Response:
    """One message that arrived: its verdict, reasons and links."""
    row = session.get(ExchangeInboxMessage, inbox_id)
    if row is None or row.unit_id not in user.user.visible_unit_ids:
        raise NotFoundError("no such message", subject=f"message {inbox_id}")
    return render(request, "exchange/arrived.html", user=user,
                  secret=runtime.settings.url_secret(), row=_arrived(row, runtime),
                  known=KNOWN_REASONS)
