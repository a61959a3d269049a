"""Fresh records databases for tests, on SQLite and on PostgreSQL.

``BACKENDS`` parametrises a ``backend`` fixture; :func:`fresh_database` opens a migrated
database of that backend (PostgreSQL: a copy of a template migrated once per session, the
``postgres_template`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.records import Database, DatabaseConfig, open_database, upgrade_schema
from tests.support.postgres import temporary_database

BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.servers)]


@contextmanager
def fresh_database(backend: str, directory: Path,
                   postgres_template: Callable[[], str]) -> Iterator[Database]:
    """A migrated database of ``backend``: a SQLite file in ``directory``, or a PostgreSQL
    copy of the template ``postgres_template()`` names; dropped or disposed on exit."""
    if backend == "sqlite":
        database = open_database(DatabaseConfig(f"sqlite:///{directory / 'records.sqlite3'}"))
        upgrade_schema(database)
        try:
            yield database
        finally:
            database.dispose()
        return
    with temporary_database(template=postgres_template()) as url:
        database = open_database(DatabaseConfig(url))
        try:
            yield database
        finally:
            database.dispose()
