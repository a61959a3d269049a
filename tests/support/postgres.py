"""Throw-away PostgreSQL databases for tests, on the local server.

    with temporary_database() as url:       # "postgresql://postgres@127.0.0.1:5432/sohoa_test_1a2b"
        db = open_database(DatabaseConfig(url))

The database is created empty (or as a copy of ``template``) and dropped on exit, after its
remaining connections are terminated. ``SOHOA_TEST_POSTGRES_URL`` overrides the server URL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_BASE_URL = os.environ.get(
    "SOHOA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PREFIX = "sohoa_test_"


class PostgresUnavailableError(RuntimeError):
    """The test PostgreSQL server cannot be reached."""


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _libpq(url: str) -> str:
    """A URL libpq accepts (drops an SQLAlchemy ``+driver`` suffix from the scheme)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.split("+", 1)[0]))


def _admin(base_url: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(_libpq(base_url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise PostgresUnavailableError(
            f"test PostgreSQL at {urlsplit(base_url).netloc or base_url} unreachable: {error}"
        ) from error


def create_database(base_url: str, name: str, template: str | None = None) -> None:
    """Create database ``name`` (a copy of ``template`` if given; nobody may be connected to it)."""
    with _admin(base_url) as conn:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        conn.execute(statement)


def drop_database(base_url: str, name: str) -> None:
    """Terminate every connection to ``name`` and drop it (no error if it is gone)."""
    with _admin(base_url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@contextmanager
def temporary_database(
    base_url: str = DEFAULT_BASE_URL, *, template: str | None = None
) -> Iterator[str]:
    """Create a fresh ``sohoa_test_<hex>`` database, yield its URL, drop it afterwards."""
    name = f"{PREFIX}{secrets.token_hex(6)}"
    create_database(base_url, name, template)
    try:
        yield with_database(base_url, name)
    finally:
        drop_database(base_url, name)
