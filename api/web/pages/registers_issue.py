"""Issue and send in one action (ban hành và gửi) for the records office: a signed
document numbered in the outgoing book and sent to the parties picked from the directory,
with the unit key's PIN; and the directory picker's search (an htmx partial the separate
send form uses too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles
from api.web.templates import render
from signing.errors import WrongPinError
from signing.exchange.directory import Party, exchange_directory
from signing.registers.issue import Numbering, Sending, issue_and_send
from signing.registers.symbols import OUTGOING_TYPES
from storage.access import visible_document
from storage.errors import BadInputError, ConflictError, SohoaError
from storage.records import Document
from storage.records.vocabulary import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ClerkUser = Annotated[PageUser, require_page_roles(UserRole.clerk)]
PICKER_LIMIT = 100
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=64)]
OrganIds = Annotated[list[str] | None, Form(max_length=64)]


@dataclass
class IssueForm:
    """The combined form as typed, and the catalogue key or text of each field's error."""

    doc_type: str = ""
    summary: str = ""
    signer: str = ""
    agency: str = ""
    copies: str = ""
    chosen: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def picker_parties(session: Session, page_user: PageUser, chosen: list[str], query: str = "",
                   ) -> list[tuple[Party, bool]]:
    """The picker's rows: the chosen parties first (checked), then the others matching
    ``query``, each once."""
    everyone = {party.organ_id: party for party in exchange_directory(
        session, page_user.user, limit=10_000)}
    first = [everyone[organ_id] for organ_id in dict.fromkeys(chosen) if organ_id in everyone]
    found = [party for party in exchange_directory(session, page_user.user, query,
                                                   limit=PICKER_LIMIT)
             if party.organ_id not in set(chosen)]
    return [(party, True) for party in first] + [(party, False) for party in found]


@router.get("/ui/directory", response_class=HTMLResponse)
def directory(request: Request, session: SessionDep, user: ClerkUser,
              q: Annotated[str, Query(max_length=200)] = "",
              to: Annotated[list[str] | None, Query(max_length=64)] = None) -> Response:
    """The picker's list for a search (diacritics folded), the chosen parties kept."""
    return render(request, "registers/_party_list.html", user=user,
                  rows=picker_parties(session, user, list(to or [])[:100], q))


def _document_fields(document: Document) -> IssueForm:
    fields = document.fields or {}
    doc_type = document.doc_type if document.doc_type in OUTGOING_TYPES else ""
    return IssueForm(doc_type=doc_type or "", summary=str(fields.get("trich_yeu") or ""),
                     signer=str(fields.get("nguoi_ky") or ""))


def _page(request: Request, runtime: RuntimeDep, session: Session, user: PageUser,
          document: Document, form: IssueForm, *, status: int = 200) -> Response:
    return render(request, "registers/issue.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), document=document, form=form,
                  outgoing_types=OUTGOING_TYPES,
                  rows=picker_parties(session, user, form.chosen))


@router.get("/ui/registers/outgoing/{document_id}/issue", response_class=HTMLResponse)
def issue_form(request: Request, document_id: int, runtime: RuntimeDep, session: SessionDep,
               user: ClerkUser) -> Response:
    """The combined form for a signed document: numbering, recipients, PIN."""
    document = visible_document(session, user.user, document_id)
    return _page(request, runtime, session, user, document, _document_fields(document))


def _field_of(error: SohoaError) -> str:
    if isinstance(error, WrongPinError) or "exchange key" in (error.subject or ""):
        return "pin"
    if error.subject in ("to", "summary", "copies", "doc_type", "pin"):
        return error.subject
    return "document"


@router.post("/ui/registers/outgoing/{document_id}/issue", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def issue(request: Request, document_id: int, runtime: RuntimeDep, session: SessionDep,
          user: ClerkUser, doc_type: Short = "", summary: Text = "", signer: Text = "",
          agency: Short = "", copies: Short = "", to: OrganIds = None,
          pin: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Number the document in the outgoing book and send it to the chosen parties, or
    (any refusal) neither; errors beside their fields."""
    document = visible_document(session, user.user, document_id)
    form = IssueForm(doc_type=doc_type, summary=summary, signer=signer, agency=agency,
                     copies=copies, chosen=list(to or [])[:100])
    if doc_type not in OUTGOING_TYPES:
        form.errors["doc_type"] = "registers.error_doc_type"
    if not summary.strip():
        form.errors["summary"] = "registers.error_summary"
    if not form.chosen:
        form.errors["to"] = "registers.error_to"
    if not pin:
        form.errors["pin"] = "registers.error_pin"
    count = int(copies) if copies.strip().isdigit() else None
    if copies.strip() and count is None:
        form.errors["copies"] = "registers.error_count"
    if not form.errors:
        numbering = Numbering(doc_type=doc_type, summary=summary, signer=signer,
                              agency=agency.strip() or None, copies=count)
        sending = Sending(runtime.store, runtime.queue, runtime.settings.key_file_sealer(),
                          pin)
        try:
            issued = issue_and_send(session, user.user, document.id, numbering, form.chosen,
                                    sending)
        except (BadInputError, ConflictError) as error:
            session.rollback()
            form.errors[_field_of(error)] = str(error)
    if form.errors:
        return _page(request, runtime, session, user, document, form, status=422)
    response = RedirectResponse(f"/ui/registers/entries/{issued.entry.id}", status_code=303)
    flash(response, "registers.issued_sent")
    return response
