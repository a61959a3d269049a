"""Fixtures running every records test on SQLite and on PostgreSQL.

``backend`` is parametrised; ``db`` is a migrated database of that backend, fresh for each
test (PostgreSQL: a copy of a template migrated once per session); ``empty_database_url``
is an empty one, for migration tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.records import Database, DatabaseConfig, open_database, upgrade_schema
from tests.support.postgres import temporary_database

BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.servers)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Name of a PostgreSQL database migrated to head, dropped at the end of the session."""
    with temporary_database() as url:
        database = open_database(DatabaseConfig(url))
        upgrade_schema(database)
        database.dispose()
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database of ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.sqlite3'}"
        return
    with temporary_database() as url:
        yield url


@pytest.fixture
def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database of ``backend`` at the newest schema."""
    if backend == "sqlite":
        database = open_database(DatabaseConfig(f"sqlite:///{tmp_path / 'records.sqlite3'}"))
        upgrade_schema(database)
        yield database
        database.dispose()
        return
    template = request.getfixturevalue("postgres_template")
    with temporary_database(template=template) as url:
        database = open_database(DatabaseConfig(url))
        yield database
        database.dispose()
