"""``sohoa backup DIR`` / ``sohoa restore DIR`` on an installation filled through the API, on
the embedded defaults and on PostgreSQL + S3, restored into a new installation of either
kind: every record, object hash and the audit chain come back; a changed object byte and a
non-empty target are refused with exit 2 and one line naming them."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from api.settings import Settings
from storage.objects import ObjectStore, open_object_store
from storage.records import Base, Database, open_database, verify_audit_chain
from tests.api.conftest import Service, make_settings, settings_env
from tests.support.cli import run
from tests.support.names import unique_name
from tests.support.pdfs import pdf_with
from tests.support.postgres import temporary_database


@pytest.fixture(scope="module")
def filled(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service filled through the API (units, users, dossiers, uploads, a status
    change, logins), then backed up by ``sohoa backup``; the backup's directory."""
    unit = unique_name("BK")
    service.add_unit(unit)
    intake = f"tiepnhan-{unit}"
    service.add_user(intake, "intake", unit)
    shared = pdf_with(b"shared attachment " * 100)
    for number in range(3):
        response = service.client.post("/dossiers", headers=service.auth(intake), json={
            "procedure_code": f"1.00{number}", "applicant_name": f"Lê Thị {number}",
            "processing_days": 5, "procedure_name": "Đăng ký hộ kinh doanh"})
        assert response.status_code == 201, response.text
        dossier = response.json()["id"]
        files = [("files", (f"don-{number}.pdf", pdf_with(secrets.token_bytes(3000)),
                            "application/pdf")),
                 ("files", ("chung.pdf", shared, "application/pdf"))]
        response = service.client.post(f"/dossiers/{dossier}/documents", files=files,
                                       headers=service.auth(intake))
        assert response.status_code == 201, response.text
    directory = tmp_path_factory.mktemp("backups") / "one"
    result = run(["backup", str(directory), "--json"], service.env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    summary = json.loads(result.stdout)
    assert summary["objects"] >= 6
    assert summary["rows"]["documents"] >= 6
    return directory


def _target(kind: str, service: Service, directory: Path, s3: Any,
            stack: list[Any]) -> Settings:
    if kind == "embedded":
        return make_settings("embedded", directory)
    database = temporary_database()
    stack.append(database)
    return make_settings("servers", directory, database_url=database.__enter__(),
                         redis_url=service.runtime.redis_url, s3=s3)


@pytest.fixture
def target_of(service: Service, tmp_path: Path, request: pytest.FixtureRequest,
              ) -> Iterator[Any]:
    """Makes settings of a new, empty installation of a backend set."""
    opened: list[Any] = []

    def make(kind: str) -> Settings:
        s3 = request.getfixturevalue("s3_server") if kind == "servers" else None
        return _target(kind, service, tmp_path / unique_name(kind), s3, opened)

    yield make
    for database in opened:
        database.__exit__(None, None, None)


def _records(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.session() as session:
        return {table.name: [tuple(row) for row in session.execute(
            sa.select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables}


def _objects(store: ObjectStore) -> dict[str, str]:
    return {info.key: info.sha256 for info in store.list("")}


def _open(settings: Settings) -> tuple[Database, ObjectStore]:
    return open_database(settings.database_config()), open_object_store(settings.store_config())


@pytest.mark.parametrize("target_kind", ["embedded",
                                         pytest.param("servers", marks=pytest.mark.servers)])
def test_restore_gives_back_every_record_object_and_the_audit_chain(
        service: Service, filled: Path, target_of: Any, target_kind: str) -> None:
    target = target_of(target_kind)
    env = settings_env(target, service.runtime.redis_url)
    result = run(["restore", str(filled), "--json"], env, timeout=120)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)

    db, store = _open(target)
    try:
        expected = _records(service.runtime.db)
        assert _records(db) == expected
        assert _objects(store) == _objects(service.runtime.store)
        assert summary["objects"] == len(_objects(store))
        with db.session() as session:
            check = verify_audit_chain(session)
        assert check.ok
        assert check.entries == len(expected["audit_log"]) == summary["audit_entries"]
    finally:
        db.dispose()

    again = run(["restore", str(filled)], env, timeout=120)
    assert again.returncode == 2
    assert again.stderr.startswith("sohoa restore: ")
    assert "not empty" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("target_kind", ["embedded",
                                         pytest.param("servers", marks=pytest.mark.servers)])
def test_a_changed_object_byte_is_refused_naming_the_object(
        service: Service, filled: Path, target_of: Any, target_kind: str,
        tmp_path: Path) -> None:
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for path in filled.rglob("*"):
        if path.is_file():
            copy = tampered / path.relative_to(filled)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
    listed = [json.loads(line) for line in (tampered / "objects.jsonl").read_text().splitlines()]
    victim = next(item for item in reversed(listed)  # an object no other key shares
                  if [other["sha256"] for other in listed].count(item["sha256"]) == 1)
    blob = tampered / "objects" / victim["sha256"][:2] / victim["sha256"]
    data = bytearray(blob.read_bytes())
    data[-10] ^= 0x20
    blob.write_bytes(bytes(data))

    target = target_of(target_kind)
    result = run(["restore", str(tampered)], settings_env(target, service.runtime.redis_url),
                 timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"sohoa restore: {victim['key']}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    db, store = _open(target)
    try:
        assert _objects(store) == {}
        assert _records(db)["documents"] == []
    finally:
        db.dispose()


def test_backup_into_a_used_directory_and_restore_of_a_non_backup_exit_2(
        service: Service, filled: Path, tmp_path: Path) -> None:
    used = run(["backup", str(filled)], service.env)
    assert used.returncode == 2
    assert used.stderr == f"sohoa backup: {filled}: must be a new or empty directory\n"
    nothing = run(["restore", str(tmp_path)], service.env)
    assert nothing.returncode == 2
    assert nothing.stderr == f"sohoa restore: {tmp_path}: not a sohoa backup (no manifest.json)\n"
