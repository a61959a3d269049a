"""In a real browser: the clerk registers a paper letter in the incoming book through the
form, the leader assigns it to a lead handler with a deadline, the books render, and a scan
whose arrival stamp was read is proposed under the stamp's number and day (screenshots
registers-entry, registers-assigned, registers-incoming, registers-books,
registers-from-stamp)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from api.runtime import open_runtime
from api.settings import Settings
from ingest.digitise import apply_classification
from storage.records import Document, DocumentStatus, User
from tests.support.arrival_stamp import stamped_classification
from tests.support.browser import LiveOffice, chromium, live_office, screenshot


def _stamped_scan(office: LiveOffice, username: str) -> int:
    """A digitised scan in the office's database whose classification holds the arrival
    stamp the real OCR read ("Số: 57", "Ngày: 26/12/2023")."""
    runtime = open_runtime(Settings(_env_file=None, data_dir=office.data_dir))
    try:
        with runtime.db.session() as session:
            unit_id = session.scalars(select(User.unit_id).where(
                User.username == username)).one()
            document = Document(unit_id=unit_id, filename="quyet-dinh-den.pdf",
                                media_type="application/pdf",
                                status=DocumentStatus.digitised, page_count=1)
            apply_classification(document, stamped_classification())
            session.add(document)
            session.flush()
            return document.id
    finally:
        runtime.close()


def test_a_letter_is_registered_then_assigned(tmp_path: Path) -> None:
    with live_office(tmp_path, workers=0) as office, chromium() as browser:
        clerk = office.page(browser, "vanthu")
        clerk.goto(office.url("/ui/registers/incoming"))
        clerk.get_by_role("link", name="Vào sổ văn bản giấy (nhập tay)").click()
        clerk.get_by_label("Nơi gửi").fill("Ủy ban nhân dân huyện Đông Anh")
        clerk.get_by_label("Số, ký hiệu").fill("245/UBND-VP")
        clerk.get_by_label("Trích yếu").fill("V/v triển khai phần mềm quản lý văn bản")
        clerk.get_by_label("Độ khẩn").select_option("hoa_toc")
        clerk.get_by_label("Có bản giấy").check()
        clerk.get_by_role("button", name="Xác nhận và cấp số đến").click()
        clerk.wait_for_url(re.compile(r".*/ui/registers/entries/\d+$"))
        assert "Đã vào sổ văn bản đến." in clerk.locator("body").inner_text()
        assert clerk.get_by_label("Độ khẩn").input_value() == "hoa_toc"
        screenshot(clerk, "registers-entry")
        entry_url = clerk.url
        leader = office.page(browser, "lanhdao")
        leader.goto(entry_url)
        leader.get_by_label("Bút phê").fill("Giao bộ phận một cửa chủ trì, báo cáo trước hạn")
        part = leader.locator("select[name=part]")
        handlers = leader.locator("input[name=handler]")
        names = [handlers.nth(i).get_attribute("value") for i in range(handlers.count())]
        lead_row = names.index("tiepnhan")
        part.nth(lead_row).select_option("lead")
        leader.locator("input[name=deadline]").nth(lead_row).fill("2026-12-31")
        leader.get_by_role("button", name="Phân công", exact=True).click()
        leader.wait_for_url(entry_url)
        assignment = leader.locator("#assignment").inner_text()
        assert "Chủ trì" in assignment
        assert "hạn 31/12/2026" in assignment
        screenshot(leader, "registers-assigned")
        clerk.goto(office.url("/ui/registers/incoming"))
        assert "245/UBND-VP" in clerk.locator(".register-table").inner_text()
        screenshot(clerk, "registers-incoming")
        clerk.goto(office.url("/ui/registers"))
        assert "Sổ văn bản đi" in clerk.locator("main").inner_text()
        screenshot(clerk, "registers-books")

        document_id = _stamped_scan(office, "vanthu")
        clerk.goto(office.url(f"/ui/registers/incoming/new?document_id={document_id}"))
        assert clerk.get_by_label("Số đến", exact=True).input_value() == "57"
        assert "đọc từ dấu đến" in clerk.locator("#f-arrival_number-read").inner_text()
        assert clerk.get_by_label("Số, ký hiệu").input_value() == "7075/QĐ-SNV"
        screenshot(clerk, "registers-from-stamp")
        clerk.get_by_role("button", name="Xác nhận và cấp số đến").click()
        clerk.wait_for_url(re.compile(r".*/ui/registers/entries/\d+$"))
        assert "Đã vào sổ văn bản đến." in clerk.locator("body").inner_text()
