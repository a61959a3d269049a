"""Fixtures running every records test on SQLite and on PostgreSQL.

``backend`` is parametrised; ``db`` is a migrated database of that backend, fresh for each
test (PostgreSQL: a copy of a template migrated once per session); ``empty_database_url``
is an empty one, for migration tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.records import Database
from tests.support.postgres import temporary_database
from tests.support.records import BACKENDS, fresh_database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


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
    with fresh_database(backend, tmp_path,
                        lambda: str(request.getfixturevalue("postgres_template"))) as database:
        yield database
