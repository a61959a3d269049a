"""In a real browser: a peer installation (Sở Nội vụ) delivers two documents to xã Tân Lập
and then asks, by signed requests over HTTP, to revoke both; the records office sees on
the inbox how many requests wait (screenshot exchange-inbox-requests-link), opens the
requests page (exchange-requests), accepts one and refuses the other with a reason
(exchange-requests-decided); the withdrawn document is on the history page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.edxml.model import Business, Code, Message, Organ, ResponseFor
from signing.edxml.write import write_message
from signing.exchange.request_auth import sign_request
from signing.exchange.transport import MESSAGES_PATH
from signing.pki import init_pki
from signing.pki.build import issue_certificate
from tests.support.browser import UNIT, UNIT_NAME, chromium, live_office, screenshot, sohoa

# a peer installation and Chromium: about 40 s; the requests pages run in every CI run in
# test_exchange_revocation_pages.py (without a browser)
pytestmark = pytest.mark.slow

PIN = "1234"
HERE, PEER = "000.00.01.H26", "000.00.09.H26"
PEER_NAME = "Sở Nội vụ tỉnh Đắk Lắk"


def _post(client: httpx.Client, key: rsa.RSAPrivateKey, body: bytes) -> httpx.Response:
    headers = sign_request(key, sender=PEER, recipient=HERE, method="POST",
                           path=MESSAGES_PATH, body=body, now=datetime.now(UTC))
    answer = client.post(MESSAGES_PATH, content=body,
                         headers={"content-type": "application/xml", **headers})
    assert answer.status_code == 200, answer.text
    return answer


def test_the_records_office_decides_on_revocations_in_the_browser(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    init_pki(pki)
    here_p12 = issue_certificate(pki, "tan-lap", common_name="Văn thư xã Tân Lập")
    peer_p12 = issue_certificate(pki, "so-noi-vu", common_name="Văn thư Sở Nội vụ")
    key, certificate, chain = pkcs12.load_key_and_certificates(peer_p12.read_bytes(),
                                                              PIN.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate is not None
    peer_pem = tmp_path / "so-noi-vu.pem"
    peer_pem.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    with live_office(tmp_path, workers=1, extra_env={"SOHOA_PKI_DIR": str(pki)}) as office, \
            chromium() as browser:
        sohoa(office.env, "unit", "exchange", UNIT, "--organ-id", HERE, "--p12",
              str(here_p12), "--password", PIN, "--unattended")
        sohoa(office.env, "peer", "add", PEER, PEER_NAME, "--url", "http://127.0.0.1:9",
              "--cert", str(peer_pem))
        now = datetime.now().replace(microsecond=0)
        for number, subject, reason in (
                (118, "V/v tổng kết công tác văn thư, lưu trữ năm 2026",
                 "Văn bản gửi nhầm đơn vị nhận"),
                (121, "V/v kiểm tra công tác cải cách hành chính",
                 "Điều chỉnh thời gian kiểm tra")):
            document_id = f"{PEER},{now:%Y/%m/%d},{number}/SNV-VP"
            sent = Message(kind="edoc", sender=Organ(PEER, PEER_NAME),
                           receivers=(Organ(HERE, UNIT_NAME),), document_id=document_id,
                           code=Code(str(number), "SNV-VP"), subject=subject)
            _post(office.serve.client, key, write_message(sent, key, certificate, now=now,
                                                          chain=list(chain)))
            revocation = Message(
                kind="edoc", sender=sent.sender, receivers=sent.receivers,
                document_id=document_id, code=sent.code, subject=subject,
                business=Business(1, reason),
                response_for=ResponseFor(PEER, document_id, f"{number}/SNV-VP"))
            answer = _post(office.serve.client, key, write_message(
                revocation, key, certificate, now=now, chain=list(chain)))
            assert answer.content == b""  # waits for the records office

        clerk = office.page(browser, "vanthu")
        clerk.goto(office.url("/ui/inbox"))
        assert clerk.locator("#requests-waiting").inner_text() == "2 đang chờ quyết định"
        screenshot(clerk, "exchange-inbox-requests-link")
        clerk.get_by_role("link", name="Yêu cầu thu hồi").click()
        clerk.wait_for_url(office.url("/ui/inbox/requests"))
        table = clerk.locator("#requests").inner_text()
        assert "Văn bản gửi nhầm đơn vị nhận" in table
        assert table.count("Chờ văn thư quyết định") == 2
        screenshot(clerk, "exchange-requests")

        rows = clerk.locator("#requests tbody tr")
        first = rows.filter(has_text="Văn bản gửi nhầm đơn vị nhận")
        first.get_by_role("button", name="Đồng ý").click()
        clerk.wait_for_url(office.url("/ui/inbox/requests"))
        second = clerk.locator("#requests tbody tr").filter(
            has_text="Điều chỉnh thời gian kiểm tra")
        second.get_by_role("button", name="Từ chối").click()
        assert "Hãy nhập lý do." in second.inner_text()  # a refusal needs its reason
        second = clerk.locator("#requests tbody tr").filter(
            has_text="Điều chỉnh thời gian kiểm tra")
        second.get_by_label("Lý do (bắt buộc khi từ chối)").fill(
            "Đoàn kiểm tra đã làm việc theo lịch cũ")
        second.get_by_role("button", name="Từ chối").click()
        clerk.wait_for_url(office.url("/ui/inbox/requests"))
        table = clerk.locator("#requests").inner_text()
        assert "Đã đồng ý (15)" in table
        assert "Đã từ chối (16)" in table
        assert "Đoàn kiểm tra đã làm việc theo lịch cũ" in table
        screenshot(clerk, "exchange-requests-decided")

        clerk.goto(office.url("/ui/inbox"))
        assert clerk.locator("#requests-waiting").count() == 0
        inbox = clerk.locator("main").inner_text()
        assert "kiểm tra công tác cải cách hành chính" in inbox
        assert "tổng kết công tác văn thư" not in inbox
        clerk.locator("#history-link").click()
        assert "tổng kết công tác văn thư" in clerk.locator("main").inner_text()
