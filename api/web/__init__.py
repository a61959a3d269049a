"""The web UI: server-rendered pages (Jinja2 + htmx) for the people of the office.

Pages call the same use cases as the JSON API (never the API over HTTP). They live under
``/ui/`` (plus ``/``, ``/login``, ``/logout``, ``/setup``, ``/lang/`` and the public
``/status``); their files under ``/static/``, served by the app itself (no CDN: an office
may have no internet). Each page module holds one area's routes.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.transactions import CommitOnReturn
from api.web.errors import install_page_errors
from api.web.pages import page_routers
from api.web.session import PageUserDep
from storage.errors import NotFoundError

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_web(app: FastAPI) -> None:
    """Mount the static files, the pages and their error handling on ``app``."""
    install_page_errors(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in page_routers():
        app.include_router(router)
    app.include_router(unknown_pages)  # last: only paths no page claimed


unknown_pages = APIRouter(route_class=CommitOnReturn, include_in_schema=False)


@unknown_pages.api_route("/ui/{rest:path}", methods=["GET", "POST"])
def unknown_page(user: PageUserDep, rest: str) -> None:
    """A path under ``/ui/`` that is no page: login first (nothing is told to strangers),
    then 404."""
    raise NotFoundError("no such page", subject=f"/ui/{rest}"[:200])
