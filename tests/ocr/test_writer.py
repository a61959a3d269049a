"""The searchable PDF: the invisible text sits exactly over the words on the image."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from ocr.images import encode_page_image
from ocr.inputs import load_page
from ocr.model import Word
from ocr.mupdf import PdfReader, SearchablePdfWriter, text_layer_page
from tests.support.ocr_pages import VIETNAMESE_LINE, page_with_boxes

DPI = 300.0


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, width) * max(0.0, height)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def layout(text: str, width_px: int) -> list[Word]:
    """Lay ``text`` out like OCR output: lines of words whose boxes vary in height and gap."""
    rng = np.random.default_rng(7)
    words: list[Word] = []
    x, y, line = 150, 150, 0
    for token in text.split():
        height = int(rng.integers(28, 70))
        width = int(len(token) * height * rng.uniform(0.35, 0.75)) + 6
        if x + width > width_px - 150:
            x, y, line = 150, y + 90, line + 1
        words.append(Word(token, x, y + 70 - height, width, height, 90.0, 0, line))
        x += width + int(rng.integers(6, 40))  # gaps as small as 6 px (0.5 mm)
    return words


@pytest.fixture(scope="module")
def vietnamese_words(corpus_dir: Path) -> list[Word]:
    """About 250 real Vietnamese words from the corpus's ground truth."""
    truth = json.loads((corpus_dir / "vi-admin/s100-005-bao_cao.json").read_text("utf-8"))
    text = unicodedata.normalize("NFC", truth["text"])
    return layout(" ".join(text.split()[:250]), 2480)


def write_scan(path: Path, words: list[Word], size: tuple[int, int] = (2480, 3509)) -> None:
    image = np.full((size[1], size[0]), 235, np.uint8)
    with SearchablePdfWriter(path) as writer:
        writer.add_scanned_page(encode_page_image(image, False), size[0], size[1], DPI, words)


def test_every_word_comes_back_over_its_box(tmp_path: Path,
                                            vietnamese_words: list[Word]) -> None:
    out = tmp_path / "out.pdf"
    write_scan(out, vietnamese_words)
    with pymupdf.open(out) as document:
        page = document[0]
        assert (page.rect.width, page.rect.height) == pytest.approx((595.2, 842.16))
        extracted = page.get_text("words")
        trace = page.get_texttrace()
    assert {span["type"] for span in trace} == {3}  # invisible: render mode 3 only
    assert [w[4] for w in extracted] == [w.text for w in vietnamese_words]
    scale = 72 / DPI
    for word, found in zip(vietnamese_words, extracted, strict=True):
        box = (word.left * scale, word.top * scale, (word.left + word.width) * scale,
               (word.top + word.height) * scale)
        assert iou(box, tuple(found[:4])) > 0.9, (word, found)
        assert unicodedata.is_normalized("NFC", found[4])


def test_diacritics_survive(tmp_path: Path, vietnamese_words: list[Word]) -> None:
    out = tmp_path / "out.pdf"
    write_scan(out, vietnamese_words)
    with pymupdf.open(out) as document:
        text = document[0].get_text()
    for sample in ("HƯƠNG KHÊ", "CỘNG HÒA XÃ", "Độc lập", "doanh nghiệp giảm"):
        assert sample in text
    assert set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ") & set(text)


def test_search_finds_the_words_where_they_are(tmp_path: Path) -> None:
    words = [Word("Thành", 300, 400, 180, 60, 95.0, 0, 0),
             Word("phố", 500, 398, 120, 64, 95.0, 0, 0),
             Word("Hà", 640, 400, 90, 60, 95.0, 0, 0),
             Word("Nội", 748, 402, 110, 58, 95.0, 0, 0),
             Word("Hà", 1200, 1500, 70, 40, 95.0, 1, 1),
             Word("Nội", 1290, 1500, 90, 40, 95.0, 1, 1)]
    out = tmp_path / "search.pdf"
    write_scan(out, words)
    with pymupdf.open(out) as document:
        hits = document[0].search_for("Hà Nội")
        assert document[0].search_for("Thành phố Hà Nội")
    scale = 72 / DPI
    expected = [(640, 398, 858, 464), (1200, 1500, 1380, 1540)]
    assert len(hits) == 2
    for hit, (x0, y0, x1, y1) in zip(hits, expected, strict=True):
        assert iou(tuple(hit), (x0 * scale, y0 * scale, x1 * scale, y1 * scale)) > 0.8


def test_page_size_follows_pixels_and_dpi(tmp_path: Path) -> None:
    out = tmp_path / "sizes.pdf"
    image = page_with_boxes()
    with SearchablePdfWriter(out) as writer:
        writer.add_scanned_page(encode_page_image(image, False), 600, 400, 200.0, [])
        writer.add_scanned_page(encode_page_image(image, True), 600, 400, 100.0, [])
    with pymupdf.open(out) as document:
        assert [tuple(p.rect)[2:] for p in document] == [(216.0, 144.0), (432.0, 288.0)]
        jpeg, png = (page.get_images(full=True)[0] for page in document)
    assert (jpeg[2], jpeg[3], jpeg[8]) == (600, 400, "DCTDecode")
    assert (png[2], png[3], png[4]) == (600, 400, 1)  # kept at 1 bit per pixel
    back = load_page(out, 0).image
    assert back.shape == (400, 600, 3)  # JPEG of the page, rendered at its 200 dpi
    assert np.abs(back.astype(int) - image).mean() < 4


def test_mixed_pdf_copies_the_text_page(tmp_path: Path, mixed_pdf: Path) -> None:
    out = tmp_path / "mixed-out.pdf"
    scan = load_page(mixed_pdf, 1)
    words = [Word("Nguyễn", 300, 300, 260, 60, 90.0), Word("Thị", 580, 300, 120, 60, 90.0)]
    with SearchablePdfWriter(out) as writer:
        writer.add_copied_page(mixed_pdf, 0)
        writer.add_scanned_page(encode_page_image(scan.image, scan.bilevel),
                                scan.image.shape[1], scan.image.shape[0], scan.dpi, words)
    before = text_layer_page(mixed_pdf, 0)
    after = text_layer_page(out, 0)
    assert after.text == before.text
    assert after.words == before.words
    with pymupdf.open(out) as document:
        assert document.page_count == 2
        assert [w[4] for w in document[1].get_text("words")] == ["Nguyễn", "Thị"]
        assert not document[1].search_for(VIETNAMESE_LINE)


def test_output_size_stays_close_to_the_input(tmp_path: Path, vi_admin: Path,
                                              vietnamese_words: list[Word]) -> None:
    source = vi_admin / "s100-005-bao_cao.pdf"  # two colour pages, 300 dpi JPEG
    out = tmp_path / "size.pdf"
    with PdfReader(source) as reader, SearchablePdfWriter(out) as writer:
        for index in range(reader.page_count):
            page = reader.render(index)
            writer.add_scanned_page(encode_page_image(page.image, page.bilevel),
                                    page.image.shape[1], page.image.shape[0], page.dpi,
                                    vietnamese_words)
    ratio = out.stat().st_size / source.stat().st_size
    print(f"output/input size for {source.name}: {ratio:.2f}")
    assert 0.5 < ratio < 2.0
    with pymupdf.open(out) as document:
        fonts = document[0].get_fonts()
    assert len(fonts) == 1
    assert "+" in fonts[0][3]  # subset


def test_writer_refuses_garbage_and_discards_on_error(tmp_path: Path) -> None:
    out = tmp_path / "never.pdf"
    with pytest.raises(ValueError, match="not a JPEG or PNG"), SearchablePdfWriter(out) as w:
        w.add_scanned_page(b"not an image", 10, 10, 300.0, [])
    assert not out.exists()


def test_bilevel_encoding_thresholds(tmp_path: Path) -> None:
    gray = cv2.GaussianBlur(page_with_boxes(), (9, 9), 3)
    decoded = cv2.imdecode(np.frombuffer(encode_page_image(gray, True), np.uint8),
                           cv2.IMREAD_UNCHANGED)
    assert decoded.ndim == 2
    assert set(np.unique(decoded)) == {0, 255}
