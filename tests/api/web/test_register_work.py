"""The records office's registers, finished (issue 15 §5/§8): both books exported as Excel
workbooks, a signed document issued and sent in one action (numbered in the outgoing book
and queued to the recipients picked from the directory, or nothing at all when sending is
refused), the directory searched with diacritics folded, and a handler's list of what was
assigned to them with deadlines and overdue marks."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from api.runtime import Runtime, open_runtime
from signing.exchange_parties import add_peer, register_exchange_key, set_organ_id
from signing.pki import init_pki
from signing.registers.assignment import Handler, assign_entry
from signing.registers.entries import IncomingFields, register_incoming
from signing.registers.numbering import vietnam_day
from storage.accounts import CurrentUser, create_unit, create_user
from storage.records import Document, DocumentStatus, FileRole, User, unit_subtree_ids, utcnow
from storage.records.files import store_document_file
from storage.records.models import (
    ExchangeOutboxMessage,
    Job,
    RegisterCounter,
    RegisterEntry,
    Unit,
)
from storage.records.vocabulary import EntrySource, RegisterKind, UserRole
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


def _counts(office: Office) -> tuple[int, int, int]:
    """(outgoing numbers taken this year, outgoing entries, edoc messages) of xã Hòa An."""
    with office.runtime.db.session() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.code == "UBND-XA")).one()
        taken = session.scalar(select(RegisterCounter.last_number).where(
            RegisterCounter.unit_id == unit_id, RegisterCounter.kind == RegisterKind.outgoing,
            RegisterCounter.year == vietnam_day(utcnow()).year)) or 0
        entries = session.scalar(select(func.count()).select_from(RegisterEntry).where(
            RegisterEntry.unit_id == unit_id, RegisterEntry.kind == RegisterKind.outgoing))
        sent = session.scalar(select(func.count()).select_from(ExchangeOutboxMessage).where(
            ExchangeOutboxMessage.unit_id == unit_id, ExchangeOutboxMessage.kind == "edoc"))
        return int(taken), int(entries or 0), int(sent or 0)


def test_issue_and_send_numbers_and_queues_in_one_action(office: Office) -> None:
    clerk = office["vanthu"]
    document_id = _signed(office, "qd-cong-nhan.pdf")
    book = clerk.client.get("/ui/registers/outgoing")
    assert f'href="/ui/registers/outgoing/{document_id}/issue"' in book.text
    path = f"/ui/registers/outgoing/{document_id}/issue"
    form = clerk.client.get(path)
    assert form.status_code == 200
    assert 'value="Về việc công nhận tổ dân phố văn hóa"' in form.text
    assert f'value="{XB}"' in form.text  # the directory: the other commune and the peer
    assert f'value="{PEER}"' in form.text
    assert f'value="{XA}"' not in form.text  # not its own unit
    assert 'hx-get="/ui/directory"' in form.text
    fields = {"doc_type": "quyet_dinh", "summary": "Về việc công nhận tổ dân phố văn hóa",
              "signer": "Trần Văn Lãnh", "agency": "UBND", "to": [XB, PEER]}
    before = _counts(office)
    wrong = clerk.client.post(path, data={"csrf": _csrf(clerk, path), **fields, "pin": "9999"})
    assert wrong.status_code == 422
    assert 'id="issue-pin-error"' in wrong.text
    assert 'checked' in wrong.text.split(f'id="party-{PEER}"')[1].split("</label>")[0]
    assert _counts(office) == before  # no number taken, no entry, no message
    done = clerk.client.post(path, data={"csrf": _csrf(clerk, path), **fields, "pin": PIN})
    assert done.status_code == 303, done.text
    entry_id = int(done.headers["location"].rsplit("/", 1)[1])
    taken, entries, sent = _counts(office)
    assert (taken, entries, sent) == (before[0] + 1, before[1] + 1, before[2] + 2)
    with office.runtime.db.session() as session:
        entry = session.get(RegisterEntry, entry_id)
        assert entry is not None
        assert entry.symbol == f"{taken}/QĐ-UBND"
        assert entry.recipients == "Ủy ban nhân dân xã Bình Minh; Sở Nội vụ tỉnh Đắk Lắk"
        rows = session.scalars(select(ExchangeOutboxMessage).where(
            ExchangeOutboxMessage.document_id == document_id)).all()
        assert sorted(row.recipient for row in rows) == sorted([XB, PEER])
        assert all(row.message_document_id.endswith(entry.symbol) for row in rows)
        jobs = session.scalars(select(Job.id).where(Job.id.in_(
            [f"exchange-delivery-{row.id}" for row in rows]))).all()
        assert len(jobs) == 2
        document = session.get(Document, document_id)
        assert document is not None
        assert document.fields["so_ky_hieu"] == entry.symbol
    again = clerk.client.post(path, data={"csrf": _csrf(clerk, path), **fields, "pin": PIN})
    assert again.status_code == 422  # numbered already
    assert 'id="issue-document-error"' in again.text
    assert _counts(office) == (taken, entries, sent)


def test_issue_and_send_through_the_api_is_both_or_neither(office: Office) -> None:
    client = office["vanthu"].client
    token = client.post("/auth/token", data={"username": "vanthu", "password": PASSWORD})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    document_id = _signed(office, "cv-api.pdf")
    body = {"document_id": document_id, "doc_type": "cong_van", "summary": "Về việc họp",
            "to": [XB, "000.00.77.H77"], "pin": PIN}
    before = _counts(office)
    unknown = client.post("/registers/outgoing/issue-and-send", json=body, headers=headers)
    assert unknown.status_code == 422, unknown.text
    assert "000.00.77.H77" in unknown.text
    assert _counts(office) == before
    done = client.post("/registers/outgoing/issue-and-send", json={**body, "to": [XB]},
                       headers=headers)
    assert done.status_code == 201, done.text
    answer = done.json()
    assert answer["entry"]["number"] == before[0] + 1
    assert answer["entry"]["symbol"] == f"{before[0] + 1}/UBND-XA"
    assert [message["to"] for message in answer["messages"]] == [XB]
    leader = client.post("/auth/token", data={"username": "lanhdao", "password": PASSWORD})
    refused = client.post("/registers/outgoing/issue-and-send", json=body, headers={
        "Authorization": f"Bearer {leader.json()['access_token']}"})
    assert refused.status_code == 403


def test_the_directory_is_searched_with_diacritics_folded(office: Office) -> None:
    clerk = office["vanthu"].client
    found = clerk.get("/ui/directory", params={"q": "binh minh"})
    assert found.status_code == 200
    assert "<html" not in found.text
    assert f'value="{XB}"' in found.text
    assert f'value="{PEER}"' not in found.text
    peer = clerk.get("/ui/directory", params={"q": "DAK LAK"})
    assert f'value="{PEER}"' in peer.text
    assert "Liên thông ngoài" in peer.text
    kept = clerk.get("/ui/directory", params={"q": "dak lak", "to": [XB]})
    assert f'value="{XB}" checked' in kept.text  # a chosen party stays listed, checked
    by_code = clerk.get("/ui/directory", params={"q": "02.h26"})
    assert f'value="{XB}"' in by_code.text
    none = clerk.get("/ui/directory", params={"q": "không có đâu"})
    assert 'id="parties-none"' in none.text
    assert office["chuyenvien"].client.get("/ui/directory").status_code == 403
    outbox = clerk.get("/ui/outgoing")
    assert 'id="send-to-q"' in outbox.text  # the separate send form picks the same way
    assert f'value="{PEER}"' in outbox.text


def test_a_handler_sees_what_is_assigned_to_them(office: Office) -> None:
    late = _incoming(office, "Về việc báo cáo quá hạn")
    soon = _incoming(office, "Về việc góp ý dự thảo")
    other = _incoming(office, "Về việc giao người khác")
    today = vietnam_day(utcnow())
    with office.runtime.db.session() as session:
        leader = _current(session, "lanhdao")
        for entry_id, lead, support, deadline in (
                (late, "chuyenvien", (), today - timedelta(days=2)),
                (soon, "hotro", (Handler("chuyenvien", today + timedelta(days=5)),),
                 today + timedelta(days=7)),
                (other, "hotro", (), today)):
            entry = session.get(RegisterEntry, entry_id)
            assert entry is not None
            assign_entry(session, leader, entry, note="Xử lý theo quy định",
                         lead=Handler(lead, deadline), support=support)
    handler = office["chuyenvien"].client
    assert 'href="/ui/assigned"' in handler.get("/").text
    page = handler.get("/ui/assigned")
    assert page.status_code == 200
    assert f'id="assigned-{other}"' not in page.text
    assert page.text.index(f'id="assigned-{late}"') < page.text.index(f'id="assigned-{soon}"')
    overdue = page.text.split(f'id="assigned-{late}"')[1].split("</tr>")[0]
    assert "Quá hạn" in overdue
    assert "Chủ trì" in overdue
    assert (today - timedelta(days=2)).strftime("%d/%m/%Y") in overdue
    assert f'href="/ui/registers/entries/{late}"' in overdue
    support = page.text.split(f'id="assigned-{soon}"')[1].split("</tr>")[0]
    assert "Phối hợp" in support
    assert (today + timedelta(days=5)).strftime("%d/%m/%Y") in support
    assert "Quá hạn" not in support
    assert "Đến hạn hôm nay" in office["hotro"].client.get("/ui/assigned").text
    assert handler.get(f"/ui/registers/entries/{late}").status_code == 200
    assert 'id="assigned-empty"' in office["khac"].client.get("/ui/assigned").text
