"""An upload with more pages than ``SOHOA_MAX_PAGES`` is refused at the door, naming the
file, and nothing of it is kept (issue 13: no page-count limit)."""

from __future__ import annotations

import pymupdf

from tests.api.conftest import Service
from tests.support.names import unique_name


def _pdf(pages: int) -> bytes:
    with pymupdf.open() as document:
        for number in range(pages):
            document.new_page().insert_text((72, 72), f"Trang {number + 1}")
        return bytes(document.tobytes())


def test_more_pages_than_allowed_is_refused(service: Service) -> None:
    unit = unique_name("PAGES")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Phạm Văn Nam", "processing_days": 2,
    }).json()["id"]
    before = sum(1 for _ in service.runtime.store.list(f"dossiers/{dossier}"))
    service.runtime.settings.max_pages = 2
    try:
        refused = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                      files={"files": ("ba-trang.pdf", _pdf(3),
                                                       "application/pdf")})
        accepted = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                       files={"files": ("hai-trang.pdf", _pdf(2),
                                                        "application/pdf")})
    finally:
        service.runtime.settings.max_pages = 2000
    assert refused.status_code == 422, refused.text
    assert refused.json()["subject"] == "ba-trang.pdf"
    assert "more pages than the 2 accepted" in refused.json()["detail"]
    assert accepted.status_code == 201, accepted.text
    after = sum(1 for _ in service.runtime.store.list(f"dossiers/{dossier}"))
    assert after == before + 1  # the two-page file only
