"""Intake in a real browser against a living office: a dossier received through the form
(the due date appears as the days are typed), its page, its receipt, the public status page
from the receipt's codes, and another unit's user turned away."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import LiveOffice, chromium, live_office, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOffice]:
    with live_office(tmp_path_factory.mktemp("office"), workers=0) as running:
        yield running


@pytest.fixture(scope="module")
def browser(office: LiveOffice) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_intake_receives_a_dossier_and_the_citizen_looks_it_up(office: LiveOffice,
                                                                browser: Browser) -> None:
    page = office.page(browser, "tiepnhan")
    page.goto(office.url("/ui/dossiers/new"))
    page.get_by_label("Mã thủ tục").fill("1.001757")
    page.get_by_label("Tên thủ tục").fill("Đăng ký khai sinh")
    page.get_by_label("Người nộp").fill("Nguyễn Văn Bình")
    due = page.locator("#due-preview")
    assert "Nhập số ngày" in due.inner_text()
    page.get_by_label("Thời hạn giải quyết (ngày làm việc)").fill("5")
    page.locator("#due-date").wait_for()  # fetched by htmx as the days are typed
    shown = page.locator("#due-date").inner_text()
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", shown)
    screenshot(page, "dossier-new")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url(re.compile(r"/ui/dossiers/\d+$"))
    dossier_id = int(page.url.rsplit("/", 1)[1])
    assert page.get_by_role("status").first.inner_text() == "Đã tiếp nhận hồ sơ."
    assert shown in page.locator("#dossier-due").inner_text()
    assert "Nguyễn Văn Bình" in page.locator("dl.facts").inner_text()
    assert "Tiếp nhận hồ sơ" in page.locator("#dossier-history").inner_text()
    screenshot(page, "dossier-page")

    page.get_by_role("link", name="In giấy tiếp nhận").click()
    page.wait_for_url(office.url(f"/ui/dossiers/{dossier_id}/receipt"))
    code = page.locator("#receipt-code").inner_text()
    check = page.locator("#receipt-check").inner_text()
    assert code == f"HS-{dossier_id:06d}"
    assert page.locator("#receipt-return").inner_text() == shown
    loaded = page.evaluate("document.querySelector('.receipt-check img').naturalWidth")
    assert loaded > 100  # the QR code image was served
    screenshot(page, "receipt")

    page.goto(office.url("/ui/dossiers"))
    row = page.locator(f'a[href="/ui/dossiers/{dossier_id}"]')
    assert row.inner_text() == code
    page.get_by_label("Trạng thái").select_option("returned")  # htmx swaps the table
    page.wait_for_url(re.compile(r"status=returned"))
    assert page.locator(f'a[href="/ui/dossiers/{dossier_id}"]').count() == 0
    page.get_by_label("Trạng thái").select_option("")
    page.wait_for_url(lambda url: "status=returned" not in url)
    page.locator(f'a[href="/ui/dossiers/{dossier_id}"]').wait_for()
    screenshot(page, "dossier-list")

    citizen = office.page(browser)
    citizen.goto(office.url("/status"))
    citizen.get_by_label("Mã hồ sơ").fill(code)
    citizen.get_by_label("Mã tra cứu").fill(check)
    citizen.get_by_role("button", name="Tra cứu").click()
    answer = citizen.locator("#status-answer").inner_text()
    assert "Đã tiếp nhận" in answer
    assert shown in answer
    assert "Nguyễn Văn Bình" not in citizen.content()
    screenshot(citizen, "public-status")
    citizen.get_by_label("Mã tra cứu").fill("AAAA-AAAA")
    citizen.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy hồ sơ" in citizen.locator("#status-answer").inner_text()

    other = office.page(browser, "khac")
    response = other.goto(office.url(f"/ui/dossiers/{dossier_id}"))
    assert response is not None
    assert response.status == 404
    assert "Nguyễn Văn Bình" not in other.content()
