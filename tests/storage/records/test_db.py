"""Opening databases: URLs, health check, sessions, unreachable servers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.errors import ConfigurationError, UnavailableError
from storage.records import Database, DatabaseConfig, Unit, open_database


def test_check_describes_the_database(db: Database) -> None:
    description = db.check()
    assert description.startswith(db.backend)
    assert db.location in description


def test_session_commits_or_rolls_back(db: Database) -> None:
    with db.session() as session:
        session.add(Unit(code="A", name="Phường A"))

    def failing_work() -> None:
        with db.session() as session:
            session.add(Unit(code="B", name="Phường B"))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_work()
    with db.session() as session:
        assert session.scalars(select(Unit.code)).all() == ["A"]


def test_check_on_an_unreachable_database_is_quick_and_names_it(
    backend: str, tmp_path: Path
) -> None:
    if backend == "postgresql":
        url, where = "postgresql://postgres:secret@127.0.0.1:1/sohoa", "127.0.0.1:1"
    else:
        (tmp_path / "a-directory").mkdir()
        url, where = f"sqlite:///{tmp_path / 'a-directory'}", str(tmp_path / "a-directory")
    db = open_database(DatabaseConfig(url))
    started = time.monotonic()
    with pytest.raises(UnavailableError) as caught:
        db.check()
    assert time.monotonic() - started < 5
    assert caught.value.subject == "SOHOA_DATABASE_URL"
    message = str(caught.value)
    assert where in message
    assert "\n" not in message
    assert "secret" not in message
    db.dispose()


def test_postgresql_urls_use_psycopg_and_hide_the_password() -> None:
    db = open_database(DatabaseConfig("postgresql://sohoa:secret@db.example:5433/records"))
    assert db.engine.url.drivername == "postgresql+psycopg"
    assert "secret" not in db.url_for_display
    assert db.location == "db.example:5433/records"
    db.dispose()


def test_sqlite_creates_the_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "records.sqlite3"
    db = open_database(DatabaseConfig(f"sqlite:///{path}"))
    db.check()
    assert path.exists()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
    db.dispose()


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "not a url"])
def test_unsupported_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        open_database(DatabaseConfig(url))
