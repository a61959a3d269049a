"""A living office for browser tests: ``sohoa serve`` (with its worker) on the embedded
defaults, users of every role, and Debian's Chromium driven by Playwright.

    with live_office(tmp_path) as office, chromium() as browser:
        page = office.page(browser, "tiepnhan")   # logged in through the login form
        page.goto(office.url("/ui/dossiers"))
        screenshot(page, "dossier-list")

Screenshots (1366x768) go to ``screenshots/`` at the repository root (not committed):
look at them. When Playwright or Chromium is missing the test fails, saying what to
install (never skips).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.processes import RunningServe, running_serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
VIEWPORT = {"width": 1366, "height": 768}
WAIT_MS = 60_000
PASSWORD = "mật-khẩu-văn-phòng-dài"
UNIT = "UBND-XA"
UNIT_NAME = "Ủy ban nhân dân xã Tân Lập"
OTHER_UNIT = "UBND-XB"
USERS = {  # username: (role, unit, full name)
    "tiepnhan": ("intake", UNIT, "Nguyễn Thị Tiếp Nhận"),
    "lanhdao": ("leader", UNIT, "Trần Văn Lãnh Đạo"),
    "vanthu": ("clerk", UNIT, "Lê Thị Văn Thư"),
    "quantri": ("admin", UNIT, "Phạm Quản Trị"),
    "khac": ("intake", OTHER_UNIT, "Hoàng Văn Khác"),
}


def sohoa(env: dict[str, str], *args: str) -> str:
    """Run a ``sohoa`` command on the office's configuration; its stdout."""
    done = subprocess.run([sys.executable, "-m", "api", *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"sohoa {' '.join(args)}: {done.stderr}"
    return done.stdout


@dataclass
class LiveOffice:
    """A running installation with one user per role in ``UNIT`` (and one elsewhere)."""

    serve: RunningServe
    env: dict[str, str]
    data_dir: Path
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """Where the server answers."""
        return str(self.serve.client.base_url).rstrip("/")

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return f"{self.base_url}{path}"

    def page(self, browser: Browser, username: str | None = None,
             locale: str = "vi-VN") -> Page:
        """A new tab at 1366x768, logged in as ``username`` through the login form."""
        context = browser.new_context(viewport=VIEWPORT, locale=locale,  # type: ignore[arg-type]
                                      accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        if username is not None:
            login(tab, self, username)
        return tab


def login(page: Page, office: LiveOffice, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and land on the home page."""
    page.goto(office.url("/login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(office.url("/"))


@contextmanager
def live_office(directory: Path, *, workers: int = 1,
                extra_env: dict[str, str] | None = None) -> Iterator[LiveOffice]:
    """``sohoa serve`` with ``workers`` workers on a fresh data dir, the units and users of
    :data:`USERS` created through the CLI first."""
    data_dir = directory / "office-data"
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env.update({"SOHOA_DATA_DIR": str(data_dir), **(extra_env or {})})
    sohoa(env, "unit", "add", UNIT, UNIT_NAME)
    sohoa(env, "unit", "add", OTHER_UNIT, "Ủy ban nhân dân xã Bình Minh")
    for username, (role, unit, full_name) in USERS.items():
        sohoa(env, "user", "add", username, "--role", role, "--unit", unit, "--password",
              PASSWORD, "--full-name", full_name)
    with running_serve(env, directory / "serve.log", "--workers", str(workers)) as serve:
        yield LiveOffice(serve=serve, env=env, data_dir=data_dir)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        pytest.fail(f"Playwright is not installed ({error}): pip install playwright "
                    "(the dev extras); the browser is Debian's chromium")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as error:
        manager.stop()
        pytest.fail(f"Chromium at {CHROMIUM} cannot start: {error}\n"
                    "install it with: apt-get install chromium")
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as ``screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
