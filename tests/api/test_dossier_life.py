"""A dossier's life through the API: uploads queue OCR and classification at once, the
dossier moves received -> digitising -> digitised by itself and onwards by staff (each move
audited, a wrong move refused), uploads over the size limit are refused with nothing kept,
and the office's figures on a seeded set of dossiers."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from storage.records import AuditEntry, Document, Dossier, DossierStatus, Unit
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.workers import worker


def _setup(service: Service, prefix: str) -> tuple[str, dict[str, str]]:
    unit = unique_name(prefix)
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    return unit, service.auth(f"intake-{unit}")


def _dossier(service: Service, headers: dict[str, str]) -> int:
    response = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.004227", "procedure_name": "Cấp giấy phép xây dựng",
        "applicant_name": "Nguyễn Văn Bình", "processing_days": 15})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_upload_queues_ocr_and_the_dossier_follows(service: Service, corpus_dir: Path) -> None:
    unit, headers = _setup(service, "LIFE")
    dossier = _dossier(service, headers)
    source = corpus_dir / "vi-admin" / "s101-002-to_khai.png"
    files = [("files", (source.name, source.read_bytes(), "image/png"))]
    first = service.client.post(f"/dossiers/{dossier}/documents", headers=headers, files=files)
    assert first.status_code == 201, first.text
    document = first.json()[0]
    assert document["status"] == "queued"
    assert service.client.get(f"/dossiers/{dossier}", headers=headers).json()["status"] == (
        "digitising")
    again = service.client.post(f"/dossiers/{dossier}/documents", headers=headers, files=files)
    assert again.json()[0]["duplicate"] is True
    with worker(service, unique_name("w-life")):
        deadline = time.monotonic() + 240
        while service.client.get(f"/dossiers/{dossier}", headers=headers).json()[
                "status"] != "digitised":
            assert time.monotonic() < deadline
            time.sleep(0.2)
    read = service.client.get(f"/documents/{document['id']}", headers=headers).json()
    assert read["status"] == "digitised"
    assert read["doc_type"] == "to_khai"
    assert read["fields"]["so_dinh_danh"] == "893032997759"
    job = service.client.get(f"/jobs/ocr-document-{document['id']}-v1", headers=headers)
    assert job.json()["attempts"] == 1  # the duplicate queued nothing more

    moved = service.client.post(f"/dossiers/{dossier}/status", headers=headers,
                                json={"status": "in_progress"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "in_progress"
    # the result is declared signed by whoever signs, and only once something is signed
    by_intake = service.client.post(f"/dossiers/{dossier}/status", headers=headers,
                                    json={"status": "result_signed"})
    assert by_intake.status_code == 403, by_intake.text
    service.add_user(f"clerk-{unit}", "clerk", unit)
    by_clerk = service.client.post(f"/dossiers/{dossier}/status",
                                   headers=service.auth(f"clerk-{unit}"),
                                   json={"status": "result_signed"})
    assert by_clerk.status_code == 409, by_clerk.text
    wrong = service.client.post(f"/dossiers/{dossier}/status", headers=headers,
                                json={"status": "received"})
    assert wrong.status_code == 409
    assert wrong.headers["content-type"] == "application/problem+json"
    with service.runtime.db.session() as session:
        audited = session.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "dossier_status",
            AuditEntry.subject_id == str(dossier)).order_by(AuditEntry.id)).all()
        assert [entry["to"] for entry in audited] == ["digitising", "digitised", "in_progress"]
        row = session.get(Dossier, dossier)
        assert row is not None
        assert row.resolved_at is None


def test_upload_over_the_limit_is_refused_and_nothing_kept(service: Service) -> None:
    _, headers = _setup(service, "BIG")
    dossier = _dossier(service, headers)
    before = sum(1 for _ in service.runtime.store.list(f"dossiers/{dossier}"))
    service.runtime.settings.max_upload_mb = 1
    try:
        big = b"%PDF-1.7\n" + b"0" * 1_500_000
        response = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                       files=[("files", ("to.pdf", big, "application/pdf"))])
    finally:
        service.runtime.settings.max_upload_mb = 200
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "to.pdf" in response.json()["detail"]
    assert "1 MB" in response.json()["detail"]
    with service.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(
            Document.dossier_id == dossier)) == 0
    assert sum(1 for _ in service.runtime.store.list(f"dossiers/{dossier}")) == before


def test_figures_on_seeded_dossiers(service: Service) -> None:
    unit, headers = _setup(service, "FIG")
    child = unique_name("FIGC")
    service.add_unit(child, parent=unit)
    today = date.today()
    with service.runtime.db.session() as session:
        ids = {code: session.scalar(select(Unit.id).where(Unit.code == code))
               for code in (unit, child)}

        def seed(unit_code: str, received: date, due: date, resolved: date | None,
                 status: DossierStatus) -> None:
            noon = datetime(received.year, received.month, received.day, 5, tzinfo=UTC)
            session.add(Dossier(
                unit_id=ids[unit_code], procedure_code="P", procedure_name="", applicant_name="A",
                processing_days=5, received_at=noon, due_date=due, status=status,
                resolved_at=None if resolved is None else datetime(
                    resolved.year, resolved.month, resolved.day, 5, tzinfo=UTC)))

        day = today - timedelta(days=30)
        seed(unit, day, day + timedelta(days=7), day + timedelta(days=3), DossierStatus.returned)
        seed(unit, day, day + timedelta(days=7), day + timedelta(days=7),
             DossierStatus.result_signed)
        seed(unit, day, day + timedelta(days=7), day + timedelta(days=9), DossierStatus.returned)
        seed(unit, day, today - timedelta(days=1), None, DossierStatus.in_progress)
        seed(child, day, today + timedelta(days=5), None, DossierStatus.received)
        seed(child, today - timedelta(days=400), today - timedelta(days=390), None,
             DossierStatus.in_progress)  # received outside the period, overdue now
        session.commit()
    period = {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    body = service.client.get("/stats", headers=headers, params=period).json()
    rows = {row["unit_code"]: row for row in body["units"]}
    assert rows[unit]["received"] == 4
    assert (rows[unit]["resolved"], rows[unit]["resolved_early"], rows[unit]["resolved_on_time"],
            rows[unit]["resolved_late"]) == (3, 1, 1, 1)
    assert rows[unit]["overdue_now"] == 1
    assert rows[child]["received"] == 1
    assert rows[child]["overdue_now"] == 1
    assert body["total"]["received"] == 5
    assert body["total"]["overdue_now"] == 2
    assert body["total"]["share_digitised"] == 0.0
    only_child = service.client.get("/stats", headers=headers,
                                    params={**period, "unit": child}).json()
    assert [row["unit_code"] for row in only_child["units"]] == [child]
    table = service.client.get("/stats", headers=headers,
                               params={**period, "format": "csv"})
    assert table.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(table.text)))
    assert parsed[-1]["unit_code"] == "*"
    assert parsed[-1]["received"] == "5"
    bad = service.client.get("/stats", headers=headers,
                             params={"from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 422
