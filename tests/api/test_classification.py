"""Classification through the service: the OCR job stores type, fields and confidence; a
person's correction is validated, audited, kept as training data, changes the answer for
the next similar document at once, and a retraining makes a new model version."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ingest.synthetic import Block, SyntheticDocument
from storage.records import AuditEntry, Job
from storage.records.models import TrainingExample
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.synthetic_pdf import render_pdf
from tests.support.workers import worker


def _marital_status_letter(name: str, number: str, born: str) -> SyntheticDocument:
    """A certificate whose title the layout rules do not know."""
    lines = (
        Block("plain", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
              align="centre", bold=True),
        Block("title", ("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",), align="centre", bold=True,
              size=14),
        Block("form_field", (f"Xét đề nghị của ông/bà: {name}", f"Ngày, tháng, năm sinh: {born}",
                             f"Giấy tờ tùy thân: Căn cước số {number}",
                             "Nơi cư trú: thôn Phú Lộc, xã Hòa Phú",
                             "Tình trạng hôn nhân: hiện tại chưa đăng ký kết hôn với ai.",
                             "Giấy này có giá trị sử dụng trong thời hạn 6 tháng kể từ ngày cấp",
                             "Mục đích sử dụng: để làm thủ tục đăng ký kết hôn.")),
        Block("signer_right", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                               "Trương Công Định"), align="centre", bold=True),
    )
    return SyntheticDocument(doc_id=number, doc_type="giay_chung_nhan", fields={},
                             blocks=lines)


def _upload_and_read(service: Service, headers: dict[str, str], dossier: int,
                     pdf: Path) -> dict[str, Any]:
    upload = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                 files=[("files", (pdf.name, pdf.read_bytes(),
                                                   "application/pdf"))])
    assert upload.status_code == 201, upload.text
    document_id = upload.json()[0]["id"]
    job = service.client.post(f"/documents/{document_id}/ocr", headers=headers).json()
    deadline = time.monotonic() + 300
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = service.client.get(f"/jobs/{job['id']}", headers=headers).json()
    assert job["status"] == "done", job
    answer = service.client.get(f"/documents/{document_id}/classification", headers=headers)
    assert answer.status_code == 200
    return {"id": document_id, **answer.json()}


@pytest.mark.slow  # two OCR jobs and a retrained model on each backend: 1.5-2.5 min
def test_correction_changes_the_next_answer(service: Service, tmp_path: Path) -> None:
    unit = unique_name("CLS")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.001193", "applicant_name": "Võ Thị Sen",
        "processing_days": 3}).json()["id"]
    pdfs = []
    for index, (name, number, born) in enumerate((
            ("Võ Thị Sen", "049190001234", "12/04/1990"),
            ("Lê Hoàng Nam", "049095004321", "03/11/1995"),
            ("Phạm Minh Thư", "049198007777", "21/01/1998"))):
        pdfs.append(tmp_path / f"xac-nhan-{index}.pdf")
        render_pdf(_marital_status_letter(name, number, born), pdfs[-1])

    with worker(service, unique_name("w-cls")):
        first = _upload_and_read(service, headers, dossier, pdfs[0])
        second = _upload_and_read(service, headers, dossier, pdfs[1])
        before = second["doc_type"]
        assert 0 < second["confidence"] <= 1
        wanted = "giay_chung_nhan" if before != "giay_chung_nhan" else "other"

        refused = service.client.put(f"/documents/{first['id']}/classification",
                                     headers=headers, json={"doc_type": wanted,
                                                            "fields": {"so_dinh_danh": "12ab"}})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "so_dinh_danh" in refused.json()["detail"]
        with service.runtime.db.session() as session:
            assert session.scalar(select(func.count()).select_from(TrainingExample).where(
                TrainingExample.document_id == first["id"])) == 0

        corrected = service.client.put(f"/documents/{first['id']}/classification",
                                       headers=headers, json={"doc_type": wanted})
        assert corrected.status_code == 200, corrected.text
        assert corrected.json()["doc_type"] == wanted
        assert corrected.json()["reviewed"]
        assert not corrected.json()["needs_review"]

        third = _upload_and_read(service, headers, dossier, pdfs[2])
        assert third["doc_type"] == wanted, third
        assert any("corrected document" in reason for reason in third["reasons"]), third

        versions = []
        deadline = time.monotonic() + 120
        while len(versions) < 2:
            job = _retrain_job(service)
            assert time.monotonic() < deadline, (versions, job)
            assert job.get("status") != "failed", job
            time.sleep(0.2)
            versions = service.client.get("/classifier", headers=headers).json()
    with service.runtime.db.session() as session:
        example = session.scalar(select(TrainingExample).where(
            TrainingExample.document_id == first["id"]))
        assert example is not None
        assert example.doc_type == wanted
        assert example.source == "correction"
        assert "Hòa Phú" in example.text
        audited = session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "document",
            AuditEntry.subject_id == str(first["id"]))).all()
        assert "document_corrected" in audited


def test_unknown_type_and_unread_document_are_refused(service: Service) -> None:
    unit = unique_name("CLS2")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Hà Văn Tú",
        "processing_days": 3}).json()["id"]
    upload = service.client.post(
        f"/dossiers/{dossier}/documents", headers=headers,
        files=[("files", ("a.png", _tiny_png(), "image/png"))])
    document_id = upload.json()[0]["id"]
    unknown = service.client.put(f"/documents/{document_id}/classification", headers=headers,
                                 json={"doc_type": "thu_tay"})
    assert unknown.status_code == 422
    assert "doc_type" in unknown.json()["detail"]
    unread = service.client.put(f"/documents/{document_id}/classification", headers=headers,
                                json={"doc_type": "other"})
    assert unread.status_code == 409, unread.text
    empty = service.client.get(f"/documents/{document_id}/classification", headers=headers)
    assert empty.json()["doc_type"] is None
    assert empty.json()["fields"] == {}


def _retrain_job(service: Service) -> dict[str, Any]:
    with service.runtime.db.session() as session:
        last = int(session.scalar(select(func.max(TrainingExample.id))) or 0)
        job = session.get(Job, f"retrain-classifier-{last}")
        return {} if job is None else {"status": str(job.status), "error": job.error}


def _tiny_png() -> bytes:
    import cv2
    import numpy as np

    ok, data = cv2.imencode(".png", np.full((40, 40), 255, np.uint8))
    assert ok
    return bytes(data)
