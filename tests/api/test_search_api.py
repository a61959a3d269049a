"""Search through the API and the CLI: OCR'd documents are found without diacritics, with
filters, ranked, with a highlighted snippet, and only within the user's units."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ingest.synthetic import Block, SyntheticDocument
from tests.api.conftest import Service
from tests.support.cli import run
from tests.support.names import unique_name
from tests.support.synthetic_pdf import render_pdf
from tests.support.workers import worker


def _letter(kind: str, title: str, summary: str, body: str) -> SyntheticDocument:
    blocks = (
        Block("header_left", ("UBND TỈNH ĐỒNG NAI", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
                              "Số: 120/TB-STNMT"), align="centre", bold=True),
        Block("header_right", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                               "Độc lập - Tự do - Hạnh phúc",
                               "Biên Hòa, ngày 12 tháng 3 năm 2025"), align="centre"),
        Block("title", (title,), align="centre", bold=True, size=14),
        Block("summary", (summary,), align="centre", bold=True),
        Block("body", (body,), align="justify"),
        Block("signer_right", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phạm Quốc Hưng"),
              align="centre", bold=True),
    )
    return SyntheticDocument(doc_id=kind, doc_type=kind, fields={}, blocks=blocks)


@pytest.mark.slow  # OCR jobs of generated scans on each backend: about 1 min
def test_search_finds_ocr_text_without_diacritics(service: Service, tmp_path: Path) -> None:
    unit = unique_name("SRCH")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Vũ Thị Lan",
        "processing_days": 5}).json()["id"]
    letters = [
        _letter("thong_bao", "THÔNG BÁO", "Về việc chỉnh lý hồ sơ đất đai năm 2025",
                "Sở thông báo kế hoạch chỉnh lý hồ sơ đất đai tại các xã ven sông."),
        _letter("ke_hoach", "KẾ HOẠCH", "Tổ chức tập huấn chuyển đổi số",
                "Kế hoạch tập huấn cho cán bộ một cửa về chữ ký số."),
    ]
    for letter in letters:
        pdf = tmp_path / f"{letter.doc_id}.pdf"
        render_pdf(letter, pdf)
        upload = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                     files=[("files", (pdf.name, pdf.read_bytes(),
                                                       "application/pdf"))])
        assert upload.status_code == 201, upload.text
    with worker(service, unique_name("w-search")):
        deadline = time.monotonic() + 240
        while service.client.get(f"/dossiers/{dossier}", headers=headers).json()[
                "status"] != "digitised":
            assert time.monotonic() < deadline
            time.sleep(0.2)

    hits = service.client.get("/search", headers=headers, params={"q": "ho so dat dai"}).json()
    assert [hit["doc_type"] for hit in hits] == ["thong_bao"]
    assert "<mark>hồ sơ đất đai</mark>" in hits[0]["snippet"]
    upper = service.client.get("/search", headers=headers, params={"q": "HỒ SƠ ĐẤT ĐAI"}).json()
    assert [hit["document_id"] for hit in upper] == [hits[0]["document_id"]]
    both = service.client.get("/search", headers=headers, params={"q": "so"}).json()
    assert len(both) == 2
    typed = service.client.get("/search", headers=headers,
                               params={"q": "so", "doc_type": "ke_hoach"}).json()
    assert [hit["doc_type"] for hit in typed] == ["ke_hoach"]
    by_number = service.client.get("/search", headers=headers, params={"q": "120/TB-STNMT"})
    assert len(by_number.json()) == 2
    empty = service.client.get("/search", headers=headers, params={"q": "!!!"})
    assert empty.status_code == 422

    other = unique_name("SRCH2")
    service.add_unit(other)
    service.add_user(f"intake-{other}", "intake", other)
    assert service.client.get("/search", headers=service.auth(f"intake-{other}"),
                              params={"q": "ho so dat dai"}).json() == []

    if service.kind == "embedded":
        done = run(["search", "chinh", "ly", "--json"], service.env, timeout=120)
        assert done.returncode == 0, done.stderr
        rows = json.loads(done.stdout)
        assert rows[0]["dossier"] == dossier
        assert "<mark>" in rows[0]["snippet"]
