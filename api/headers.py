"""What every answer tells a browser, and what the access log keeps of a request.

- :class:`SecurityHeadersMiddleware` (pure ASGI) adds to every answer ``nosniff``,
  ``Referrer-Policy: no-referrer`` and a Content Security Policy unless the route set its
  own: a strict one on HTML (no script, no framing, nothing loaded from elsewhere) and
  ``default-src 'none'; frame-ancestors 'none'`` on everything else.
- :class:`AccessLogMask` keeps download links' signatures (and any token in a query string)
  out of uvicorn's access log: the query string of ``/objects/...`` is replaced as a whole.
"""

from __future__ import annotations

import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""HTML the routes did not give a policy of their own (the verification report): inline
styles and images only, never a script, never framed by another site."""
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'"
"""Any other answer (JSON, PDF...): nothing may run or load if a browser renders it."""
ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeadersMiddleware:
    """See the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` plus the security headers they lack."""
    present = {name.lower() for name, _ in headers}
    added = [(name, value) for name, value in ALWAYS if name not in present]
    if b"content-security-policy" not in present:
        content_type = next((value for name, value in headers
                             if name.lower() == b"content-type"), b"")
        policy = STRICT_HTML_CSP if content_type.lower().startswith(b"text/html") else OTHER_CSP
        added.append((b"content-security-policy", policy.encode()))
    return headers + added


_SECRET_PARAMETER = re.compile(r"(?i)\b(signature|token|access_token|pin|password)=[^&\s]*")


def mask_target(target: str) -> str:
    """A request target as the access log may show it: no query string on ``/objects/``,
    and the values of secret-looking parameters elsewhere replaced."""
    path, question, query = target.partition("?")
    if not question:
        return target
    if path.startswith("/objects/"):
        return f"{path}?…"
    return f"{path}?{_SECRET_PARAMETER.sub(lambda m: f'{m.group(1)}=…', query)}"


class AccessLogMask(logging.Filter):
    """Masks the request target of uvicorn's access-log records (``mask_target``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's target argument; never drop the record."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_target(args[2]), *args[3:])
        return True


def install_access_log_mask() -> None:
    """Add :class:`AccessLogMask` to uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(item, AccessLogMask) for item in logger.filters):
        logger.addFilter(AccessLogMask())
