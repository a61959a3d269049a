"""Signing in, in a real browser against a living office: the login form, a wrong password
shown beside the form, the role's home page in Vietnamese, the English switch, logout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import (
    LiveOffice,
    chromium,
    live_office,
    login,
    screenshot,
)

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


def test_login_home_language_and_logout(office: LiveOffice, browser: Browser) -> None:
    page = office.page(browser)
    page.goto(office.url("/ui/dashboard"))  # a page that needs a login leads to it
    assert "/login?next=" in page.url
    screenshot(page, "login")
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    login(page, office, "tiepnhan")
    header = page.locator("header.top").inner_text()
    assert "Nguyễn Thị Tiếp Nhận" in header
    assert "Ủy ban nhân dân xã Tân Lập" in header
    navigation = page.get_by_role("navigation").inner_text()
    assert "Tiếp nhận hồ sơ" in navigation
    assert "Văn bản chờ ký" not in navigation  # a leader's page
    screenshot(page, "home-intake")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nguyễn Thị Tiếp Nhận"
    page.get_by_role("link", name="Tiếng Việt").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(office.url("/login"))
    assert page.get_by_role("status").inner_text() == "Bạn đã đăng xuất."


def test_the_leader_sees_the_leader_navigation(office: LiveOffice, browser: Browser,
                                               tmp_path: Path) -> None:
    page = office.page(browser, "lanhdao")
    navigation = page.get_by_role("navigation").inner_text()
    assert "Văn bản chờ ký" in navigation
    assert "Tiếp nhận hồ sơ" not in navigation
    screenshot(page, "home-leader")


def test_a_ten_inch_tablet_gets_the_navigation_above_the_page(office: LiveOffice,
                                                              browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 1280}, locale="vi-VN")
    page = context.new_page()
    login(page, office, "tiepnhan")
    navigation = page.get_by_role("navigation").bounding_box()
    main = page.locator("main").bounding_box()
    assert navigation is not None
    assert main is not None
    assert navigation["y"] + navigation["height"] <= main["y"]  # stacked, not side by side
    assert main["y"] - (navigation["y"] + navigation["height"]) < 40  # right below it
    assert navigation["height"] < 200
    assert main["width"] >= 700  # the page keeps the tablet's width
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800  # nothing scrolls sideways
    screenshot(page, "home-tablet")
    context.close()
