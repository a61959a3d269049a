"""The register book notes the entries their sender withdrew (issue 15 §6): a revoked
entry and a replaced one stay in the book, in the PDF, the CSV and the Excel workbook,
with the word for it, the day, the sender's reason and the number of the entry that
replaced it; an ordinary entry's note (a paper copy) is unchanged."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pymupdf as _pymupdf
from openpyxl import load_workbook
from sqlalchemy import select

from signing.registers.entries import IncomingFields, register_incoming
from signing.registers.export import book_csv, book_pdf, book_xlsx, register_book
from storage.accounts import CurrentUser, create_unit, create_user
from storage.records import Database, User
from storage.records.models import RegisterEntry, RegisterEvent
from storage.records.vocabulary import (
    EntrySource,
    EntryState,
    RegisterEventKind,
    RegisterKind,
    UserRole,
)

pymupdf: Any = _pymupdf
REVOKED_BECAUSE = "Văn bản ban hành nhầm đối tượng"
REPLACED_BECAUSE = "Sửa lỗi số liệu ở Điều 2"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_revoked_and_replaced_entries_are_noted_in_every_export(records_db: Database) -> None:
    with records_db.session() as session:
        create_unit(session, "UBND-TL", "Ủy ban nhân dân xã Tân Lập")
        create_user(session, username="vanthu_tl", password="mật-khẩu-đủ-dài-123",
                    role=UserRole.clerk, unit_code="UBND-TL", full_name="Nguyễn Thị Văn Thư")
    with records_db.session() as session:
        user = session.scalars(select(User).where(User.username == "vanthu_tl")).one()
        clerk = CurrentUser(id=user.id, username=user.username, role=UserRole.clerk,
                            unit_id=user.unit_id, visible_unit_ids=frozenset({user.unit_id}))
        entries = [register_incoming(session, clerk, IncomingFields(
            sender="Ủy ban nhân dân xã Bình Minh", summary=summary, paper_copy=paper),
            source=EntrySource.exchange)
            for summary, paper in (("V/v họp giao ban", False), ("V/v kế hoạch năm", False),
                                   ("V/v kế hoạch năm (thay thế)", False),
                                   ("V/v trực Tết", True))]
        revoked, replaced, replacement, plain = entries
        at = datetime(2026, 12, 9, 18, 30, tzinfo=UTC)  # 10/12 in Vietnam
        revoked.state, replaced.state = EntryState.revoked, EntryState.replaced
        session.add_all([
            RegisterEvent(entry_id=revoked.id, kind=RegisterEventKind.revoked, at=at,
                          actor_id=user.id, details={"reason": REVOKED_BECAUSE, "business": 1}),
            RegisterEvent(entry_id=replaced.id, kind=RegisterEventKind.replaced, at=at,
                          actor_id=user.id, details={"reason": REPLACED_BECAUSE, "business": 3,
                                                     "by_entry": replacement.id})])
        session.flush()
        year, numbers = revoked.year, {entry.id: entry.number for entry in entries}
        book = register_book(session, user.unit_id, RegisterKind.incoming, year)
        assert session.scalar(select(RegisterEntry.state).where(
            RegisterEntry.id == plain.id)) == EntryState.awaiting

    expected = {
        numbers[revoked.id]: f"Đã thu hồi ngày 10/12/2026, lý do: {REVOKED_BECAUSE}",
        numbers[replaced.id]: f"Đã bị thay thế ngày 10/12/2026 (thay bằng số "
                              f"{numbers[replacement.id]}), lý do: {REPLACED_BECAUSE}",
        numbers[replacement.id]: "",
        numbers[plain.id]: "Có bản giấy",
    }
    notes = {int(row[1]): row[-1] for row in book.rows}
    assert notes == expected

    rows = list(csv.reader(io.StringIO(book_csv(book).decode("utf-8-sig"))))
    assert rows[0][-1] == "Ghi chú"
    assert {int(row[1]): row[-1] for row in rows[1:]} == expected

    sheet = load_workbook(io.BytesIO(book_xlsx(book))).active
    assert sheet is not None
    cells = [[cell.value or "" for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert {int(str(row[1])): row[-1] for row in cells} == expected

    pdf = pymupdf.open("pdf", book_pdf(book))
    text = _flat(" ".join(page.get_text() for page in pdf))
    for note in expected.values():
        for word in note.split():
            assert word in text, (word, text[:2000])
    assert "Đã thu hồi ngày" in text, text[:2000]
    assert "Đã bị thay thế" in text, text[:2000]
