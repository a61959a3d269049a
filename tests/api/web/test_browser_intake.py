"""Intake in a real browser against a living office with a real worker: a new dossier,
a scan dropped into it with its upload progress, the OCR status changing on the page
without a reload, the document's pages beside its fields, a correction confirmed, and a
scanned stack's page that no cover sheet claimed put from the tray into the dossier."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import LiveOffice, chromium, live_office, screenshot
from tests.support.paths import SHARED

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SCAN = SHARED / "corpus" / "vi-admin" / "s101-002-to_khai.png"  # one black-and-white page
STACK = SHARED / "corpus" / "real-scans" / "skew.pdf"  # one page, no cover sheet
OCR_WAIT_MS = 90_000


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOffice]:
    with live_office(tmp_path_factory.mktemp("office"), workers=1) as running:
        yield running


@pytest.fixture(scope="module")
def browser(office: LiveOffice) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


# a served office, a worker and Chromium, 2 min: test_browser_registers samples the
# browser in CI
@pytest.mark.slow
def test_upload_watch_review_and_tray(office: LiveOffice, browser: Browser,
                                      tmp_path: Path) -> None:
    assert SCAN.is_file(), f"the corpus is missing: {SCAN}"
    page = office.page(browser, "tiepnhan")
    page.goto(office.url("/ui/dossiers/new"))
    page.get_by_label("Mã thủ tục").fill("1.001193")
    page.get_by_label("Người nộp", exact=True).fill("Người Nộp Tạm")
    page.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("5")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url(re.compile(r"/ui/dossiers/\d+$"))
    dossier_url = page.url

    page.evaluate("window.sohoaNoReload = 'still here'")
    page.locator("form.upload-form input[type=file]").set_input_files(str(SCAN))
    item = page.locator(".upload-list li").first
    item.locator(".upload-state").filter(has_text="Đã tải lên").wait_for()
    assert item.locator("progress").get_attribute("value") == "100"
    row = page.locator("tr.doc-row", has_text=SCAN.name)
    row.wait_for()
    status = row.locator(".doc-status")
    seen = {status.inner_text()}
    screenshot(page, "upload-progress")
    for _ in range(OCR_WAIT_MS // 250):  # the row's status follows the job, no reload
        text = status.inner_text()
        seen.add(text)
        if "Đã số hóa" in text or "Lỗi" in text:
            break
        page.wait_for_timeout(250)
    assert "Đã số hóa" in status.inner_text(), seen
    assert len(seen) >= 2, seen  # it changed on the page
    assert page.evaluate("window.sohoaNoReload") == "still here"
    assert "Đã phân loại" in status.inner_text()
    # a scanned stack through the same area: split by the worker while we review
    page.get_by_label("Đây là tập quét nhiều hồ sơ có trang bìa").check()
    page.locator("form.upload-form input[type=file]").set_input_files(str(STACK))
    page.locator(".upload-list li", has_text=STACK.name).filter(
        has_text="Đã nhận tập quét").wait_for()

    row.get_by_role("link", name=SCAN.name).click()
    page.wait_for_url(re.compile(r"/ui/documents/\d+$"))
    picture = page.locator("img.page-image").first
    picture.wait_for()
    for _ in range(100):  # the server draws the page
        if picture.evaluate("img => img.complete && img.naturalWidth") > 500:
            break
        page.wait_for_timeout(100)
    assert picture.evaluate("img => img.naturalWidth") > 500
    assert page.locator(".split.document-view").count() == 1
    summary = page.get_by_label("Trích yếu")
    summary.wait_for()
    screenshot(page, "document-view")
    if page.get_by_label("Loại văn bản").input_value() != "to_khai":  # fields follow the type
        with page.expect_response(re.compile(r"/review-fields\?")):
            page.get_by_label("Loại văn bản").select_option("to_khai")
    page.get_by_label("Trích yếu").fill("Đăng ký khai sinh cho con")
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_role("status").filter(has_text="Đã lưu loại văn bản").wait_for()
    assert page.get_by_label("Trích yếu").input_value() == "Đăng ký khai sinh cho con"
    assert page.get_by_label("Loại văn bản").input_value() == "to_khai"

    page.goto(office.url("/ui/tray"))
    tray_row = page.locator("tr[id^=tray-row-]").first
    for _ in range(120):  # the worker splits the stack: its page lands in the tray
        if tray_row.count():
            break
        page.wait_for_timeout(500)
        page.goto(office.url("/ui/tray"))
    assert tray_row.count() == 1
    screenshot(page, "tray")
    tray_row.get_by_role("button", name="Đưa vào").click()
    page.get_by_role("status").filter(has_text="Đã đưa văn bản vào hồ sơ.").wait_for()
    assert page.locator("tr[id^=tray-row-]").count() == 0
    page.goto(dossier_url)
    page.locator("tr.doc-row", has_text="skew").wait_for()

    # a scan damaged in transit: its header and end are whole, so it is accepted and kept;
    # the worker's full decode fails and the row, then the document page, say why
    cut = tmp_path / "to-khai-hong.png"
    data = bytearray(SCAN.read_bytes())
    middle = len(data) // 2
    data[middle: middle + 4096] = bytes(4096)
    cut.write_bytes(bytes(data))
    page.locator("form.upload-form input[type=file]").set_input_files(str(cut))
    failed = page.locator("tr.doc-row", has_text=cut.name)
    failed.locator(".doc-reason").wait_for(timeout=OCR_WAIT_MS)
    assert "Lỗi" in failed.locator(".doc-status").inner_text()
    failed.get_by_role("link", name=cut.name).click()
    page.wait_for_url(re.compile(r"/ui/documents/\d+$"))
    reason = page.locator(".doc-reason").first.inner_text()
    assert f"{cut.name}: ảnh PNG bị hỏng: không giải mã được trang 1" in reason, reason
    assert page.locator("img.page-image").count() == 0  # no broken picture
    assert "tệp bị hỏng" in page.locator("section.pages").inner_text()
    assert "Hãy quét lại bản giấy" in page.locator("main").inner_text()
    screenshot(page, "document-failed")
