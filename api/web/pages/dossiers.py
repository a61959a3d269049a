"""The dossier list (filters, sorting, paging, full-text search) and the new-dossier form
with its due date computed as the days are typed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.pages.dossiers_format import DOSSIER_ROLES, day, template_helpers
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles, texts
from api.web.templates import render
from ingest.dossier_views import (
    DossierQuery,
    SortKey,
    list_dossiers,
    search_dossiers,
    visible_units,
)
from ingest.dossiers import NewDossier, create_dossier, due_date
from ingest.errors import IntakeInputError
from storage.access import visible_unit
from storage.records import DossierStatus, UserRole, unit_subtree_ids
from storage.search import SearchQueryError

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
PAGE_SIZE = 25
MAX_DUE_WITHIN = 3660
Reader = Annotated[PageUser, require_page_roles(*DOSSIER_ROLES)]
Intake = Annotated[PageUser, require_page_roles(UserRole.intake)]
Text = Annotated[str, Query(max_length=200)]


def received_now() -> datetime:
    """The moment a dossier filled in now is received (replaced in tests)."""
    return datetime.now(UTC)


def _number(text: str, *, low: int, high: int) -> int | None:
    value = text.strip()
    if not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if low <= number <= high else None


def _status(text: str) -> DossierStatus | None:
    try:
        return DossierStatus(text) if text else None
    except ValueError:
        return None


@router.get("/ui/dossiers", response_class=HTMLResponse)
def dossier_list(request: Request, runtime: RuntimeDep, session: SessionDep, user: Reader,
                 status: Text = "", due_within: Text = "", overdue: Text = "",
                 unit: Text = "", procedure: Text = "", q: Annotated[str, Query(
                     max_length=500)] = "", sort: Text = "received", order: Text = "desc",
                 page: Text = "1") -> Response:
    """The dossiers of the user's units: filtered, sorted and paged by the database, or
    the documents that hold the words of ``q`` with their dossiers."""
    unit_ids: set[int] = set(user.user.visible_unit_ids)
    if unit:
        unit_ids &= unit_subtree_ids(session, visible_unit(session, user.user, unit).id)
    number = _number(page, low=1, high=10**6) or 1
    key = SortKey(sort) if sort in SortKey.__members__ else SortKey.received
    query = DossierQuery(
        unit_ids=unit_ids, status=_status(status),
        due_within=_number(due_within, low=0, high=MAX_DUE_WITHIN),
        overdue=overdue in ("1", "on", "true"),
        procedure=procedure, sort=key, descending=order != "asc", limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE)
    filters = {"status": status, "due_within": due_within, "overdue": overdue,
               "unit": unit, "procedure": procedure, "q": q}
    hits, search_error, listing = None, None, None
    if q.strip():
        try:
            hits = search_dossiers(session, q, unit_ids, limit=PAGE_SIZE,
                                   offset=query.offset, today=query.today)
        except SearchQueryError:
            search_error = texts(request).text("dossiers.search_no_words")
            hits = []
    else:
        listing = list_dossiers(session, query)

    def link(**changes: object) -> str:
        values = {**filters, "sort": key.value, "order": "desc" if query.descending else "asc",
                  "page": str(number), **{name: str(value) for name, value in changes.items()}}
        return "/ui/dossiers?" + urlencode({k: v for k, v in values.items() if v})

    partial = request.headers.get("hx-target") == "dossier-results"
    return render(request, "dossiers/_results.html" if partial else "dossiers/list.html",
                  user=user, secret=runtime.settings.url_secret(), listing=listing, hits=hits,
                  search_error=search_error, filters=filters, sort=key.value,
                  descending=query.descending, page=number, link=link,
                  units=visible_units(session, user.user.visible_unit_ids),
                  today=query.today, page_size=PAGE_SIZE, **template_helpers())


def _due_preview(runtime: RuntimeDep, days_text: str) -> tuple[str | None, bool]:
    days = _number(days_text, low=0, high=365)
    if days is None:
        return None, bool(days_text.strip())
    calendar = runtime.settings.working_calendar()
    return day(due_date(calendar, received_now(), days)), False


@router.get("/ui/dossiers/due-date", response_class=HTMLResponse)
def due_date_preview(request: Request, runtime: RuntimeDep, user: Intake,
                     processing_days: Text = "") -> Response:
    """The return date of a dossier received now with ``processing_days`` working days
    (the calendar creation uses), as a small fragment for the new-dossier form."""
    due, bad = _due_preview(runtime, processing_days)
    return render(request, "dossiers/_due.html", user=user, due=due, bad=bad)


def _new_form(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser, *,
              values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
              status: int = 200) -> Response:
    values = values or {"processing_days": ""}
    due, _ = _due_preview(runtime, values.get("processing_days", ""))
    return render(request, "dossiers/new.html", user=user, secret=runtime.settings.url_secret(),
                  status=status, values=values, errors=errors or {}, due=due, bad=False,
                  units=visible_units(session, user.user.visible_unit_ids),
                  **template_helpers())


@router.get("/ui/dossiers/new", response_class=HTMLResponse)
def new_dossier_form(request: Request, runtime: RuntimeDep, session: SessionDep,
                     user: Intake) -> Response:
    """The form intake staff fill in at the counter."""
    return _new_form(request, runtime, session, user)


def _field_error(request: Request, error: IntakeInputError) -> tuple[str, str]:
    field = error.subject if error.subject in ("procedure_code", "procedure_name",
                                               "applicant_name", "applicant_id_number",
                                               "processing_days") else "procedure_code"
    catalogue = texts(request)
    if field == "applicant_id_number":
        return field, catalogue.text("dossiers.error.id_number")
    if field == "processing_days":
        return field, catalogue.text("dossiers.error.days")
    if "empty" in str(error):
        return field, catalogue.text("dossiers.error.required")
    return field, catalogue.text("dossiers.error.invalid")


@router.post("/ui/dossiers/new", response_class=HTMLResponse, dependencies=[CsrfChecked])
def new_dossier_submit(request: Request, runtime: RuntimeDep, session: SessionDep, user: Intake,
                       procedure_code: Annotated[str, Form(max_length=200)] = "",
                       procedure_name: Annotated[str, Form(max_length=1000)] = "",
                       applicant_name: Annotated[str, Form(max_length=500)] = "",
                       applicant_id_number: Annotated[str, Form(max_length=40)] = "",
                       processing_days: Annotated[str, Form(max_length=20)] = "",
                       unit: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Register the dossier (the use case the API's ``POST /dossiers`` calls), then show
    its page; a refused value is shown beside its field."""
    values = {"procedure_code": procedure_code, "procedure_name": procedure_name,
              "applicant_name": applicant_name, "applicant_id_number": applicant_id_number,
              "processing_days": processing_days,
              "unit": unit}
    days = _number(processing_days, low=0, high=365)
    if days is None:
        return _new_form(request, runtime, session, user, values=values, status=422, errors={
            "processing_days": texts(request).text("dossiers.error.days")})
    unit_id = visible_unit(session, user.user, unit).id if unit else user.user.unit_id
    try:
        dossier = create_dossier(
            session, NewDossier(procedure_code=procedure_code, applicant_name=applicant_name,
                                processing_days=days, unit_id=unit_id,
                                procedure_name=procedure_name,
                                applicant_id_number=applicant_id_number),
            actor=user.user.username, created_by_id=user.user.id,
            calendar=runtime.settings.working_calendar(), received_at=received_now())
    except IntakeInputError as error:
        session.rollback()
        field, message = _field_error(request, error)
        return _new_form(request, runtime, session, user, values=values, status=422,
                         errors={field: message})
    response = RedirectResponse(f"/ui/dossiers/{dossier.id}", status_code=303)
    flash(response, "dossiers.created")
    return response
