"""Arrival stamps into the incoming book (issue 16 §1), on SQLite and PostgreSQL: a scan
whose stored classification carries the stamp read by the real OCR and classifier
("CÔNG VĂN ĐẾN — Số: 57 — Ngày: 26/12/2023") is proposed with the stamp's number and day,
takes them when the number is free in that year's book (its read fields carried into the
entry), is refused naming the number when an entry holds it, and the next number of the
book follows the stamped one."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.digitise import apply_classification
from signing.registers.arrival import propose_incoming, register_arrived
from signing.registers.entries import IncomingFields, register_incoming, void_entry
from signing.registers.numbering import ArrivalNumber
from signing.registers.report import skipped_numbers
from storage.accounts import CurrentUser, create_unit, create_user
from storage.errors import BadInputError, ConflictError
from storage.records import Database, Document, DocumentStatus, User, unit_subtree_ids
from storage.records.models import RegisterEntry, RegisterEvent
from storage.records.vocabulary import EntrySource, RegisterKind, Urgency, UserRole
from tests.support.arrival_stamp import stamped_classification

PASSWORD = "mật-khẩu-đủ-dài-123"
STAMPED = ArrivalNumber(57, date(2023, 12, 26), from_stamp=True)
NEXT_DAY = datetime(2023, 12, 27, 3, 0, tzinfo=UTC)


def _current(session: Session, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id,
                       visible_unit_ids=frozenset(unit_subtree_ids(session, user.unit_id)))


@pytest.fixture
def office(records_db: Database) -> Database:
    """A commune's records office, and a neighbour's."""
    with records_db.session() as session:
        create_unit(session, "UBND", "Ủy ban nhân dân xã Hòa An")
        create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh")
        for username, unit in (("vanthu", "UBND"), ("khac", "UBND-XB")):
            create_user(session, username=username, password=PASSWORD, role=UserRole.clerk,
                        unit_code=unit, full_name="Nguyễn Thị Thư")
    return records_db


def _scan(session: Session, clerk: CurrentUser,
          classification: dict[str, Any] | None = None) -> Document:
    """A digitised scan whose classification the intake job stored."""
    document = Document(unit_id=clerk.unit_id, filename="quyet-dinh-den.pdf",
                        media_type="application/pdf", status=DocumentStatus.digitised,
                        page_count=1)
    apply_classification(document, classification or stamped_classification())
    session.add(document)
    session.flush()
    return document


def test_the_stamp_read_on_a_scan_is_what_the_classifier_stored() -> None:
    arrival = stamped_classification()["arrival"]
    assert (arrival["number"], arrival["date"], arrival["needs_review"]) == (
        "57", "2023-12-26", False)


def test_a_stamped_scan_takes_the_stamps_number_and_day_with_its_read_fields(
        office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        scan = _scan(session, clerk)
        proposal = propose_incoming(session, clerk, scan)
        assert proposal.problem == ""
        assert proposal.arrival == STAMPED
        assert proposal.stamp is not None
        assert "CÔNG VĂN ĐẾN" in proposal.stamp.text
        assert proposal.values.symbol == "7075/QĐ-SNV"
        # the clerk confirms with the fields left blank: the document's read ones fill them
        entry = register_arrived(session, clerk, IncomingFields(urgency=Urgency.khan),
                                 document=scan, use_stamp=True, now=NEXT_DAY)
        assert (entry.year, entry.number, entry.sub_number, entry.registered_on) == (
            2023, 57, "", date(2023, 12, 26))
        assert (entry.symbol, entry.issued_on, entry.issuing_agency, entry.sender) == (
            "7075/QĐ-SNV", date(2023, 12, 23), "SỞ NỘI VỤ", "SỞ NỘI VỤ")
        assert entry.summary.startswith("Về việc theo báo cáo của Trung tâm Phục vụ")
        assert (entry.doc_type, entry.sheets, entry.urgency, entry.source) == (
            "quyet_dinh", 1, "khan", EntrySource.scan)
        event = session.scalars(select(RegisterEvent).where(
            RegisterEvent.entry_id == entry.id)).one()
        assert event.details["arrival_number"] == "stamp"
        # the book goes on after the stamped number; the ones before it are still to fill
        after = register_incoming(session, clerk, IncomingFields(summary="V/v họp"),
                                  source=EntrySource.manual, now=NEXT_DAY)
        assert (after.year, after.number) == (2023, 58)
        missing = skipped_numbers(session, clerk.unit_id, RegisterKind.incoming, 2023)
        assert [item.number for item in missing] == list(range(1, 57))
        # a paper of the back-filled book, its number typed: it fills its gap
        typed = register_arrived(session, clerk, IncomingFields(summary="V/v tuyển dụng"),
                                 arrival_number=12, arrived_on=date(2023, 3, 1), now=NEXT_DAY)
        assert (typed.number, typed.registered_on, typed.source) == (
            12, date(2023, 3, 1), EntrySource.manual)
        assert 12 not in [item.number for item in skipped_numbers(
            session, clerk.unit_id, RegisterKind.incoming, 2023)]
        # this year's book is another book: 57 is free there
        assert register_incoming(session, clerk, IncomingFields(summary="V/v khác"),
                                 source=EntrySource.manual).number == 1


def test_a_taken_stamp_number_is_refused_naming_it(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        first = register_arrived(session, clerk, IncomingFields(), document=_scan(
            session, clerk), use_stamp=True, now=NEXT_DAY)
        copy = _scan(session, clerk)  # the same paper scanned again, or another stamped 57
        proposal = propose_incoming(session, clerk, copy)
        assert (proposal.problem, proposal.holder, proposal.arrival) == ("taken", first, None)
        with pytest.raises(ConflictError, match=r"arrival number 57 of 2023") as refused:
            register_arrived(session, clerk, IncomingFields(), document=copy,
                             use_stamp=True, now=NEXT_DAY)
        assert refused.value.subject == "arrival_number"
    with office.session() as session:  # nothing was left of the refused attempt
        clerk = _current(session, "vanthu")
        assert session.scalars(select(RegisterEntry.number)).all() == [57]
        void_entry(session, clerk, session.scalars(select(RegisterEntry)).one(), "Nhầm sổ")
        copy_id = session.scalars(select(Document.id).order_by(Document.id.desc())).first()
        again = session.get(Document, copy_id)
        assert again is not None
        # a voided entry keeps its number: still taken; the next number of today is not
        assert propose_incoming(session, clerk, again).problem == "taken"
        entry = register_arrived(session, clerk, IncomingFields(), document=again,
                                 now=NEXT_DAY)
        assert (entry.year, entry.number, entry.registered_on) == (
            2023, 58, date(2023, 12, 27))
        # another unit's book is its own
        other = _current(session, "khac")
        theirs = register_arrived(session, other, IncomingFields(), document=_scan(
            session, other), use_stamp=True, now=NEXT_DAY)
        assert (theirs.unit_id, theirs.number) == (other.unit_id, 57)


@pytest.mark.parametrize(("classification", "problem"), [
    ({"arrival": None}, "no_stamp"),
    ({"arrival": {"number": None, "date": "2023-12-26", "page": 1, "text": "ĐẾN Số:"}},
     "illegible"),
    ({"arrival": {"number": "57", "date": "2027-01-02", "page": 1, "text": "ĐẾN"}},
     "future"),
])
def test_a_stamp_that_cannot_be_taken_proposes_the_next_number(
        office: Database, classification: dict[str, Any], problem: str) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        scan = _scan(session, clerk, {**stamped_classification(), **classification})
        proposal = propose_incoming(session, clerk, scan)
        assert (proposal.problem, proposal.arrival) == (problem, None)
        assert proposal.values.symbol == "7075/QĐ-SNV"
        with pytest.raises(BadInputError) as refused:
            register_arrived(session, clerk, IncomingFields(), document=scan,
                             use_stamp=True, now=NEXT_DAY)
        assert refused.value.subject == ("arrived_on" if problem == "future"
                                         else "arrival_number")
        entry = register_arrived(session, clerk, IncomingFields(), document=scan,
                                 now=NEXT_DAY)
        assert (entry.number, entry.registered_on) == (1, date(2023, 12, 27))


def test_an_arrival_number_refuses_a_sub_number_and_a_day_after_today(
        office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        values = IncomingFields(summary="V/v họp")
        with pytest.raises(BadInputError, match="sub-number"):
            register_arrived(session, clerk, values, sub_of=3,
                             arrival_number=4, arrived_on=date(2023, 3, 1), now=NEXT_DAY)
        with pytest.raises(BadInputError, match="after today") as late:
            register_arrived(session, clerk, values,
                             arrival_number=4, arrived_on=date(2023, 12, 28), now=NEXT_DAY)
        assert late.value.subject == "arrived_on"
        with pytest.raises(BadInputError, match="999999"):
            register_arrived(session, clerk, values,
                             arrival_number=0, arrived_on=date(2023, 3, 1), now=NEXT_DAY)
        with pytest.raises(BadInputError, match="goes with its arrival number"):
            register_arrived(session, clerk, values, arrived_on=date(2023, 3, 1),
                             now=NEXT_DAY)


def test_two_clerks_taking_the_same_stamped_number_at_once(office: Database) -> None:
    with office.session() as session:
        clerk = _current(session, "vanthu")
        scans = [_scan(session, clerk).id for _ in range(4)]
    barrier = threading.Barrier(len(scans))
    outcomes: list[str] = []

    def take(document_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            with office.session() as session:
                document = session.get(Document, document_id)
                register_arrived(session, _current(session, "vanthu"), IncomingFields(),
                                 document=document, use_stamp=True, now=NEXT_DAY)
            outcomes.append("registered")
        except ConflictError as error:
            outcomes.append(str(error.subject))

    threads = [threading.Thread(target=take, args=(document_id,)) for document_id in scans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["arrival_number"] * 3 + ["registered"]
    with office.session() as session:
        assert session.scalars(select(RegisterEntry.number)).all() == [57]
