"""Jobs through the API, run by real ``sohoa worker`` processes on both backend sets."""

from __future__ import annotations

import hashlib
import io
import os
import signal

from sqlalchemy import func, select

from ingest.intake import store_original
from storage.records import AuditEntry, Dossier, Job
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.pdfs import pdf_around, pdf_with
from tests.support.workers import wait_for_job, worker


def _dossier_id(service: Service, user: str) -> int:
    response = service.client.post("/dossiers", headers=service.auth(user), json={
        "procedure_code": "2.000123", "applicant_name": "Trần Văn Bình", "processing_days": 3})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_upload_then_fixity_job_runs_in_worker(service: Service) -> None:
    service.add_unit("JOB")
    service.add_user("intake-job", "intake", "JOB")
    dossier_id = _dossier_id(service, "intake-job")
    content = pdf_with(os.urandom(300_000))
    upload = service.client.post(
        f"/dossiers/{dossier_id}/documents", headers=service.auth("intake-job"),
        files=[("files", ("Đơn đề nghị.pdf", content, "application/pdf"))])
    assert upload.status_code == 201, upload.text
    document = upload.json()[0]
    assert document["files"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["media_type"] == "application/pdf"
    again = service.client.post(
        f"/dossiers/{dossier_id}/documents", headers=service.auth("intake-job"),
        files=[("files", ("copy.pdf", content, "application/pdf"))])
    assert again.json()[0]["duplicate"] is True
    assert again.json()[0]["id"] == document["id"]

    queued = service.client.post(f"/documents/{document['id']}/fixity",
                                 headers=service.auth("intake-job"))
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["id"]
    assert queued.json()["status"] == "queued"
    with worker(service, unique_name("w-fixity")):
        # behind the upload's OCR job, which takes a minute on a loaded two-core machine
        done = wait_for_job(service, job_id, "intake-job", lambda b: b["status"] == "done",
                            timeout=180)
    result = done["result"]
    assert isinstance(result, dict)
    assert result["ok"] is True
    # the upload also queued OCR, whose outputs may be stored by now: all are re-hashed
    assert hashlib.sha256(content).hexdigest() in [f["sha256"] for f in result["files"]]
    assert done["progress_done"] == done["progress_total"] >= len(content)
    download = service.client.get(f"/documents/{document['id']}/files/original",
                                  headers=service.auth("intake-job"), follow_redirects=False)
    assert download.status_code == 307


def _big_document(service: Service, dossier_id: int, size: int) -> int:
    block = os.urandom(1 << 20)
    head, tail = pdf_around(size)

    class Stream(io.RawIOBase):
        """A valid PDF of ``size`` random payload bytes, made while it is read."""

        def __init__(self) -> None:
            super().__init__()
            self.sent = 0
            self.parts: list[bytes | None] = [head, None, tail]  # None: the random payload

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            while self.parts:
                part = self.parts[0]
                if part is None:
                    count = min(len(buffer), size - self.sent, len(block))
                    if count <= 0:
                        self.parts.pop(0)
                        continue
                    buffer[:count] = block[:count]
                    self.sent += count
                    return count
                if not part:
                    self.parts.pop(0)
                    continue
                count = min(len(buffer), len(part))
                buffer[:count] = part[:count]
                self.parts[0] = part[count:]
                return count
            return 0

    with service.runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        stored = store_original(session, service.runtime.store, dossier=dossier,
                                filename="big-scan.pdf", stream=io.BufferedReader(Stream()),
                                actor="test", user_id=None)
        return stored.document.id


def test_job_of_killed_worker_is_retried_and_completes_once(service: Service) -> None:
    service.add_unit("KILL")
    service.add_user("intake-kill", "intake", "KILL")
    dossier_id = _dossier_id(service, "intake-kill")
    document_id = _big_document(service, dossier_id, 384 << 20)
    queued = service.client.post(f"/documents/{document_id}/fixity",
                                 headers=service.auth("intake-kill"))
    job_id = queued.json()["id"]

    name = unique_name("w-doomed")
    with worker(service, name) as doomed:
        running = wait_for_job(service, job_id, "intake-kill",  # maybe behind an OCR job
                               lambda b: b["status"] == "running" and b["progress_done"] > 0,
                               timeout=180)
        with service.runtime.db.session() as session:
            job = session.get(Job, job_id)
            assert job is not None
            assert job.worker
            horse_pid = int(job.worker.rsplit(":", 1)[1])
        os.killpg(doomed.pid, signal.SIGKILL)
        os.kill(horse_pid, signal.SIGKILL)
        doomed.wait()
    assert int(str(running["progress_done"])) < int(str(running["progress_total"]))

    with worker(service, name):  # a dead worker's name may be taken again
        done = wait_for_job(service, job_id, "intake-kill", lambda b: b["status"] == "done",
                            timeout=120)
    assert done["attempts"] == 2
    assert done["result"]["ok"] is True  # type: ignore[index]
    with service.runtime.db.session() as session:
        checks = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "fixity_checked", AuditEntry.subject_id == str(document_id)))
    assert checks == 1
