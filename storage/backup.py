"""Backing up and restoring an installation: every record and every object, checked by hash.

A backup is a directory::

    manifest.json            format, schema revision, and per file: rows/count and SHA-256
    records/NN-<table>.jsonl one JSON object per row, tables in foreign-key order
    records/search.jsonl     the search index's original texts (rebuilt on restore)
    objects.jsonl            one line per object: key, sha256, size, content_type
    objects/ab/<sha256>      each distinct object content once

Values keep their types through JSON: datetimes and dates as ISO strings (UTC, µs), JSON
columns as JSON, bytes as base64, enums as their values; the column types of
:mod:`storage.records.models` decide how each is read back, so a backup of SQLite restores
into PostgreSQL and back.

:func:`restore_backup` writes only into an *empty* installation at the backup's schema
revision (upgrade first). Before it writes anything it checks every file and every object
against the manifest's SHA-256; it stores the objects (the store checks each hash again),
then inserts every row in one transaction, resets PostgreSQL's id sequences, and commits
only if the audit chain verifies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.errors import BadInputError, ConflictError
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.records import (
    AuditHead,
    Base,
    Database,
    current_revision,
    verify_audit_chain,
)
from storage.records.models import GENESIS_HASH
from storage.search import index_document

FORMAT = "sohoa-backup/1"
MANIFEST = "manifest.json"
OBJECTS_LIST = "objects.jsonl"
SEARCH_FILE = "records/search.jsonl"
BATCH = 1000

Progress = Callable[[int, int], None]

# Tables that are not models but belong to the schema: Alembic's, and the search index
# (saved through its original texts; FTS5 keeps its own shadow tables on SQLite).
_KNOWN_EXTRA = {"alembic_version", "document_search", "document_search_text"} | {
    f"document_search_{part}" for part in ("data", "idx", "content", "docsize", "config",
                                           "folded")}  # folded: rebuilt by index_document
_SEARCH_SOURCE = {"postgresql": "document_search", "sqlite": "document_search_text"}


class BackupIntegrityError(BadInputError):
    """A backup's file or object does not match the SHA-256 its manifest records, or the
    restored audit chain does not verify."""


class NotEmptyError(ConflictError):
    """A restore was aimed at an installation that already holds records or objects."""


@dataclass
class BackupSummary:
    """What a backup holds (or a restore wrote)."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    search_rows: int = 0
    objects: int = 0
    object_bytes: int = 0
    audit_entries: int = 0

    @property
    def total_rows(self) -> int:
        """Rows of every table."""
        return sum(self.rows.values())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


# --- values ----------------------------------------------------------------------------


def _python_type(column: sa.Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):  # e.g. UTCDateTime: what its database type holds
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value  # str (StrEnum too), int, float, bool, None, JSON dicts and lists


def _decode(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        return enum_class(value)
    return value


def _tables() -> list[sa.Table]:
    return list(Base.metadata.sorted_tables)


def _parents_first(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (the unit tree), each after its parent."""
    links = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys
             if fk.column.table is table]
    if not links:
        return rows
    ordered: list[dict[str, Any]] = []
    placed: set[tuple[str, Any]] = set()
    pending = rows
    while pending:
        ready = [row for row in pending
                 if all(row[child] is None or (parent, row[child]) in placed
                        or row[child] == row[parent] for child, parent in links)]
        if not ready:  # a cycle the database itself would refuse: keep the rest as is
            ready = pending
        ordered.extend(ready)
        placed.update((parent, row[parent]) for row in ready for _, parent in links)
        done = {id(row) for row in ready}
        pending = [row for row in pending if id(row) not in done]
    return ordered


# --- backup ------------------------------------------------------------------------------


class _HashingWriter:
    """Lines written to a file, hashed and counted as they go."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file: IO[bytes] = path.open("wb")
        self.digest = hashlib.sha256()
        self.count = 0

    def write(self, value: object) -> None:
        line = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
        data = line.encode("utf-8")
        self.file.write(data)
        self.digest.update(data)
        self.count += 1

    def close(self) -> str:
        self.file.close()
        return self.digest.hexdigest()


def _check_known_tables(db: Database) -> None:
    known = {table.name for table in _tables()} | _KNOWN_EXTRA
    unknown = sorted(set(sa.inspect(db.engine).get_table_names()) - known)
    if unknown:
        raise ConflictError(f"tables {', '.join(unknown)} are not known to the backup; "
                            "nothing was written", subject=db.location)


def create_backup(db: Database, store: ObjectStore, directory: Path, *,
                  progress: Progress | None = None) -> BackupSummary:
    """Write every record and object of the installation to ``directory`` (new or empty).

    Rows are read in one transaction (a consistent snapshot on PostgreSQL; SQLite is read
    under its own lock). Each object is read back and its SHA-256 compared to its key's.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BadInputError("must be a new or empty directory", subject=str(directory))
    revision = current_revision(db)
    if revision is None:
        raise BadInputError("the database has no schema; run sohoa once to create it",
                            subject=db.location)
    _check_known_tables(db)
    directory.mkdir(parents=True, exist_ok=True)
    summary = BackupSummary(revision=revision)
    manifest: dict[str, Any] = {"format": FORMAT, "schema_revision": revision,
                                "created_at": _encode(datetime.now(UTC)),
                                "source": {"database": db.backend}, "tables": []}
    with db.session() as session:
        if db.backend == "postgresql":
            session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        counts = {table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                  for table in _tables()}
        # Listed once the snapshot is taken: an object is stored before the rows naming it
        # are committed, so every object a row of the snapshot names is in this list.
        objects = list(store.list(""))
        total, done = sum(counts.values()) + len(objects), 0
        for number, table in enumerate(_tables(), start=1):
            name = f"records/{number:02d}-{table.name}.jsonl"
            writer = _HashingWriter(directory / name)
            key = list(table.primary_key.columns)
            rows = [{column.name: row[column.name] for column in table.columns}
                    for row in session.execute(sa.select(table).order_by(*key)).mappings()]
            for row in _parents_first(table, rows):
                writer.write({name_: _encode(value) for name_, value in row.items()})
                done += 1
                if progress:
                    progress(done, total)
            manifest["tables"].append({"table": table.name, "file": name,
                                       "rows": writer.count, "sha256": writer.close()})
            summary.rows[table.name] = writer.count
        manifest["search"] = _backup_search(session, db.backend, directory)
        summary.search_rows = manifest["search"]["rows"]
        summary.audit_entries = verify_audit_chain(session).entries
    manifest["objects"] = _backup_objects(store, objects, directory, summary,
                                          lambda n: progress(done + n, total) if progress else None)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return summary


def _backup_search(session: Session, backend: str, directory: Path) -> dict[str, Any]:
    source = sa.table(_SEARCH_SOURCE[backend],
                      *map(sa.column, ("document_id", "title", "body")))
    writer = _HashingWriter(directory / SEARCH_FILE)
    query = sa.select(source.c.document_id, source.c.title, source.c.body).order_by(
        source.c.document_id)
    for row in session.execute(query):
        writer.write({"document_id": row.document_id, "title": row.title, "body": row.body})
    return {"file": SEARCH_FILE, "rows": writer.count, "sha256": writer.close()}


def _blob_path(directory: Path, sha256: str) -> Path:
    return directory / "objects" / sha256[:2] / sha256


def _backup_objects(store: ObjectStore, objects: list[Any], directory: Path,
                    summary: BackupSummary, tick: Callable[[int], None]) -> dict[str, Any]:
    writer = _HashingWriter(directory / OBJECTS_LIST)
    for number, info in enumerate(objects, start=1):
        expected = _key_sha256(info.key)
        target = _blob_path(directory, expected)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            digest, size = hashlib.sha256(), 0
            with store.open(info.key) as source, partial.open("wb") as sink:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    sink.write(chunk)
                    size += len(chunk)
            if digest.hexdigest() != expected:
                partial.unlink()
                raise BackupIntegrityError("the stored object does not match its SHA-256; "
                                           "run a fixity check", subject=info.key)
            partial.rename(target)
        else:
            size = target.stat().st_size
        writer.write({"key": info.key, "sha256": expected, "size": size,
                      "content_type": info.content_type})
        summary.objects += 1
        summary.object_bytes += size
        tick(number)
    return {"file": OBJECTS_LIST, "count": writer.count, "bytes": summary.object_bytes,
            "sha256": writer.close()}


def _key_sha256(key: str) -> str:
    name = key.rpartition("/")[2]
    return name[:64]


# --- restore -----------------------------------------------------------------------------


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        for line in file:
            yield json.loads(line)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The backup's manifest, checked for its format; :class:`BadInputError` if unusable."""
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BadInputError("not a sohoa backup (no manifest.json)",
                            subject=str(directory)) from error
    except (OSError, ValueError) as error:
        raise BadInputError(f"unreadable manifest: {error}", subject=str(path)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInputError(f"not a {FORMAT} manifest", subject=str(path))
    return manifest


def check_backup(directory: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Check every file and every object of a backup against its manifest's SHA-256;
    return the manifest. :class:`BackupIntegrityError` names the first file or object
    that differs."""
    manifest = read_manifest(directory)
    files = [*manifest["tables"], manifest["search"], manifest["objects"]]
    for entry in files:
        path = directory / entry["file"]
        if not path.is_file() or _sha256_file(path) != entry["sha256"]:
            raise BackupIntegrityError("missing or changed since the backup was made",
                                       subject=str(path))
    total = manifest["objects"]["count"]
    for number, item in enumerate(_read_lines(directory / OBJECTS_LIST), start=1):
        path = _blob_path(directory, item["sha256"])
        if _key_sha256(item["key"]) != item["sha256"]:
            raise BackupIntegrityError("the key does not name its SHA-256", subject=item["key"])
        if not path.is_file() or _sha256_file(path) != item["sha256"]:
            raise BackupIntegrityError(f"the object's bytes in {path} do not match its "
                                       "SHA-256", subject=item["key"])
        if progress:
            progress(number, total)
    return manifest


def _check_empty(session: Session, db: Database, store: ObjectStore) -> None:
    for table in _tables():
        if table.name == AuditHead.__tablename__:
            head = session.get(AuditHead, 1)
            if head is not None and (head.last_id, head.last_hash) != (0, GENESIS_HASH):
                raise NotEmptyError("the installation is not empty: its audit log has "
                                    "entries; restore only into a new installation",
                                    subject=db.location)
            continue
        if session.scalar(sa.select(sa.func.count()).select_from(table)):
            raise NotEmptyError(f"the installation is not empty: table {table.name} has "
                                "rows; restore only into a new installation",
                                subject=db.location)
    for info in store.list(""):
        raise NotEmptyError("the installation's object store is not empty (it holds "
                            f"{info.key}); restore only into a new installation",
                            subject="object store")


def restore_backup(db: Database, store: ObjectStore, directory: Path, *,
                   progress: Progress | None = None) -> BackupSummary:
    """Restore a backup made by :func:`create_backup` into an empty installation.

    Refuses (:class:`NotEmptyError`) an installation holding any record or object, and
    (:class:`BadInputError`) one at another schema revision. Every file and object is
    checked by SHA-256 before anything is written; the records are committed only if the
    audit chain verifies.
    """
    manifest = check_backup(directory)
    revision = current_revision(db)
    if manifest["schema_revision"] != revision:
        raise BadInputError(
            f"the backup is at schema revision {manifest['schema_revision']}, this "
            f"installation at {revision}; restore with the sohoa version that made it",
            subject=str(directory))
    summary = BackupSummary(revision=manifest["schema_revision"])
    total = sum(entry["rows"] for entry in manifest["tables"]) + manifest["objects"]["count"]
    with db.session() as session:
        _check_empty(session, db, store)
    done = _restore_objects(store, directory, summary,
                            lambda n: progress(n, total) if progress else None)
    tables = {table.name: table for table in _tables()}
    with db.session() as session:
        for entry in manifest["tables"]:
            table = tables.get(entry["table"])
            if table is None:
                raise BadInputError("the backup has a table this version does not know",
                                    subject=entry["table"])
            count = _restore_table(session, table, directory / entry["file"])
            summary.rows[table.name] = count
            done += count
            if progress:
                progress(done, total)
        for row in _read_lines(directory / manifest["search"]["file"]):
            index_document(session, row["document_id"], title=row["title"], body=row["body"])
            summary.search_rows += 1
        if db.backend == "postgresql":
            _reset_sequences(session)
        session.flush()
        check = verify_audit_chain(session)
        if not check.ok:
            raise BackupIntegrityError(f"the restored audit chain does not verify at entry "
                                       f"{check.first_bad_id}: {check.reason}",
                                       subject=str(directory))
        summary.audit_entries = check.entries
    return summary


def _restore_objects(store: ObjectStore, directory: Path, summary: BackupSummary,
                     tick: Callable[[int], None]) -> int:
    number = 0
    for number, item in enumerate(_read_lines(directory / OBJECTS_LIST), start=1):
        prefix, _, name = item["key"].rpartition("/")
        with _blob_path(directory, item["sha256"]).open("rb") as stream:
            info = store.put(prefix, stream, expected_sha256=item["sha256"], suffix=name[64:],
                             content_type=item["content_type"])
        if info.key != item["key"]:
            raise BackupIntegrityError(f"stored as {info.key}", subject=item["key"])
        summary.objects += 1
        summary.object_bytes += info.size
        tick(number)
    return number


def _restore_table(session: Session, table: sa.Table, path: Path) -> int:
    columns = {column.name: column for column in table.columns}
    if table.name == AuditHead.__tablename__:
        rows = list(_read_lines(path))
        for row in rows:
            session.execute(sa.update(table).where(table.c.id == row["id"]).values(
                {name: _decode(columns[name], value) for name, value in row.items()}))
        return len(rows)
    count, batch = 0, []
    for row in _read_lines(path):
        unknown = set(row) - set(columns)
        if unknown:
            raise BadInputError(f"columns {', '.join(sorted(unknown))} unknown to this "
                                "version", subject=table.name)
        batch.append({name: _decode(columns[name], value) for name, value in row.items()})
        if len(batch) >= BATCH:
            session.execute(sa.insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        session.execute(sa.insert(table), batch)
        count += len(batch)
    return count


def _reset_sequences(session: Session) -> None:
    """After rows were inserted with their ids, each id sequence continues after the
    largest id (or starts at 1 for an empty table)."""
    for table in _tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or _python_type(key[0]) is not int:
            continue
        sequence = session.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                  {"t": table.name, "c": key[0].name})
        if sequence is None:
            continue
        session.execute(sa.text(
            f"SELECT setval(:s, COALESCE((SELECT MAX({key[0].name}) FROM {table.name}), 1), "  # noqa: S608
            f"(SELECT MAX({key[0].name}) IS NOT NULL FROM {table.name}))"), {"s": sequence})


def remove_backup(directory: Path) -> None:
    """Delete a backup directory (for callers cleaning up a failed backup)."""
    shutil.rmtree(directory, ignore_errors=True)


__all__ = ["BackupIntegrityError", "BackupSummary", "NotEmptyError",
           "check_backup", "create_backup", "read_manifest", "restore_backup"]
