"""The public verification page in a real browser (Debian's Chromium driven by Playwright)
against the app served for real by uvicorn on loopback: a PDF signed by the demo PKI's
leader shows "Hợp lệ" with the leader's name, an unsigned one "KHÔNG hợp lệ"; error
answers are shown as such; the PDF and JSON reports download.

Needs ``POST /verify`` (``api/routes/verify.py``). When Playwright or Chromium is missing,
the tests fail (never skip), saying what to install.
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymupdf as _pymupdf
import pytest
import uvicorn

from api.app import create_app
from api.runtime import open_runtime
from ingest.synthetic import generate_document
from signing.document import RoleOptions, sign_document
from signing.keys import unlock_pkcs12
from signing.pades import Level, TrustServices
from signing.pki.build import LEADER_NAME
from tests.api.conftest import make_settings
from tests.support.browser import chromium
from tests.support.pki_server import RunningPki, free_port
from tests.support.signature_checks import root_certificate
from tests.support.synthetic_pdf import render_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pymupdf: Any = _pymupdf

VALID_VI = "Hợp lệ: tài liệu nguyên vẹn, mọi chữ ký hợp lệ và được tin cậy"
VALID_EN = "Valid: the document is intact, every signature is valid and trusted"
WAIT_MS = 60_000


@dataclass(frozen=True)
class Documents:
    """An unsigned decision and the same decision signed by the demo PKI's leader."""

    unsigned: Path
    signed: Path


@pytest.fixture(scope="module")
def documents(served_pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> Documents:
    """A born-digital decision, and a copy signed at PAdES B-LT by the leader."""
    directory = tmp_path_factory.mktemp("verify-page-docs")
    unsigned = directory / "quyết-định.pdf"
    render_pdf(generate_document(random.Random(30), "quyet_dinh", "qd-1"), unsigned)
    key_path = served_pki.directory / "leader.p12"
    key = unlock_pkcs12(key_path.read_bytes(), "1234", source=key_path.name)
    services = TrustServices(tsa_url=served_pki.tsa_url,
                             trust_roots=(root_certificate(served_pki.directory / "root-ca.pem"),))
    data, _ = sign_document(
        unsigned.read_bytes(), key, level=Level.B_LT, services=services, source=unsigned.name,
        role=RoleOptions(role="leader", image=served_pki.directory / "leader-signature.png"))
    signed = directory / "quyết-định-đã-ký.pdf"
    signed.write_bytes(data)
    return Documents(unsigned=unsigned, signed=signed)


@pytest.fixture(scope="module")
def base_url(served_pki: RunningPki, tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[str]:
    """The app on the embedded backends, trusting the demo PKI's root, served by uvicorn
    on a free loopback port in a thread."""
    settings = make_settings("embedded", tmp_path_factory.mktemp("data-verify-page"))
    settings = settings.model_copy(
        update={"trust_roots": str(served_pki.directory / "root-ca.pem")})
    runtime = open_runtime(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, runtime),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-verify-page", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start on 127.0.0.1:{port}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        runtime.close()


@pytest.fixture(scope="module")
def browser(documents: Documents) -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser download).

    The documents are signed first: Playwright's sync API keeps an event loop running in
    this thread, where signing (``asyncio.run``) could not run any more.
    """
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh tab on ``/verify`` that accepts downloads."""
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    response = tab.goto(f"{base_url}/verify")
    assert response is not None
    assert response.status == 200
    try:
        yield tab
    finally:
        context.close()


def _pdf_text(path: Path) -> str:
    with pymupdf.open(path) as document:
        text = " ".join(page.get_text() for page in document)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_page_is_served_in_vietnamese_and_self_contained(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/verify", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        body = response.read().decode("utf-8")
    assert '<html lang="vi">' in body
    assert "Kiểm tra chữ ký số" in body
    assert "http://" not in body, "no external resource"
    assert "https://" not in body, "no external resource"
    assert 'type="file"' in body


def test_signed_pdf_is_valid_with_the_signers_name(page: Page, documents: Documents) -> None:
    from playwright.sync_api import expect

    page.set_input_files("#file", str(documents.signed))
    report = page.frame_locator("#report")
    expect(report.locator("#verdict")).to_contain_text(VALID_VI)
    expect(report.locator(".card").first).to_contain_text(LEADER_NAME)
    expect(page.locator("#error")).to_be_hidden()
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#result-name")).to_have_text(documents.signed.name)

    with page.expect_download() as pdf_download:
        page.click("#download-pdf")
    pdf_path = Path(pdf_download.value.path())
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf_path)
    assert VALID_VI in text
    assert LEADER_NAME in text

    with page.expect_download() as json_download:
        page.click("#download-json")
    assert json_download.value.suggested_filename.endswith(".json")
    answer = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert answer["valid"] is True
    assert [item["signer"] for item in answer["signatures"]
            if item["kind"] == "signature"] == [LEADER_NAME]

    page.click("#lang-en")  # the same file, checked again, reported in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(report.locator("#verdict")).to_contain_text(VALID_EN)
    expect(report.locator(".card").first).to_contain_text(LEADER_NAME)


def test_unsigned_pdf_is_not_valid(page: Page, documents: Documents) -> None:
    from playwright.sync_api import expect

    page.set_input_files("#file", str(documents.unsigned))
    report = page.frame_locator("#report")
    expect(report.locator("#verdict")).to_contain_text("KHÔNG hợp lệ")
    expect(report.locator(".card")).to_have_count(0)
    expect(page.locator("#error")).to_be_hidden()


def test_dropped_file_is_checked(page: Page, documents: Documents) -> None:
    from playwright.sync_api import expect

    encoded = base64.b64encode(documents.signed.read_bytes()).decode("ascii")
    transfer = page.evaluate_handle(
        """([data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
            return transfer;
        }""", [encoded, documents.signed.name])
    page.dispatch_event("#drop", "dragenter", {"dataTransfer": transfer})
    expect(page.locator("#drop")).to_have_class("over")
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    report = page.frame_locator("#report")
    expect(report.locator("#verdict")).to_contain_text(VALID_VI)
    expect(report.locator(".card").first).to_contain_text(LEADER_NAME)


def test_progress_then_error_answer(page: Page, documents: Documents) -> None:
    """While the answer is awaited a progress indicator shows; a problem+json answer is
    shown with its title and detail (the answer is held and given here, at the edge)."""
    from playwright.sync_api import Route, expect

    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/verify?*", hold)
    page.set_input_files("#file", str(documents.unsigned))
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text(documents.unsigned.name)
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page did not post the file"
    request = held[0].request
    assert request.method == "POST"
    assert "format=html" in request.url
    assert "lang=vi" in request.url
    assert b'name="file"' in (request.post_data_buffer or b"")
    problem: dict[str, Any] = {"type": "about:blank", "title": "Tệp quá lớn", "status": 413,
                               "detail": "Tệp <lớn hơn> 200 MB."}
    held[0].fulfill(status=413, content_type="application/problem+json",
                    body=json.dumps(problem, ensure_ascii=False).encode())
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error-title")).to_have_text("Tệp quá lớn")
    expect(page.locator("#error-detail")).to_have_text("Tệp <lớn hơn> 200 MB.")
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#result")).to_be_hidden()

