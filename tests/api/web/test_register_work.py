"""The records office's registers, finished (issue 15 §5/§8): both books exported as Excel
workbooks, a signed document issued and sent in one action (numbered in the outgoing book
and queued to the recipients picked from the directory, or nothing at all when sending is
refused), the directory searched with diacritics folded, and a handler's list of what was
assigned to them with deadlines and overdue marks."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pytest
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from signing.exchange_parties import add_peer, register_exchange_key, set_organ_id
from signing.pki import init_pki
from signing.registers.entries import IncomingFields, register_incoming
from signing.registers.numbering import vietnam_day
from storage.accounts import CurrentUser, create_unit, create_user
from storage.records import Document, DocumentStatus, FileRole, User, unit_subtree_ids, utcnow
from storage.records.files import store_document_file
from storage.records.models import (
    RegisterEntry,
    Unit,
)
from storage.records.vocabulary import EntrySource, UserRole
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client

PIN = "1234"
USERS = {"vanthu": ("clerk", "UBND-XA", "Nguyễn Thị Thư"),
         "lanhdao": ("leader", "UBND-XA", "Trần Văn Lãnh"),
         "chuyenvien": ("intake", "UBND-XA", "Lê Thị Chuyên"),
         "hotro": ("intake", "UBND-XA", "Phạm Văn Hỗ"),
         "khac": ("clerk", "UBND-XB", "Đỗ Văn Khác")}
XA, XB, PEER = "000.00.01.H26", "000.00.02.H26", "000.00.09.H26"
PDF = b"%PDF-1.7\n%signed test document\n" * 20


@dataclass
class Office:
    """An installation with two communes that exchange, a registered peer, and a
    logged-in client per user."""

    runtime: Runtime
    clients: dict[str, Web]

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("register-work")
    pki, other = init_pki(root / "pki"), init_pki(root / "other-pki")
    del pki, other
    runtime = open_runtime(make_settings("embedded", root / "data"))
    with runtime.db.session() as session:
        xa = create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Hòa An")
        xb = create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh")
        for username, (role, unit, name) in USERS.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=name)
        set_organ_id(session, xa, XA)
        set_organ_id(session, xb, XB)
        register_exchange_key(session, runtime.store, runtime.settings.key_file_sealer(), xa,
                              (root / "pki" / "clerk.p12").read_bytes(), PIN, "clerk.p12")
        add_peer(session, PEER, "Sở Nội vụ tỉnh Đắk Lắk",
                 (root / "other-pki" / "root-ca.pem").read_bytes(),
                 base_url="https://so-noi-vu.example")
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


def _current(session: object, username: str) -> CurrentUser:
    user = session.scalars(select(User).where(User.username == username)).one()  # type: ignore[attr-defined]
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id,
                       visible_unit_ids=frozenset(unit_subtree_ids(session, user.unit_id)))  # type: ignore[arg-type]


def _signed(office: Office, filename: str) -> int:
    """A leader-signed document of xã Hòa An with its signed file."""
    with office.runtime.db.session() as session:
        unit = session.scalars(select(Unit).where(Unit.code == "UBND-XA")).one()
        document = Document(unit_id=unit.id, filename=filename, media_type="application/pdf",
                            doc_type="quyet_dinh", status=DocumentStatus.signed,
                            fields={"trich_yeu": "Về việc công nhận tổ dân phố văn hóa"})
        session.add(document)
        session.flush()
        store_document_file(session, office.runtime.store, document, FileRole.signed,
                            io.BytesIO(PDF), suffix=".pdf", media_type="application/pdf")
        return document.id


def _csrf(web: Web, path: str) -> str:
    found = CSRF.search(web.client.get(path).text)
    assert found, path
    return found.group(1)


def _incoming(office: Office, summary: str) -> int:
    with office.runtime.db.session() as session:
        entry = register_incoming(session, _current(session, "vanthu"), IncomingFields(
            sender="UBND huyện Krông Pắc", symbol="12/UBND-VP", summary=summary),
            source=EntrySource.manual)
        return entry.id


def test_both_books_export_as_excel_workbooks(office: Office) -> None:
    entry_id = _incoming(office, "=HYPERLINK(\"http://x\") Về việc kiểm kê đất đai")
    with office.runtime.db.session() as session:
        entry = session.get(RegisterEntry, entry_id)
        assert entry is not None
        year, number = entry.year, entry.number
    clerk = office["vanthu"].client
    book = clerk.get(f"/ui/registers/incoming?year={year}")
    assert f'href="/ui/registers/incoming/book.xlsx?year={year}"' in book.text
    assert "Xuất Excel" in book.text
    exported = clerk.get(f"/ui/registers/incoming/book.xlsx?year={year}")
    assert exported.status_code == 200
    assert exported.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert f'filename="so-incoming-{year}.xlsx"' in exported.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Ngày đến", "Số đến", "Nơi gửi", "Số, ký hiệu", "Ngày văn bản",
                       "Loại, trích yếu", "Độ mật, khẩn", "Hạn xử lý", "Người xử lý",
                       "Ghi chú"]
    mine = next(row for row in rows[1:] if row[1] == str(number))
    assert mine[2] == "UBND huyện Krông Pắc"
    assert mine[3] == "12/UBND-VP"
    assert mine[0] == vietnam_day(utcnow()).strftime("%d/%m/%Y")
    summary = sheet.cell(row=rows.index(mine) + 1, column=6)
    assert summary.value == "=HYPERLINK(\"http://x\") Về việc kiểm kê đất đai"
    assert summary.data_type == "s"  # text, never a formula
    assert summary.quotePrefix
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width
    outgoing = clerk.get(f"/ui/registers/outgoing/book.xlsx?year={year}")
    assert outgoing.status_code == 200
    head = next(openpyxl.load_workbook(io.BytesIO(outgoing.content)).active.iter_rows(  # type: ignore[union-attr]
        max_row=1, values_only=True))
    assert head == ("Số, ký hiệu", "Ngày văn bản", "Loại, trích yếu", "Người ký", "Nơi nhận",
                    "Độ mật, khẩn", "Số bản", "Ghi chú")
    assert office["chuyenvien"].client.get(
        "/ui/registers/incoming/book.xlsx").status_code == 403
