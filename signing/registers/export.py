"""A register book printed (A4 landscape PDF, the columns of Decree 30's register forms, in
a font carrying every Vietnamese letter) and exported as CSV and as an Excel workbook
(formula-safe cells in both)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pymupdf as _pymupdf
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.figures import VIETNAM, csv_cell
from signing.appearance.fonts import font_path
from signing.errors import SigningError
from signing.pdf_pages import lay_out
from signing.registers.entries import book_entries
from storage.records import Unit, User
from storage.records.models import RegisterAssignment, RegisterEntry, RegisterEvent
from storage.records.vocabulary import (
    AssignmentStatus,
    Confidentiality,
    EntryState,
    HandlerRole,
    RegisterEventKind,
    RegisterKind,
    Urgency,
)

pymupdf: Any = _pymupdf

TITLES = {RegisterKind.incoming: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
          RegisterKind.outgoing: "SỔ ĐĂNG KÝ VĂN BẢN ĐI"}
COLUMNS = {
    RegisterKind.incoming: ("Ngày đến", "Số đến", "Nơi gửi", "Số, ký hiệu", "Ngày văn bản",
                            "Loại, trích yếu", "Độ mật, khẩn", "Hạn xử lý",
                            "Người xử lý", "Ghi chú"),
    RegisterKind.outgoing: ("Số, ký hiệu", "Ngày văn bản", "Loại, trích yếu", "Người ký",
                            "Nơi nhận", "Độ mật, khẩn", "Số bản", "Ghi chú"),
}
CONFIDENTIALITY_VI = {Confidentiality.thuong: "", Confidentiality.mat: "Mật",
                      Confidentiality.toi_mat: "Tối mật",
                      Confidentiality.tuyet_mat: "Tuyệt mật"}
URGENCY_VI = {Urgency.thuong: "", Urgency.khan: "Khẩn", Urgency.thuong_khan: "Thượng khẩn",
              Urgency.hoa_toc: "Hỏa tốc"}
MARGIN = 30


@dataclass(frozen=True)
class Book:
    """One register book of one year, as printed: its title, unit, columns and rows."""

    title: str
    unit_name: str
    year: int
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    kind: RegisterKind = RegisterKind.incoming


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _marks(entry: RegisterEntry) -> str:
    return ", ".join(word for word in (CONFIDENTIALITY_VI[entry.confidentiality],
                                       URGENCY_VI[entry.urgency]) if word)


WITHDRAWN_VI = {EntryState.revoked: "Đã thu hồi", EntryState.replaced: "Đã bị thay thế"}
"""How the notes column names an entry its sender withdrew (exchange status 15)."""


def _note(entry: RegisterEntry, withdrawn: str = "") -> str:
    if entry.state == EntryState.void:
        return f"Đã hủy: {entry.void_reason}"
    paper = "Có bản giấy" if entry.paper_copy else ""
    return "; ".join(part for part in (withdrawn, paper) if part)


def _withdrawals(session: Session, entries: Sequence[RegisterEntry]) -> dict[int, str]:
    """The note of each entry revoked or replaced by its sender: when (Vietnam's day),
    the sender's reason and, for a replacement registered here, the new entry's number."""
    marked = {entry.id: entry for entry in entries if entry.state in WITHDRAWN_VI}
    if not marked:
        return {}
    events = session.scalars(select(RegisterEvent).where(
        RegisterEvent.entry_id.in_(marked), RegisterEvent.kind.in_(
            [RegisterEventKind.revoked, RegisterEventKind.replaced])).order_by(
        RegisterEvent.id))
    latest = {event.entry_id: event for event in events}
    newer = {entry.id: entry for entry in session.scalars(select(RegisterEntry).where(
        RegisterEntry.id.in_([int(event.details["by_entry"]) for event in latest.values()
                              if isinstance(event.details.get("by_entry"), int)])))}
    notes: dict[int, str] = {}
    for entry_id, entry in marked.items():
        event = latest.get(entry_id)
        parts = [WITHDRAWN_VI[entry.state]]
        if event is not None:
            parts[0] += f" ngày {_day(event.at.astimezone(VIETNAM).date())}"
            by = newer.get(event.details.get("by_entry") or 0)
            if by is not None:
                parts[0] += f" (thay bằng số {by.number}{by.sub_number})"
            reason = str(event.details.get("reason") or "").strip()
            if reason:
                parts.append(f"lý do: {reason}")
        notes[entry_id] = ", ".join(parts)
    return notes


def _leads(session: Session, entries: Sequence[RegisterEntry]) -> dict[int, str]:
    rows = session.execute(select(RegisterAssignment.entry_id, User.full_name).join(
        User, User.id == RegisterAssignment.handler_id).where(
        RegisterAssignment.entry_id.in_([entry.id for entry in entries]),
        RegisterAssignment.role == HandlerRole.lead,
        RegisterAssignment.status.in_([AssignmentStatus.open, AssignmentStatus.done])))
    return {entry_id: name for entry_id, name in rows}


def _row(entry: RegisterEntry, lead: str, withdrawn: str = "") -> tuple[str, ...]:
    number = f"{entry.number}{entry.sub_number}"
    kind_summary = " — ".join(part for part in (entry.doc_type, entry.summary) if part)
    if entry.kind == RegisterKind.incoming:
        return (_day(entry.registered_on), number, entry.sender, entry.symbol,
                _day(entry.issued_on), kind_summary, _marks(entry), _day(entry.due_date),
                lead, _note(entry, withdrawn))
    return (entry.symbol or number, _day(entry.issued_on), kind_summary, entry.signer,
            entry.recipients, _marks(entry), "" if entry.copies is None else str(entry.copies),
            _note(entry, withdrawn))


def register_book(session: Session, unit_id: int, kind: RegisterKind, year: int) -> Book:
    """The book's rows in number order; voided entries, and those their sender revoked or
    replaced (with when, why and the new entry's number), marked in the notes."""
    unit = session.get(Unit, unit_id)
    assert unit is not None
    entries = book_entries(session, unit_id, kind, year)
    leads = _leads(session, entries) if kind == RegisterKind.incoming else {}
    withdrawn = _withdrawals(session, entries)
    return Book(title=TITLES[kind], unit_name=unit.name, year=year, columns=COLUMNS[kind],
                kind=kind, rows=[_row(entry, leads.get(entry.id, ""), withdrawn.get(entry.id, ""))
                                 for entry in entries])


def book_csv(book: Book) -> bytes:
    """The book as CSV (UTF-8 with a BOM so spreadsheets read the Vietnamese; every text
    cell formula-safe)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(book.columns)
    for row in book.rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAMES = {RegisterKind.incoming: "Sổ đến", RegisterKind.outgoing: "Sổ đi"}
MIN_WIDTH, MAX_WIDTH = 8, 60
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula starts (as for the CSV's cells)."""


def _width(name: str, values: list[str]) -> float:
    """A column as wide as its longest line (characters), between the bounds."""
    longest = max((len(line) for value in [name, *values] for line in value.splitlines()),
                  default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def book_xlsx(book: Book) -> bytes:
    """The book as an Excel workbook: one sheet, the PDF's column headers in bold on the
    first row (frozen, with a filter), one row per entry, columns sized to their text and
    long texts wrapped. Every cell is a text cell: one that starts like a formula
    (``= + - @``) is stored as a string with Excel's quote prefix, so it shows as written
    and never runs; control characters an XML sheet cannot hold are dropped."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"{SHEET_NAMES[book.kind]} {book.year}"
    workbook.properties.title = f"{book.title} — {book.unit_name} — Năm {book.year}"
    workbook.properties.creator = "sohoa"
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(list(book.columns))
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = bold, shade, wrap
    for row in book.rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = wrap
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type, cell.quotePrefix = "s", True
    for index, name in enumerate(book.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(
            name, [row[index - 1] for row in book.rows])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_CSS = """
@font-face {font-family: rb; src: url(%(regular)s);}
@font-face {font-family: rb; src: url(%(bold)s); font-weight: bold;}
body {font-family: rb; font-size: 8pt;}
h1 {font-size: 13pt; text-align: center; margin: 0 0 2pt 0;}
p {text-align: center; margin: 0 0 8pt 0;}
table {border-collapse: collapse; width: 100%%;}
th, td {border: 1px solid #444; padding: 2pt; vertical-align: top; text-align: left;}
th {font-weight: bold; background-color: #eeeeee;}
"""


def _markup(book: Book) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in book.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in book.rows)
    return (f"<h1>{html.escape(book.title)}</h1>"
            f"<p>{html.escape(book.unit_name)} — Năm {book.year}</p>"
            f"<table><tr>{head}</tr>{body}</table>")


def book_pdf(book: Book) -> bytes:
    """The book on A4 landscape pages, fonts embedded as subsets (the text extracts as
    written). :class:`SigningError` when the Vietnamese font is missing."""
    serif = font_path()
    directory = serif.parent
    regular, bold = "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"
    if not (directory / bold).is_file():
        bold = regular
    try:
        archive = pymupdf.Archive(str(directory))
        laid_out = lay_out(_markup(book), _CSS % {"regular": regular, "bold": bold}, archive,
                           paper="a4-l", margin=MARGIN)
        document = pymupdf.open("pdf", laid_out)
        try:
            document.set_metadata({"title": f"{book.title} {book.year}", "creator": "sohoa",
                                   "producer": "sohoa"})
            document.subset_fonts()
            data: bytes = document.tobytes(garbage=3, deflate=True, no_new_id=True)
        finally:
            document.close()
    except (RuntimeError, ValueError) as error:
        raise SigningError(f"the register book could not be laid out: {error}") from error
    return data
