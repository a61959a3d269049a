"""A number or day written by hand that the classifier could not read (issue 16 §1): the
document page flags the field "Viết tay — cần kiểm tra" and shows the blank's crop, cut
from the searchable PDF at the box the classification stored; another unit's user gets
nothing, and the JSON API carries the same ``review`` entries."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pymupdf as _pymupdf
import pytest
from sqlalchemy import select

from api.runtime import open_runtime
from api.schemas import ClassificationOut
from ingest.dossiers import NewDossier, create_dossier
from ingest.intake import store_original
from storage.accounts import create_unit, create_user
from storage.records import Document, DocumentStatus, FileRole, Unit
from storage.records.files import store_document_file
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, logged_in

pymupdf: Any = _pymupdf

BLANK = (95.0, 100.0, 150.0, 125.0)  # where the number is written, in points
INK = (105.0, 104.0, 140.0, 121.0)  # the "handwriting": a black bar inside the blank


def _searchable_pdf() -> bytes:
    """A one-page PDF with "Số:" printed, a black mark in the blank and "/QĐ-UBND"."""
    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    page.insert_text((72, 118), "So:", fontsize=13)
    page.insert_text((152, 118), "/QD-UBND", fontsize=13)
    page.draw_rect(pymupdf.Rect(*INK), color=(0, 0, 0), fill=(0, 0, 0))
    data = document.tobytes()
    document.close()
    return bytes(data)


REVIEW = [{"field": "so_ky_hieu", "reason": "handwritten", "page": 0, "box": list(BLANK),
           "printed": "/QĐ-UBND"}]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """Two units with a user each; a signed-in intake user of XA."""
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("handwritten")))
    with runtime.db.session() as session:
        create_unit(session, "XA", "Ủy ban nhân dân xã A")
        create_unit(session, "XB", "Ủy ban nhân dân xã B")
        create_user(session, username="tiepnhan", password=PASSWORD, role="intake",
                    unit_code="XA")
        create_user(session, username="khac", password=PASSWORD, role="intake",
                    unit_code="XB")
    try:
        with logged_in(runtime, "tiepnhan") as web:
            yield web
    finally:
        runtime.close()


def _flagged_document(web: Web, review: list[dict[str, Any]]) -> int:
    """A digitised document of XA whose classification left the number to a person."""
    pdf = _searchable_pdf()
    with web.runtime.db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "XA"))
        assert unit is not None
        dossier = create_dossier(session, NewDossier(
            procedure_code="1.001", applicant_name="Trần Văn Bình", processing_days=5,
            unit_id=unit.id), actor="tiepnhan", created_by_id=None)
        document = store_original(session, web.runtime.store, dossier=dossier,
                                  filename="so.pdf", stream=io.BytesIO(pdf),
                                  actor="tiepnhan", user_id=None).document
        store_document_file(session, web.runtime.store, document, FileRole.searchable_pdf,
                            io.BytesIO(pdf), suffix=".pdf", media_type="application/pdf")
        store_document_file(session, web.runtime.store, document, FileRole.text,
                            io.BytesIO("Số: /QĐ-UBND".encode()), suffix=".txt",
                            media_type="text/plain")
        fields = {"ngay_ban_hanh": "2025-01-16", "co_quan_ban_hanh": "ỦY BAN NHÂN DÂN"}
        document.doc_type, document.fields = "quyet_dinh", fields
        document.needs_review, document.confidence, document.page_count = True, 0.8, 1
        document.classification = {
            "doc_type": "quyet_dinh", "fields": fields, "field_confidence": {},
            "needs_review": True, "review": review,
            "reasons": ["not found: so_ky_hieu", "handwritten, needs review: so_ky_hieu"]}
        document.status = DocumentStatus.digitised
        session.flush()
        return document.id


def _png(content: bytes) -> np.ndarray:
    pixmap = pymupdf.Pixmap(content)
    return np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.width,
                                                            pixmap.n)


def test_the_page_flags_the_handwritten_field_with_its_crop(office: Web) -> None:
    document_id = _flagged_document(office, REVIEW)
    page = office.client.get(f"/ui/documents/{document_id}")
    assert page.status_code == 200
    flagged = re.search(r'class="field-box review" data-field="so_ky_hieu">(.*?)</div>',
                        page.text, re.S)
    assert flagged, page.text
    assert "Viết tay — cần kiểm tra" in flagged.group(1)
    assert "không tìm thấy" not in flagged.group(1)  # not "missing": read by a person
    url = f"/ui/documents/{document_id}/review/so_ky_hieu.png"
    assert f'src="{url}"' in flagged.group(1)
    assert 'class="field-box" data-field="ngay_ban_hanh"' in page.text  # no crop, no flag
    assert page.text.count("/review/") == 1
    picture = office.client.get(url)
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    assert "private" in picture.headers["cache-control"]
    pixels = _png(picture.content)
    height, width = pixels.shape[:2]
    x0, y0, x1, y1 = BLANK
    assert abs(width / height - (x1 - x0) / (y1 - y0)) < 0.1  # the stored box's shape
    zoom = width / (x1 - x0)
    ink = pixels[round((INK[1] - y0 + 2) * zoom): round((INK[3] - y0 - 2) * zoom),
                 round((INK[0] - x0 + 2) * zoom): round((INK[2] - x0 - 2) * zoom)]
    assert ink.mean() < 20  # the mark is where the box says
    assert pixels[:, : round(5 * zoom)].mean() > 230  # left of it, the paper


def test_the_crop_is_only_for_flagged_fields_and_own_units(office: Web) -> None:
    document_id = _flagged_document(office, REVIEW)
    base = f"/ui/documents/{document_id}/review"
    assert office.client.get(f"{base}/ngay_ban_hanh.png").status_code == 404  # not flagged
    assert office.client.get(f"{base}/SO.png").status_code in (404, 422)
    with logged_in(office.runtime, "khac") as other:
        assert other.client.get(f"{base}/so_ky_hieu.png").status_code == 404
        assert other.client.get(f"/ui/documents/{document_id}").status_code == 404
    office.client.cookies.clear()
    assert office.client.get(f"{base}/so_ky_hieu.png").status_code in (303, 401)
    office.login("tiepnhan")


def test_a_box_off_the_page_shows_nothing(office: Web) -> None:
    document_id = _flagged_document(office, [{**REVIEW[0], "box": [900, 900, 950, 930]}])
    answer = office.client.get(f"/ui/documents/{document_id}/review/so_ky_hieu.png")
    assert answer.status_code == 404


def test_the_json_api_carries_the_review_entries(office: Web) -> None:
    document_id = _flagged_document(office, REVIEW)
    with office.runtime.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        out = ClassificationOut.of(document)
    assert out.review == REVIEW
    assert out.model_dump()["review"][0]["box"] == list(BLANK)
