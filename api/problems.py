"""The one place where errors become HTTP responses (RFC 9457 ``application/problem+json``).

Domain code raises :class:`storage.errors.SohoaError` subclasses; this module maps their
``kind`` to a status code. Request validation errors and unexpected exceptions are also
answered as problem documents, never as a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from storage.errors import SohoaError, TooManyAttemptsError

PROBLEM_JSON = "application/problem+json"
BODY_UNREAD = "sohoa.body_unread"
"""Request scope key: set (True) by code that refuses a request before reading its whole
body; the answer then closes the connection instead of making the server read the rest."""
STATUS_BY_KIND = {
    "bad_input": 422,
    "too_large": 413,
    "not_found": 404,
    "conflict": 409,
    "unauthenticated": 401,
    "forbidden": 403,
    "too_many_attempts": 429,
    "unavailable": 503,
    "configuration": 503,
    "internal": 500,
}
log = logging.getLogger("sohoa.api")


def problem_response(
    status: int, title: str, detail: str, *, headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A ``problem+json`` response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _page_answer(request: Request, error: Exception, status: int, detail: str,
                 headers: dict[str, str] | None = None) -> Response | None:
    """The web UI's answer when ``request`` is for a page (``api.web.errors``), else None."""
    pages = getattr(request.app.state, "page_errors", None)
    if pages is None or not pages.handles(request):
        return None
    answer: Response = pages.answer(request, error, status, detail, headers)
    return answer


def status_for(error: SohoaError) -> int:
    """The HTTP status of a sohoa error."""
    return STATUS_BY_KIND.get(error.kind, 500)


async def _sohoa_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, SohoaError)
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(error, TooManyAttemptsError):
        headers = {"Retry-After": str(error.retry_after)}
    if request.scope.get(BODY_UNREAD):
        headers = {**(headers or {}), "Connection": "close"}
    page = _page_answer(request, error, status, str(error),
                        headers if status != 401 else None)
    if page is not None:
        return page
    extra = {"subject": error.subject} if error.subject else {}
    return problem_response(status, error.title, str(error), headers=headers, **extra)


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    errors = [
        {"loc": list(item.get("loc", ())), "msg": str(item.get("msg", ""))}
        for item in error.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    page = _page_answer(request, error, 422, f"{where}: {first['msg']}")
    if page is not None:
        return page
    return problem_response(422, "Invalid request", f"{where}: {first['msg']}", errors=errors)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    page = _page_answer(request, error, error.status_code, str(error.detail),
                        dict(error.headers or {}) or None)
    if page is not None:
        return page
    return problem_response(error.status_code, str(error.detail), str(error.detail),
                            headers=dict(error.headers or {}) or None)


async def _unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    page = _page_answer(request, error, 500, "")
    if page is not None:
        return page
    return problem_response(500, "Internal error",
                            "an unexpected error occurred; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into ``problem+json``."""
    app.add_exception_handler(SohoaError, _sohoa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
