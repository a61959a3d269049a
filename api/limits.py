"""Limits enforced while a request body streams in, before anything spools it to disk.

A pure ASGI middleware: for a request with a body it

- refuses a ``Content-Length`` over the limit at once (413), without reading the body;
- requires a valid bearer token first (a page: its session cookie), except on the public
  endpoints (401; a page: back to the login), so nobody without an account can make the
  server read (and spool) a large upload; the public pages' forms are capped at 64 KiB;
- counts the body's bytes as they arrive and stops with 413 as soon as they pass the limit
  (a chunked body, or one longer than its ``Content-Length``).

The limit is ``SOHOA_MAX_UPLOAD_MB`` plus room for a multipart envelope; the per-file check
of the upload use cases (which names the file) still applies below it. Answers are
``problem+json`` like every other error. When the answer is sent before the body was read,
the server closes the connection instead of reading the rest.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import anyio
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response, status_for
from api.runtime import Runtime
from api.web.errors import is_page_path
from api.web.session import LOGIN_PATH, SESSION_COOKIE
from storage.accounts import authenticate
from storage.errors import AuthenticationError, SohoaError

ENVELOPE_BYTES = 1 << 20
"""Room for multipart boundaries, part headers and small form fields around the file."""

PUBLIC = frozenset({
    ("POST", "/auth/token"),
    ("POST", "/verify"),
    ("POST", "/tsa"),
    ("POST", "/ocsp"),
    ("POST", "/exchange/messages"),
})
"""Endpoints that take a body from anyone: logging in, checking a signed PDF, the demo
PKI's time-stamping and OCSP services, and exchange messages (authenticated by their
XMLDSig against the sending party's registered certificate)."""
PUBLIC_FORMS = frozenset({
    ("POST", "/login"),
    ("POST", "/setup"),
    ("POST", "/status"),
})
"""Pages whose small forms anyone may send: the login, the first-run set-up (which checks
loopback itself) and the public status lookup; their bodies are capped at
:data:`SMALL_FORM_BYTES`."""
SMALL_FORM_BYTES = 64 * 1024


class _BodyTooLargeError(Exception):
    """Raised into the app when the body passes the limit (the app never sees the rest)."""


def body_limit(runtime: Runtime, path: str = "") -> int:
    """The most bytes a request body may have (an exchange message: the edXML limit)."""
    if path.rstrip("/") == "/exchange/messages":
        return runtime.settings.edxml_max_bytes
    return runtime.settings.max_upload_bytes + ENVELOPE_BYTES


def is_public(method: str, path: str) -> bool:
    """Whether anyone may send a body to ``method path`` without logging in."""
    return (method, path.rstrip("/") or "/") in PUBLIC


def _has_body(method: str, headers: Headers) -> bool:
    if "transfer-encoding" in headers:
        return True
    length = headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return method in ("POST", "PUT", "PATCH")


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _credential(path: str, headers: Headers) -> str | None:
    """The token a request authenticates with: a page's session cookie, the API's bearer."""
    if is_page_path(path):
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except CookieError:
            return None
        morsel = cookies.get(SESSION_COOKIE)
        return morsel.value if morsel is not None and morsel.value else None
    return _bearer(headers)


def _check_token(runtime: Runtime, token: str) -> None:
    with runtime.db.session() as session:
        authenticate(session, token)


class BodyLimitMiddleware:
    """See the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        runtime: Runtime | None = scope["app"].state.runtime
        method: str = scope["method"]
        headers = Headers(scope=scope)
        if runtime is None or not _has_body(method, headers):
            await self.app(scope, receive, send)
            return
        small = (method, scope["path"].rstrip("/") or "/") in PUBLIC_FORMS
        limit = SMALL_FORM_BYTES if small else body_limit(runtime, scope["path"])
        refusal = None if small else await self._refusal(runtime, method, scope["path"],
                                                         headers, limit)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._limited(scope, receive, send, limit)

    async def _refusal(self, runtime: Runtime, method: str, path: str, headers: Headers,
                       limit: int) -> Response | None:
        if not is_public(method, path):
            token = _credential(path, headers)
            if token is None:
                return _unauthenticated("log in first: send 'Authorization: Bearer <token>'",
                                        page=is_page_path(path))
            try:
                await anyio.to_thread.run_sync(_check_token, runtime, token)
            except AuthenticationError as error:
                return _unauthenticated(str(error), page=is_page_path(path))
            except SohoaError as error:  # the records database down: 503, as everywhere
                status = status_for(error)
                return problem_response(status, error.title, str(error),
                                        headers={"Connection": "close"})
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > limit:
            return _too_large(limit)
        return None

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's answer to a body cut short is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    megabytes = (limit - ENVELOPE_BYTES) // 1_000_000
    return problem_response(
        413, "Too large",
        f"the request body is larger than the limit of {megabytes} MB (SOHOA_MAX_UPLOAD_MB)",
        headers={"Connection": "close"})


def _unauthenticated(detail: str, *, page: bool = False) -> Response:
    if page:  # a page's form after the session ended: log in again (nothing was read)
        return RedirectResponse(LOGIN_PATH, status_code=303, headers={"Connection": "close"})
    return problem_response(401, "Authentication required", detail,
                            headers={"WWW-Authenticate": "Bearer", "Connection": "close"})
