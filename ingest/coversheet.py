"""Dossier cover sheets: a printed A4 page with a QR code naming the dossier.

Intake staff put one on top of each paper dossier and scan a whole stack at once;
:mod:`ingest.batch` finds the QR codes and splits the stack at them. The QR code holds
``SOHOA-DOSSIER:<id>`` (upper case, digits and ``-:`` only, so it is encoded in QR's compact
alphanumeric mode) with error correction level H (30 % of it may be lost to a stamp, a
staple hole or a fold) and is printed about 60 mm square: a module is then about 1.8 mm,
some 20 pixels in a 300 dpi scan and still 6 at 100 dpi.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from sqlalchemy.orm import Session

from ocr.mupdf import write_cover_sheet
from storage.records import Dossier, Unit

QR_PREFIX = "SOHOA-DOSSIER:"
TITLE = "PHIẾU BÌA HỒ SƠ"
FOOTER = "Đặt tờ này lên trên hồ sơ giấy khi quét"
QR_SIZE_MM = 60.0  # as printed by :func:`ocr.mupdf.write_cover_sheet`
_QR_BORDER = 4  # modules of quiet zone, as the standard asks
_QR_IMAGE_DPI = 600  # the PNG's own resolution at its printed size: crisp at any printer's
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_PAYLOAD = re.compile(r"[0-9]{1,18}")


def cover_sheet_payload(dossier_id: int) -> str:
    """The text of a dossier's QR code, e.g. ``"SOHOA-DOSSIER:42"``."""
    if isinstance(dossier_id, bool) or not isinstance(dossier_id, int) or dossier_id < 1:
        raise ValueError(f"a dossier id is a positive integer, not {dossier_id!r}")
    return f"{QR_PREFIX}{dossier_id}"


def parse_payload(text: str) -> int | None:
    """The dossier id of a QR code's text if it is one of ours, else None (another QR code,
    say a bank's or a citizen portal's, on a page of the dossier)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value.upper().startswith(QR_PREFIX):
        return None
    digits = value[len(QR_PREFIX):].strip()
    if not _PAYLOAD.fullmatch(digits):
        return None
    number = int(digits)
    return number if number >= 1 else None


@dataclass(frozen=True)
class CoverSheetInfo:
    """What a cover sheet shows about its dossier."""

    dossier_id: int
    procedure_code: str
    procedure_name: str
    applicant_name: str
    unit_name: str
    received_at: datetime  # naive means Vietnam time
    due_date: date


def _day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _received(value: datetime) -> str:
    local = value.astimezone(_VIETNAM) if value.tzinfo is not None else value
    return f"{_day(local)} {local.hour:02d}:{local.minute:02d}"


def cover_sheet_lines(info: CoverSheetInfo) -> list[tuple[str, str]]:
    """The label/value lines of a cover sheet, in Vietnamese; dates as DD/MM/YYYY."""
    procedure = info.procedure_name.strip()
    code = info.procedure_code.strip()
    return [
        ("Mã hồ sơ", str(info.dossier_id)),
        ("Thủ tục", f"{procedure} ({code})" if procedure and code else procedure or code),
        ("Người nộp", info.applicant_name.strip()),
        ("Đơn vị tiếp nhận", info.unit_name.strip()),
        ("Ngày nhận", _received(info.received_at)),
        ("Hạn trả kết quả", _day(info.due_date)),
    ]


def qr_png(payload: str) -> bytes:
    """The QR code of ``payload`` as a black-and-white PNG (error correction H, quiet zone
    of four modules) with pixels fine enough for :data:`QR_SIZE_MM` at 600 dpi."""
    code = segno.make(payload, error="h", micro=False, boost_error=False)
    modules = code.symbol_size(scale=1, border=_QR_BORDER)[0]
    scale = math.ceil(QR_SIZE_MM / 25.4 * _QR_IMAGE_DPI / modules)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=_QR_BORDER)
    return buffer.getvalue()


def dossier_cover_info(session: Session, dossier: Dossier) -> CoverSheetInfo:
    """What the cover sheet of ``dossier`` shows, its receiving unit's name included."""
    unit = session.get(Unit, dossier.unit_id)
    return CoverSheetInfo(dossier_id=dossier.id, procedure_code=dossier.procedure_code,
                          procedure_name=dossier.procedure_name,
                          applicant_name=dossier.applicant_name,
                          unit_name=unit.name if unit else "", received_at=dossier.received_at,
                          due_date=dossier.due_date)


def make_cover_sheet(info: CoverSheetInfo, output: Path) -> None:
    """Write the printable cover sheet of a dossier (an A4 PDF) to ``output``."""
    payload = cover_sheet_payload(info.dossier_id)
    write_cover_sheet(output, title=TITLE, lines=cover_sheet_lines(info),
                      qr_png=qr_png(payload), footer=FOOTER)


def cover_sheet_pdf(info: CoverSheetInfo) -> bytes:
    """The printable cover sheet of a dossier as the bytes of an A4 PDF."""
    with tempfile.TemporaryDirectory(prefix="sohoa-cover-") as work:
        path = Path(work) / "cover.pdf"
        make_cover_sheet(info, path)
        return path.read_bytes()
