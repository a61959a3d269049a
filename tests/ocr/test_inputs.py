"""Reading every supported format, one page at a time, with its resolution and kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest
from PIL import Image as PilImage

from ocr.inputs import (
    PageSource,
    count_pages,
    detect_format,
    iter_pages,
    load_page,
    page_sources,
    plan_pages,
)
from ocr.mupdf import PdfReader, text_layer_page
from tests.support.ocr_pages import VIETNAMESE_LINE, page_with_boxes


@pytest.mark.parametrize(
    ("name", "kind", "shape", "bilevel"),
    [
        ("s100-000-don_de_nghi.jpg", "jpeg", (3509, 2480), False),  # gray JPEG
        ("s100-005-bao_cao.jpg", "jpeg", (3509, 2480, 3), False),  # colour JPEG
        ("s100-002-ke_hoach.png", "png", (3509, 2480), True),
        ("s100-004-quyet_dinh.tif", "tiff", (3509, 2480), True),  # CCITT G4
        ("s101-004-thong_bao.tif", "tiff", (2339, 1653), True),
    ],
)
def test_loose_corpus_images(vi_admin: Path, name: str, kind: str, shape: tuple[int, ...],
                             bilevel: bool) -> None:
    path = vi_admin / name
    assert detect_format(path) == kind
    assert count_pages(path) == 1
    assert plan_pages(path) == ["image"]
    page = load_page(path, 0)
    assert page.index == 0
    assert page.image.shape == shape
    assert page.image.dtype == np.uint8
    assert page.bilevel is bilevel
    if bilevel:
        assert set(np.unique(page.image)) <= {0, 255}
    assert 0 < page.image.mean() < 255  # really decoded, not blank
    expected_dpi = 200.0 if name.startswith("s101-004") else 300.0
    assert page.dpi == expected_dpi


def test_jpeg_without_density_defaults_to_300(vi_admin: Path) -> None:
    with PilImage.open(vi_admin / "s101-001-quyet_dinh.jpg") as image:
        assert "dpi" not in image.info  # JFIF unit 0: an aspect ratio, not a resolution
    assert load_page(vi_admin / "s101-001-quyet_dinh.jpg", 0).dpi == 300.0


@pytest.mark.parametrize(("name", "engine"), [("ccitt.pdf", "CCITTFax"), ("jbig2.pdf", "JBIG2")])
def test_bilevel_pdfs(real_scans: Path, name: str, engine: str) -> None:
    path = real_scans / name
    with pymupdf.open(path) as document:
        assert engine in document[0].get_images(full=True)[0][8]
    assert detect_format(path) == "pdf"
    assert plan_pages(path) == ["image"]
    page = load_page(path, 0)
    assert page.bilevel
    assert page.dpi == 300.0
    assert page.image.shape == (3300, 2550)  # 8.5 x 11 in at the scan's own 300 dpi
    assert set(np.unique(page.image)) == {0, 255}
    assert 0.85 < page.image.mean() / 255 < 0.995  # mostly paper, some ink


def test_ccitt_and_jbig2_render_the_same_scan(real_scans: Path) -> None:
    ccitt = load_page(real_scans / "ccitt.pdf", 0).image
    jbig2 = load_page(real_scans / "jbig2.pdf", 0).image
    assert np.mean(ccitt != jbig2) < 0.02


def test_multipage_pdf(real_scans: Path) -> None:
    path = real_scans / "multipage.pdf"
    assert count_pages(path) == 6
    assert page_sources(path) == [PageSource(i, "image") for i in range(6)]
    first, third = iter_pages(path, indices=[0, 2])
    assert (first.index, first.dpi, first.image.shape) == (0, 150.0, (981, 800, 3))
    assert (third.index, third.dpi, third.image.shape) == (2, 96.0, (400, 958, 3))
    with PdfReader(path) as reader:
        assert reader.page_info(1).dpi == 300.0  # 9000 px over 30 in


def test_vi_admin_pdf_pages_at_native_resolution(vi_admin: Path) -> None:
    pages = list(iter_pages(vi_admin / "s101-004-thong_bao.pdf"))
    assert [p.index for p in pages] == [0, 1]
    assert all(p.dpi == 200.0 and p.image.shape[:2] == (2339, 1653) for p in pages)
    assert pages[0].image.ndim == 2  # a gray scan
    assert pages[1].image.ndim == 3  # a colour one


def test_render_dpi_is_capped(vi_admin: Path) -> None:
    from ocr.model import OcrLimits

    page = load_page(vi_admin / "s100-000-don_de_nghi.pdf", 0, OcrLimits(max_render_dpi=150))
    assert page.dpi == 150.0
    assert page.image.shape == (1755, 1240)  # 842.16 x 595.2 pt, rounded up


def test_multipage_tiff_is_read_one_page_at_a_time(tmp_path: Path) -> None:
    frames = []
    for number in range(3):
        frame = np.full((300 + 50 * number, 400), 255, np.uint8)
        cv2.rectangle(frame, (20 + 100 * number, 20), (80 + 100 * number, 80), 0, -1)
        frames.append(PilImage.fromarray(frame).convert("1"))
    path = tmp_path / "fax.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4",
                   dpi=(200, 200))
    assert detect_format(path) == "tiff"
    assert count_pages(path) == 3
    assert plan_pages(path) == ["image"] * 3
    for number, page in enumerate(iter_pages(path)):
        assert page.index == number
        assert page.bilevel
        assert page.dpi == 200.0
        assert page.image.shape == (300 + 50 * number, 400)
        assert page.image[50, 50 + 100 * number] == 0  # this page's own square
        assert page.image[50, 50 + 100 * ((number + 1) % 3)] == 255
    assert load_page(path, 2).image.shape == (400, 400)
    with pytest.raises(IndexError):
        load_page(path, 3)


def test_colour_multipage_tiff_from_opencv(tmp_path: Path) -> None:
    path = tmp_path / "colour.tif"
    images = [page_with_boxes(), page_with_boxes()[::-1].copy()]
    assert cv2.imwritemulti(str(path), images)
    pages = list(iter_pages(path))
    assert len(pages) == 2
    assert all(np.array_equal(p.image, i) for p, i in zip(pages, images, strict=True))
    assert all(p.dpi == 300.0 and not p.bilevel for p in pages)


def test_jpeg2000(tmp_path: Path) -> None:
    image = page_with_boxes()
    cv2.imwrite(str(tmp_path / "page.jp2"), image)  # JP2 boxes, by OpenCV
    PilImage.fromarray(image[:, :, ::-1]).save(tmp_path / "page.j2k")  # raw codestream
    for name in ("page.jp2", "page.j2k"):
        path = tmp_path / name
        assert detect_format(path) == "jp2"
        assert plan_pages(path) == ["image"]
        page = load_page(path, 0)
        assert page.image.shape == image.shape
        assert np.abs(page.image.astype(int) - image).mean() < 3


def test_jpeg2000_inside_a_pdf(tmp_path: Path) -> None:
    image = page_with_boxes()
    cv2.imwrite(str(tmp_path / "page.jp2"), image)
    height, width = image.shape[:2]
    document = pymupdf.open()
    page = document.new_page(width=width * 72 / 300, height=height * 72 / 300)
    page.insert_image(page.rect, filename=str(tmp_path / "page.jp2"))
    document.save(tmp_path / "jpx.pdf")
    with pymupdf.open(tmp_path / "jpx.pdf") as check:  # the image really is JPX in the PDF
        xref = check[0].get_images(full=True)[0][0]
        assert check.extract_image(xref)["ext"] in ("jpx", "jp2")
    assert plan_pages(tmp_path / "jpx.pdf") == ["image"]
    loaded = load_page(tmp_path / "jpx.pdf", 0)
    assert abs(loaded.dpi - 300) < 2
    assert loaded.image.shape[:2] == (height, width)
    gray = loaded.image if loaded.image.ndim == 2 else cv2.cvtColor(loaded.image,
                                                                    cv2.COLOR_BGR2GRAY)
    original = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert np.abs(gray.astype(int) - original).mean() < 6


def test_content_decides_not_the_name(tmp_path: Path, real_scans: Path, vi_admin: Path) -> None:
    disguised = tmp_path / "photo.jpg"
    shutil.copy(real_scans / "ccitt.pdf", disguised)
    assert detect_format(disguised) == "pdf"
    assert load_page(disguised, 0).image.shape == (3300, 2550)
    png_as_pdf = tmp_path / "scan.pdf"
    shutil.copy(vi_admin / "s100-002-ke_hoach.png", png_as_pdf)
    assert detect_format(png_as_pdf) == "png"
    assert load_page(png_as_pdf, 0).bilevel
    no_suffix = tmp_path / "upload"
    shutil.copy(vi_admin / "s100-004-quyet_dinh.tif", no_suffix)
    assert detect_format(no_suffix) == "tiff"


def test_mixed_pdf_text_page_is_reported_and_read(mixed_pdf: Path) -> None:
    assert plan_pages(mixed_pdf) == ["text", "image"]
    result = text_layer_page(mixed_pdf, 0)
    assert result.source == "text-layer"
    assert (result.width, result.height, result.dpi) == (2479, 3508, 300.0)
    lines = result.text.split("\n")
    assert lines[0] == f"{VIETNAMESE_LINE} 0"
    assert len(lines) == 12
    first = result.words[0]
    assert first.text == "Ủy"
    # inserted at x=72 pt, baseline y=100 pt, 12 pt type: in pixels at 300 dpi
    assert abs(first.left - 300) <= 2
    assert 360 < first.top < 417 < first.top + first.height < 440
    assert {w.line for w in result.words} == set(range(12))
    scan = load_page(mixed_pdf, 1)  # 2480 x 3509 px stretched over 595 x 842 pt
    assert abs(scan.dpi - 300) < 0.2
    assert abs(scan.image.shape[0] - 3509) <= 1
    assert abs(scan.image.shape[1] - 2480) <= 1


def test_invisible_ocr_and_watermarks_do_not_make_a_text_page(tmp_path: Path,
                                                              vi_admin: Path) -> None:
    path = tmp_path / "ocrd.pdf"
    document = pymupdf.open()
    for visible in (False, True):
        page = document.new_page(width=595, height=842)
        page.insert_image(page.rect, filename=str(vi_admin / "s100-000-don_de_nghi.jpg"))
        for row in range(30):  # another tool's invisible OCR layer: 900+ characters
            page.insert_text((72, 60 + 24 * row), "lorem ipsum dolor sit amet consectetur",
                             fontsize=11, render_mode=3)
        if visible:
            page.insert_text((72, 830), "Scanned with CamScanner", fontsize=8)
    document.save(path)
    with PdfReader(path) as reader:
        infos = [reader.page_info(i) for i in range(2)]
    assert [i.text_chars for i in infos] == [0, 21]
    assert plan_pages(path) == ["image", "image"]
