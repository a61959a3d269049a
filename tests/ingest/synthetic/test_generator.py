"""The synthetic document generator, its OCR noise, and the PDF renderer/scanner for tests."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pymupdf
import pytest

from ingest.synthetic import (
    DOC_TYPES,
    Block,
    SyntheticDocument,
    generate_document,
    generate_documents,
    ocr_noise,
    strip_diacritics,
)
from tests.support.synthetic_pdf import (
    Degradation,
    find_serif_font,
    random_degradation,
    render_pdf,
    scan_pdf,
)

ADMINISTRATIVE = {
    "quyet_dinh": "QĐ", "cong_van": "", "to_trinh": "TTr", "bao_cao": "BC", "thong_bao": "TB",
    "ke_hoach": "KH", "bien_ban": "BB", "giay_moi": "GM", "nghi_quyet": "NQ",
    "huong_dan": "HD", "hop_dong": "HĐ",
}
ADMIN_FIELDS = {"so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "trich_yeu", "nguoi_ky",
                "chuc_vu"}
FORM_FIELDS = {"ho_ten", "so_dinh_danh", "trich_yeu"}
_PRINTED_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def documents() -> list[SyntheticDocument]:
    return generate_documents(len(DOC_TYPES) * 30, seed=11)


def test_deterministic_for_a_seed() -> None:
    first = generate_documents(40, seed=3)
    again = generate_documents(40, seed=3)
    assert [(d.doc_id, d.fields, d.text()) for d in first] == \
        [(d.doc_id, d.fields, d.text()) for d in again]
    other = generate_documents(40, seed=4)
    assert [d.text() for d in first] != [d.text() for d in other]
    # A prefix of a longer run is the shorter run.
    assert [d.text() for d in generate_documents(10, seed=3)] == [d.text() for d in first[:10]]
    one = generate_document(random.Random(7), "cong_van", "x")
    assert one == generate_document(random.Random(7), "cong_van", "x")


def test_every_type_round_robin(documents: list[SyntheticDocument]) -> None:
    assert len(DOC_TYPES) == 16
    assert "other" in DOC_TYPES
    assert set(ADMINISTRATIVE) | {"don_de_nghi", "to_khai", "giay_chung_nhan",
                                  "giay_to_tuy_than", "other"} == set(DOC_TYPES)
    counts = Counter(d.doc_type for d in documents)
    assert set(counts) == set(DOC_TYPES)
    assert len(set(counts.values())) == 1
    assert [d.doc_type for d in documents[:16]] == list(DOC_TYPES)
    only = generate_documents(6, types=["to_khai", "other"])
    assert [d.doc_type for d in only] == ["to_khai", "other"] * 3
    with pytest.raises(ValueError, match="unknown doc_type"):
        generate_document(random.Random(1), "sac_lenh")


def test_blocks_are_well_formed(documents: list[SyntheticDocument]) -> None:
    for doc in documents:
        assert doc.blocks, doc.doc_id
        assert doc.text() == "\n".join(line for b in doc.blocks for line in b.lines)
        for block in doc.blocks:
            assert block.lines
            assert all(line.strip() == line and line for line in block.lines)
            assert all(unicodedata.is_normalized("NFC", line) for line in block.lines)
        if doc.doc_type in ADMINISTRATIVE:
            kinds = [b.kind for b in doc.blocks]
            assert kinds[0] == "header_left"
            assert kinds.index("header_right") > max(
                i for i, k in enumerate(kinds) if k == "header_left")
            assert ("title" in kinds) == (doc.doc_type != "cong_van")
            assert kinds[-1] == "signer_right"
            assert doc.blocks[-1].lines[-1] == doc.fields["nguoi_ky"]
            assert doc.blocks[-1].lines[-2] == doc.fields["chuc_vu"]
    with pytest.raises(ValueError, match="unknown block kind"):
        Block("footer", ("x",))


def test_fields_are_those_of_the_domain(documents: list[SyntheticDocument]) -> None:
    for doc in documents:
        keys = set(doc.fields)
        if doc.doc_type in ADMINISTRATIVE:
            assert keys == ADMIN_FIELDS, doc.doc_id
        elif doc.doc_type in ("don_de_nghi", "to_khai"):
            assert keys == FORM_FIELDS, doc.doc_id
        elif doc.doc_type == "giay_to_tuy_than":
            assert keys == {"ho_ten", "so_dinh_danh"}, doc.doc_id
        elif doc.doc_type == "giay_chung_nhan":
            assert {"ho_ten", "so_dinh_danh"} <= keys <= {
                "ho_ten", "so_dinh_danh", "so_ky_hieu", "co_quan_ban_hanh", "ngay_ban_hanh"}
        else:
            assert keys == set(), doc.doc_id


def test_field_values_are_printed(documents: list[SyntheticDocument]) -> None:
    for doc in documents:
        text = _flat(doc.text())
        for name, value in doc.fields.items():
            if name == "ngay_ban_hanh":
                printed = {date(int(y), int(m), int(d)).isoformat()
                           for d, m, y in _PRINTED_DATE.findall(text)}
                assert value in printed, (doc.doc_id, value)
            else:
                assert value, (doc.doc_id, name)
                assert value == _flat(value), (doc.doc_id, name)
                assert value in text, (doc.doc_id, name, value)
        if "so_ky_hieu" in doc.fields:
            assert f"Số: {doc.fields['so_ky_hieu']}" in doc.text().split("\n")
        if doc.doc_type in ("don_de_nghi", "to_khai"):
            summary = next(b for b in doc.blocks if b.kind == "summary")
            assert " ".join(summary.lines) == doc.fields["trich_yeu"]
        if doc.doc_type == "cong_van":
            assert doc.fields["trich_yeu"].startswith("V/v ")
            vv = next(b for b in doc.blocks if b.lines[0].startswith("V/v "))
            assert vv.kind == "header_left"
            assert all(len(line) <= 38 for line in vv.lines)


def test_document_numbers(documents: list[SyntheticDocument]) -> None:
    agencies = set()
    for doc in documents:
        if doc.doc_type not in ADMINISTRATIVE:
            continue
        number = doc.fields["so_ky_hieu"]
        abbreviation = ADMINISTRATIVE[doc.doc_type]
        if abbreviation:
            assert re.fullmatch(rf"\d{{1,5}}(/20\d\d)?/{abbreviation}-[A-ZĐ&]+", number), number
        else:
            assert re.fullmatch(r"\d{1,5}/[A-ZĐ]+-[A-ZĐ]+", number), number
            assert number.split("/")[1].split("-")[0] not in set(ADMINISTRATIVE.values())
        agency = doc.fields["co_quan_ban_hanh"]
        assert agency == agency.upper()
        assert not agency.startswith(("KT.", "TM.", "TL."))
        assert doc.fields["chuc_vu"] == doc.fields["chuc_vu"].upper()
        assert not doc.fields["chuc_vu"].startswith(("KT. ", "TM. ", "TL. ", "TUQ. "))
        assert doc.fields["nguoi_ky"] == doc.fields["nguoi_ky"].title()
        agencies.add(agency)
    assert len(agencies) > 40


def test_dates_are_valid_iso(documents: list[SyntheticDocument]) -> None:
    years = set()
    for doc in documents:
        if "ngay_ban_hanh" in doc.fields:
            value = doc.fields["ngay_ban_hanh"]
            day = date.fromisoformat(value)
            assert day.isoformat() == value
            assert 2015 <= day.year <= 2026
            years.add(day.year)
    assert len(years) >= 8
    padding: Counter[tuple[int, int]] = Counter()
    for doc in documents:
        for d, m, _ in _PRINTED_DATE.findall(doc.text()):
            padding[(len(d), len(m))] += 1
    assert padding[(2, 1)]
    assert padding[(2, 2)]


def test_identity_numbers(documents: list[SyntheticDocument]) -> None:
    prefixes = set()
    for doc in documents:
        if "so_dinh_danh" in doc.fields:
            number = doc.fields["so_dinh_danh"]
            assert re.fullmatch(r"\d{12}", number), number
            assert 1 <= int(number[:3]) <= 96
            prefixes.add(number[:3])
    assert len(prefixes) > 20


def test_render_pdf_text_layer(tmp_path: Path) -> None:
    assert all(ch in pymupdf.Font(fontfile=str(find_serif_font())).valid_codepoints()
               for ch in map(ord, "ẾỀỂỄỆếềểễệ"))
    assert find_serif_font(bold=True) != find_serif_font()
    pages = 0
    for doc in generate_documents(len(DOC_TYPES) * 2, seed=5):
        path = tmp_path / f"{doc.doc_id}.pdf"
        render_pdf(doc, path)
        with pymupdf.open(path) as pdf:
            assert pdf[0].rect.width == pytest.approx(595.3, abs=1)
            assert pdf[0].rect.height == pytest.approx(841.9, abs=1)
            extracted = _flat(" ".join(page.get_text() for page in pdf))
            pages += len(pdf)
        for line in doc.text().split("\n"):
            assert _flat(line) in extracted, (doc.doc_id, line)
    assert pages > len(DOC_TYPES) * 2  # some documents run over a page


def test_long_document_breaks_pages(tmp_path: Path) -> None:
    docs = [d for d in generate_documents(120, seed=2) if d.doc_type in ADMINISTRATIVE]
    longest = max(docs, key=lambda d: len(d.text().split("\n")))
    path = tmp_path / "long.pdf"
    render_pdf(longest, path)
    with pymupdf.open(path) as pdf:
        assert len(pdf) >= 2
        last = pdf[-1].get_text()
    assert longest.fields["nguoi_ky"] in last


def test_scan_pdf_is_image_only(tmp_path: Path) -> None:
    doc = generate_document(random.Random(4), "bao_cao", "scan-test")
    born = tmp_path / "born.pdf"
    render_pdf(doc, born)
    with pymupdf.open(born) as pdf:
        pages = len(pdf)
    path = tmp_path / "scan.pdf"
    steps = [Degradation(dpi=100, skew_deg=1.0, color=True, yellow=True, uneven_light=True,
                         seal=True, noise=0.03, blur=0.8),
             Degradation(dpi=120, rotated=90, skew_deg=-4.0, seal=True)]
    scan_pdf(doc, path, steps)
    with pymupdf.open(path) as pdf:
        assert len(pdf) == pages
        for number, page in enumerate(pdf):
            assert page.get_text().strip() == ""
            images = page.get_images(full=True)
            assert len(images) == 1
            width, height = images[0][2], images[0][3]
            dpi = 100 if number == 0 else 120
            assert page.rect.width == pytest.approx(width / dpi * 72, abs=0.5)
            assert page.rect.height == pytest.approx(height / dpi * 72, abs=0.5)
            if number == 0:
                assert images[0][8] == "DCTDecode"
                assert page.rect.height > page.rect.width
            else:
                assert page.rect.width > page.rect.height  # a quarter turn: landscape


@pytest.mark.parametrize("rotated", [0, 180, 270])
def test_scan_rotation_and_bilevel(tmp_path: Path, rotated: int) -> None:
    doc = generate_document(random.Random(rotated), "don_de_nghi", f"rot-{rotated}")
    path = tmp_path / "scan.pdf"
    scan_pdf(doc, path, Degradation(dpi=96, rotated=rotated, bilevel=True, noise=0.02))
    with pymupdf.open(path) as pdf:
        page = pdf[0]
        assert page.get_text() == ""
        assert (page.rect.width > page.rect.height) == (rotated == 270)
        assert page.get_images(full=True)[0][4] == 1  # 1 bit per component


def test_random_degradation() -> None:
    rng = random.Random(9)
    easy = [random_degradation(rng) for _ in range(200)]
    hard = [random_degradation(rng, hard=True) for _ in range(200)]
    assert all(abs(d.skew_deg) <= 1.5 and d.rotated == 0 for d in easy)
    assert all(abs(d.skew_deg) <= 5 for d in hard)
    assert {d.rotated for d in hard} == {0, 90, 180, 270}
    assert all(200 <= d.dpi <= 300 for d in easy + hard)
    assert any(d.seal for d in easy)
    assert any(d.bilevel for d in easy)
    assert not any(d.bilevel and d.color for d in easy + hard)


def test_ocr_noise() -> None:
    text = generate_document(random.Random(2), "quyet_dinh").text()
    assert ocr_noise(text, random.Random(1), rate=0) == text
    noisy = ocr_noise(text, random.Random(1), rate=0.1)
    assert noisy != text
    assert noisy.count("\n") == text.count("\n")
    assert unicodedata.is_normalized("NFC", noisy)
    assert noisy == ocr_noise(text, random.Random(1), rate=0.1)
    assert strip_diacritics(noisy) != strip_diacritics(text)  # not only accents change
    marks = ocr_noise("ế ộ ư ơ " * 200, random.Random(3), rate=0.5)
    assert {"ê", "é", "ô", "u", "o"} & set(marks)


def test_strip_diacritics() -> None:
    assert strip_diacritics("Hồ sơ đất đai Đà Nẵng") == "Ho so dat dai Da Nang"
    assert strip_diacritics("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == \
        "CONG HOA XA HOI CHU NGHIA VIET NAM"
