"""Home, login, logout, the first-run set-up and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import RuntimeDep
from api.transactions import CommitOnReturn
from api.web.session import (
    LANGUAGE_COOKIE,
    CsrfChecked,
    OptionalPageUserDep,
    end_session,
    flash,
    local_path,
    pre_session_csrf,
    secure_cookies,
    start_session,
    texts,
)
from api.web.templates import copy_cookies, render
from storage.accounts import has_users, login, revoke, set_up_first_admin
from storage.errors import AuthenticationError, BadInputError, TooManyAttemptsError

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _is_loopback(request: Request) -> bool:
    return request.client is not None and request.client.host in LOOPBACK


def _see_other(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep) -> Response:
    """The home page of the logged-in user; the login page, or the first-run set-up
    while no user exists."""
    if user is None:
        with runtime.db.session() as session:
            if not has_users(session):
                return _see_other("/setup")
        return _see_other("/login")
    return render(request, "home.html", user=user, secret=runtime.settings.url_secret())


def _login_form(request: Request, *, error: str | None = None, status: int = 200,
                username: str = "", next_path: str = "/") -> Response:
    holder = Response()
    csrf = pre_session_csrf(request, holder)
    page = render(request, "login.html", user=None, csrf=csrf, status=status, error=error,
                  username=username, next_path=next_path)
    return copy_cookies(holder, page)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalPageUserDep,
               next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    """The login form (the home page when already logged in)."""
    if user is not None:
        return _see_other(local_path(next))
    return _login_form(request, next_path=local_path(next))


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login_submit(request: Request, runtime: RuntimeDep,
                 username: Annotated[str, Form(max_length=200)],
                 password: Annotated[str, Form(max_length=1000)],
                 next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Check the password (throttled and locked out as the API's login) and start a
    session."""
    catalogue = texts(request)
    try:
        issued = login(runtime.db.session, username, password,
                       hours=runtime.settings.token_hours,
                       address=request.client.host if request.client else None,
                       policy=runtime.settings.login_policy())
    except TooManyAttemptsError as error:
        minutes = max(1, -(-error.retry_after // 60))
        return _login_form(request, error=catalogue.text("login.locked", minutes=minutes),
                           status=429, username=username, next_path=local_path(next))
    except AuthenticationError:
        return _login_form(request, error=catalogue.text("login.failed"), status=401,
                           username=username, next_path=local_path(next))
    response = _see_other(local_path(next))
    start_session(request, response, issued.token, runtime.settings.token_hours)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, runtime: RuntimeDep, user: OptionalPageUserDep) -> Response:
    """Revoke the session's token and forget the cookie."""
    if user is not None:
        with runtime.db.session() as session:
            revoke(session, user.token)
    response = _see_other("/login")
    end_session(response)
    flash(response, "login.logged_out")
    return response


def _setup_form(request: Request, *, errors: dict[str, str] | None = None,
                values: dict[str, str] | None = None, status: int = 200) -> Response:
    holder = Response()
    csrf = pre_session_csrf(request, holder)
    page = render(request, "setup.html", user=None, csrf=csrf, status=status,
                  errors=errors or {}, values=values or {}, allowed=_is_loopback(request))
    return copy_cookies(holder, page)


@router.get("/setup", response_class=HTMLResponse)
def setup_page(request: Request, runtime: RuntimeDep) -> Response:
    """The first-run form (only while no user exists; only from loopback)."""
    with runtime.db.session() as session:
        if has_users(session):
            return _see_other("/login")
    return _setup_form(request, status=200 if _is_loopback(request) else 403)


@router.post("/setup", response_class=HTMLResponse, dependencies=[CsrfChecked])
def setup_submit(request: Request, runtime: RuntimeDep,
                 unit_code: Annotated[str, Form(max_length=32)],
                 unit_name: Annotated[str, Form(max_length=300)],
                 username: Annotated[str, Form(max_length=64)],
                 password: Annotated[str, Form(max_length=1000)],
                 password_again: Annotated[str, Form(max_length=1000)]) -> Response:
    """Create the first unit and administrator, then log them in."""
    values = {"unit_code": unit_code, "unit_name": unit_name, "username": username}
    if not _is_loopback(request):
        return _setup_form(request, values=values, status=403)
    if password != password_again:
        return _setup_form(request, values=values, status=422,
                           errors={"password_again": texts(request).text("setup.mismatch")})
    try:
        with runtime.db.session() as session:
            set_up_first_admin(session, unit_code=unit_code, unit_name=unit_name,
                               username=username, password=password, actor=username)
    except BadInputError as error:
        field = {"unit code": "unit_code"}.get(error.subject or "", "password"
                                               if "password" in str(error) else "username")
        return _setup_form(request, values=values, status=422, errors={field: str(error)})
    issued = login(runtime.db.session, username, password, hours=runtime.settings.token_hours,
                   address=request.client.host if request.client else None,
                   policy=runtime.settings.login_policy())
    response = _see_other("/")
    start_session(request, response, issued.token, runtime.settings.token_hours)
    flash(response, "setup.done")
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str,
                    next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    """Remember the interface language (``vi`` or ``en``) and go back."""
    response = _see_other(local_path(next))
    if language in ("vi", "en"):
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600,
                            samesite="lax", secure=secure_cookies(request), path="/")
    return response
