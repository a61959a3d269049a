"""A request's transaction commits on the thread that ran its handler, as it returns
(``api/transactions.py``): no pool thread is needed between the handler's last write and
its commit, which under load was a minute-long deadlock."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from api.transactions import CommitOnReturn
from storage.accounts import create_unit
from storage.records import Unit
from storage.records.db import Database, DatabaseConfig, open_database, upgrade_schema
from tests.api.conftest import make_settings

_DATABASES: list[Database] = []


def _session() -> Iterator[Session]:
    with _DATABASES[-1].session() as session:
        yield session


SessionParam = Annotated[Session, Depends(_session, scope="function")]


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route, inside included routers too (FastAPI keeps those as groups)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(list(inner.routes))


def _takes_session(route: APIRoute) -> bool:
    return any(dependency.call is get_session for dependency in route.dependant.dependencies)


def test_every_synchronous_route_with_a_session_commits_on_return(tmp_path: Path) -> None:
    app = create_app(make_settings("embedded", tmp_path))
    checked = 0
    for route in _api_routes(list(app.routes)):
        if not _takes_session(route):
            continue
        if inspect.iscoroutinefunction(inspect.unwrap(route.endpoint)):
            continue
        assert isinstance(route, CommitOnReturn), f"{route.path} {route.methods}"
        checked += 1
    assert checked > 20


def test_the_commit_runs_on_the_handler_thread_before_the_answer(tmp_path: Path) -> None:
    database = open_database(DatabaseConfig(f"sqlite:///{tmp_path / 'records.db'}"))
    upgrade_schema(database)
    _DATABASES.append(database)
    router = APIRouter(route_class=CommitOnReturn)
    committed_on: list[int] = []

    @router.post("/units/{code}")
    def add_unit(code: str, session: SessionParam) -> dict[str, Any]:
        event.listen(session, "after_commit",
                     lambda _session: committed_on.append(threading.get_ident()))
        create_unit(session, code, f"Đơn vị {code}")
        return {"thread": threading.get_ident()}

    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        answer = client.post("/units/A1")
    assert answer.status_code == 200
    assert committed_on[0] == answer.json()["thread"]
    with database.session() as session:
        assert session.scalar(select(Unit.code).where(Unit.code == "A1")) == "A1"
    database.dispose()
