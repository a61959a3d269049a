"""Splitting a scanned stack at its dossier cover sheets.

Intake staff put a cover sheet (:mod:`ingest.coversheet`) on top of each paper dossier and
scan the whole stack into one file. :func:`plan_stack` looks at every page once, at a
modest resolution: a page carrying our QR code starts the part of its dossier, a near-empty
page (the back of a single-sided sheet) is dropped, every other page goes to the current
dossier, or to the *unassigned* tray when no known dossier's cover sheet precedes it.
Nothing is lost: every page of the stack is a cover, a blank, part of a dossier or
unassigned. :func:`write_parts` then writes one PDF per dossier (and one for the tray)
with the pages copied as they are.

Page images are handled in gray at about 100 dpi whatever the scan's resolution (an A4
page's long side at 1,170 pixels), so the thresholds below are in millimetres of an A4
page.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from ingest.coversheet import parse_payload
from ingest.errors import IntakeInputError
from ocr.errors import OcrInputError
from ocr.inputs import count_pages, detect_format, iter_pages
from ocr.model import OcrLimits
from ocr.mupdf import extract_pages, image_to_pdf

PLAN_DPI = 150
"""Pages are looked at no finer than this (PDF pages are rendered at it, finer images are
shrunk to it): enough for the QR code (a module is about 10 pixels) and for blank pages."""
UNASSIGNED_NAME = "unassigned.pdf"
_WORK_LONG_SIDE = 1170  # pixels: an A4 page at 100 dpi
_A4_LONG_MM = 297.0
_MARGIN = 0.07  # share of each side ignored by is_blank: scanner edges, punched holes
_INK_MIN_CONTRAST = 55  # grey levels darker than the paper around
_INK_NOISE_SIGMAS = 6.0
_SPECK_MM2 = 0.12  # smaller ink blobs are sensor noise
_INK_SHARE = 0.0015  # this much ink (of the inspected area) is never a blank page
_LINE_GAP_MM = 3.0  # letters and words closer than this merge into one line
_LINE_MIN_MM = 4.0  # a line of text is at least this wide ...
_LINE_MAX_HEIGHT_MM = 15.0  # ... at most this high ...
_LINE_MIN_BLOBS = 3  # ... and made of at least this many blobs ...
_WORD_INK_MM2 = 4.0  # ... or of this much ink


class StackInputError(IntakeInputError):
    """A scanned stack cannot be split: unreadable, damaged, or not the file planned."""


@dataclass(frozen=True)
class StackPart:
    """The pages of one dossier: 0-based page indices of the stack, in scan order."""

    dossier_id: int
    pages: tuple[int, ...]


@dataclass(frozen=True)
class StackPlan:
    """Where every page of a stack goes. Each page index is in exactly one of ``parts``,
    ``cover_pages``, ``blank_pages`` and ``unassigned``. A cover sheet naming a dossier that
    is not known is in ``cover_pages`` and, with the id it names, in ``rejected_covers``; the
    pages after it, up to the next cover sheet, are unassigned. A dossier whose cover sheet
    appears twice has one part; one whose cover sheet is followed by no page has an empty
    part (and :func:`write_parts` writes no file for it)."""

    parts: tuple[StackPart, ...]
    cover_pages: tuple[int, ...]
    blank_pages: tuple[int, ...]
    unassigned: tuple[int, ...]
    page_count: int
    rejected_covers: tuple[tuple[int, int], ...] = ()  # (page index, dossier id it names)

    def report(self) -> dict[str, Any]:
        """A JSON-able summary for the intake staff. Page numbers here are 1-based, as
        printed on a page; ``summary`` and ``warnings`` are in Vietnamese."""
        def numbers(pages: Sequence[int]) -> list[int]:
            return [page + 1 for page in pages]

        warnings = [f"Hồ sơ {part.dossier_id}: không có trang nào sau tờ bìa"
                    for part in self.parts if not part.pages]
        warnings += [f"Trang {page + 1}: tờ bìa của hồ sơ {dossier} không có trong hệ thống; "
                     "các trang sau nó được để riêng (chưa gán hồ sơ)"
                     for page, dossier in self.rejected_covers]
        if self.unassigned and (not self.cover_pages or self.unassigned[0] < self.cover_pages[0]):
            warnings.append("Có trang đứng trước tờ bìa đầu tiên: đã để riêng (chưa gán hồ sơ)")
        kept = sum(len(part.pages) for part in self.parts)
        summary = (f"{self.page_count} trang: {sum(1 for p in self.parts if p.pages)} hồ sơ "
                   f"({kept} trang), {len(self.cover_pages)} tờ bìa và {len(self.blank_pages)} "
                   f"trang trắng đã bỏ, {len(self.unassigned)} trang chưa gán hồ sơ")
        return {
            "page_count": self.page_count,
            "parts": [{"dossier_id": part.dossier_id, "pages": numbers(part.pages),
                       "page_count": len(part.pages)} for part in self.parts],
            "cover_pages": numbers(self.cover_pages),
            "blank_pages": numbers(self.blank_pages),
            "unassigned": numbers(self.unassigned),
            "rejected_covers": [{"page": page + 1, "dossier_id": dossier}
                                for page, dossier in self.rejected_covers],
            "summary": summary,
            "warnings": warnings,
        }


@dataclass(frozen=True)
class StackFiles:
    """What :func:`write_parts` wrote: a PDF per dossier with pages, and the tray's."""

    parts: dict[int, Path] = field(default_factory=dict)  # dossier id -> PDF
    unassigned: Path | None = None


# --- page images ---------------------------------------------------------------------------

def _gray(image: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    if image.ndim == 3 and image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY), np.uint8)
    if image.ndim == 3:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
    return np.asarray(image, np.uint8)


def _scaled(gray: npt.NDArray[np.uint8], long_side: int) -> npt.NDArray[np.uint8]:
    """``gray`` resized so its longer side is ``long_side`` pixels (area-averaged down)."""
    factor = long_side / max(gray.shape[:2])
    if abs(factor - 1) < 0.02:
        return gray
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(gray, None, fx=factor, fy=factor,
                                 interpolation=interpolation), np.uint8)


def _otsu(gray: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return np.asarray(cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1],
                      np.uint8)


def _adaptive(gray: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return np.asarray(cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                            cv2.THRESH_BINARY, 31, 10), np.uint8)


# --- cover sheets --------------------------------------------------------------------------

_DETECTORS = threading.local()


def _detector(kind: str) -> Any:
    """One detector of each kind per thread (they keep state between calls)."""
    detectors: dict[str, Any] = _DETECTORS.__dict__.setdefault("by_kind", {})
    if kind not in detectors:
        detectors[kind] = (cv2.QRCodeDetectorAruco() if kind == "aruco"
                           else cv2.QRCodeDetector())
    return detectors[kind]


def _qr_attempts(gray: npt.NDArray[np.uint8]) -> Iterator[tuple[str, npt.NDArray[np.uint8]]]:
    """Detector and image to try, likeliest and cheapest first: the page at about 100 dpi
    (a module of the printed code is then 6-7 pixels) with both detectors, binarised,
    smaller, finer (as given up to about 200 dpi), enlarged when coarse, locally
    binarised. On a page without a code all of them run (0.1-0.3 s)."""
    long_side = max(gray.shape[:2])
    work = _scaled(gray, min(long_side, _WORK_LONG_SIDE))
    yield "aruco", work
    yield "classic", work
    yield "aruco", _otsu(work)
    if long_side > 900:
        yield "aruco", _scaled(gray, 800)
    if long_side > _WORK_LONG_SIDE * 1.2:
        yield "aruco", _scaled(gray, min(long_side, 2 * _WORK_LONG_SIDE))
    elif long_side < _WORK_LONG_SIDE * 0.8:
        yield "aruco", _scaled(gray, 2 * long_side)
    yield "classic", _adaptive(work)


def find_cover_sheet(image: npt.NDArray[Any]) -> int | None:
    """The dossier id if the page image (BGR or gray, any resolution from about 100 dpi,
    upright, turned or skewed) carries our cover sheet's QR code, else None. Other QR codes
    (a bank's, a citizen portal's) are ignored."""
    gray = _gray(image)
    if gray.size == 0:
        return None
    for kind, candidate in _qr_attempts(gray):
        try:
            text, _points, _code = _detector(kind).detectAndDecode(candidate)
        except cv2.error:  # a degenerate candidate quadrilateral: try the next variant
            continue
        if text:
            dossier = parse_payload(text)
            if dossier is not None:
                return dossier
    return None


# --- blank pages ---------------------------------------------------------------------------

def is_blank(image: npt.NDArray[Any]) -> bool:
    """True for a near-empty page: the back of a single-sided sheet, white or yellowed,
    with scanner noise, uneven light, a few specks or faint show-through. A page with any
    line of text (even a short one), a signature, a stamp or a drawing is not blank.

    The page is brought to about 100 dpi and its margins ignored; ink is what is clearly
    darker than the local paper (by 55 grey levels and six times the noise); specks under
    about 0.1 mm² are dropped. The page is blank unless ink covers 0.15 % of it or some
    blobs line up like the letters of a word (a run at least 4 mm wide, no higher than
    15 mm, of three blobs or 4 mm² of ink: letters of a short word touch at 100 dpi)."""
    gray = _gray(image)
    if gray.size == 0:
        return True
    work = _scaled(gray, min(max(gray.shape[:2]), _WORK_LONG_SIDE))
    height, width = work.shape[:2]
    per_mm = max(height, width) / _A4_LONG_MM
    dy, dx = round(height * _MARGIN), round(width * _MARGIN)
    inner = work[dy:height - dy, dx:width - dx]
    if inner.size == 0:
        return True
    kernel = max(15, round(6 * per_mm)) | 1
    paper = cv2.medianBlur(cv2.dilate(inner, np.ones((3, 3), np.uint8)), kernel)
    darkness = cv2.subtract(paper, cv2.GaussianBlur(inner, (3, 3), 0))
    median = float(np.median(darkness))
    sigma = 1.4826 * float(np.median(np.abs(darkness.astype(np.float32) - median)))
    threshold = max(_INK_MIN_CONTRAST, median + _INK_NOISE_SIGMAS * sigma)
    ink = (darkness > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return True
    area = stats[:, cv2.CC_STAT_AREA]
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    right = left + stats[:, cv2.CC_STAT_WIDTH]
    bottom = top + stats[:, cv2.CC_STAT_HEIGHT]
    edge = (left == 0) | (top == 0) | (right >= inner.shape[1]) | (bottom >= inner.shape[0])
    keep = (area >= _SPECK_MM2 * per_mm * per_mm) & ~edge  # page edges, shadows: not ink
    keep[0] = False
    if not keep.any():
        return True
    if area[keep].sum() >= _INK_SHARE * inner.size:
        return False
    return not _has_text_line(labels, keep, per_mm)


def _has_text_line(labels: npt.NDArray[Any], keep: npt.NDArray[np.bool_],
                   per_mm: float) -> bool:
    """Whether the kept ink blobs, merged across gaps under 3 mm, make a line of text."""
    inked = keep[labels]
    gap = max(3, round(_LINE_GAP_MM * per_mm))
    rise = max(1, gap // 3)
    merged = cv2.dilate(inked.astype(np.uint8), np.ones((rise, gap), np.uint8))
    count, groups, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    pairs = np.unique(labels[inked].astype(np.int64) * count + groups[inked])
    blobs = np.bincount(pairs % count, minlength=count)  # each blob is in one group
    widths = stats[:, cv2.CC_STAT_WIDTH] - (gap - 1)
    heights = stats[:, cv2.CC_STAT_HEIGHT] - (rise - 1)
    ink = np.bincount(groups[inked], minlength=count)
    wordlike = (blobs >= _LINE_MIN_BLOBS) | (ink >= _WORD_INK_MM2 * per_mm * per_mm)
    lines = (wordlike & (widths >= _LINE_MIN_MM * per_mm)
             & (heights <= _LINE_MAX_HEIGHT_MM * per_mm) & (widths >= heights))
    lines[0] = False
    return bool(lines.any())


# --- planning and writing ------------------------------------------------------------------

def _pages(path: Path) -> Iterator[npt.NDArray[Any]]:
    """Every page of ``path`` as pixels no finer than :data:`PLAN_DPI`, one at a time."""
    for page in iter_pages(path, OcrLimits(max_render_dpi=PLAN_DPI)):
        image: npt.NDArray[Any] = page.image
        if page.dpi > PLAN_DPI * 1.05:
            factor = PLAN_DPI / page.dpi
            image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        yield image


def plan_stack(path: Path, known_dossier: Callable[[int], bool] = lambda _: True,
               progress: Callable[[int, int], None] | None = None) -> StackPlan:
    """Look at every page of the scanned stack ``path`` (a PDF, a multi-page TIFF or a
    single image) and say where it goes (see :class:`StackPlan`). ``known_dossier`` is
    asked once per dossier id found on a cover sheet; ``progress(done, total)`` is called
    after each page. Raises StackInputError (subject = the file name) for a file that
    cannot be read."""
    path = Path(path)
    parts: dict[int, list[int]] = {}
    covers: list[int] = []
    blanks: list[int] = []
    unassigned: list[int] = []
    rejected: list[tuple[int, int]] = []
    known: dict[int, bool] = {}
    current: int | None = None
    try:
        total = count_pages(path)
        for index, image in enumerate(_pages(path)):
            if is_blank(image):
                blanks.append(index)
            elif (dossier := find_cover_sheet(image)) is not None:
                covers.append(index)
                if dossier not in known:
                    known[dossier] = bool(known_dossier(dossier))
                current = dossier if known[dossier] else None
                if current is None:
                    rejected.append((index, dossier))
                else:
                    parts.setdefault(current, [])
            elif current is None:
                unassigned.append(index)
            else:
                parts[current].append(index)
            if progress is not None:
                progress(index + 1, total)
    except OcrInputError as error:
        raise StackInputError(error.message, subject=error.subject or path.name) from error
    return StackPlan(
        parts=tuple(StackPart(dossier, tuple(pages)) for dossier, pages in parts.items()),
        cover_pages=tuple(covers), blank_pages=tuple(blanks), unassigned=tuple(unassigned),
        page_count=total, rejected_covers=tuple(rejected))


def write_parts(path: Path, plan: StackPlan, out_dir: Path) -> StackFiles:
    """Write ``out_dir/dossier-<id>.pdf`` for each part with pages and, if any page is
    unassigned, ``out_dir/unassigned.pdf``: the stack's pages copied as they are (an image
    file's pages become PDF pages at the image's resolution). Files are written under a
    temporary name and renamed, so a rerun after a crash is harmless. Raises
    StackInputError when the file cannot be read or is not the one ``plan`` was made for."""
    path, out_dir = Path(path), Path(out_dir)
    jobs = [(out_dir / f"dossier-{part.dossier_id}.pdf", part.pages)
            for part in plan.parts if part.pages]
    if plan.unassigned:
        jobs.append((out_dir / UNASSIGNED_NAME, plan.unassigned))
    files = StackFiles(
        parts={part.dossier_id: out_dir / f"dossier-{part.dossier_id}.pdf"
               for part in plan.parts if part.pages},
        unassigned=out_dir / UNASSIGNED_NAME if plan.unassigned else None)
    try:
        pages = count_pages(path)
        if pages != plan.page_count:
            raise StackInputError(f"has {pages} pages; the plan is for a stack of "
                                  f"{plan.page_count}", subject=path.name)
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".stack-") as scratch:
            source = path
            if detect_format(path) != "pdf":
                wanted = sorted({page for _, indices in jobs for page in indices})
                dpi: list[float | None] = [None] * pages
                for page in iter_pages(path, indices=wanted):
                    dpi[page.index] = page.dpi
                source = Path(scratch) / "stack.pdf"
                image_to_pdf(path, source, dpi)
            for target, indices in jobs:
                partial = Path(scratch) / target.name
                extract_pages(source, indices, partial)
                partial.replace(target)
    except OcrInputError as error:
        raise StackInputError(error.message, subject=error.subject or path.name) from error
    return files
