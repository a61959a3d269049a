"""Files that must be refused with a clear, typed error naming them, or survived unharmed."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from ocr.errors import OcrInputError
from ocr.images import (
    DamagedFileError,
    EncryptedFileError,
    PageTooLargeError,
    UnsupportedFormatError,
)
from ocr.inputs import detect_format, iter_pages, load_page, plan_pages
from ocr.model import OcrLimits
from ocr.mupdf import PdfReader
from tests.support.paths import REPO


def plan_and_load(path: Path, limits: OcrLimits | None) -> None:
    """What the pipeline does with a file: plan its pages, then load each."""
    plan_pages(path, limits)
    list(iter_pages(path, limits))


def refused(path: Path, error: type[OcrInputError], *words: str,
            limits: OcrLimits | None = None) -> OcrInputError:
    """Plan and load every page of ``path``; the first error must be ``error`` naming the
    file, with ``words`` in its message."""
    with pytest.raises(error) as caught:
        plan_and_load(path, limits)
    assert caught.value.subject == path.name
    assert str(caught.value).startswith(f"{path.name}: ")
    for word in words:
        assert word in caught.value.message
    return caught.value


def test_invalid_pdf(bad_inputs: Path) -> None:
    refused(bad_inputs / "invalid.pdf", DamagedFileError, "damaged PDF", "cannot be opened")


def test_dynamic_xfa_form(bad_inputs: Path) -> None:
    refused(bad_inputs / "livecycle.pdf", UnsupportedFormatError, "dynamic XFA form")


def test_invalid_table_of_contents_is_harmless(bad_inputs: Path) -> None:
    path = bad_inputs / "kcs.pdf"
    with pymupdf.open(path) as document:  # the outline's one entry points at no page
        assert [entry[:3] for entry in document.get_toc()] == [[1, " ", -1]]
    assert detect_format(path) == "pdf"
    assert plan_pages(path) == ["image"]
    page = load_page(path, 0)
    assert (page.index, page.dpi, page.bilevel) == (0, pytest.approx(300.25), True)
    assert page.image.shape == (930, 1914)
    # the scan itself, handwriting in black on white: "Kodak Capture Desktop Test"
    assert np.unique(page.image).tolist() == [0, 255]
    assert int(np.count_nonzero(page.image == 0)) == 92_449
    inked = ((page.image == 0).sum(axis=1) > 50).astype(int)  # rows with writing on them
    assert np.flatnonzero(np.diff(inked)).tolist() == [237, 398, 495, 640]  # two lines
    [again] = list(iter_pages(path))
    assert np.array_equal(again.image, page.image)


def test_enormous_page_is_refused_over_a_lower_limit(bad_inputs: Path) -> None:
    path = bad_inputs / "enormous.pdf"
    with PdfReader(path) as reader:  # 30 x 30 in at 300 dpi: 81 Mpx, within the default
        info = reader.page_info(0)
    assert (info.width_pt, info.height_pt, info.dpi) == (2160.0, 2160.0, 300.0)
    refused(path, PageTooLargeError, "page 1", "9000x9000", "50,000,000",
            limits=OcrLimits(max_pixels=50_000_000))


def test_page_too_large_at_its_render_resolution(tmp_path: Path) -> None:
    path = tmp_path / "poster.pdf"  # a vector poster: no image, no text: rendered at 300 dpi
    with pymupdf.open() as document:
        page = document.new_page(width=2000, height=2000)
        page.draw_rect(pymupdf.Rect(100, 100, 1900, 1900), color=(0, 0, 0), width=20)
        document.save(path)
    assert plan_pages(path) == ["image"]
    refused(path, PageTooLargeError, "page 1 at 300 dpi is 8334x8334 pixels", "50,000,000",
            limits=OcrLimits(max_pixels=50_000_000))


MEMORY_PROBE = """
import json, sys
from ocr.errors import OcrInputError
from ocr.inputs import load_page, plan_pages
outcomes = []
for step in (plan_pages, lambda path: load_page(path, 0)):
    try:
        step(sys.argv[1])
        outcomes.append("accepted")
    except OcrInputError as error:
        outcomes.append(f"{type(error).__name__}: {error}")
# VmHWM is this process's own peak; ru_maxrss would include the forking parent's RSS,
# which Linux carries across exec.
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
print(json.dumps({"outcomes": outcomes, "peak_mb": peak}))
"""


def test_hugemono_memory_bomb_is_refused_in_bounded_memory(bad_inputs: Path) -> None:
    path = bad_inputs / "hugemono.pdf"
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    expected = ("PageTooLargeError: hugemono.pdf: page 1 holds an image that is 35000x35000 "
                "pixels, above the limit of 200,000,000 pixels per page")
    assert report["outcomes"] == [expected, expected]
    assert report["peak_mb"] < 500, report


def test_png_header_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    path = tmp_path / "bomb.png"
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 10 Gpx gray
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    refused(path, PageTooLargeError, "100000x100000")


@pytest.mark.parametrize("name", ["empty.pdf", "empty.jpg", "empty"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    refused(path, DamagedFileError, "empty file")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OcrInputError, match="no such file") as caught:
        detect_format(tmp_path / "gone.pdf")
    assert caught.value.subject == "gone.pdf"


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(
    ("name", "what"),
    [("s100-000-don_de_nghi.jpg", "damaged JPEG image"),
     ("s100-002-ke_hoach.png", "damaged PNG image"),
     ("s100-004-quyet_dinh.tif", "damaged TIFF image")],
)
def test_truncated_images(tmp_path: Path, vi_admin: Path, name: str, what: str) -> None:
    data = (vi_admin / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    refused(path, DamagedFileError, what)


@pytest.mark.parametrize(
    "source", ["vi-admin/s100-005-bao_cao.pdf", "real-scans/ccitt.pdf",
               "real-scans/multipage.pdf"])
def test_truncated_pdfs(tmp_path: Path, corpus_dir: Path, source: str) -> None:
    data = (corpus_dir / source).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * 0.3)])
    refused(path, DamagedFileError, "damaged PDF")


def test_encrypted_pdf(tmp_path: Path, real_scans: Path) -> None:
    path = tmp_path / "secret.pdf"
    with pymupdf.open(real_scans / "c02-22.pdf") as document:
        document.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    refused(path, EncryptedFileError, "encrypted PDF", "password")


def test_pdf_without_pages(tmp_path: Path) -> None:
    path = tmp_path / "nopages.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
                     b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
                     b"trailer <</Root 1 0 R /Size 3>>\n%%EOF\n")
    refused(path, DamagedFileError, "no pages")


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [(b"GIF89a\x01\x00\x01\x00", "a GIF image"),
     (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
     (b"<!DOCTYPE html><html><body>login</body></html>", "an HTML page"),
     (b"Ho va ten: Nguyen Van A\n", "plain text"),
     (bytes(range(256)) * 4, "unrecognised binary data")],
)
def test_unsupported_content_says_what_it_looks_like(tmp_path: Path, content: bytes,
                                                     looks_like: str) -> None:
    path = tmp_path / "scan.pdf"  # the name lies
    path.write_bytes(content)
    refused(path, UnsupportedFormatError, f"it looks like {looks_like}", "send a PDF")


def test_garbage_after_a_jpeg_signature(tmp_path: Path) -> None:
    path = tmp_path / "fake.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + np.random.default_rng(1).bytes(5000))
    refused(path, DamagedFileError, "damaged JPEG image")


def test_copying_the_corpus_is_not_needed(tmp_path: Path, bad_inputs: Path) -> None:
    # a renamed bad input is refused the same way: content, not name, decides
    path = tmp_path / "report.png"
    shutil.copy(bad_inputs / "invalid.pdf", path)
    refused(path, DamagedFileError, "damaged PDF")
