"""Errors on pages: the same typed errors as the JSON API, answered as an HTML page in the
user's language (or, for a page that needs a login, a redirect to the login page).

:mod:`api.problems` stays the one place mapping errors to status codes; it hands a page
request's error to :func:`page_error` (through ``app.state.page_errors``).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.responses import RedirectResponse, Response

from api.web.session import LOGIN_PATH, CsrfRejectedError, LoginRequired, optional_page_user, texts
from api.web.templates import render

PAGE_PREFIXES = ("/ui/", "/login", "/logout", "/setup", "/status/", "/lang/")


def is_page_path(path: str) -> bool:
    """Whether ``path`` is a web page's (not the JSON API's)."""
    return path in ("/", "/ui", "/status") or path.startswith(PAGE_PREFIXES)


def is_page(request: Request) -> bool:
    """Whether ``request`` is for a web page (not the JSON API)."""
    return is_page_path(request.url.path)


def page_error(request: Request, status: int, detail: str,
               headers: dict[str, str] | None = None, *, csrf: bool = False) -> Response:
    """An error page: the status's title in the user's language and the error's words."""
    catalogue = texts(request)
    user = None
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None and status not in (500, 503):
        try:
            user = optional_page_user(request, runtime)
        except Exception:
            user = None
    title = catalogue.text(f"error.{status}") if f"error.{status}" in catalogue.texts \
        else catalogue.text("error.title")
    message = catalogue.text("error.csrf") if csrf else detail
    if request.headers.get("hx-request"):
        return render(request, "partials/error.html", user=user, status=status,
                      headers=headers, title=title, message=message)
    return render(request, "error.html", user=user, status=status, headers=headers,
                  title=title, message=message)


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    target = f"{LOGIN_PATH}?next={quote(error.next_path, safe='/')}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


class PageErrors:
    """What :mod:`api.problems` asks before answering JSON."""

    handles = staticmethod(is_page)

    @staticmethod
    def answer(request: Request, error: Exception, status: int, detail: str,
               headers: dict[str, str] | None) -> Response:
        """The error page for ``error``."""
        return page_error(request, status, detail, headers,
                          csrf=isinstance(error, CsrfRejectedError))


def install_page_errors(app: FastAPI) -> None:
    """Answer page requests' errors as pages and missing logins with a redirect."""
    app.state.page_errors = PageErrors()
    app.add_exception_handler(LoginRequired, _login_required)
