"""A file whose headers are sound but whose pixels are damaged is accepted (accept reads
headers only), then its digitisation job fails with the reason: on the document in the
API, on the document's page, and the original stays stored as it was sent."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest

from storage.jobs import ocr_job_id
from storage.objects.keys import original_prefix
from tests.api.conftest import Service
from tests.api.web.conftest import Web, web_client
from tests.support.names import unique_name
from tests.support.workers import wait_for_job, worker


def damaged_png() -> bytes:
    """A PNG with a valid signature, header and end chunk whose image data is zeroed in
    the middle: its header reads fine, its pixels cannot be decoded (CRC error)."""
    pixels = np.random.default_rng(17).integers(0, 255, (600, 450, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".png", pixels)
    assert ok
    data = bytearray(encoded.tobytes())
    middle = len(data) // 2
    data[middle:middle + 4000] = bytes(4000)
    return bytes(data)


@pytest.mark.slow
@pytest.mark.ci_sample
def test_damaged_pixels_are_accepted_then_fail_their_job_with_the_reason(
        service: Service) -> None:
    unit = unique_name("PIX")
    service.add_unit(unit)
    user = f"intake-{unit}"
    service.add_user(user, "intake", unit)
    headers = service.auth(user)
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Phạm Thị Hoa",
        "processing_days": 2}).json()["id"]
    content = damaged_png()
    upload = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                 files=[("files", ("hong.png", content, "image/png"))])
    assert upload.status_code == 201, upload.text
    document = upload.json()[0]
    assert document["status"] == "queued"
    assert document["failure_reason"] is None
    sha256 = hashlib.sha256(content).hexdigest()
    assert document["files"][0]["sha256"] == sha256

    with worker(service, unique_name("w-pix")):
        job = wait_for_job(service, ocr_job_id(document["id"], 1), user,
                           lambda body: body["status"] in ("failed", "done"), timeout=120)
    assert job["status"] == "failed", job
    assert "cannot be decoded" in str(job["error"])

    shown = service.client.get(f"/documents/{document['id']}", headers=headers).json()
    assert shown["status"] == "failed"
    assert shown["failure_reason"] is not None
    assert "hong.png" in shown["failure_reason"]
    assert "damaged PNG image" in shown["failure_reason"]
    assert "cannot be decoded" in shown["failure_reason"]

    key = f"{original_prefix(shown['unit_id'], dossier)}/{sha256}.png"
    with service.runtime.store.open(key) as stream:
        assert hashlib.sha256(stream.read()).hexdigest() == sha256

    with web_client(service.runtime) as client:
        browser = Web(runtime=service.runtime, client=client)
        browser.login(user)
        page = client.get(f"/ui/documents/{document['id']}")
        assert page.status_code == 200, page.text[:300]
        assert 'data-state="failed"' in page.text
        assert "không giải mã được trang 1" in page.text  # the reason, in Vietnamese
