"""In a real browser: the administrator adds a user through the form and that user logs in;
the units page and the figures page render (screenshots admin-users, admin-units,
dashboard)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import chromium, live_office, login, screenshot

# Chromium against a served office: about 30 s; the admin pages run in every CI run in
# test_admin_pages.py (without a browser)
pytestmark = pytest.mark.slow

NEW_PASSWORD = "mật-khẩu-người-mới-dài"


def test_the_admin_adds_a_user_who_then_logs_in(tmp_path: Path) -> None:
    with live_office(tmp_path, workers=0) as office, chromium() as browser:
        admin = office.page(browser, "quantri")
        admin.goto(office.url("/ui/admin/users"))
        admin.get_by_label("Tên đăng nhập").fill("nguoimoi")
        admin.get_by_label("Họ và tên").fill("Đỗ Thị Người Mới")
        admin.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
        admin.get_by_label("Vai trò").select_option("clerk")
        admin.get_by_role("button", name="Thêm người dùng").click()
        admin.wait_for_url(office.url("/ui/admin/users"))
        row = admin.locator('tr[data-username="nguoimoi"]')
        assert "Đỗ Thị Người Mới" in row.inner_text()
        assert "Văn thư" in row.inner_text()
        screenshot(admin, "admin-users")
        admin.goto(office.url("/ui/admin/units"))
        assert "UBND-XA" in admin.locator("table").inner_text()
        screenshot(admin, "admin-units")
        admin.goto(office.url("/ui/dashboard"))
        assert admin.locator("svg.dash-chart").count() == 2
        assert admin.locator('tr[data-unit="*"]').count() == 1
        screenshot(admin, "dashboard")
        newcomer = office.page(browser)
        login(newcomer, office, "nguoimoi", NEW_PASSWORD)
        assert "Đỗ Thị Người Mới" in newcomer.locator("header").inner_text()
