"""Backup and restore of records and objects, on SQLite + a local directory and on
PostgreSQL + S3, and across them: every row, object hash, search hit and the audit chain come
back; a changed object byte, a non-empty target and another schema revision are refused."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ingest.dossiers import NewDossier, create_dossier
from ingest.intake import store_original
from storage.accounts import create_unit, create_user
from storage.backup import (
    BackupIntegrityError,
    NotEmptyError,
    create_backup,
    restore_backup,
)
from storage.errors import BadInputError
from storage.objects import LocalStoreConfig, ObjectStore, S3StoreConfig, open_object_store
from storage.records import (
    AuditAction,
    Base,
    Database,
    Dossier,
    Job,
    JobKind,
    JobStatus,
    append_audit,
    verify_audit_chain,
)
from storage.search import index_document, search
from tests.support.pdfs import pdf_with
from tests.support.records import fresh_database
from tests.support.seaweed import SeaweedServer

Opener = Callable[[str, str], Any]

SETS = {
    "sqlite-local": ("sqlite", "local"),
    "postgresql-s3": ("postgresql", "s3"),
}
PAIRS = [
    pytest.param("sqlite-local", "sqlite-local", id="sqlite-local"),
    pytest.param("postgresql-s3", "postgresql-s3", id="postgresql-s3",
                 marks=pytest.mark.servers),
    pytest.param("sqlite-local", "postgresql-s3", id="sqlite-to-postgresql",
                 marks=pytest.mark.servers),
]


@pytest.fixture
def installation(tmp_path: Path, request: pytest.FixtureRequest,
                 ) -> Iterator[Callable[[str], tuple[Database, ObjectStore]]]:
    """Opens fresh installations (a migrated database and an empty store) of a backend set."""
    with ExitStack() as stack:
        def open_one(kind: str) -> tuple[Database, ObjectStore]:
            database, objects = SETS[kind]
            directory = tmp_path / secrets.token_hex(4)
            directory.mkdir()
            db = stack.enter_context(fresh_database(
                database, directory,
                lambda: str(request.getfixturevalue("postgres_template"))))
            if objects == "local":
                store = open_object_store(LocalStoreConfig(directory / "objects",
                                                           secrets.token_bytes(32)))
            else:
                server: SeaweedServer = request.getfixturevalue("s3_server")
                store = open_object_store(S3StoreConfig(
                    server.endpoint, server.access_key, server.secret_key,
                    f"sohoa-backup-{secrets.token_hex(6)}"))
            store.check()
            return db, store

        yield open_one


def _fill(db: Database, store: ObjectStore) -> None:
    """Units (a tree), users, dossiers, uploaded originals (one shared by two dossiers),
    a job with JSON and times, search entries and audit entries of every kind above."""
    with db.session() as session:
        create_unit(session, "UBND-HN", "Ủy ban nhân dân thành phố Hà Nội")
        child = create_unit(session, "SO-TNMT", "Sở Tài nguyên và Môi trường", "UBND-HN")
        user = create_user(session, username="tiepnhan", password="mật-khẩu-đủ-dài",
                           role="intake", unit_code="SO-TNMT")
        dossiers = [create_dossier(session, NewDossier(
            procedure_code=f"1.00{n}", applicant_name=f"Nguyễn Văn {n}", processing_days=5 + n,
            unit_id=child.id, procedure_name="Cấp giấy chứng nhận quyền sử dụng đất"),
            actor="tiepnhan", created_by_id=user.id) for n in range(3)]
        shared = pdf_with(bytes(range(256)) * 20)
        for number, dossier in enumerate(dossiers):
            for name, content in ((f"don-{number}.pdf", pdf_with(secrets.token_bytes(4000))),
                                  ("chung.pdf", shared)):
                stored = store_original(session, store, dossier=dossier, filename=name,
                                        stream=io.BytesIO(content), actor="tiepnhan",
                                        user_id=user.id)
                index_document(session, stored.document.id, title=f"{name} đơn đề nghị",
                               body=f"Hồ sơ đất đai số {number} của ông Nguyễn Văn {number}")
        session.add(Job(id=f"fixity:dossier:{dossiers[0].id}", kind=JobKind.fixity,
                        dossier_id=dossiers[0].id, status=JobStatus.done,
                        result={"checked": 2, "ok": True, "nested": {"số": [1, 2.5, None]}},
                        started_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)))
        append_audit(session, actor="system", action=AuditAction.fixity_checked,
                     subject_type="dossier", subject_id=dossiers[0].id,
                     details={"ok": True, "ghi chú": "kiểm tra định kỳ"})


def _records(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the models read it (typed), in key order."""
    with db.session() as session:
        return {table.name: [tuple(row) for row in session.execute(
            sa.select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables}


def _objects(store: ObjectStore) -> dict[str, str]:
    return {info.key: info.sha256 for info in store.list("")}


def _hits(db: Database, query: str) -> list[tuple[int, str | None]]:
    with db.session() as session:
        return [(hit.document_id, hit.snippet) for hit in search(session, query)]


@contextmanager
def _nothing_written(db: Database, store: ObjectStore) -> Iterator[None]:
    before = (_records(db), _objects(store))
    yield
    assert (_records(db), _objects(store)) == before


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS)
def test_round_trip(installation: Callable[[str], tuple[Database, ObjectStore]],
                    tmp_path: Path, source_kind: str, target_kind: str) -> None:
    source_db, source_store = installation(source_kind)
    _fill(source_db, source_store)
    seen: list[tuple[int, int]] = []
    made = create_backup(source_db, source_store, tmp_path / "backup",
                         progress=lambda done, total: seen.append((done, total)))
    assert made.objects == 6  # one own original per dossier, one content in all three
    blobs = [path for path in (tmp_path / "backup" / "objects").rglob("*") if path.is_file()]
    assert len(blobs) == 4  # ... kept once in the backup
    assert seen[-1][0] == seen[-1][1] == made.total_rows + made.objects

    target_db, target_store = installation(target_kind)
    restored = restore_backup(target_db, target_store, tmp_path / "backup")

    expected = _records(source_db)
    assert all(expected[name] for name in ("units", "documents", "audit_log", "jobs"))
    assert _records(target_db) == expected
    assert _objects(target_store) == _objects(source_store)
    assert len(_objects(target_store)) == 6
    for key, sha in _objects(target_store).items():
        with target_store.open(key) as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == sha
    assert _hits(target_db, "ho so dat dai so 1") == _hits(source_db, "ho so dat dai so 1")
    assert _hits(target_db, "ho so dat dai so 1")
    with target_db.session() as session:
        check = verify_audit_chain(session)
    assert check.ok
    assert check.entries == restored.audit_entries == made.audit_entries == len(
        expected["audit_log"])
    assert restored.rows == made.rows


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS[1:])
def test_ids_continue_after_the_restored_ones(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path,
        source_kind: str, target_kind: str) -> None:
    """PostgreSQL's id sequences are moved past the restored ids: new rows do not collide."""
    source_db, source_store = installation(source_kind)
    _fill(source_db, source_store)
    create_backup(source_db, source_store, tmp_path / "backup")
    target_db, target_store = installation(target_kind)
    restore_backup(target_db, target_store, tmp_path / "backup")
    with target_db.session() as session:
        largest = session.scalar(sa.select(sa.func.max(Dossier.id)))
        unit = create_unit(session, "UBND-MOI", "Đơn vị mới")
        dossier = create_dossier(session, NewDossier(
            procedure_code="2.001", applicant_name="Trần Thị B", processing_days=3,
            unit_id=unit.id), actor="system", created_by_id=None)
        append_audit(session, actor="system", action=AuditAction.fixity_checked,
                     subject_type="dossier", subject_id=dossier.id)
    assert largest is not None
    assert dossier.id == largest + 1
    with target_db.session() as session:
        assert verify_audit_chain(session).ok


@pytest.mark.parametrize("kind", ["sqlite-local",
                                  pytest.param("postgresql-s3", marks=pytest.mark.servers)])
def test_a_changed_object_byte_is_refused_naming_the_object(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path,
        kind: str) -> None:
    source_db, source_store = installation(kind)
    _fill(source_db, source_store)
    create_backup(source_db, source_store, tmp_path / "backup")
    victim = json.loads((tmp_path / "backup" / "objects.jsonl").read_text().splitlines()[1])
    blob = tmp_path / "backup" / "objects" / victim["sha256"][:2] / victim["sha256"]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))

    target_db, target_store = installation(kind)
    with _nothing_written(target_db, target_store), \
            pytest.raises(BackupIntegrityError) as refused:
        restore_backup(target_db, target_store, tmp_path / "backup")
    assert refused.value.subject == victim["key"]
    assert _objects(target_store) == {}


def test_a_changed_records_file_is_refused_naming_the_file(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path) -> None:
    source_db, source_store = installation("sqlite-local")
    _fill(source_db, source_store)
    create_backup(source_db, source_store, tmp_path / "backup")
    (records_file,) = (tmp_path / "backup" / "records").glob("*-dossiers.jsonl")
    records_file.write_text(records_file.read_text().replace("Nguyễn Văn 1", "Nguyễn Văn 9"))
    target_db, target_store = installation("sqlite-local")
    with _nothing_written(target_db, target_store), \
            pytest.raises(BackupIntegrityError) as refused:
        restore_backup(target_db, target_store, tmp_path / "backup")
    assert refused.value.subject == str(records_file)


def test_a_non_empty_installation_is_refused(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path) -> None:
    db, store = installation("sqlite-local")
    _fill(db, store)
    create_backup(db, store, tmp_path / "backup")
    with _nothing_written(db, store), pytest.raises(NotEmptyError) as refused:
        restore_backup(db, store, tmp_path / "backup")
    assert "not empty" in str(refused.value)
    assert refused.value.subject == db.location

    only_objects_db, only_objects_store = installation("sqlite-local")
    only_objects_store.put("units/1/tray", io.BytesIO(b"left over"))
    with pytest.raises(NotEmptyError, match="units/1/tray/"):
        restore_backup(only_objects_db, only_objects_store, tmp_path / "backup")


def test_another_schema_revision_is_refused(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path) -> None:
    db, store = installation("sqlite-local")
    _fill(db, store)
    create_backup(db, store, tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["schema_revision"] = "0001"
    manifest_path.write_text(json.dumps(manifest))
    target_db, target_store = installation("sqlite-local")
    with pytest.raises(BadInputError, match="schema revision 0001"):
        restore_backup(target_db, target_store, tmp_path / "backup")


def test_backup_into_a_non_empty_directory_is_refused(
        installation: Callable[[str], tuple[Database, ObjectStore]], tmp_path: Path) -> None:
    db, store = installation("sqlite-local")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(BadInputError, match="new or empty directory"):
        create_backup(db, store, tmp_path / "full")
