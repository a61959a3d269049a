"""The registers' pages (Decree 30) for the records office; leaders view and assign, a
handler returns or closes what was given to them: the books of a year, the incoming book
with the documents waiting to be registered (a scan's fields proposed for the clerk to
confirm), the outgoing book with the signed documents to number, an entry with its
assignment, the skipped numbers, the book as PDF, CSV and Excel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.exchange_wiring import answer_statuses
from api.transactions import CommitOnReturn
from api.web.pages.registers_forms import IncomingForm, handlers_from_form
from api.web.session import CsrfChecked, PageUser, PageUserDep, flash, require_page_roles
from api.web.templates import render
from ingest.classify import DOC_TYPES
from signing.registers.arrival import IncomingProposal, propose_incoming, register_arrived
from signing.registers.assignment import (
    assign_entry,
    entry_assignments,
    entry_events,
    finish_entry,
    holds_assignment,
    return_entry,
    unit_handlers,
)
from signing.registers.entries import (
    ArrivalNumberTakenError,
    IncomingFields,
    book_entries,
    book_years,
    edit_incoming,
    has_arrival_report,
    number_outgoing,
    unregistered_documents,
    visible_entry,
    void_entry,
)
from signing.registers.export import (
    XLSX_MEDIA_TYPE,
    book_csv,
    book_pdf,
    book_xlsx,
    register_book,
)
from signing.registers.numbering import VIETNAM, vietnam_day
from signing.registers.report import skipped_numbers
from signing.registers.symbols import OUTGOING_TYPES
from storage.access import visible_document
from storage.errors import BadInputError, ConflictError, PermissionDeniedError
from storage.records import Document, utcnow
from storage.records.models import RegisterEntry
from storage.records.vocabulary import (
    Confidentiality,
    EntrySource,
    RegisterKind,
    Urgency,
    UserRole,
)

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ClerkUser = Annotated[PageUser, require_page_roles(UserRole.clerk)]
ViewerUser = Annotated[PageUser, require_page_roles(UserRole.clerk, UserRole.leader)]
LeaderUser = Annotated[PageUser, require_page_roles(UserRole.leader)]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
FIELD_ERRORS = {"sub_of": "registers.error_sub_of", "summary": "registers.error_summary",
                "arrived_on": "registers.error_arrived_late",
                "arrival_number": "registers.error_arrival_number"}
"""Catalogue keys of the domain's refusals shown beside a field of the incoming form."""


def _see_other(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def _this_year() -> int:
    return vietnam_day(utcnow()).year


def _local_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _choices() -> dict[str, Any]:
    return {"confidentialities": list(Confidentiality), "urgencies": list(Urgency),
            "outgoing_types": OUTGOING_TYPES, "doc_types": DOC_TYPES}


@router.get("/ui/registers", response_class=HTMLResponse)
def books(request: Request, runtime: RuntimeDep, session: SessionDep, user: ViewerUser,
          year: YearQuery = None) -> Response:
    """The unit's two books in a year: entries, last number, skipped numbers."""
    year = year or _this_year()
    unit_id = user.user.unit_id
    summary = []
    for kind in RegisterKind:
        entries = book_entries(session, unit_id, kind, year)
        summary.append((kind, len(entries), max((e.number for e in entries), default=0),
                        len(skipped_numbers(session, unit_id, kind, year))))
    years = sorted({*book_years(session, unit_id), _this_year(), year}, reverse=True)
    return render(request, "registers/books.html", user=user,
                  secret=runtime.settings.url_secret(), year=year, years=years,
                  summary=summary)


def _book_page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser,
               kind: RegisterKind, year: int, *, errors: dict[str, str] | None = None,
               status: int = 200) -> Response:
    years = sorted({*book_years(session, user.user.unit_id), _this_year(), year}, reverse=True)
    waiting = (unregistered_documents(session, user.user, kind)
               if user.role in (UserRole.clerk, UserRole.admin) else [])
    return render(request, f"registers/{kind.value}.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), kind=kind, year=year, years=years,
                  entries=book_entries(session, user.user.unit_id, kind, year),
                  waiting=waiting, errors=errors or {}, **_choices())


@router.get("/ui/registers/{kind}", response_class=HTMLResponse)
def book(request: Request, kind: RegisterKind, runtime: RuntimeDep, session: SessionDep,
         user: ViewerUser, year: YearQuery = None) -> Response:
    """One book of the year, and (for the records office) the documents waiting for it."""
    return _book_page(request, runtime, session, user, kind, year or _this_year())


@router.get("/ui/registers/incoming/new", response_class=HTMLResponse)
def new_incoming(request: Request, runtime: RuntimeDep, session: SessionDep, user: ClerkUser,
                 document_id: Annotated[int | None, Query()] = None) -> Response:
    """The incoming entry form, filled from a scanned document's fields to confirm, with
    its arrival stamp's number and day when that number is free in the book."""
    document = visible_document(session, user.user, document_id) if document_id else None
    if document is None:
        return _incoming_form(request, runtime, user, IncomingForm.of(IncomingFields()), None)
    proposal = propose_incoming(session, user.user, document)
    form = IncomingForm.of(proposal.values).propose(proposal.arrival)
    return _incoming_form(request, runtime, user, form, document_id, proposal=proposal)


def _incoming_form(request: Request, runtime: RuntimeDep, user: PageUser, form: IncomingForm,
                   document_id: int | None, *, entry: RegisterEntry | None = None,
                   proposal: IncomingProposal | None = None, status: int = 200) -> Response:
    return render(request, "registers/incoming_form.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), form=form, document_id=document_id,
                  entry=entry, proposal=proposal, **_choices())


def _incoming_values(sender: str, issuing_agency: str, symbol: str, doc_type: str,
                     summary: str, signer: str, issued_on: str, confidentiality: str,
                     urgency: str, due_date: str, sheets: str, copies: str,
                     paper_copy: str) -> IncomingForm:
    return IncomingForm(sender=sender, issuing_agency=issuing_agency, symbol=symbol,
                        doc_type=doc_type, summary=summary, signer=signer, issued_on=issued_on,
                        confidentiality=confidentiality, urgency=urgency, due_date=due_date,
                        sheets=sheets, copies=copies, paper_copy=bool(paper_copy))


def _proposal(session: SessionDep, user: PageUser,
              document: Document | None) -> IncomingProposal | None:
    return propose_incoming(session, user.user, document) if document is not None else None


Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=64)]


@router.post("/ui/registers/incoming", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def create_incoming(request: Request, runtime: RuntimeDep, session: SessionDep,
                    user: ClerkUser, summary: Text = "", sender: Text = "",
                    issuing_agency: Text = "", symbol: Short = "", doc_type: Short = "",
                    signer: Text = "", issued_on: Short = "", confidentiality: Short = "thuong",
                    urgency: Short = "thuong", due_date: Short = "", sheets: Short = "",
                    copies: Short = "", paper_copy: Short = "", sub_of: Short = "",
                    arrival_number: Short = "", arrived_on: Short = "",
                    document_id: Annotated[int | None, Form()] = None) -> Response:
    """Register an arrived document with the fields the clerk confirmed, under the arrival
    number and day given (the stamp's, proposed) or the next number of today."""
    form = _incoming_values(sender, issuing_agency, symbol, doc_type, summary, signer,
                            issued_on, confidentiality, urgency, due_date, sheets, copies,
                            paper_copy)
    document = visible_document(session, user.user, document_id) if document_id else None
    form.sub_of, form.arrival_number, form.arrived_on = sub_of, arrival_number, arrived_on
    parent = form.sub_number_of()
    number, day = form.arrival()
    values = form.parsed()
    if values is None:
        return _incoming_form(request, runtime, user, form, document_id, status=422,
                              proposal=_proposal(session, user, document))
    try:
        entry = register_arrived(session, user.user, values, document=document,
                                 sub_of=parent, arrival_number=number, arrived_on=day)
    except ArrivalNumberTakenError as error:
        session.rollback()
        form.errors["arrival_number"] = "registers.error_arrival_taken"
        form.error_args["arrival_number"] = {"number": error.number, "year": error.year}
        return _incoming_form(request, runtime, user, form, document_id, status=409,
                              proposal=_proposal(session, user, document))
    except BadInputError as error:
        session.rollback()
        subject = error.subject or "summary"
        form.errors[subject] = FIELD_ERRORS.get(subject, str(error))
        return _incoming_form(request, runtime, user, form, document_id, status=422,
                              proposal=_proposal(session, user, document))
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.registered")
    return response


@router.post("/ui/registers/outgoing", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def create_outgoing(request: Request, runtime: RuntimeDep, session: SessionDep,
                    user: ClerkUser, document_id: Annotated[int, Form()],
                    doc_type: Short, summary: Text = "", recipients: Text = "",
                    signer: Text = "", agency: Short = "",
                    copies: Annotated[int | None, Form(ge=0, le=100000)] = None) -> Response:
    """Number a signed document in the outgoing book (before the agency seal)."""
    document = visible_document(session, user.user, document_id)
    if doc_type not in OUTGOING_TYPES:
        raise BadInputError("unknown document type", subject="doc_type")
    try:
        entry = number_outgoing(session, user.user, document, doc_type=doc_type,
                                summary=summary, recipients=recipients, signer=signer,
                                agency=agency.strip() or None, copies=copies)
    except BadInputError as error:
        session.rollback()
        return _book_page(request, runtime, session, user, RegisterKind.outgoing, _this_year(),
                          errors={f"summary-{document_id}": str(error)}, status=422)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.numbered")
    return response


def _require_viewer(session: SessionDep, user: PageUser, entry: RegisterEntry) -> None:
    if user.role in (UserRole.clerk, UserRole.leader, UserRole.admin):
        return
    if not holds_assignment(session, user.user, entry):
        raise PermissionDeniedError("this page needs the role clerk, leader")


def _entry_page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser,
                entry: RegisterEntry, *, form: IncomingForm | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    editable = (entry.kind == RegisterKind.incoming and entry.source != EntrySource.exchange
                and entry.state != "void" and user.role in (UserRole.clerk, UserRole.admin))
    return render(request, "registers/entry.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), entry=entry,
                  form=form or IncomingForm.of(IncomingFields(**{
                      name: getattr(entry, name) for name in IncomingFields.__dataclass_fields__})),
                  editable=editable, assignments=entry_assignments(session, entry),
                  events=entry_events(session, entry), errors=errors or {},
                  handlers=unit_handlers(session, entry.unit_id)
                  if user.role in (UserRole.leader, UserRole.admin) else [],
                  holder=holds_assignment(session, user.user, entry),
                  has_report=has_arrival_report(session, entry),
                  local_time=_local_time, **_choices())


@router.get("/ui/registers/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(request: Request, entry_id: int, runtime: RuntimeDep, session: SessionDep,
               user: PageUserDep) -> Response:
    """An entry's particulars, its assignment and trail, and the forms each role may use."""
    entry = visible_entry(session, user.user, entry_id)
    _require_viewer(session, user, entry)
    return _entry_page(request, runtime, session, user, entry)


@router.post("/ui/registers/entries/{entry_id}", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def edit_entry(request: Request, entry_id: int, runtime: RuntimeDep, session: SessionDep,
               user: ClerkUser, summary: Text = "", sender: Text = "",
               issuing_agency: Text = "", symbol: Short = "", doc_type: Short = "",
               signer: Text = "", issued_on: Short = "", confidentiality: Short = "thuong",
               urgency: Short = "thuong", due_date: Short = "", sheets: Short = "",
               copies: Short = "", paper_copy: Short = "") -> Response:
    """Correct an incoming entry (refused for one filled from an exchange message)."""
    entry = visible_entry(session, user.user, entry_id)
    form = _incoming_values(sender, issuing_agency, symbol, doc_type, summary, signer,
                            issued_on, confidentiality, urgency, due_date, sheets, copies,
                            paper_copy)
    values = form.parsed()
    if values is None:
        return _entry_page(request, runtime, session, user, entry, form=form, status=422)
    edit_incoming(session, user.user, entry, values)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.saved")
    return response


@router.post("/ui/registers/entries/{entry_id}/void", dependencies=[CsrfChecked])
def void(request: Request, entry_id: int, runtime: RuntimeDep, session: SessionDep,
         user: ClerkUser, reason: Text = "") -> Response:
    """Cancel an entry; its number shows in the skipped-numbers report."""
    entry = visible_entry(session, user.user, entry_id)
    try:
        void_entry(session, user.user, entry, reason)
    except BadInputError as error:
        return _entry_page(request, runtime, session, user, entry,
                           errors={"reason": str(error)}, status=422)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.voided")
    return response


@router.post("/ui/registers/entries/{entry_id}/assign", dependencies=[CsrfChecked])
def assign(request: Request, entry_id: int, runtime: RuntimeDep, session: SessionDep,
           user: LeaderUser, note: Text = "",
           handler: Annotated[list[str] | None, Form(max_length=64)] = None,
           part: Annotated[list[str] | None, Form(max_length=16)] = None,
           deadline: Annotated[list[str] | None, Form(max_length=16)] = None) -> Response:
    """A leader's note (bút phê), one lead handler and support handlers with deadlines."""
    entry = visible_entry(session, user.user, entry_id)
    lead, support, problem = handlers_from_form(handler or [], part or [], deadline or [])
    if lead is None:
        return _entry_page(request, runtime, session, user, entry,
                           errors={"assign": problem}, status=422)
    try:
        assign_entry(session, user.user, entry, note=note, lead=lead, support=support)
        answer_statuses(runtime, session, entry.unit_id)
    except (BadInputError, ConflictError) as error:
        session.rollback()
        return _entry_page(request, runtime, session, user, entry,
                           errors={"assign_text": str(error)}, status=422)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.assigned")
    return response


@router.post("/ui/registers/entries/{entry_id}/return", dependencies=[CsrfChecked])
def give_back(request: Request, entry_id: int, runtime: RuntimeDep, session: SessionDep,
              user: PageUserDep, reason: Text = "") -> Response:
    """A handler returns a misrouted document with the reason."""
    entry = visible_entry(session, user.user, entry_id)
    try:
        return_entry(session, user.user, entry, reason)
        answer_statuses(runtime, session, entry.unit_id)
    except BadInputError as error:
        return _entry_page(request, runtime, session, user, entry,
                           errors={"return": str(error)}, status=422)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.returned")
    return response


@router.post("/ui/registers/entries/{entry_id}/done", dependencies=[CsrfChecked])
def done(entry_id: int, runtime: RuntimeDep, session: SessionDep,
         user: PageUserDep) -> Response:
    """The lead handler closes the document."""
    entry = visible_entry(session, user.user, entry_id)
    finish_entry(session, user.user, entry)
    answer_statuses(runtime, session, entry.unit_id)
    response = _see_other(f"/ui/registers/entries/{entry.id}")
    flash(response, "registers.finished")
    return response


@router.get("/ui/registers/{kind}/skipped", response_class=HTMLResponse)
def skipped(request: Request, kind: RegisterKind, runtime: RuntimeDep, session: SessionDep,
            user: ViewerUser, year: YearQuery = None) -> Response:
    """Numbers of the year's book with no live entry: voided or missing."""
    year = year or _this_year()
    return render(request, "registers/skipped.html", user=user,
                  secret=runtime.settings.url_secret(), kind=kind, year=year,
                  skipped=skipped_numbers(session, user.user.unit_id, kind, year))


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@router.get("/ui/registers/{kind}/book.pdf")
def book_as_pdf(kind: RegisterKind, session: SessionDep, user: ViewerUser,
                year: YearQuery = None) -> Response:
    """The year's book printed as the register book (A4 landscape)."""
    year = year or _this_year()
    data = book_pdf(register_book(session, user.user.unit_id, kind, year))
    return _download(data, "application/pdf", f"so-{kind.value}-{year}.pdf")


@router.get("/ui/registers/{kind}/book.csv")
def book_as_csv(kind: RegisterKind, session: SessionDep, user: ViewerUser,
                year: YearQuery = None) -> Response:
    """The year's book as CSV (formula-safe cells)."""
    year = year or _this_year()
    data = book_csv(register_book(session, user.user.unit_id, kind, year))
    return _download(data, "text/csv; charset=utf-8", f"so-{kind.value}-{year}.csv")


@router.get("/ui/registers/{kind}/book.xlsx")
def book_as_xlsx(kind: RegisterKind, session: SessionDep, user: ViewerUser,
                 year: YearQuery = None) -> Response:
    """The year's book as an Excel workbook (the PDF's columns, formula-safe cells)."""
    year = year or _this_year()
    data = book_xlsx(register_book(session, user.user.unit_id, kind, year))
    return _download(data, XLSX_MEDIA_TYPE, f"so-{kind.value}-{year}.xlsx")
