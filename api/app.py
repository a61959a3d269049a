"""The FastAPI app factory."""

from __future__ import annotations

import base64
import gc
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.headers import SecurityHeadersMiddleware, install_access_log_mask
from api.limits import BodyLimitMiddleware
from api.problems import install_problem_handlers
from api.routes import (
    auth,
    classifier,
    documents,
    dossiers,
    drafts,
    exchange,
    health,
    incoming,
    jobs,
    keys,
    objects,
    pki,
    registers,
    search,
    signing,
    stacks,
    stats,
    tray,
    units,
    users,
    verify,
    verify_page,
)
from api.runtime import Runtime, open_runtime
from api.settings import Settings, load_settings
from api.speedups import apply_speedups
from api.web import install_web
from signing.verify.pool import VerificationPool

DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
"""Swagger UI and ReDoc as files (the ``fastapi-offline`` package): /docs needs no CDN."""
ASSETS_URL = "/docs/assets"
ROUTERS = (health, auth, units, users, dossiers, documents, jobs, stacks, tray, classifier,
           stats, search, objects, pki, keys, drafts, signing, verify, verify_page, incoming,
           exchange, registers)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. Given a runtime, the app uses it and leaves closing it to the caller;
    otherwise it opens one from ``settings`` at startup and closes it at shutdown."""
    owned = runtime is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.runtime is None:
            app.state.runtime = open_runtime(settings or load_settings())
        if app.state.pki is None:
            app.state.pki = app.state.runtime.settings.demo_pki()
        apply_speedups(app.state.runtime.settings)
        app.state.verify_pool = verification_pool(app.state.runtime.settings)
        install_access_log_mask()
        # What start-up made (libraries, templates, settings) lives as long as the process:
        # full collections skip it. Without this a page that allocates a lot (figures over
        # 1,000 dossiers) paused ~150 ms now and then for a collection of the whole heap.
        gc.freeze()
        try:
            yield
        finally:
            if app.state.verify_pool is not None:
                app.state.verify_pool.close()
                app.state.verify_pool = None
            if owned and app.state.runtime is not None:
                app.state.runtime.close()
                app.state.runtime = None

    app = FastAPI(
        title="sohoa",
        version="0.1.0",
        summary="Digitise, sign and exchange Vietnamese administrative documents",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.verify_pool = None  # POST /verify's worker processes, from start to stop
    known = settings or (runtime.settings if runtime is not None else None)
    app.state.pki = known.demo_pki() if known is not None else None
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: also on the 401s and 413s
    install_docs(app)
    for module in ROUTERS:
        app.include_router(module.router)
    install_web(app)
    return app


def verification_pool(settings: Settings) -> VerificationPool | None:
    """POST /verify's worker processes (one per core; they start with the first document),
    or None when ``SOHOA_VERIFY_IN_PROCESSES=false`` (verified in the API's threads)."""
    if not settings.verify_in_processes:
        return None
    return VerificationPool(speedups=settings.speedups)


def docs_policy(page: HTMLResponse, *, workers: bool = False) -> HTMLResponse:
    """``page`` with a CSP that runs only this site's scripts and the page's own inline
    scripts (by their SHA-256), loads nothing from elsewhere and is never framed."""
    scripts = re.findall(rb"<script>(.*?)</script>", page.body, flags=re.DOTALL)
    sources = " ".join(["'self'", *(
        f"'sha256-{base64.b64encode(hashlib.sha256(item).digest()).decode()}'"
        for item in scripts)])
    policy = (f"default-src 'none'; script-src {sources}; style-src 'self' "
              "'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
              "connect-src 'self'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")
    if workers:
        policy += "; worker-src blob:"
    page.headers["Content-Security-Policy"] = policy
    return page


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` from the packaged files under ``/docs/assets``."""
    app.mount(ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return docs_policy(get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=redirect_url,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png"))

    @app.get(redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return docs_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return docs_policy(get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False),
            workers=True)
