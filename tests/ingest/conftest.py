"""Fixtures of the ingest tests that need the records database: a fresh migrated database
per test on SQLite and on PostgreSQL, and a unit to file dossiers under."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.records import Database, Unit
from tests.support.records import BACKENDS, fresh_database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


@pytest.fixture
def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database of ``backend`` at the newest schema."""
    with fresh_database(backend, tmp_path,
                        lambda: str(request.getfixturevalue("postgres_template"))) as database:
        yield database


@pytest.fixture
def unit_id(db: Database) -> int:
    """A one-stop-shop unit in ``db``."""
    with db.session() as session:
        unit = Unit(code="MC-DA", name="Bộ phận Một cửa UBND huyện Đông Anh")
        session.add(unit)
        session.flush()
        return unit.id
