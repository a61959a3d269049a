"""The OCR job through the API: upload, queue, progress, stored outputs, harmless rerun."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.records import Document, DocumentFile
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.workers import worker


# a corpus scan OCR'd by a worker on each backend, 1.5 min: test_dossier_life samples
# the upload-to-OCR path in CI
@pytest.mark.slow
def test_ocr_job_stores_searchable_pdf_text_and_words(service: Service, corpus_dir: Path) -> None:
    source = corpus_dir / "vi-admin" / "s100-005-bao_cao.pdf"  # two pages
    truth = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    service.add_unit("OCR")
    service.add_user("intake-ocr", "intake", "OCR")
    headers = service.auth("intake-ocr")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.000002", "applicant_name": "Đỗ Minh Châu", "processing_days": 5})
    upload = service.client.post(f"/dossiers/{dossier.json()['id']}/documents", headers=headers,
                                 files=[("files", (source.name, source.read_bytes(),
                                                   "application/pdf"))])
    document_id = upload.json()[0]["id"]
    for run in (1, 2):  # the second run must be harmless
        job = service.client.post(f"/documents/{document_id}/ocr", headers=headers).json()
        seen = set()
        with worker(service, unique_name("w-ocr")):
            deadline = time.monotonic() + 300
            while job["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline, job
                time.sleep(0.1)
                job = service.client.get(f"/jobs/{job['id']}", headers=headers).json()
                seen.add((job["status"], job["progress_done"], job["progress_total"]))
        assert job["status"] == "done", job
        assert job["result"]["pages"] == 2
        assert ("done", 2, 2) in seen
        assert job["attempts"] >= 1, run
    document = service.client.get(f"/documents/{document_id}", headers=headers).json()
    assert document["status"] == "digitised"
    assert document["page_count"] == 2
    roles = sorted(f["role"] for f in document["files"])
    assert roles == ["original", "searchable_pdf", "text", "words"]
    with service.runtime.db.session() as session:
        assert session.get(Document, document_id) is not None
        text_key = session.scalar(select(DocumentFile.object_key).where(
            DocumentFile.document_id == document_id, DocumentFile.role == "text"))
    assert text_key is not None
    with service.runtime.store.open(text_key) as stream:
        text = stream.read().decode("utf-8")
    assert text.count("\f") == 1
    first_words = " ".join(truth["text"].split()[:6])
    assert first_words.split()[0] in text
