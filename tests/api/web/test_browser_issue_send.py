"""In a real browser: the records office issues and sends a signed document in one action,
picking its recipients from the directory by typing names without diacritics (the picker
keeps what was already checked), then sees the number in the outgoing book and one message
per recipient in the outbox; and a handler's "assigned to me" list (screenshots
registers-issue-picker, registers-issued, registers-assigned-to-me)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from signing.pki import init_pki
from tests.support.browser import UNIT, chromium, live_office, screenshot, sohoa

XB, PEER = "000.00.02.H26", "000.00.09.H26"
PDF = b"%PDF-1.7\n%signed test document\n" * 20


def _signed_document(data_dir: Path) -> int:
    from api.runtime import open_records, open_store
    from api.settings import Settings
    from storage.records import Document, DocumentStatus, FileRole
    from storage.records.files import store_document_file
    from storage.records.models import Unit

    settings = Settings(data_dir=data_dir)
    db = open_records(settings)
    try:
        with db.session() as session:
            unit = session.scalars(select(Unit).where(Unit.code == UNIT)).one()
            document = Document(unit_id=unit.id, filename="quyet-dinh-cong-nhan.pdf",
                                media_type="application/pdf", doc_type="quyet_dinh",
                                status=DocumentStatus.signed,
                                fields={"trich_yeu": "Về việc công nhận tổ dân phố văn hóa",
                                        "nguoi_ky": "Trần Văn Lãnh Đạo"})
            session.add(document)
            session.flush()
            store_document_file(session, open_store(settings), document, FileRole.signed,
                                io.BytesIO(PDF), suffix=".pdf", media_type="application/pdf")
            return document.id
    finally:
        db.dispose()


def _assign_two(data_dir: Path) -> None:
    """Two incoming letters given to ``tiepnhan``: one overdue as the lead, one to support."""
    from datetime import timedelta

    from api.runtime import open_records
    from api.settings import Settings
    from signing.registers.assignment import Handler, assign_entry
    from signing.registers.entries import IncomingFields, register_incoming
    from signing.registers.numbering import vietnam_day
    from storage.accounts import CurrentUser
    from storage.records import User, utcnow
    from storage.records.vocabulary import EntrySource, UserRole

    db = open_records(Settings(data_dir=data_dir))
    try:
        with db.session() as session:
            def current(username: str) -> CurrentUser:
                user = session.scalars(select(User).where(User.username == username)).one()
                return CurrentUser(id=user.id, username=username, role=UserRole(user.role),
                                   unit_id=user.unit_id,
                                   visible_unit_ids=frozenset({user.unit_id}))

            today = vietnam_day(utcnow())
            for summary, lead, support, days in (
                    ("V/v báo cáo kết quả chuyển đổi số quý III", "tiepnhan", (), -2),
                    ("V/v góp ý dự thảo quy chế văn thư", "lanhdao",
                     (Handler("tiepnhan", today + timedelta(days=4)),), 6)):
                entry = register_incoming(session, current("vanthu"), IncomingFields(
                    sender="Ủy ban nhân dân huyện Đông Anh", summary=summary),
                    source=EntrySource.manual)
                assign_entry(session, current("lanhdao"), entry, note="Đề nghị xử lý đúng hạn",
                             lead=Handler(lead, today + timedelta(days=days)), support=support)
    finally:
        db.dispose()


@pytest.mark.slow  # two demo PKIs, a served office and Chromium: over a minute
def test_issue_and_send_with_the_directory_picker(tmp_path: Path) -> None:
    pki, other = tmp_path / "pki", tmp_path / "other-pki"
    init_pki(pki)
    init_pki(other)
    with live_office(tmp_path, workers=0) as office, chromium() as browser:
        sohoa(office.env, "unit", "exchange", UNIT, "--organ-id", "000.00.01.H26",
              "--p12", str(pki / "clerk.p12"), "--password", "1234")
        sohoa(office.env, "unit", "exchange", "UBND-XB", "--organ-id", XB)
        sohoa(office.env, "peer", "add", PEER, "Sở Nội vụ tỉnh Đắk Lắk", "--url",
              "https://so-noi-vu.example", "--cert", str(other / "root-ca.pem"))
        document_id = _signed_document(office.data_dir)
        clerk = office.page(browser, "vanthu")
        clerk.goto(office.url("/ui/registers/outgoing"))
        clerk.locator(f"#issue-{document_id}").click()
        clerk.wait_for_url(re.compile(rf".*/ui/registers/outgoing/{document_id}/issue$"))
        assert clerk.get_by_label("Trích yếu").input_value() == (
            "Về việc công nhận tổ dân phố văn hóa")
        search = clerk.get_by_label("Tìm nơi nhận")
        search.fill("dak lak")
        peer = clerk.locator(f"#issue-to-list input[value='{PEER}']")
        clerk.locator(f"#issue-to-list input[value='{XB}']").wait_for(state="detached")
        peer.check()
        search.fill("binh minh")
        commune = clerk.locator(f"#issue-to-list input[value='{XB}']")
        commune.wait_for()
        assert peer.is_checked()  # kept while searching for another
        commune.check()
        clerk.get_by_label("Mã PIN khóa của đơn vị").fill("1234")
        screenshot(clerk, "registers-issue-picker")
        clerk.get_by_role("button", name="Ban hành và gửi").click()
        clerk.wait_for_url(re.compile(r".*/ui/registers/entries/\d+$"))
        body = clerk.locator("main").inner_text()
        assert "Đã lấy số và gửi văn bản." in body
        assert re.search(r"\b1/QĐ-UBND-XA\b", body), body
        recipients = clerk.locator(".register-facts").inner_text()
        assert "Ủy ban nhân dân xã Bình Minh" in recipients
        assert "Sở Nội vụ tỉnh Đắk Lắk" in recipients
        screenshot(clerk, "registers-issued")
        clerk.goto(office.url("/ui/outgoing"))
        outbox = clerk.locator("#outbox").inner_text()
        assert XB in outbox
        assert PEER in outbox
        _assign_two(office.data_dir)
        handler = office.page(browser, "tiepnhan")
        handler.locator("nav.side").get_by_role("link", name="Văn bản giao cho tôi").click()
        handler.wait_for_url(office.url("/ui/assigned"))
        rows = handler.locator("#assigned tbody tr")
        assert rows.count() == 2
        assert "Quá hạn" in rows.nth(0).inner_text()
        assert "Chủ trì" in rows.nth(0).inner_text()
        assert "Phối hợp" in rows.nth(1).inner_text()
        screenshot(handler, "registers-assigned-to-me")
