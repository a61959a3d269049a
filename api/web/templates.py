"""Rendering pages: one Jinja2 environment, the context every page shares, one policy.

Every page gets ``t`` (the catalogue's text of a key, in the request's language), ``lang``,
``user`` (a :class:`~api.web.session.PageUser` or None), ``csrf`` (the token its forms and
htmx requests send), ``nav`` (the links the user's role may follow), ``flash`` (a note
from the previous page) and ``path``. Values are escaped (autoescape on); scripts and
styles come only from ``/static`` (the CSP forbids inline ones).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import Response

from api.web.i18n import LANGUAGES
from api.web.reasons import say_reason
from api.web.session import PageUser, csrf_for, request_language, take_flash, texts
from storage.records import UserRole

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Pages run only this site's files: no inline script or style, nothing from elsewhere."""


@dataclass(frozen=True)
class NavLink:
    """One entry of the navigation: catalogue key, target, the roles that see it."""

    key: str
    href: str
    roles: frozenset[UserRole]
    ready: bool = True  # False: shown greyed out, "coming soon"


ALL = frozenset(UserRole)
NAVIGATION = (
    NavLink("nav.home", "/", ALL),
    NavLink("nav.dossiers", "/ui/dossiers", frozenset({UserRole.intake, UserRole.leader,
                                                         UserRole.clerk})),
    NavLink("nav.new_dossier", "/ui/dossiers/new", frozenset({UserRole.intake})),
    NavLink("nav.tray", "/ui/tray", frozenset({UserRole.intake})),
    NavLink("nav.sign_queue", "/ui/signing", frozenset({UserRole.leader})),
    NavLink("nav.my_key", "/ui/my-key", frozenset({UserRole.leader, UserRole.clerk})),
    NavLink("nav.drafts", "/ui/drafts", frozenset({UserRole.clerk})),
    NavLink("nav.seal", "/ui/seal", frozenset({UserRole.clerk})),
    NavLink("nav.incoming", "/ui/incoming", frozenset({UserRole.clerk})),
    NavLink("nav.outgoing", "/ui/outgoing", frozenset({UserRole.clerk})),
    NavLink("nav.inbox", "/ui/inbox", frozenset({UserRole.clerk, UserRole.leader})),
    NavLink("nav.registers", "/ui/registers", frozenset({UserRole.clerk, UserRole.leader})),
    NavLink("nav.assigned", "/ui/assigned", frozenset({UserRole.intake, UserRole.leader,
                                                       UserRole.clerk})),
    NavLink("nav.units", "/ui/admin/units", frozenset({UserRole.admin})),
    NavLink("nav.users", "/ui/admin/users", frozenset({UserRole.admin})),
    NavLink("nav.dashboard", "/ui/dashboard", ALL),
)


def navigation(user: PageUser | None) -> list[NavLink]:
    """The links ``user``'s role sees (admins see every page of the office)."""
    if user is None:
        return []
    if user.role == UserRole.admin:
        return [link for link in NAVIGATION if link.ready or UserRole.admin in link.roles]
    return [link for link in NAVIGATION if user.role in link.roles]


@functools.cache
def environment() -> Environment:
    """The templates' environment (built once per process)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def render(request: Request, template: str, *, user: PageUser | None, status: int = 200,
           secret: bytes | None = None, csrf: str | None = None,
           headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    """The page ``template`` for ``request``; ``secret`` (the installation's) makes the
    CSRF token of ``user``'s session, ``csrf`` gives one directly (forms before login)."""
    catalogue = texts(request)
    language = request_language(request)
    response = HTMLResponse("", status_code=status)
    token = csrf or (csrf_for(secret, user.token) if user is not None and secret else "")
    context = {
        "t": catalogue.text, "lang": language, "languages": LANGUAGES,
        "reason": lambda text: say_reason(str(text), language),
        "user": user, "csrf": token, "nav": navigation(user),
        "flash": take_flash(request, response), "path": request.url.path,
        "request": request, **values,
    }
    body = environment().get_template(template).render(context)
    final = HTMLResponse(body, status_code=status, headers=headers)
    for name, value in response.raw_headers:  # the flash cookie's deletion
        if name == b"set-cookie":
            final.raw_headers.append((name, value))
    final.headers["Content-Security-Policy"] = PAGE_CSP
    final.headers["Cache-Control"] = "no-store"
    return final


def copy_cookies(source: Response, target: Response) -> Response:
    """``target`` with the cookies ``source`` set (e.g. a CSRF cookie set while rendering)."""
    for name, value in source.raw_headers:
        if name == b"set-cookie":
            target.raw_headers.append((name, value))
    return target
