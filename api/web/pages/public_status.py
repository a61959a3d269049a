"""The public status page (no login): a citizen types the dossier code and check code of
their receipt (or follows its QR code) and sees the status and return date, nothing else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.deps import RuntimeDep
from api.transactions import CommitOnReturn
from api.web.pages.dossiers_format import badge, day
from api.web.session import (
    SESSION_COOKIE,
    CsrfChecked,
    OptionalPageUserDep,
    csrf_for,
    pre_session_csrf,
)
from api.web.templates import copy_cookies, render
from ingest.receipts import PublicStatus, look_up_status
from storage.errors import NotFoundError, TooManyAttemptsError

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
Code = Annotated[str, Form(max_length=64)]


def _page(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep, *,
          code: str = "", check: str = "", found: PublicStatus | None = None,
          outcome: str | None = None, status: int = 200, minutes: int = 0) -> Response:
    holder = Response()
    session_token = request.cookies.get(SESSION_COOKIE)
    csrf = csrf_for(runtime.settings.url_secret(), session_token) if session_token \
        else pre_session_csrf(request, holder)
    page = render(request, "status/page.html", user=user, csrf=csrf, status=status,
                  code=code, check=check, found=found, outcome=outcome, minutes=minutes,
                  day=day, badge=badge)
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Referrer-Policy"] = "no-referrer"  # the check code is in the address
    return copy_cookies(holder, page)


def _look_up(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep, code: str,
             check: str) -> Response:
    settings = runtime.settings
    try:
        found = look_up_status(runtime.db.session, settings.url_secret(), code, check,
                               address=request.client.host if request.client else None,
                               limits=settings.attempt_limits(
                                   settings.login_address_max_failures))
    except TooManyAttemptsError as error:
        return _page(request, runtime, user, code=code, check=check, outcome="locked",
                     status=429, minutes=max(1, -(-error.retry_after // 60)))
    except NotFoundError:
        return _page(request, runtime, user, code=code, check=check, outcome="not_found",
                     status=404)
    return _page(request, runtime, user, code=code, check=check, found=found, outcome="found")


@router.get("/status", response_class=HTMLResponse)
def status_page(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep,
                code: Annotated[str, Query(max_length=64)] = "",
                check: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The look-up form; with ``code`` and ``check`` (the receipt's QR code) the answer."""
    if code.strip() and check.strip():
        return _look_up(request, runtime, user, code, check)
    return _page(request, runtime, user, code=code, check=check)


@router.post("/status", response_class=HTMLResponse, dependencies=[CsrfChecked])
def status_submit(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep,
                  code: Code = "", check: Code = "") -> Response:
    """The answer to the look-up form: the status and return date, or "not found"."""
    return _look_up(request, runtime, user, code, check)
