"""No orphan objects: what a failed transaction stored is removed, and ``fsck`` finds the rest.

Objects are content-addressed, so one object may be referenced by several records, and the
same content stored by a transaction that fails may be the object of a record another one
committed. A use case therefore stores through :func:`put_object`, which remembers the key
in its session; when that session's transaction ends without a commit (rolled back, or
closed), each remembered object that no record of the same database references is
deleted. On PostgreSQL a writer holds a shared advisory lock on the object's prefix until
its transaction ends and the clean-up takes it exclusively (or leaves the object), so an
object that a concurrent transaction has just stored and is about to record is never
removed. What is left anyway (a crash between storing and recording, a writer that does
not use :func:`put_object`) is listed, and removed on request, by :func:`check_store`.

This hook lives in ``storage``, so the API, the CLI and the worker all get it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, event, select, text, union
from sqlalchemy.orm import Session, SessionTransaction

from storage.errors import ObjectNotFoundError
from storage.jobs import stack_job_id
from storage.objects import ObjectInfo, ObjectStore
from storage.records import (
    ClassifierModel,
    DocumentFile,
    Job,
    SigningCredential,
    SigningRequest,
)
from storage.records.models import ExchangeCredential

log = logging.getLogger(__name__)

_STORED = "sohoa.orphans.stored"
"""``session.info`` key: the (store, prefix, key) triples stored in the open transaction."""

_STACK_KEY = re.compile(r"^units/(\d+)/stacks/([0-9a-f]{64})(\.[A-Za-z0-9]+)?$")
GRACE = timedelta(hours=1)
"""``check_store`` deletes no unreferenced object younger than this: it may be an upload
whose transaction has not committed yet."""


def _lock_id(prefix: str) -> int:
    """A signed 64-bit advisory lock id for an object prefix."""
    return int.from_bytes(hashlib.sha256(b"sohoa-object:" + prefix.encode()).digest()[:8],
                          "big", signed=True)


def _prefix_of(key: str) -> str:
    return key.rpartition("/")[0]


def put_object(session: Session, store: ObjectStore, prefix: str, stream: BinaryIO,
               **options: Any) -> ObjectInfo:
    """``store.put(prefix, stream, **options)`` for a record ``session`` is about to write:
    the object is deleted again if the session's transaction does not commit and no record
    references it then."""
    connection = session.connection()  # begins the transaction whose end is watched
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"),
                           {"id": _lock_id(prefix)})
    info = store.put(prefix, stream, **options)
    session.info.setdefault(_STORED, []).append((store, prefix, info.key))
    return info


def put_file_object(session: Session, store: ObjectStore, prefix: str, path: Path, *,
                    sha256: str, **options: Any) -> ObjectInfo:
    """``store.put_file(prefix, path, sha256=sha256, **options)`` watched as
    :func:`put_object` watches a put: deleted again if the transaction does not commit and
    no record references it then."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock_shared(:id)"),
                           {"id": _lock_id(prefix)})
    info = store.put_file(prefix, path, sha256=sha256, **options)
    session.info.setdefault(_STORED, []).append((store, prefix, info.key))
    return info


def referenced_keys(connection: Connection | Session, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that a record references: a document's file, a key file, a
    classifier version, an external signature's pending state, a scanned stack's split job."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        query: Any = union(
            select(DocumentFile.object_key).where(DocumentFile.object_key.in_(chunk)),
            select(SigningCredential.object_key).where(SigningCredential.object_key.in_(chunk)),
            select(ExchangeCredential.object_key).where(
                ExchangeCredential.object_key.in_(chunk)),
            select(ClassifierModel.object_key).where(ClassifierModel.object_key.in_(chunk)),
            select(SigningRequest.pending_key).where(SigningRequest.pending_key.in_(chunk)))
        found.update(str(key) for key in connection.execute(query).scalars())
    stacks = {}
    for key in wanted:
        if (match := _STACK_KEY.match(key)) is not None:
            stacks[stack_job_id(int(match[1]), match[2])] = key
    if stacks:
        jobs = connection.execute(select(Job.id).where(Job.id.in_(list(stacks)))).scalars()
        found.update(stacks[str(job_id)] for job_id in jobs)
    return found


def _try_lock(connection: Connection, prefix: str) -> bool:
    if connection.dialect.name != "postgresql":
        return True
    return bool(connection.execute(text("SELECT pg_try_advisory_xact_lock(:id)"),
                                   {"id": _lock_id(prefix)}).scalar())


def remove_unreferenced(engine: Engine, store: ObjectStore, keys: Iterable[str]) -> list[str]:
    """Delete each of ``keys`` that no record references (checked in its own transaction,
    holding its prefix's lock on PostgreSQL; a prefix in use by a transaction is left
    alone); returns the keys deleted."""
    deleted: list[str] = []
    with engine.connect() as connection:
        for key in sorted(set(keys)):
            with connection.begin():
                if not _try_lock(connection, _prefix_of(key)):
                    continue
                if referenced_keys(connection, [key]):
                    continue
                store.delete(key)
                deleted.append(key)
    return deleted


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_STORED, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or not session.info.get(_STORED):
        return
    stored: list[tuple[ObjectStore, str, str]] = session.info.pop(_STORED)
    try:
        engine = session.get_bind()
        by_store: dict[int, tuple[ObjectStore, list[str]]] = {}
        for store, _prefix, key in stored:
            by_store.setdefault(id(store), (store, []))[1].append(key)
        for store, keys in by_store.values():
            removed = remove_unreferenced(engine.engine, store, keys)
            if removed:
                log.info("removed %d object(s) of a transaction that did not commit",
                         len(removed))
    except Exception:  # never hide the error that failed the transaction; fsck finds them
        log.warning("could not remove the objects of a failed transaction", exc_info=True)


@dataclass
class StoreCheck:
    """What ``fsck`` found: objects no record references, records whose object is missing
    or has another size than recorded, and the unreferenced objects it deleted."""

    objects: int = 0
    unreferenced: list[ObjectInfo] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong_size: list[tuple[str, int, int]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing unreferenced left, nothing missing, every size as recorded."""
        left = [info for info in self.unreferenced if info.key not in set(self.deleted)]
        return not (left or self.missing or self.wrong_size)

    def to_json(self) -> dict[str, Any]:
        """The findings as plain values."""
        return {"objects": self.objects, "clean": self.clean,
                "unreferenced": [{"key": info.key, "size": info.size,
                                  "modified": info.modified.isoformat()}
                                 for info in self.unreferenced],
                "missing": self.missing,
                "wrong_size": [{"key": key, "recorded": recorded, "actual": actual}
                               for key, recorded, actual in self.wrong_size],
                "deleted": self.deleted}


def _recorded(session: Session) -> dict[str, int | None]:
    """Every referenced key and its recorded size (None where no size is recorded)."""
    sizes: dict[str, int | None] = {}
    for key, size in session.execute(select(DocumentFile.object_key, DocumentFile.size)):
        sizes[key] = size
    for key, size in session.execute(select(ClassifierModel.object_key, ClassifierModel.size)):
        sizes[key] = size
    for key in session.scalars(select(SigningCredential.object_key)):
        sizes.setdefault(key, None)
    for key in session.scalars(select(ExchangeCredential.object_key)):
        sizes.setdefault(key, None)
    for pending in session.scalars(select(SigningRequest.pending_key)
                                   .where(SigningRequest.pending_key.is_not(None))):
        sizes.setdefault(str(pending), None)
    return sizes


def check_store(session: Session, store: ObjectStore, *, delete: bool = False,
                now: datetime | None = None, grace: timedelta = GRACE) -> StoreCheck:
    """Compare the object store with the records: objects no record references (deleted
    with ``delete`` once older than ``grace``, each re-checked under its lock), and
    referenced objects that are missing or whose size differs from the recorded one."""
    now = now or datetime.now(UTC)
    result = StoreCheck()
    recorded = _recorded(session)
    present: dict[str, ObjectInfo] = {}
    for info in store.list(""):
        present[info.key] = info
    result.objects = len(present)
    stacks = [key for key in present if key not in recorded and _STACK_KEY.match(key)]
    in_use = set(recorded) | referenced_keys(session, stacks)
    result.unreferenced = [info for key, info in present.items() if key not in in_use]
    for key, size in sorted(recorded.items()):
        found = present.get(key)
        if found is None:
            try:
                found = store.stat(key)  # written since the listing?
            except ObjectNotFoundError:
                result.missing.append(key)
                continue
        if size is not None and found.size != size:
            result.wrong_size.append((key, size, found.size))
    if delete:
        old = [info.key for info in result.unreferenced if now - info.modified >= grace]
        bind = session.get_bind()
        result.deleted = remove_unreferenced(bind.engine, store, old)
    return result
