"""Cover sheets and empty pages made into "scans" for the cover-sheet, stack-splitting and
intake tests, the way ``tests/support/synthetic_pdf.py`` scans documents (rasterised, then
degraded by its scanner model: skew, quarter turns, paper tint, uneven light, blur, noise).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pymupdf

from ingest.coversheet import CoverSheetInfo, make_cover_sheet
from tests.support.synthetic_pdf import Degradation, _degrade, find_serif_font

Image = np.ndarray[Any, Any]
A4_PX_AT_72 = (595, 842)


def cover_info(dossier_id: int) -> CoverSheetInfo:
    """A realistic dossier summary (a land-use certificate procedure)."""
    return CoverSheetInfo(
        dossier_id=dossier_id, procedure_code="1.004227",
        procedure_name="Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
        applicant_name="Nguyễn Thị Hằng", unit_name="Bộ phận Một cửa UBND huyện Đông Anh",
        received_at=datetime(2026, 3, 5, 2, 15, tzinfo=UTC), due_date=date(2026, 4, 2))


def rasterise(pdf: Path, index: int, dpi: int, *, color: bool = False) -> Image:
    """Page ``index`` of ``pdf`` as pixels (RGB or gray), as a scanner sees paper."""
    with pymupdf.open(pdf) as document:
        pix = document[index].get_pixmap(
            dpi=dpi, alpha=False, colorspace=pymupdf.csRGB if color else pymupdf.csGRAY)
        image = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)
    return image[..., 0].copy() if pix.n == 1 else image.copy()


def degrade(image: Image, degradation: Degradation, seed: int) -> Image:
    """``image`` through the synthetic scanner (no seal)."""
    return _degrade(image.copy(), degradation, None, np.random.default_rng(seed))


def cover_scan(folder: Path, dossier_id: int, degradation: Degradation, seed: int) -> Image:
    """A printed cover sheet of ``dossier_id``, scanned."""
    path = folder / f"cover-{dossier_id}.pdf"
    if not path.exists():
        make_cover_sheet(cover_info(dossier_id), path)
    return degrade(rasterise(path, 0, degradation.dpi, color=degradation.color), degradation,
                   seed)


def blank_scan(degradation: Degradation, seed: int, *, specks: int = 8,
               show_through: Image | None = None, strength: float = 0.2) -> Image:
    """The empty back of a sheet: paper, a few dust specks (up to about 1.5 mm) and, if
    given, the faint mirror image of the other side (``show_through``, gray, same size)."""
    width, height = (round(side * degradation.dpi / 72) for side in A4_PX_AT_72)
    page = np.full((height, width), 255, np.float32)
    if show_through is not None:
        mirrored = cv2.flip(cv2.resize(show_through, (width, height)), 1).astype(np.float32)
        page -= (255 - mirrored) * strength
    generator = np.random.default_rng(seed)
    for _ in range(specks):
        radius = max(1, round(degradation.dpi / 25.4 * generator.uniform(0.1, 0.75)))
        centre = (int(generator.integers(0, width)), int(generator.integers(0, height)))
        cv2.circle(page, centre, radius, float(generator.integers(40, 140)), -1)
    gray = page.clip(0, 255).astype(np.uint8)
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB) if degradation.color else gray
    return degrade(image, degradation, seed)


def text_page(lines: list[str], folder: Path, name: str, size: float = 12) -> Path:
    """A born-digital A4 page with ``lines`` of Vietnamese text near the top."""
    path = folder / name
    with pymupdf.open() as document:
        page = document.new_page(width=A4_PX_AT_72[0], height=A4_PX_AT_72[1])
        for number, line in enumerate(lines):
            page.insert_text((85, 120 + number * size * 1.6), line, fontsize=size,
                             fontname="serif", fontfile=str(find_serif_font()))
        document.save(path)
    return path


def add_image_page(document: Any, image: Image, dpi: int) -> None:
    """Append ``image`` (RGB or gray) as a JPEG page of ``pixels / dpi`` inches."""
    height, width = image.shape[:2]
    page = document.new_page(width=width / dpi * 72, height=height / dpi * 72)
    encoded = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, jpeg = cv2.imencode(".jpg", encoded, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    page.insert_image(page.rect, stream=jpeg.tobytes())
