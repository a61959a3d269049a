"""Registers (issue 15 part 5), on SQLite and PostgreSQL: numbers taken at once by many
clerks never repeat nor leave gaps, the books restart on 1 January in Vietnam, the
skipped-numbers report, a scan's fields confirmed into the incoming book, exchange entries
final, assignment and return, outgoing numbering with the symbol, the PDF and the CSV."""

from __future__ import annotations

import csv
import io
import threading
import unicodedata
from datetime import UTC, date, datetime

import pymupdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.registers.assignment import (
    Handler,
    assign_entry,
    entry_assignments,
    finish_entry,
    return_entry,
    unsent_status_events,
)
from signing.registers.entries import (
    IncomingFields,
    edit_incoming,
    fields_from_document,
    number_outgoing,
    register_incoming,
    void_entry,
)
from signing.registers.export import book_csv, book_pdf, register_book
from signing.registers.report import skipped_numbers
from storage.accounts import CurrentUser, create_unit, create_user
from storage.errors import BadInputError, ConflictError, PermissionDeniedError
from storage.records import Database, Document, DocumentStatus, User, unit_subtree_ids
from storage.records.models import RegisterEntry
from storage.records.vocabulary import (
    AssignmentStatus,
    Confidentiality,
    EntrySource,
    EntryState,
    RegisterKind,
    Urgency,
    UserRole,
)

PASSWORD = "mật-khẩu-đủ-dài-123"


def _current(session: Session, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id,
                       visible_unit_ids=frozenset(unit_subtree_ids(session, user.unit_id)))


@pytest.fixture
def office(records_db: Database) -> Database:
    """A commune with a clerk, a leader and two handlers; a neighbour with its clerk."""
    with records_db.session() as session:
        create_unit(session, "UBND", "Ủy ban nhân dân xã Hòa An")
        create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh")
        for username, role, unit, name in (
                ("vanthu", UserRole.clerk, "UBND", "Nguyễn Thị Văn Thư"),
                ("lanhdao", UserRole.leader, "UBND", "Trần Văn Lãnh Đạo"),
                ("chuyenvien", UserRole.intake, "UBND", "Lê Thị Chuyên Viên"),
                ("hotro", UserRole.intake, "UBND", "Phạm Văn Hỗ Trợ"),
                ("khac", UserRole.clerk, "UBND-XB", "Đỗ Văn Khác")):
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=name)
    return records_db


def _incoming(session: Session, user: CurrentUser, summary: str = "V/v họp giao ban",
              **extra: object) -> RegisterEntry:
    values = IncomingFields(sender="Sở Nội vụ", summary=summary)
    return register_incoming(session, user, values, source=EntrySource.manual,
                             **extra)  # type: ignore[arg-type]


def test_many_clerks_at_once_get_distinct_numbers_without_gaps(office: Database) -> None:
    takers, failing = 24, {5, 11, 17}
    barrier = threading.Barrier(takers)
    errors: list[BaseException] = []

    def take(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            with office.session() as session:
                _incoming(session, _current(session, "vanthu"), summary=f"Văn bản {index}")
                if index in failing:  # taken, then the transaction fails: no gap is left
                    raise RuntimeError("the clerk's request failed after numbering")
        except RuntimeError:
            pass
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=take, args=(index,)) for index in range(takers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with office.session() as session:
        numbers = sorted(session.scalars(select(RegisterEntry.number)))
        unit_id = _current(session, "vanthu").unit_id
        assert numbers == list(range(1, takers - len(failing) + 1))
        year = session.scalars(select(RegisterEntry.year)).first()
        assert year is not None
        assert skipped_numbers(session, unit_id, RegisterKind.incoming, year) == []


def test_books_restart_at_one_on_the_first_of_january_in_vietnam(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        late = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 on 31 December in Hà Nội
        first = _incoming(session, clerk, now=late)
        second = _incoming(session, clerk, now=late)
        new_year = _incoming(session, clerk, now=datetime(2026, 12, 31, 17, 1, tzinfo=UTC))
        assert (first.year, first.number, second.number) == (2026, 1, 2)
        assert (new_year.year, new_year.number) == (2027, 1)
        assert new_year.registered_on == date(2027, 1, 1)
        # the outgoing book counts apart from the incoming one
        document = Document(unit_id=clerk.unit_id, filename="qd.pdf",
                            media_type="application/pdf", status=DocumentStatus.signed)
        session.add(document)
        session.flush()
        out = number_outgoing(session, clerk, document, doc_type="quyet_dinh",
                              summary="Về việc phê duyệt kế hoạch", agency="UBND",
                              now=datetime(2027, 1, 2, 2, tzinfo=UTC))
        assert (out.number, out.symbol, out.issued_on) == (1, "1/QĐ-UBND", date(2027, 1, 2))
        # what is shown and sent (the edXML message reads the fields) carries the number
        assert document.fields is not None
        assert (document.fields["so_ky_hieu"], document.fields["ngay_ban_hanh"],
                document.fields["trich_yeu"]) == ("1/QĐ-UBND", "2027-01-02",
                                                  "Về việc phê duyệt kế hoạch")
        with pytest.raises(ConflictError):
            number_outgoing(session, clerk, document, doc_type="quyet_dinh", summary="lại")


def test_voided_numbers_and_gaps_are_reported_as_skipped(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        entries = [_incoming(session, clerk, summary=f"Văn bản {n}") for n in range(4)]
        void_entry(session, clerk, entries[1], "Đăng ký nhầm hai lần")
        with pytest.raises(BadInputError):
            void_entry(session, clerk, entries[2], "   ")
        late = register_incoming(session, clerk, IncomingFields(summary="Phụ lục gửi sau"),
                                 source=EntrySource.manual, sub_of=entries[0].number)
        again = register_incoming(session, clerk, IncomingFields(summary="Bản gửi lại"),
                                  source=EntrySource.manual, sub_of=entries[0].number)
        assert (late.number, late.sub_number, again.sub_number) == (1, "a", "b")
        with pytest.raises(BadInputError):
            register_incoming(session, clerk, IncomingFields(summary="x"),
                              source=EntrySource.manual, sub_of=99)
        session.delete(entries[3])  # a number taken with no entry at all (a gap)
        session.flush()
        report = skipped_numbers(session, clerk.unit_id, RegisterKind.incoming,
                                 entries[0].year)
        assert [(item.number, item.cause, item.reason) for item in report] == [
            (2, "voided", "Đăng ký nhầm hai lần"), (4, "missing", "")]


def test_a_scans_fields_are_confirmed_into_the_incoming_book(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        scan = Document(unit_id=clerk.unit_id, filename="cong-van.pdf",
                        media_type="application/pdf", status=DocumentStatus.digitised,
                        doc_type="cong_van", page_count=3,
                        fields={"so_ky_hieu": "8800/SNV-VP", "ngay_ban_hanh": "2026-11-20",
                                "co_quan_ban_hanh": "SỞ NỘI VỤ", "nguoi_ky": "Lê Văn Miều",
                                "trich_yeu": "V/v chú trọng nâng cao chất lượng"})
        session.add(scan)
        session.flush()
        proposed = fields_from_document(scan)
        assert proposed.symbol == "8800/SNV-VP"
        assert proposed.issued_on == date(2026, 11, 20)
        assert (proposed.issuing_agency, proposed.signer, proposed.sheets) == (
            "SỞ NỘI VỤ", "Lê Văn Miều", 3)
        # the clerk corrects the signer, sets urgency and the paper copy, and confirms
        confirmed = IncomingFields(**{**proposed.__dict__, "signer": "Lê Văn Miêu",
                                      "urgency": Urgency.hoa_toc, "paper_copy": True,
                                      "confidentiality": Confidentiality.mat})
        entry = register_incoming(session, clerk, confirmed, source=EntrySource.scan,
                                  document=scan)
        assert (entry.number, entry.signer, entry.urgency, entry.paper_copy) == (
            1, "Lê Văn Miêu", Urgency.hoa_toc, True)
        assert entry.document_id == scan.id
        with pytest.raises(ConflictError):  # registered once
            register_incoming(session, clerk, confirmed, source=EntrySource.scan, document=scan)
        edited = edit_incoming(session, clerk, entry,
                               IncomingFields(**{**confirmed.__dict__, "copies": 2}))
        assert edited.copies == 2
        leader = _current(session, "lanhdao")
        with pytest.raises(PermissionDeniedError):
            edit_incoming(session, leader, entry, confirmed)


def test_an_entry_from_an_exchange_message_cannot_be_edited(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        entry = register_incoming(session, clerk,
                                  IncomingFields(sender="UBND huyện", summary="Về việc A"),
                                  source=EntrySource.exchange)
        with pytest.raises(ConflictError, match="exchange"):
            edit_incoming(session, clerk, entry, IncomingFields(summary="Về việc B"))
        assert entry.summary == "Về việc A"


def test_assignment_with_lead_support_deadlines_and_a_return(office: Database) -> None:
    with office.session() as session:
        clerk, leader = _current(session, "vanthu"), _current(session, "lanhdao")
        entry = _incoming(session, clerk)
        with pytest.raises(PermissionDeniedError):
            assign_entry(session, clerk, entry, note="x", lead=Handler("chuyenvien"))
        with pytest.raises(BadInputError):  # a handler of another unit
            assign_entry(session, leader, entry, note="x", lead=Handler("khac"))
        rows = assign_entry(session, leader, entry, note="Giao chuyên viên chủ trì",
                            lead=Handler("chuyenvien", date(2026, 12, 20)),
                            support=(Handler("hotro", date(2026, 12, 18)),))
        assert [(row.role, row.deadline) for row in rows] == [
            ("lead", date(2026, 12, 20)), ("support", date(2026, 12, 18))]
        assert entry.state == EntryState.assigned
        assert entry.due_date == date(2026, 12, 20)
        handler = _current(session, "chuyenvien")
        with pytest.raises(BadInputError):
            return_entry(session, handler, entry, "  ")
        return_entry(session, handler, entry, "Không thuộc lĩnh vực được giao")
        assert entry.state == EntryState.awaiting
        statuses = [row.status for row in entry_assignments(session, entry)]
        assert statuses == [AssignmentStatus.returned, AssignmentStatus.replaced]
        assign_entry(session, leader, entry, note="Giao lại", lead=Handler("hotro"))
        with pytest.raises(PermissionDeniedError):
            finish_entry(session, handler, entry)
        finish_entry(session, _current(session, "hotro"), entry)
        assert entry.state == EntryState.done
        codes = [event.status_code for event in unsent_status_events(session, clerk.unit_id)]
        assert codes == ["04", "05", "04", "05", "06"]


def test_the_books_print_as_pdf_with_vietnamese_text_and_export_safe_csv(
        office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        entry = register_incoming(session, clerk, IncomingFields(
            sender="=HYPERLINK(\"http://x\")", summary="Về việc chỉnh trang đô thị Thượng Đình",
            urgency=Urgency.thuong_khan), source=EntrySource.manual)
        book = register_book(session, clerk.unit_id, RegisterKind.incoming, entry.year)
    pdf = pymupdf.open("pdf", book_pdf(book))
    text = unicodedata.normalize("NFC", "".join(page.get_text() for page in pdf))
    for expected in ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Ủy ban nhân dân xã Hòa An",
                     "Thượng khẩn", "Thượng Đình", "trích yếu"):
        assert unicodedata.normalize("NFC", expected) in " ".join(text.split()), expected
    rows = list(csv.reader(io.StringIO(book_csv(book).decode("utf-8-sig"))))
    assert rows[0][0] == "Ngày đến"
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][1] == "1"
