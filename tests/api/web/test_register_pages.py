"""The registers' pages: a scan's fields proposed and confirmed into the incoming book, a
signed document numbered in the outgoing book, an entry assigned by the leader and returned
by its handler, exchange entries read-only, voided numbers in the skipped report, the book
as PDF and CSV, another unit's entry 404, and the roles each page needs."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pymupdf
import pytest
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from signing.registers.entries import IncomingFields, register_incoming
from storage.accounts import CurrentUser, create_unit, create_user
from storage.records import Document, DocumentStatus, User, unit_subtree_ids
from storage.records.models import RegisterAssignment, RegisterEntry
from storage.records.vocabulary import EntrySource, EntryState, UserRole
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client

USERS = {"vanthu": ("clerk", "UBND-XA", "Nguyễn Thị Thư"),
         "lanhdao": ("leader", "UBND-XA", "Trần Văn Lãnh"),
         "chuyenvien": ("intake", "UBND-XA", "Lê Thị Chuyên"),
         "hotro": ("intake", "UBND-XA", "Phạm Văn Hỗ"),
         "khac": ("clerk", "UBND-XB", "Đỗ Văn Khác")}


@dataclass
class Office:
    """An installation with two communes and a logged-in client per user."""

    runtime: Runtime
    clients: dict[str, Web]

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("registers")))
    with runtime.db.session() as session:
        create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Hòa An")
        create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh")
        for username, (role, unit, name) in USERS.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=name)
    clients: dict[str, Web] = {}
    try:
        for username in USERS:
            web = Web(runtime=runtime, client=web_client(runtime).__enter__())
            web.login(username)
            clients[username] = web
        yield Office(runtime, clients)
    finally:
        for web in clients.values():
            web.client.__exit__(None, None, None)
        runtime.close()


def _post(web: Web, path: str, data: dict[str, object], csrf_from: str) -> object:
    found = CSRF.search(web.client.get(csrf_from).text)
    assert found
    return web.client.post(path, data={"csrf": found.group(1), **data})


def _document(office: Office, unit_code: str, **values: object) -> int:
    with office.runtime.db.session() as session:
        unit_id = session.scalars(select(User.unit_id).join(User.unit).where(
            User.unit.has(code=unit_code))).first()
        document = Document(unit_id=unit_id, media_type="application/pdf", **values)
        session.add(document)
        session.flush()
        return document.id


def _entry(office: Office, entry_id: int) -> RegisterEntry:
    with office.runtime.db.session() as session:
        entry = session.get(RegisterEntry, entry_id)
        assert entry is not None
        session.expunge(entry)
        return entry


def _entry_id(location: str) -> int:
    found = re.fullmatch(r"/ui/registers/entries/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_a_scan_is_confirmed_into_the_incoming_book(office: Office) -> None:
    clerk = office["vanthu"]
    scan = _document(office, "UBND-XA", filename="cong-van-den.pdf",
                     status=DocumentStatus.digitised, doc_type="cong_van", page_count=2,
                     fields={"so_ky_hieu": "8800/SNV-VP", "ngay_ban_hanh": "2026-11-20",
                             "co_quan_ban_hanh": "SỞ NỘI VỤ", "nguoi_ky": "Lê Văn Miều",
                             "trich_yeu": "V/v chú trọng nâng cao chất lượng"})
    book = clerk.client.get("/ui/registers/incoming")
    assert book.status_code == 200
    assert f'href="/ui/registers/incoming/new?document_id={scan}"' in book.text
    form = clerk.client.get(f"/ui/registers/incoming/new?document_id={scan}")
    assert form.status_code == 200
    assert 'value="8800/SNV-VP"' in form.text
    assert 'value="Lê Văn Miều"' in form.text
    assert 'value="2026-11-20"' in form.text
    fields = {"document_id": scan, "sender": "Sở Nội vụ", "issuing_agency": "SỞ NỘI VỤ",
              "symbol": "8800/SNV-VP", "doc_type": "cong_van", "signer": "Lê Văn Miêu",
              "issued_on": "2026-11-20", "confidentiality": "mat", "urgency": "hoa_toc",
              "due_date": "bad", "sheets": "2", "copies": "1", "paper_copy": "1",
              "summary": "V/v chú trọng nâng cao chất lượng"}
    wrong = _post(clerk, "/ui/registers/incoming", fields, "/ui/registers/incoming/new")
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    assert "Ngày không hợp lệ." in wrong.text  # type: ignore[attr-defined]
    done = _post(clerk, "/ui/registers/incoming", {**fields, "due_date": "2026-12-10"},
                 "/ui/registers/incoming/new")
    assert done.status_code == 303, done.text  # type: ignore[attr-defined]
    entry = _entry(office, _entry_id(done.headers["location"]))  # type: ignore[attr-defined]
    assert (entry.signer, entry.urgency, entry.confidentiality, entry.paper_copy) == (
        "Lê Văn Miêu", "hoa_toc", "mat", True)
    assert (entry.document_id, entry.source, entry.due_date) == (scan, "scan",
                                                                 date(2026, 12, 10))
    page = clerk.client.get(f"/ui/registers/entries/{entry.id}")
    assert "Hỏa tốc" in page.text
    assert "Từ bản quét" in page.text
    assert f'href="/ui/documents/{scan}"' in page.text
    assert f'href="/ui/incoming/{scan}"' not in page.text  # a scan has no arrival report
    listing = clerk.client.get("/ui/registers/incoming")
    assert f'id="entry-{entry.id}"' in listing.text
    appendix = _post(clerk, "/ui/registers/incoming",
                     {"summary": "Phụ lục của công văn", "sub_of": str(entry.number)},
                     "/ui/registers/incoming/new")
    assert appendix.status_code == 303  # type: ignore[attr-defined]
    sub = _entry(office, _entry_id(appendix.headers["location"]))  # type: ignore[attr-defined]
    assert (sub.number, sub.sub_number) == (entry.number, "a")
    unknown = _post(clerk, "/ui/registers/incoming", {"summary": "x", "sub_of": "999"},
                    "/ui/registers/incoming/new")
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    assert "Số đến này chưa có trong sổ năm nay." in unknown.text  # type: ignore[attr-defined]
    assert f'id="waiting-{scan}"' not in listing.text


def test_a_signed_document_is_numbered_in_the_outgoing_book(office: Office) -> None:
    clerk = office["vanthu"]
    signed = _document(office, "UBND-XA", filename="quyet-dinh.pdf",
                       status=DocumentStatus.signed, doc_type="quyet_dinh")
    page = clerk.client.get("/ui/registers/outgoing")
    assert f'id="number-{signed}"' in page.text
    done = _post(clerk, "/ui/registers/outgoing",
                 {"document_id": signed, "doc_type": "quyet_dinh", "agency": "UBND",
                  "summary": "Về việc công nhận tổ dân phố văn hóa", "signer": "Trần Văn Lãnh"},
                 "/ui/registers/outgoing")
    assert done.status_code == 303  # type: ignore[attr-defined]
    entry = _entry(office, _entry_id(done.headers["location"]))  # type: ignore[attr-defined]
    assert re.fullmatch(r"\d+/QĐ-UBND", entry.symbol)
    again = _post(clerk, "/ui/registers/outgoing",
                  {"document_id": signed, "doc_type": "quyet_dinh", "summary": "lại"},
                  "/ui/registers/outgoing")
    assert again.status_code == 409  # type: ignore[attr-defined]
    shown = clerk.client.get(f"/ui/registers/entries/{entry.id}")
    assert entry.symbol in shown.text


def _incoming(office: Office, summary: str, source: EntrySource = EntrySource.manual) -> int:
    with office.runtime.db.session() as session:
        user = session.scalars(select(User).where(User.username == "vanthu")).one()
        current = CurrentUser(id=user.id, username=user.username, role=UserRole.clerk,
                              unit_id=user.unit_id,
                              visible_unit_ids=frozenset(unit_subtree_ids(session, user.unit_id)))
        entry = register_incoming(session, current, IncomingFields(
            sender="UBND huyện", summary=summary), source=source)
        return entry.id


def test_the_leader_assigns_and_the_handler_returns_with_a_reason(office: Office) -> None:
    entry_id = _incoming(office, "Về việc kiểm tra an toàn thực phẩm")
    leader, handler = office["lanhdao"], office["chuyenvien"]
    path = f"/ui/registers/entries/{entry_id}"
    assert handler.client.get(path).status_code == 403  # not given to them yet
    page = leader.client.get(path)
    assert 'action="' + path + '/assign"' in page.text
    assert 'id="entry-edit"' not in page.text  # the leader only reads
    assert "Về việc kiểm tra an toàn thực phẩm" in page.text
    with office.runtime.db.session() as session:
        people = [user.username for user in session.scalars(select(User).where(
            User.username.in_(["chuyenvien", "hotro", "lanhdao", "vanthu"])))]
    rows = sorted(people)
    parts = {"chuyenvien": "lead", "hotro": "support"}
    deadlines = {"chuyenvien": "2026-12-20", "hotro": "2026-12-18"}
    none = _post(leader, path + "/assign", {"note": "x", "handler": rows,
                                            "part": [""] * len(rows),
                                            "deadline": [""] * len(rows)}, path)
    assert none.status_code == 422  # type: ignore[attr-defined]
    assert "Chọn đúng một người chủ trì." in none.text  # type: ignore[attr-defined]
    done = _post(leader, path + "/assign", {
        "note": "Giao chuyên viên chủ trì, báo cáo trước hạn", "handler": rows,
        "part": [parts.get(name, "") for name in rows],
        "deadline": [deadlines.get(name, "") for name in rows]}, path)
    assert done.status_code == 303  # type: ignore[attr-defined]
    with office.runtime.db.session() as session:
        given = {(row.handler.username, row.role, row.deadline) for row in session.scalars(
            select(RegisterAssignment).where(RegisterAssignment.entry_id == entry_id))}
    assert given == {("chuyenvien", "lead", date(2026, 12, 20)),
                     ("hotro", "support", date(2026, 12, 18))}
    mine = handler.client.get(path)
    assert mine.status_code == 200
    assert "Giao chuyên viên chủ trì" in mine.text
    empty = _post(handler, path + "/return", {"reason": " "}, path)
    assert empty.status_code == 422  # type: ignore[attr-defined]
    back = _post(handler, path + "/return", {"reason": "Không thuộc lĩnh vực phụ trách"}, path)
    assert back.status_code == 303  # type: ignore[attr-defined]
    assert _entry(office, entry_id).state == EntryState.awaiting
    shown = leader.client.get(path).text
    assert "Không thuộc lĩnh vực phụ trách" in shown
    assert "Đã trả lại" in shown


def test_exchange_entries_are_read_only(office: Office) -> None:
    entry_id = _incoming(office, "Về việc từ liên thông", EntrySource.exchange)
    clerk = office["vanthu"]
    page = clerk.client.get(f"/ui/registers/entries/{entry_id}")
    assert "không sửa được" in page.text
    assert 'id="entry-edit"' not in page.text
    refused = _post(clerk, f"/ui/registers/entries/{entry_id}",
                    {"summary": "Đã sửa"}, f"/ui/registers/entries/{entry_id}")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert _entry(office, entry_id).summary == "Về việc từ liên thông"


def test_voided_numbers_show_in_the_skipped_report_and_the_books_download(
        office: Office) -> None:
    clerk = office["vanthu"]
    entry_id = _incoming(office, "=1+2 Về việc đăng ký nhầm")
    path = f"/ui/registers/entries/{entry_id}"
    voided = _post(clerk, path + "/void", {"reason": "Vào sổ hai lần"}, path)
    assert voided.status_code == 303  # type: ignore[attr-defined]
    entry = _entry(office, entry_id)
    report = clerk.client.get(f"/ui/registers/incoming/skipped?year={entry.year}")
    assert f'id="skipped-{entry.number}"' in report.text
    assert "Vào sổ hai lần" in report.text
    pdf = clerk.client.get(f"/ui/registers/incoming/book.pdf?year={entry.year}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = unicodedata.normalize("NFC", "".join(
        page.get_text() for page in pymupdf.open("pdf", pdf.content)))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Ủy ban nhân dân xã Hòa An" in text
    assert "Đã hủy: Vào sổ hai lần" in " ".join(text.split())
    exported = clerk.client.get(f"/ui/registers/incoming/book.csv?year={entry.year}")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    mine = next(row for row in rows if row[1] == str(entry.number))
    assert mine[5] == "'=1+2 Về việc đăng ký nhầm"


def test_another_units_entry_is_not_found_and_roles_are_checked(office: Office) -> None:
    entry_id = _incoming(office, "Về việc của xã Hòa An")
    other = office["khac"]
    assert other.client.get(f"/ui/registers/entries/{entry_id}").status_code == 404
    refused = _post(other, f"/ui/registers/entries/{entry_id}/void", {"reason": "x"},
                    "/ui/registers")
    assert refused.status_code == 404  # type: ignore[attr-defined]
    assert f'id="entry-{entry_id}"' not in other.client.get("/ui/registers/incoming").text
    intake = office["chuyenvien"]
    for path in ("/ui/registers", "/ui/registers/incoming", "/ui/registers/outgoing",
                 "/ui/registers/incoming/book.pdf", "/ui/registers/incoming/new"):
        assert intake.client.get(path).status_code == 403, path
    leader = office["lanhdao"]
    assert leader.client.get("/ui/registers").status_code == 200
    assert leader.client.get("/ui/registers/incoming/new").status_code == 403
    books = office["vanthu"].client.get("/ui/registers")
    assert "Sổ văn bản đến" in books.text
    assert "Sổ văn bản đi" in books.text
    assert office["vanthu"].client.post("/ui/registers/incoming",
                                        data={"summary": "x"}).status_code == 403  # no CSRF
