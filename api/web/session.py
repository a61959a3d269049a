"""Who is using a page: the session cookie, its CSRF token, the language and flash notes.

- The session cookie (``sohoa_session``, HttpOnly, SameSite=Lax, Secure behind HTTPS)
  carries a login token issued by :func:`storage.accounts.login`, the use case the API's
  ``/auth/token`` calls: the same throttling, lockout and audit. Pages read only the
  cookie and the JSON API only the ``Authorization`` header, so neither credential works
  at the other edge. Logging out revokes the token.
- Every state-changing page request carries a CSRF token: the HMAC of the session token
  under the installation's secret, in the form field ``csrf`` or the ``X-CSRF-Token``
  header (htmx sends it from ``<body hx-headers>``). Before login (the login and first-run
  forms) it is the double-submit value of a ``sohoa_csrf`` cookie.
- Flash notes are catalogue keys in a short-lived cookie, shown once by the next page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import Response

from api.deps import RuntimeDep
from api.runtime import Runtime
from api.web.i18n import Catalogue, catalogue, pick_language
from storage.accounts import CurrentUser, authenticate
from storage.errors import AuthenticationError, PermissionDeniedError
from storage.records import Unit, User, UserRole

SESSION_COOKIE = "sohoa_session"
CSRF_COOKIE = "sohoa_csrf"
LANGUAGE_COOKIE = "sohoa_lang"
FLASH_COOKIE = "sohoa_flash"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/login"


class LoginRequired(Exception):  # noqa: N818  (a redirect, not an error to report)
    """The page needs a logged-in user: answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRejectedError(PermissionDeniedError):
    """A state-changing page request without the right CSRF token."""


@dataclass(frozen=True)
class PageUser:
    """The logged-in user of a page, with what the header shows."""

    user: CurrentUser
    token: str
    full_name: str
    unit_code: str
    unit_name: str

    @property
    def role(self) -> UserRole:
        """The user's role."""
        return self.user.role


def secure_cookies(request: Request) -> bool:
    """Whether cookies get ``Secure``: the page was reached over HTTPS."""
    return request.url.scheme == "https"


def local_path(candidate: str | None, default: str = "/") -> str:
    """``candidate`` when it is a path on this site (``/x``, not ``//host`` or a URL)."""
    if candidate and candidate.startswith("/") and not candidate.startswith("//") \
            and "\\" not in candidate and "\n" not in candidate and "\r" not in candidate:
        return candidate
    return default


def csrf_for(secret: bytes, token: str) -> str:
    """The CSRF token that goes with session token ``token``."""
    return hmac.new(secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def request_language(request: Request) -> str:
    """The interface language: ``?lang=`` on this request, else the cookie, else Vietnamese."""
    return pick_language(request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE))


def texts(request: Request) -> Catalogue:
    """The catalogue of the request's language."""
    return catalogue(request_language(request))


def optional_page_user(request: Request, runtime: RuntimeDep) -> PageUser | None:
    """The user of the session cookie, or None (no cookie, or a revoked/expired token)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    with runtime.db.session() as session:
        try:
            user = authenticate(session, token)
        except AuthenticationError:
            return None
        record = session.get(User, user.id)
        unit = session.get(Unit, user.unit_id)
        return PageUser(user=user, token=token,
                        full_name=record.full_name if record else user.username,
                        unit_code=unit.code if unit else "", unit_name=unit.name if unit else "")


def page_user(request: Request,
              found: Annotated[PageUser | None, Depends(optional_page_user)]) -> PageUser:
    """The logged-in user; a redirect to the login page otherwise."""
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found


PageUserDep = Annotated[PageUser, Depends(page_user)]
OptionalPageUserDep = Annotated[PageUser | None, Depends(optional_page_user)]


def require_page_roles(*roles: UserRole) -> object:
    """A dependency: the page user, who must have one of ``roles`` (admins always may)."""

    def check(user: PageUserDep) -> PageUser:
        if user.role not in roles and user.role != UserRole.admin:
            raise PermissionDeniedError(f"this page needs the role {', '.join(roles)}")
        return user

    return Depends(check)


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request, runtime: RuntimeDep) -> None:
    """Refuse (403) a request whose CSRF token does not match its session (or, with no
    session, its ``sohoa_csrf`` cookie)."""
    require_csrf_token(request, runtime, await _submitted_token(request))


def require_csrf_token(request: Request, runtime: Runtime, submitted: str) -> None:
    """Refuse (:class:`CsrfRejectedError`) ``submitted`` unless it is the CSRF token of the
    request's session (or, with no session, its ``sohoa_csrf`` cookie)."""
    token = request.cookies.get(SESSION_COOKIE)
    expected = csrf_for(runtime.settings.url_secret(), token) if token else \
        request.cookies.get(CSRF_COOKIE, "")
    if not expected or not submitted or not hmac.compare_digest(submitted, expected):
        raise CsrfRejectedError("the form's CSRF token is missing or wrong", subject="csrf")


CsrfChecked = Depends(check_csrf)


def pre_session_csrf(request: Request, response: Response) -> str:
    """The double-submit token of a form shown before login, set as a cookie if missing."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) != 43:
        token = secrets.token_urlsafe(32)
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=secure_cookies(request), path="/")
    return token


def start_session(request: Request, response: Response, token: str, hours: int) -> None:
    """Set the session cookie for a fresh login token."""
    response.set_cookie(SESSION_COOKIE, token, max_age=hours * 3600, httponly=True,
                        samesite="lax", secure=secure_cookies(request), path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def end_session(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def flash(response: Response, key: str) -> None:
    """Show the catalogue text ``key`` once on the next page."""
    response.set_cookie(FLASH_COOKIE, quote(key), max_age=60, httponly=True, samesite="lax",
                        path="/")


def take_flash(request: Request, response: Response) -> str | None:
    """The flash note's key for this page (then forgotten), if any; only keys of the
    catalogue are shown."""
    key = request.cookies.get(FLASH_COOKIE)
    if key is None:
        return None
    response.delete_cookie(FLASH_COOKIE, path="/")
    return key if key in texts(request).texts else None
