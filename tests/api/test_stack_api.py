"""Through the API: a dossier's cover sheet, a scanned stack split at it, the tray of
unclaimed pages and attaching one of them to a dossier."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from ingest.batch import find_cover_sheet
from tests.api.conftest import Service
from tests.support.cover_scans import add_image_page, degrade, rasterise, text_page
from tests.support.names import unique_name
from tests.support.synthetic_pdf import Degradation
from tests.support.workers import wait_for_job, worker


def test_cover_sheet_stack_tray_and_assign(service: Service, tmp_path: Path) -> None:
    unit = unique_name("STK")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "2.001", "procedure_name": "Đăng ký kết hôn",
        "applicant_name": "Hoàng Thị Yến", "processing_days": 5}).json()["id"]
    cover = service.client.get(f"/dossiers/{dossier}/cover-sheet", headers=headers)
    assert cover.status_code == 200
    assert cover.headers["content-type"] == "application/pdf"
    (tmp_path / "cover.pdf").write_bytes(cover.content)
    assert "Hoàng Thị Yến" in pymupdf.open(tmp_path / "cover.pdf")[0].get_text()
    scan = Degradation(dpi=150, skew_deg=2.0)
    cover_image = degrade(rasterise(tmp_path / "cover.pdf", 0, 150), scan, 1)
    assert find_cover_sheet(cover_image) == dossier

    pages = [text_page([f"Tờ khai trang {n}"], tmp_path, f"p{n}.pdf") for n in range(2)]
    stack = tmp_path / "stack.pdf"
    with pymupdf.open() as document:
        add_image_page(document, degrade(rasterise(pages[0], 0, 150), scan, 2), 150)
        add_image_page(document, cover_image, 150)
        add_image_page(document, degrade(rasterise(pages[1], 0, 150), scan, 3), 150)
        document.save(stack)
    split = service.client.post("/stacks", headers=headers,
                                files={"file": ("stack.pdf", stack.read_bytes(),
                                                "application/pdf")})
    assert split.status_code == 202, split.text  # answered at once: the split is a job
    job = split.json()
    assert (job["kind"], job["status"]) == ("stack", "queued")
    with worker(service, unique_name("stack-worker")):
        done = wait_for_job(service, job["id"], f"intake-{unit}",
                            lambda body: body["status"] in ("done", "failed"), timeout=120)
    assert done["status"] == "done", done
    report = done["result"]
    assert isinstance(report, dict)
    assert [entry["dossier"] for entry in report["documents"]] == [dossier]
    assert report["cover_pages"] == [2]
    assert report["unassigned_pages"] == [1]

    tray = service.client.get("/tray", headers=headers).json()
    assert [row["id"] for row in tray] == [report["unassigned"][0]["document"]]
    moved = service.client.post(f"/documents/{tray[0]['id']}/assign", headers=headers,
                                json={"dossier_id": dossier})
    assert moved.status_code == 200, moved.text
    assert moved.json()["dossier_id"] == dossier
    assert service.client.get("/tray", headers=headers).json() == []
    again = service.client.post(f"/documents/{tray[0]['id']}/assign", headers=headers,
                                json={"dossier_id": dossier})
    assert again.status_code == 409
