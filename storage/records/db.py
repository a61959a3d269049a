"""Opening the records database (SQLite or PostgreSQL), sessions, health and migrations."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from storage.errors import (
    BadInputError,
    ConfigurationError,
    ConflictError,
    UnavailableError,
)
from storage.records.sqlite_writes import install_write_gate

SETTING = "SOHOA_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 3
# pg_advisory_lock key serialising schema upgrades across processes ("sohoa-mi" in ASCII).
MIGRATION_LOCK_KEY = 0x736F686F612D6D69


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the records database is: an SQLAlchemy URL (``sqlite:///...``, ``postgresql://``)."""

    url: str


_DATABASE = "sohoa_database"


def commit_now(session: Session) -> None:
    """Commit a session of :meth:`Database.session` before its block ends, with the same
    error mapping and after-commit callbacks; the block's own commit then has nothing
    left to do. For an edge that must end a transaction on the thread that ran it (see
    ``api/transactions.py``)."""
    database: Database = session.info[_DATABASE]
    try:
        database._commit(session)
    except exc.SQLAlchemyError as error:
        if session.in_transaction():
            session.rollback()
        raise database._mapped(error) from error
    except BaseException:
        if session.in_transaction():
            session.rollback()
        raise


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


SQLITE_BUSY_SECONDS = 60
"""How long an SQLite writer waits for its turn (see ``sqlite_writes``) before a 503."""
POOL = {"pool_size": 20, "max_overflow": 20, "pool_timeout": 60}
"""Connections per process: enough for the web server's 40 worker threads."""
AFTER_COMMIT = "sohoa_after_commit"
"""The ``session.info`` list of callbacks :meth:`Database.session` runs after the commit."""

class Database:
    """An open records database: an engine plus a session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def url_for_display(self) -> str:
        """The URL with any password masked, safe for logs and error messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def location(self) -> str:
        """``host:port/dbname`` for PostgreSQL, the file path for SQLite."""
        url = self.engine.url
        if self.backend == "sqlite":
            return url.database or ":memory:"
        return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session; commit if the block succeeds, roll back if it raises.

        Callbacks a use case put in ``session.info[AFTER_COMMIT]`` run once the transaction
        has committed (e.g. handing jobs to the queue), never after a rollback.

        Integrity violations leave as :class:`ConflictError`, values the database cannot
        hold (a NUL character in PostgreSQL text, a number out of range) as
        :class:`BadInputError`, and lost connections or locks as :class:`UnavailableError`;
        other errors pass through unchanged.
        """
        session = self._sessions()
        session.info[_DATABASE] = self
        try:
            yield session
            if session.in_transaction() or session.info.get(AFTER_COMMIT):
                self._commit(session)
        except exc.SQLAlchemyError as error:
            if session.in_transaction():
                session.rollback()
            raise self._mapped(error) from error
        except BaseException:
            if session.in_transaction():
                session.rollback()
            raise
        finally:
            session.close()

    def _mapped(self, error: exc.SQLAlchemyError) -> Exception:
        """The project's error for a driver's error (the error itself when none fits)."""
        if isinstance(error, exc.IntegrityError):
            return ConflictError(_first_line(error))
        if isinstance(error, exc.DataError):
            return BadInputError(f"a value the database cannot hold: {_first_line(error)}")
        if isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError):
            return unavailable(self, error)
        return error

    def _commit(self, session: Session) -> None:
        """Commit, then run the after-commit callbacks (driver errors left to the caller)."""
        session.commit()
        for callback in session.info.pop(AFTER_COMMIT, []):
            callback(session)  # outside the transaction: may open and commit its own

    def check(self) -> str:
        """Run ``SELECT 1``; return a one-line description or raise :class:`UnavailableError`."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                version = connection.dialect.server_version_info or ()
        except (exc.DBAPIError, OSError) as error:
            raise unavailable(self, error) from error
        shown = " ".join([self.backend, ".".join(str(part) for part in version)]).strip()
        return f"{shown} at {self.location}"

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def unavailable(db: Database, error: BaseException) -> UnavailableError:
    """An :class:`UnavailableError` naming the database's address and the driver's reason."""
    return UnavailableError(
        f"cannot use the {db.backend} database at {db.location}: {_first_line(error)}",
        subject=SETTING,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")  # between processes
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _parse(raw: str) -> URL:
    try:
        url = make_url(raw)
    except exc.ArgumentError as error:
        raise ConfigurationError(f"not a database URL: {error}", subject=SETTING) from error
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise ConfigurationError(
        f"unsupported database {backend!r}: use sqlite:/// or postgresql://", subject=SETTING
    )


def open_database(config: DatabaseConfig) -> Database:
    """Create the engine for ``config.url`` (no connection is made yet; see ``check``)."""
    url = _parse(config.url)
    if url.get_backend_name() == "postgresql":
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            **POOL,
        )
        return Database(engine)
    path = url.database or ""
    if path in ("", ":memory:"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        try:
            file = Path(path).expanduser()
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UnavailableError(
                f"cannot create the directory of the sqlite database {path}: {error}",
                subject=SETTING,
            ) from error
        _owner_only(file)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_BUSY_SECONDS}, **POOL)
        install_write_gate(engine, SQLITE_BUSY_SECONDS)
    event.listen(engine, "connect", _sqlite_pragmas)
    return Database(engine)


def _owner_only(file: Path) -> None:
    """Records are personal data: the SQLite file is its owner's alone, 0600 (SQLite gives
    its -wal and -shm files the same mode). A path that cannot be a file is left for
    ``check`` to report."""
    with contextlib.suppress(OSError):
        if not file.is_dir():
            os.close(os.open(file, os.O_CREAT | os.O_RDWR, 0o600))
            file.chmod(0o600)


@contextlib.contextmanager
def _sqlite_file_lock(db: Database) -> Iterator[None]:
    path = db.engine.url.database or ""
    if path in ("", ":memory:"):
        yield
        return
    with open(f"{path}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_schema(db: Database) -> None:
    """Bring the schema to the newest migration; safe on every start and from many processes.

    PostgreSQL upgrades hold a session advisory lock; SQLite ones a lock file beside the DB.
    """
    config = _alembic_config()
    try:
        if db.backend == "postgresql":
            with db.engine.connect() as connection:
                connection.execute(
                    text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
                try:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    connection.commit()
                finally:
                    # A broken connection drops the lock with the session anyway.
                    with contextlib.suppress(exc.DBAPIError):
                        connection.rollback()
                        connection.execute(
                            text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                        )
                        connection.commit()
        else:
            with _sqlite_file_lock(db), db.engine.connect() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
    except (exc.OperationalError, exc.InterfaceError, OSError) as error:
        raise unavailable(db, error) from error


def current_revision(db: Database) -> str | None:
    """The Alembic revision the database is at, or ``None`` for an empty database."""
    try:
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except (exc.OperationalError, exc.InterfaceError) as error:
        raise unavailable(db, error) from error


def head_revision() -> str | None:
    """The newest revision shipped in the package's migrations."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
