"""Data hygiene through the edges: a refused upload leaves no object behind, ``sohoa fsck``
lists what no record references, and an intake user cannot declare a result signed."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.api.conftest import Service
from tests.support.cli import run
from tests.support.names import unique_name
from tests.support.pdfs import pdf_with


def _intake(service: Service) -> tuple[str, dict[str, str], int]:
    unit = unique_name("HY")
    unit_id = service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    return unit, service.auth(f"intake-{unit}"), unit_id


def _dossier(service: Service, headers: dict[str, str]) -> int:
    response = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Trần Thị Mai", "processing_days": 1})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_good_and_a_truncated_file_leave_nothing(service: Service, corpus_dir: Path) -> None:
    _, headers, _ = _intake(service)
    dossier = _dossier(service, headers)
    png = (corpus_dir / "vi-admin" / "s100-002-ke_hoach.png").read_bytes()
    response = service.client.post(f"/dossiers/{dossier}/documents", headers=headers, files=[
        ("files", ("tot.pdf", pdf_with(b"tot"), "application/pdf")),
        ("files", ("cut.png", png[:40_000], "image/png"))])
    assert response.status_code == 422, response.text
    assert list(service.runtime.store.list(f"dossiers/{dossier}")) == []


def test_a_png_as_a_draft_or_incoming_leaves_nothing(service: Service,
                                                     corpus_dir: Path) -> None:
    unit = unique_name("HY")
    unit_id = service.add_unit(unit)
    service.add_user(f"leader-{unit}", "leader", unit)
    service.add_user(f"clerk-{unit}", "clerk", unit)
    png = (corpus_dir / "vi-admin" / "s100-002-ke_hoach.png").read_bytes()
    for path, user in (("/drafts", f"leader-{unit}"), ("/incoming", f"clerk-{unit}")):
        response = service.client.post(path, headers=service.auth(user),
                                       files={"file": ("anh.png", io.BytesIO(png), "image/png")})
        assert 400 <= response.status_code < 500, (path, response.text)
    assert list(service.runtime.store.list(f"units/{unit_id}")) == []


def test_fsck_lists_an_unreferenced_object(service: Service) -> None:
    stray = service.runtime.store.put("dossiers/987654", io.BytesIO(b"lac loai"),
                                      suffix=".pdf").key
    found = run(["fsck", "--json"], service.env)
    assert found.returncode == 3, found.stderr
    answer = json.loads(found.stdout)
    assert stray in [item["key"] for item in answer["unreferenced"]]
    assert answer["missing"] == []
    assert answer["wrong_size"] == []
    young = run(["fsck", "--delete"], service.env)  # uploads in progress are spared
    assert young.returncode == 3
    assert f"unreferenced\t{stray}" in young.stdout
    assert service.runtime.store.exists(stray)
    service.runtime.store.delete(stray)


def test_an_intake_user_cannot_declare_the_result_signed(service: Service) -> None:
    _, headers, _ = _intake(service)
    dossier = _dossier(service, headers)
    moved = service.client.post(f"/dossiers/{dossier}/status", headers=headers,
                                json={"status": "in_progress"})
    assert moved.status_code == 200, moved.text
    refused = service.client.post(f"/dossiers/{dossier}/status", headers=headers,
                                  json={"status": "result_signed"})
    assert refused.status_code == 403, refused.text
    assert service.client.get(f"/dossiers/{dossier}", headers=headers).json()[
        "status"] == "in_progress"


def test_the_sqlite_file_is_the_owners_alone(tmp_path: Path) -> None:
    from storage.records import DatabaseConfig, open_database, upgrade_schema

    path = tmp_path / "data" / "sohoa.db"
    path.parent.mkdir()
    path.touch(mode=0o644)
    path.chmod(0o644)  # an older installation's file
    database = open_database(DatabaseConfig(f"sqlite:///{path}"))
    try:
        upgrade_schema(database)
    finally:
        database.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
