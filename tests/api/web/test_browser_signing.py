"""Signing in a real browser against a living office with a demo PKI: the records office
uploads two drafts and asks the leader to sign; the leader registers their key file through
``/ui/my-key`` (the certificate shown before it is kept), previews where the signature goes
and signs both with one PIN entry, progress and results on the page; pdfsig validates both;
the clerk applies the agency's seal and registers the sealed file as an incoming document,
verified on arrival."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ingest.synthetic.documents import generate_document
from signing.pki.build import issue_certificate
from tests.support.browser import PASSWORD as OFFICE_PASSWORD
from tests.support.browser import USERS, LiveOffice, chromium, live_office, screenshot
from tests.support.signature_checks import pdfsig
from tests.support.synthetic_pdf import render_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PIN = "1234"


def _pki(directory: Path) -> Path:
    """A demo PKI, and a certificate issued to the office's leader by name."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    done = subprocess.run([sys.executable, "-m", "api", "pki", "init", str(directory)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    issue_certificate(directory, "lanhdao", common_name=USERS["lanhdao"][2])
    return directory


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOffice]:
    base = tmp_path_factory.mktemp("signing-office")
    pki = _pki(base / "pki")
    with live_office(base, workers=0, extra_env={"SOHOA_PKI_DIR": str(pki)}) as running:
        yield running


@pytest.fixture(scope="module")
def browser(office: LiveOffice) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _register_clerk_key(office: LiveOffice, pki: Path) -> None:
    """An administrator binds the agency certificate to the clerk; the clerk registers it
    (through the JSON API: the leader's registration is the one the browser shows)."""
    client = office.serve.client

    def token(username: str) -> dict[str, str]:
        issued = client.post("/auth/token", data={"username": username,
                                                  "password": OFFICE_PASSWORD})
        assert issued.status_code == 200, issued.text
        return {"Authorization": f"Bearer {issued.json()['access_token']}"}

    admin = token("quantri")
    users = client.get("/users", headers=admin).json()
    clerk_id = next(item["id"] for item in users if item["username"] == "vanthu")
    data = (pki / "clerk.p12").read_bytes()
    _, certificate, _ = pkcs12.load_key_and_certificates(data, PIN.encode())
    assert certificate is not None
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    bound = client.post(f"/users/{clerk_id}/certificate-bindings", headers=admin,
                        json={"certificate": pem})
    assert bound.status_code == 201, bound.text
    stored = client.post("/me/signing-key", headers=token("vanthu"),
                         files={"file": ("clerk.p12", data, "application/x-pkcs12")},
                         data={"pin": PIN})
    assert stored.status_code == 201, stored.text


def _download(page: Page, href: str, path: Path) -> Path:
    response = page.request.get(page.url.split("/ui/", 1)[0] + href)
    assert response.ok, response.status
    path.write_bytes(response.body())
    return path


def _sign_all(page: Page, count: int) -> list[str]:
    """Select every pending request, enter the PIN once, sign; the result links."""
    page.locator("#select-all").check()
    page.locator("#pin").fill(PIN)
    page.locator("#sign-button").click()
    page.locator("#sign-results li.signed-item").nth(count - 1).wait_for()
    assert page.locator("#sign-progress").get_attribute("value") == str(count)
    assert page.locator("#pin").input_value() == ""  # forgotten once the batch is done
    return [link.get_attribute("href") or ""
            for link in page.locator("#sign-results li.signed-item a").all()]


def test_leader_signs_two_with_one_pin_and_the_clerk_seals(office: LiveOffice,
                                                          browser: Browser,
                                                          tmp_path: Path) -> None:
    pki = Path(office.env["SOHOA_PKI_DIR"])
    _register_clerk_key(office, pki)

    clerk = office.page(browser, "vanthu")
    clerk.goto(office.url("/ui/drafts"))
    for seed in (1, 2):
        path = tmp_path / f"quyet-dinh-{seed}.pdf"
        render_pdf(generate_document(random.Random(seed), "quyet_dinh", f"qd-{seed}"), path)
        clerk.get_by_label("Tệp dự thảo (PDF)").set_input_files(str(path))
        clerk.get_by_role("button", name="Tải lên dự thảo").click()
        assert clerk.get_by_role("status").inner_text() == "Đã lưu dự thảo."
        clerk.locator("table.drafts tbody tr").first.get_by_role("button",
                                                                 name="Trình ký").click()
        assert clerk.get_by_role("status").inner_text() == "Đã trình lãnh đạo ký."
    assert clerk.locator("table.drafts").inner_text().count("Trần Văn Lãnh Đạo") == 2
    screenshot(clerk, "drafts")

    leader = office.page(browser, "lanhdao")
    leader.goto(office.url("/ui/my-key"))
    leader.get_by_label("Tệp khóa (.p12, .pfx)").set_input_files(str(pki / "lanhdao.p12"))
    leader.get_by_label("Mã PIN của tệp khóa").fill(PIN)
    leader.get_by_role("button", name="Kiểm tra tệp khóa").click()
    shown = leader.locator("#pending-key").inner_text()
    assert "Trần Văn Lãnh Đạo" in shown
    assert "Tổ chức cấp" in shown
    screenshot(leader, "my-key")
    leader.get_by_role("button", name="Lưu tệp khóa này").click()
    assert leader.get_by_role("status").inner_text() == "Đã lưu tệp khóa ký số."
    assert "Trần Văn Lãnh Đạo" in leader.locator("#current-key").inner_text()

    leader.goto(office.url("/ui/signing"))
    assert leader.locator("table.sign-queue tbody tr").count() == 2
    screenshot(leader, "sign-queue")
    leader.get_by_role("link", name="Xem vị trí chữ ký").first.click()
    leader.wait_for_function(  # the PNG arrived and decoded
        "() => { const img = document.querySelector('figure.sign-preview img');"
        " return img !== null && img.complete && img.naturalWidth > 500; }", timeout=20_000)
    screenshot(leader, "sign-preview")
    leader.get_by_role("link", name="Quay lại").click()
    links = _sign_all(leader, 2)
    assert len(links) == 2
    for index, href in enumerate(links):
        reports = pdfsig(_download(leader, href, tmp_path / f"signed-{index}.pdf"))
        assert [(item.field, item.valid, item.whole_file) for item in reports] == [
            ("leader", True, True)]
    assert leader.locator("table.sign-queue").count() == 0 or \
        leader.locator("table.sign-queue tbody tr").count() == 0

    clerk.goto(office.url("/ui/seal"))
    assert clerk.locator("table.awaiting tbody tr").count() == 2
    clerk.locator("table.awaiting tbody input[type=checkbox]").first.check()
    clerk.get_by_role("button", name="Đưa vào danh sách đóng dấu").click()
    assert clerk.get_by_role("status").inner_text() == \
        "Đã đưa các văn bản vào danh sách đóng dấu."
    sealed = _sign_all(clerk, 1)
    screenshot(clerk, "seal")
    sealed_path = _download(clerk, sealed[0], tmp_path / "sealed.pdf")
    assert [(item.field, item.valid) for item in pdfsig(sealed_path)] == [
        ("leader", True), ("agency", True)]

    clerk.goto(office.url("/ui/incoming"))
    clerk.get_by_label("Tệp văn bản đến (PDF đã ký)").set_input_files(str(sealed_path))
    clerk.get_by_label("Đơn vị gửi").fill("Ủy ban nhân dân xã Bình Minh")
    clerk.get_by_role("button", name="Tiếp nhận và kiểm tra").click()
    clerk.locator("#verdict").wait_for()
    assert clerk.locator("#verdict").inner_text().strip().startswith("✓ Hợp lệ")
    clerk.goto(office.url("/ui/incoming"))
    assert "Hợp lệ" in clerk.locator("table.incoming").inner_text()
    screenshot(clerk, "incoming")
