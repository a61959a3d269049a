"""The FastAPI app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.problems import install_problem_handlers
from api.routes import (
    admin,
    auth,
    classification,
    documents,
    dossiers,
    figures,
    health,
    intake,
    objects,
    pki,
    search,
    signing,
    verify,
    verify_page,
)
from api.runtime import Runtime, open_runtime
from api.settings import Settings, load_settings


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. Given a runtime, the app uses it and leaves closing it to the caller;
    otherwise it opens one from ``settings`` at startup and closes it at shutdown."""
    owned = runtime is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.runtime is None:
            app.state.runtime = open_runtime(settings or load_settings())
        if app.state.pki is None:
            app.state.pki = pki.pki_from_settings(app.state.runtime.settings)
        try:
            yield
        finally:
            if owned and app.state.runtime is not None:
                app.state.runtime.close()
                app.state.runtime = None

    app = FastAPI(
        title="sohoa",
        version="0.1.0",
        summary="Digitise, sign and exchange Vietnamese administrative documents",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    known = settings or (runtime.settings if runtime is not None else None)
    app.state.pki = pki.pki_from_settings(known) if known is not None else None
    install_problem_handlers(app)
    for module in (health, auth, admin, dossiers, documents, classification, figures, search,
                   intake, objects, pki, signing, verify, verify_page):
        app.include_router(module.router)
    return app
