"""Splitting scanned stacks at cover sheets: plans, written parts, blank pages, bad files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
import pytest
from PIL import Image as PILImage

from ingest.batch import (
    UNASSIGNED_NAME,
    StackInputError,
    StackPart,
    StackPlan,
    is_blank,
    plan_stack,
    write_parts,
)
from ingest.errors import IntakeInputError
from ingest.synthetic import generate_documents
from ocr.mupdf import extract_pages, image_to_pdf
from storage.errors import BadInputError
from tests.support.cover_scans import (
    add_image_page,
    blank_scan,
    cover_scan,
    degrade,
    rasterise,
    text_page,
)
from tests.support.synthetic_pdf import Degradation, scan_pdf

CONTENT_TYPES = ["don_de_nghi", "to_khai", "giay_to_tuy_than", "giay_chung_nhan"]
# What the stack holds, page by page: ("content", n) is the first page of document n.
STACK = [
    ("content", 0), ("content", 1),  # before the first cover sheet: unassigned
    ("cover", 101), ("content", 2), ("blank", 0), ("content", 3),
    ("cover", 102), ("content", 4), ("blank", 1),
    ("cover", 103), ("content", 5), ("content", 6), ("blank", 2),
]
EXPECTED = StackPlan(
    parts=(StackPart(101, (3, 5)), StackPart(102, (7,)), StackPart(103, (10, 11))),
    cover_pages=(2, 6, 9), blank_pages=(4, 8, 12), unassigned=(0, 1), page_count=13)
COVERS = {
    101: Degradation(dpi=300, skew_deg=4.0, noise=0.02),
    102: Degradation(dpi=300, rotated=180, blur=0.6),
    103: Degradation(dpi=200, noise=0.07, uneven_light=True),
}
BLANKS = [
    Degradation(dpi=200, noise=0.04),  # white, with dust
    Degradation(dpi=200, noise=0.05, color=True, yellow=True, uneven_light=True),
    Degradation(dpi=300, noise=0.03, yellow=True, color=True),
]
CONTENT = [
    Degradation(dpi=200, skew_deg=1.0, noise=0.03),
    Degradation(dpi=200, noise=0.02, color=True, yellow=True),
    Degradation(dpi=300, skew_deg=-1.5, blur=0.8, noise=0.03),
]


def _images(pdf: Path) -> list[tuple[float, float, str]]:
    """Each page's size and the SHA-256 of its (one) image's stored data."""
    pages = []
    with pymupdf.open(pdf) as document:
        for page in document:
            (xref, *_), = page.get_images(full=True)
            digest = hashlib.sha256(document.xref_stream_raw(xref)).hexdigest()
            pages.append((round(page.rect.width, 1), round(page.rect.height, 1), digest))
    return pages


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="module")
def content_scans(folder: Path) -> list[Path]:
    """Seven scanned documents (their first pages go in the stack)."""
    scans = []
    for number, document in enumerate(generate_documents(7, seed=21, types=CONTENT_TYPES)):
        path = folder / f"content-{number}.pdf"
        scan_pdf(document, path, CONTENT[number % len(CONTENT)])
        scans.append(path)
    return scans


@pytest.fixture(scope="module")
def stack(folder: Path, content_scans: list[Path]) -> Path:
    """The 13-page PDF stack of :data:`STACK` (image-only pages at 200-300 dpi)."""
    path = folder / "stack.pdf"
    with pymupdf.open() as out:
        for kind, number in STACK:
            if kind == "content":
                with pymupdf.open(content_scans[number]) as scan:
                    out.insert_pdf(scan, from_page=0, to_page=0)
            elif kind == "cover":
                add_image_page(out, cover_scan(folder, number, COVERS[number], number),
                               COVERS[number].dpi)
            else:
                show = rasterise(content_scans[number], 0, BLANKS[number].dpi)
                add_image_page(out, blank_scan(BLANKS[number], number, specks=6 + 4 * number,
                                               show_through=show if number else None,
                                               strength=0.15), BLANKS[number].dpi)
        out.save(path)
    return path


@pytest.fixture(scope="module")
def stack_plan(stack: Path) -> tuple[StackPlan, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    plan = plan_stack(stack, progress=lambda done, total: calls.append((done, total)))
    return plan, calls


@pytest.fixture(scope="module")
def tiff_stack(folder: Path, stack: Path) -> Path:
    """A 5-page 200 dpi gray TIFF: cover 201 (turned 270°, skewed), content, blank,
    cover 202, content."""
    pages = [cover_scan(folder, 201, Degradation(dpi=200, skew_deg=-3, rotated=270), 5),
             rasterise(stack, 3, 200), rasterise(stack, 4, 200),
             cover_scan(folder, 202, Degradation(dpi=200, noise=0.03), 6),
             rasterise(stack, 7, 200)]
    frames = [PILImage.fromarray(page) for page in pages]
    path = folder / "stack.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200),
                   compression="tiff_lzw")
    return path


def test_plan_splits_the_stack_as_built(stack_plan: tuple[StackPlan, Any]) -> None:
    plan, calls = stack_plan
    assert plan == EXPECTED
    assert calls == [(done, 13) for done in range(1, 14)]


def test_report_says_what_was_done(stack_plan: tuple[StackPlan, Any]) -> None:
    report = json.loads(json.dumps(stack_plan[0].report()))
    assert report["page_count"] == 13
    assert report["parts"] == [
        {"dossier_id": 101, "pages": [4, 6], "page_count": 2},
        {"dossier_id": 102, "pages": [8], "page_count": 1},
        {"dossier_id": 103, "pages": [11, 12], "page_count": 2}]
    assert report["cover_pages"] == [3, 7, 10]
    assert report["blank_pages"] == [5, 9, 13]
    assert report["unassigned"] == [1, 2]
    assert report["rejected_covers"] == []
    assert report["summary"] == ("13 trang: 3 hồ sơ (5 trang), 3 tờ bìa và 3 trang trắng "
                                 "đã bỏ, 2 trang chưa gán hồ sơ")
    assert any("trước tờ bìa đầu tiên" in warning for warning in report["warnings"])


def test_write_parts_copies_pages_as_they_are(stack: Path, stack_plan: tuple[StackPlan, Any],
                                              tmp_path: Path) -> None:
    files = write_parts(stack, stack_plan[0], tmp_path / "out")
    assert files.parts == {dossier: tmp_path / "out" / f"dossier-{dossier}.pdf"
                           for dossier in (101, 102, 103)}
    assert files.unassigned == tmp_path / "out" / UNASSIGNED_NAME
    source = _images(stack)
    for part in EXPECTED.parts:
        assert _images(files.parts[part.dossier_id]) == [source[i] for i in part.pages]
    assert _images(files.unassigned) == [source[0], source[1]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "dossier-101.pdf", "dossier-102.pdf", "dossier-103.pdf", "unassigned.pdf"]
    again = write_parts(stack, stack_plan[0], tmp_path / "out")  # a rerun is harmless
    assert again == files


def test_write_parts_refuses_a_plan_of_another_file(stack: Path, tmp_path: Path) -> None:
    plan = StackPlan(parts=(StackPart(1, (0,)),), cover_pages=(), blank_pages=(),
                     unassigned=(), page_count=3)
    with pytest.raises(StackInputError, match="13 pages") as caught:
        write_parts(stack, plan, tmp_path)
    assert caught.value.subject == "stack.pdf"


def test_a_multipage_tiff_stack(tiff_stack: Path, tmp_path: Path) -> None:
    plan = plan_stack(tiff_stack)
    assert plan == StackPlan(parts=(StackPart(201, (1,)), StackPart(202, (4,))),
                             cover_pages=(0, 3), blank_pages=(2,), unassigned=(), page_count=5)
    files = write_parts(tiff_stack, plan, tmp_path)
    assert files.unassigned is None
    assert sorted(files.parts) == [201, 202]
    for dossier in (201, 202):
        with pymupdf.open(files.parts[dossier]) as part:
            assert part.page_count == 1
            # 1654 x 2339 pixels at 200 dpi: an A4 page
            assert part[0].rect.width == pytest.approx(595.4, abs=0.5)
            assert part[0].rect.height == pytest.approx(842.0, abs=0.5)


def test_unknown_dossier_starts_an_unassigned_run(tiff_stack: Path) -> None:
    asked: list[int] = []

    def known(dossier: int) -> bool:
        asked.append(dossier)
        return dossier != 201

    plan = plan_stack(tiff_stack, known_dossier=known)
    assert plan.parts == (StackPart(202, (4,)),)
    assert plan.unassigned == (1,)
    assert plan.cover_pages == (0, 3)
    assert plan.rejected_covers == ((0, 201),)
    assert asked == [201, 202]
    report = plan.report()
    assert report["rejected_covers"] == [{"page": 1, "dossier_id": 201}]
    assert any("201" in warning for warning in report["warnings"])


def test_repeated_and_empty_cover_sheets(folder: Path, tmp_path: Path) -> None:
    """The same dossier's cover twice makes one part; a cover with no page an empty part."""
    text = rasterise(text_page(["Đơn đề nghị cấp bản sao trích lục hộ tịch"] * 12, folder,
                               "text.pdf"), 0, 100)
    cover = {dossier: rasterise(folder / f"cover-{dossier}.pdf", 0, 100)
             for dossier in (101, 102)}
    path = tmp_path / "repeat.pdf"
    with pymupdf.open() as out:
        for image in (cover[101], text, cover[102], cover[101], text):
            add_image_page(out, image, 100)
        out.save(path)
    plan = plan_stack(path)
    assert plan.parts == (StackPart(101, (1, 4)), StackPart(102, ()))
    assert plan.cover_pages == (0, 2, 3)
    files = write_parts(path, plan, tmp_path / "out")
    assert list(files.parts) == [101]
    assert files.unassigned is None
    assert any("102" in warning for warning in plan.report()["warnings"])


@pytest.mark.parametrize(("degradation", "specks", "show"), [
    (Degradation(dpi=150), 0, False),
    (Degradation(dpi=200, noise=0.08), 15, False),
    (Degradation(dpi=300, noise=0.04, color=True, yellow=True, uneven_light=True), 10, True),
    (Degradation(dpi=200, skew_deg=3, noise=0.05, color=True, yellow=True), 25, True),
], ids=["white", "noisy-dusty", "yellowed-show-through", "skewed-yellowed-dusty"])
def test_empty_backs_are_blank(content_scans: list[Path], degradation: Degradation,
                               specks: int, show: bool) -> None:
    show_through = rasterise(content_scans[0], 0, degradation.dpi) if show else None
    assert is_blank(blank_scan(degradation, 7, specks=specks, show_through=show_through,
                               strength=0.25))


@pytest.mark.parametrize(("line", "size"), [
    ("Xác nhận của Ủy ban nhân dân xã", 12), ("Hết", 12), ("Trang 2/2", 10),
    ("(Trang này để trống)", 11)])
def test_a_short_line_of_text_is_not_blank(folder: Path, line: str, size: float) -> None:
    page = rasterise(text_page([line], folder, "line.pdf", size=size), 0, 200)
    degraded = degrade(page, Degradation(dpi=200, noise=0.05, yellow=True, color=False), 4)
    assert not is_blank(degraded)
    assert not is_blank(np.asarray(page))


def test_content_pages_are_not_blank(stack: Path) -> None:
    for index in (0, 1, 3, 5, 7, 10, 11):
        assert not is_blank(rasterise(stack, index, 100)), index


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(("name", "content"), [
    ("truncated.pdf", None), ("notes.pdf", b"hello, this is not a PDF\n" * 10),
    ("empty.pdf", b""), ("broken.tif", b"II*\x00" + b"\x08\x00\x00\x00" + b"\xff" * 64)])
def test_a_corrupt_stack_raises_a_typed_error_naming_it(stack: Path, tmp_path: Path,
                                                        name: str,
                                                        content: bytes | None) -> None:
    path = tmp_path / name
    path.write_bytes(stack.read_bytes()[: stack.stat().st_size // 3] if content is None
                     else content)
    with pytest.raises(StackInputError) as caught:
        plan_stack(path)
    assert isinstance(caught.value, IntakeInputError)
    assert isinstance(caught.value, BadInputError)
    assert caught.value.subject == name
    with pytest.raises(StackInputError):
        plan_stack(tmp_path / "missing.pdf")


def test_extract_pages_keeps_order_and_refuses_missing_pages(stack: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "picked.pdf"
    extract_pages(stack, [5, 3, 4, 5], out)
    source = _images(stack)
    assert _images(out) == [source[5], source[3], source[4], source[5]]
    with pytest.raises(IndexError):
        extract_pages(stack, [13], tmp_path / "none.pdf")
    with pytest.raises(ValueError, match="no pages"):
        extract_pages(stack, [], tmp_path / "none.pdf")


def test_image_to_pdf_sizes_pages_by_resolution(tiff_stack: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiff.pdf"
    image_to_pdf(tiff_stack, out, [None, 100, None, None, 400])
    with pymupdf.open(out) as document:
        sizes = [(round(page.rect.width), round(page.rect.height)) for page in document]
    assert sizes[1] == (1191, 1684)  # 1654 x 2339 pixels at 100 dpi
    assert sizes[2] == (595, 842)  # the file's own 200 dpi
    assert sizes[4] == (298, 421)
