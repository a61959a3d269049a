"""``GET /verify``: the public page where anyone drops a signed PDF and reads the verdict.

The page (``api/web/templates/verify.html``: inline CSS and script, no external resource) posts the
file to ``POST /verify?format=html`` on the same path and shows the report it answers;
nobody needs to log in.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.transactions import CommitOnReturn

router = APIRouter(route_class=CommitOnReturn, prefix="/verify", tags=["verification"])

PAGE = Path(__file__).resolve().parent.parent / "web" / "templates" / "verify.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data: blob:; frame-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@functools.cache
def page_html() -> str:
    """The page's HTML, rendered once per process: Vietnamese first, and both languages'
    texts (the catalogues' ``verify.*`` keys) for the page's own language switch."""
    from api.web.i18n import LANGUAGES, catalogue
    from api.web.templates import environment

    texts = {language: {key.removeprefix("verify."): value
                        for key, value in catalogue(language).texts.items()
                        if key.startswith("verify.")} for language in LANGUAGES}
    return environment().get_template(PAGE.name).render(
        t=catalogue("vi").text, verify_texts=texts)


@router.get("", response_class=HTMLResponse, summary="Page to verify a signed PDF")
def verify_page() -> HTMLResponse:
    """The verification page (Vietnamese, with an English toggle; ``?lang=en`` opens it in
    English)."""
    return HTMLResponse(page_html(), headers={
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",
    })
