"""The FastAPI app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.limits import BodyLimitMiddleware
from api.problems import install_problem_handlers
from api.routes import (
    auth,
    classifier,
    documents,
    dossiers,
    drafts,
    health,
    incoming,
    jobs,
    keys,
    objects,
    pki,
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

ROUTERS = (health, auth, units, users, dossiers, documents, jobs, stacks, tray, classifier,
           stats, search, objects, pki, keys, drafts, signing, verify, verify_page, incoming)


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
    app.state.pki = known.demo_pki() if known is not None else None
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    for module in ROUTERS:
        app.include_router(module.router)
    return app
