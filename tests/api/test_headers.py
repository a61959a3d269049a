"""What answers tell browsers: stored files are downloaded as attachments named after their
document (``nosniff``, a sandboxing CSP), every answer has ``nosniff``, no referrer and a
CSP (strict on HTML); ``/docs`` and ``/redoc`` load nothing from another host (checked in
Chromium with every other host blocked); and the access log never holds a download
link's signature."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import httpx
import pytest
import uvicorn

from api.app import create_app
from storage.records import Document, Unit
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.pdfs import pdf_with
from tests.support.pki_server import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
NAME = "Tờ trình số 1; ký:duyệt*?.pdf"
SAFE_NAME = "Tờ trình số 1_ ký_duyệt_.pdf"
CONTENT = pdf_with(b"<html><script>alert(document.cookie)</script></html>")


@pytest.fixture(scope="module")
def clerk(service: Service) -> dict[str, str]:
    unit = unique_name("HDR")
    service.add_unit(unit)
    service.add_user(f"tiepnhan-{unit}", "intake", unit)
    return service.auth(f"tiepnhan-{unit}")


@pytest.fixture(scope="module")
def document(service: Service, clerk: dict[str, str]) -> int:
    dossier = service.client.post("/dossiers", headers=clerk, json={
        "procedure_code": "1.002", "applicant_name": "Trần Thị B", "processing_days": 3})
    assert dossier.status_code == 201, dossier.text
    stored = service.client.post(f"/dossiers/{dossier.json()['id']}/documents", headers=clerk,
                                 files=[("files", (NAME, CONTENT, "application/pdf"))])
    assert stored.status_code == 201, stored.text
    return int(stored.json()[0]["id"])


def _link(service: Service, clerk: dict[str, str], document: int) -> str:
    redirect = service.client.get(f"/documents/{document}/files/original", headers=clerk,
                                  follow_redirects=False)
    assert redirect.status_code == 307, redirect.text
    return redirect.headers["location"]


# S3 serves its own presigned links: the local store only
@pytest.mark.parametrize("service", ["embedded"], indirect=True)
def test_a_stored_original_is_an_attachment_named_after_its_document(
        service: Service, clerk: dict[str, str], document: int) -> None:
    link = urlsplit(_link(service, clerk, document))
    response = service.client.get(f"{link.path}?{link.query}")
    assert response.status_code == 200, response.text
    assert response.content == CONTENT  # byte-identical
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert disposition.endswith(f"filename*=UTF-8''{quote(SAFE_NAME, safe='')}")
    assert re.fullmatch(r'attachment; filename="[\x21-\x7e]+"; filename\*=\S+', disposition)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/health"), ("GET", "/verify"), ("GET", "/openapi.json"), ("GET", "/no/such"),
    ("GET", "/dossiers"), ("POST", "/dossiers"), ("GET", "/docs"),
])
def test_every_answer_has_the_security_headers(service: Service, method: str,
                                               path: str) -> None:
    response = service.client.request(method, path, json={})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy or path == "/verify"  # the page frames itself
    assert "default-src 'none'" in policy


def test_html_without_its_own_policy_gets_a_strict_one(service: Service) -> None:
    response = service.client.post("/verify", params={"format": "html"},
                                   files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.headers["content-type"].startswith("text/html"), response.text
    policy = response.headers["content-security-policy"]
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_docs_pages_load_nothing_from_elsewhere(service: Service, path: str) -> None:
    page = service.client.get(path)
    assert page.status_code == 200
    assert not re.search(r"(?:src|href)=[\"'](?:https?:)?//", page.text), page.text
    for asset in re.findall(r"(?:src|href)=[\"'](/[^\"']+)", page.text):
        assert service.client.get(asset).status_code == 200, asset
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


# --- served for real -------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(service: Service) -> Iterator[str]:
    """The service's app served by uvicorn (with its access log) on loopback."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service.settings, service.runtime),
                                           host="127.0.0.1", port=port, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def test_the_access_log_never_holds_a_download_signature(
        service: Service, clerk: dict[str, str], document: int, live: str,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        with httpx.Client(base_url=live, timeout=30) as client:
            redirect = client.get(f"/documents/{document}/files/original", headers=clerk)
            assert redirect.status_code == 307
            link = redirect.headers["location"]
            query = dict(item.split("=", 1) for item in urlsplit(link).query.split("&"))
            signature = query.get("signature") or query["X-Amz-Signature"]  # local or S3
            if service.kind == "embedded":
                downloaded = client.get(urlsplit(link).path + "?" + urlsplit(link).query)
                assert downloaded.status_code == 200
            client.get("/health", params={"token": "sekret-token-value"})
        time.sleep(0.2)
    lines = [record.getMessage() for record in caplog.records
             if record.name == "uvicorn.access"]
    assert any("/files/original" in line for line in lines), lines
    if service.kind == "embedded":
        assert any(line.count("/objects/") for line in lines), lines
    assert not [line for line in lines if signature in line or "sekret-token" in line], lines


def _render(browser: Browser, url: str, ready: str) -> tuple[str, list[str], list[str]]:
    """Open ``url`` with every other host blocked; the text of ``ready``, the other hosts'
    URLs the page asked for, and the console's errors."""
    tab = browser.new_page()
    elsewhere: list[str] = []
    problems: list[str] = []
    tab.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"),
              lambda route: (elsewhere.append(route.request.url), route.abort()))
    tab.on("console", lambda message: problems.append(message.text)
           if message.type == "error" else None)
    try:
        tab.goto(url)
        tab.wait_for_selector(ready, timeout=60_000)
        return tab.inner_text(ready), elsewhere, problems
    finally:
        tab.close()


# the pages do not depend on the backends
@pytest.mark.parametrize("service", ["embedded"], indirect=True)
def test_docs_render_in_a_browser_with_no_other_host(service: Service, live: str) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail(f"Playwright is not installed ({error})")
    with sync_playwright() as manager:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path, ready in [("/docs", ".swagger-ui .info .title"),
                                ("/redoc", "h1:has-text('sohoa')")]:
                text, elsewhere, problems = _render(browser, f"{live}{path}", ready)
                assert "sohoa" in text
                assert elsewhere == [], (path, elsewhere)
                # ReDoc's "API docs by Redocly" footer logo points at its CDN: the policy
                # blocks it (nothing else is refused)
                assert not [p for p in problems if "Content Security Policy" in p
                            and "'https://cdn.redoc.ly/redoc/logo-mini.svg'" not in p], problems
        finally:
            browser.close()


# S3 serves its own presigned links: the local store only
@pytest.mark.parametrize("service", ["embedded"], indirect=True)
def test_a_download_link_ends_with_the_login_session(service: Service, document: int) -> None:
    with service.runtime.db.session() as session:
        row = session.get(Document, document)
        assert row is not None
        unit = session.get(Unit, row.unit_id)
        assert unit is not None
        code = unit.code
    name = unique_name("xem")
    headers = {"Authorization": f"Bearer {service.add_user(name, 'clerk', code)}"}
    link = urlsplit(_link(service, headers, document))
    assert "session=" in link.query
    unbound = "&".join(part for part in link.query.split("&") if not part.startswith("session="))
    assert service.client.get(f"{link.path}?{unbound}").status_code == 404
    assert service.client.get(f"{link.path}?{link.query}").status_code == 200
    assert service.client.post("/auth/logout", headers=headers).status_code == 204
    gone = service.client.get(f"{link.path}?{link.query}")
    assert gone.status_code == 404, gone.text
    assert "logout" in gone.json()["detail"]
