"""Revoke, update, replace between units in the web UI (issue 15 part 6), for the
records office: on the sending side a form per sent document (revoke with a reason, or
send a signed document as its update or replacement); on the receiving side the
requests that arrived, each waiting one with accept / refuse (a reason required), and the
history of the documents their senders withdrew."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.exchange_wiring import inbox_setup, vietnam_now
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles
from api.web.templates import render
from signing.exchange.inbox import inbox_messages
from signing.exchange.revocation import (
    REPLACE,
    REVOKE,
    UPDATE,
    decide_request,
    exchange_requests,
    replace_sent,
    revoke_sent,
)
from signing.exchange.statuses import DOCUMENT_KINDS
from storage.errors import NotFoundError, SohoaError
from storage.records import Document, DocumentStatus
from storage.records.models import ExchangeOutboxMessage
from storage.records.vocabulary import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ClerkUser = Annotated[PageUser, require_page_roles(UserRole.clerk)]
ViewerUser = Annotated[PageUser, require_page_roles(UserRole.clerk, UserRole.leader)]
ACTIONS = {"revoke": REVOKE, "update": UPDATE, "replace": REPLACE}


@router.get("/ui/inbox/requests", response_class=HTMLResponse)
def requests_page(request: Request, runtime: RuntimeDep, session: SessionDep,
                  user: ViewerUser) -> Response:
    """The revocations, updates and replacements that arrived: waiting ones first."""
    return render(request, "exchange/requests.html", user=user,
                  secret=runtime.settings.url_secret(),
                  rows=exchange_requests(session, user.user), errors={})


@router.post("/ui/inbox/requests/{request_id}", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def decide(request: Request, request_id: int, runtime: RuntimeDep, session: SessionDep,
           user: ClerkUser, decision: Annotated[str, Form(max_length=8)] = "",
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Accept (15) or refuse (16, the reason required) a waiting request."""
    if decision not in ("accept", "refuse"):
        errors = {request_id: "exchreq.error_decision"}
    elif decision == "refuse" and not reason.strip():
        errors = {request_id: "exchreq.error_reason"}
    else:
        try:
            decide_request(session, runtime.store, runtime.queue, inbox_setup(runtime),
                           user.user, request_id, accept=decision == "accept",
                           reason=reason, now=vietnam_now())
        except NotFoundError:
            raise
        except SohoaError as error:
            session.rollback()
            errors = {request_id: str(error)}
        else:
            response = RedirectResponse("/ui/inbox/requests", status_code=303)
            flash(response, f"exchreq.decided_{decision}")
            return response
    return render(request, "exchange/requests.html", user=user, status=422,
                  secret=runtime.settings.url_secret(),
                  rows=exchange_requests(session, user.user), errors=errors)


@router.get("/ui/inbox/history", response_class=HTMLResponse)
def history(request: Request, runtime: RuntimeDep, session: SessionDep,
            user: ViewerUser) -> Response:
    """Every document that arrived, those withdrawn by their sender included."""
    rows = [row for row in inbox_messages(session, user.user, history=True)
            if row.withdrawn_at is not None]
    return render(request, "exchange/history.html", user=user,
                  secret=runtime.settings.url_secret(), rows=rows)


def _sent(session: SessionDep, user: PageUser, outbox_id: int) -> ExchangeOutboxMessage:
    row = session.get(ExchangeOutboxMessage, outbox_id)
    if row is None or row.kind not in DOCUMENT_KINDS \
            or row.unit_id not in user.user.visible_unit_ids:
        raise NotFoundError("no such sent message", subject=f"message {outbox_id}")
    return row


def _revoke_page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser,
                 row: ExchangeOutboxMessage, *, errors: dict[str, str] | None = None,
                 status: int = 200) -> Response:
    documents = list(session.scalars(select(Document).where(
        Document.unit_id == row.unit_id, Document.status == DocumentStatus.signed,
        Document.id != (row.document_id or 0)).order_by(Document.id.desc()).limit(200)))
    return render(request, "exchange/revoke.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), row=row, documents=documents,
                  errors=errors or {})


@router.get("/ui/outgoing/{outbox_id}/revoke", response_class=HTMLResponse)
def revoke_form(request: Request, outbox_id: int, runtime: RuntimeDep, session: SessionDep,
                user: ClerkUser) -> Response:
    """The form to revoke a sent document or send its update or replacement."""
    return _revoke_page(request, runtime, session, user, _sent(session, user, outbox_id))


@router.post("/ui/outgoing/{outbox_id}/revoke", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def revoke(request: Request, outbox_id: int, runtime: RuntimeDep, session: SessionDep,
           user: ClerkUser, action: Annotated[str, Form(max_length=8)] = "revoke",
           reason: Annotated[str, Form(max_length=2000)] = "",
           document_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
           pin: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Revoke (business 1), or send the chosen signed document as the update (2) or
    replacement (3); errors beside their field."""
    row = _sent(session, user, outbox_id)
    errors: dict[str, str] = {}
    if action not in ACTIONS:
        errors["action"] = "exchreq.error_action"
    if not reason.strip():
        errors["reason"] = "exchreq.error_reason"
    if not pin:
        errors["pin"] = "exchange.error_pin"
    if action in ("update", "replace") and document_id is None:
        errors["document_id"] = "exchange.error_document"
    if not errors:
        try:
            if action == "revoke":
                revoke_sent(session, runtime.store, runtime.queue,
                            runtime.settings.key_file_sealer(), user.user, outbox_id, reason,
                            pin, now=vietnam_now())
            else:
                assert document_id is not None
                replace_sent(session, runtime.store, runtime.queue,
                             runtime.settings.key_file_sealer(), user.user, outbox_id,
                             document_id, reason, pin, now=vietnam_now(),
                             business=ACTIONS[action])
        except SohoaError as error:
            session.rollback()
            text = str(error)
            field = "pin" if "pin" in text.lower() or "password" in text.lower() else (
                "reason" if (error.subject or "") == "reason" else (
                    "document_id" if (error.subject or "").startswith("document") else "action"))
            errors[field] = text
    if errors:
        return _revoke_page(request, runtime, session, user, row, errors=errors, status=422)
    response = RedirectResponse(f"/ui/outgoing/{outbox_id}", status_code=303)
    flash(response, f"exchreq.sent_{action}")
    return response
