"""What the command modules share: the parser class, JSON output, a records session."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.settings import Settings
    from storage.objects import ObjectStore
    from storage.records import Database

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[Parser]
else:
    Commands = argparse._SubParsersAction
"""What each command module's ``register`` adds its sub-commands to."""


def print_json(value: object) -> None:
    """Print a value as indented UTF-8 JSON."""
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@contextmanager
def records_and_store() -> Iterator[tuple[Settings, Database, ObjectStore]]:
    """The configured settings, records database (schema upgraded) and object store, for
    commands that need no queue; the database is disposed after."""
    from api.runtime import open_records, open_store
    from api.settings import load_settings

    settings = load_settings()
    db = open_records(settings)
    try:
        yield settings, db, open_store(settings)
    finally:
        db.dispose()


@contextmanager
def records_session() -> Iterator[Session]:
    """A session on the configured records database (schema upgraded), committed when the
    block ends, closed after."""
    from api.runtime import open_records
    from api.settings import load_settings

    db = open_records(load_settings())
    try:
        with db.session() as session:
            yield session
    finally:
        db.dispose()
