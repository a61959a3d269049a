"""POST /exchange/messages refuses, with a 401 problem naming what failed and nothing
stored, a request that is not signed by a registered peer's key (issue 15 §2); a signed
request's nonce is not taken twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from signing.exchange.request_auth import DIGEST, NONCE, sign_request
from signing.exchange.transport import MESSAGES_PATH
from signing.exchange_parties import add_peer, set_organ_id, unit_by_code
from storage.records.models import ExchangeInboxMessage
from tests.api.conftest import Service
from tests.support.names import unique_name

PROBLEM = "application/problem+json"
MESSAGE = "<edXMLEnvelope>Công văn gửi xã bạn</edXMLEnvelope>".encode()


def _key_and_certificate() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Văn thư xã bạn")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def _stored(service: Service) -> tuple[int, int]:
    with service.runtime.db.session() as session:
        messages = session.scalar(select(func.count()).select_from(ExchangeInboxMessage))
    objects = len(list(service.runtime.store.list("exchange/")))
    return int(messages or 0), objects


def _post(service: Service, body: bytes, headers: dict[str, str]) -> Any:
    return service.client.post(MESSAGES_PATH, content=body,
                               headers={"content-type": "application/xml", **headers})


def test_unsigned_and_badly_signed_messages_get_401_and_nothing_is_stored(
        service: Service) -> None:
    peer, here = unique_name("000.00.01"), unique_name("000.00.02")
    key, pem = _key_and_certificate()
    stranger, _ = _key_and_certificate()
    code = unique_name("XA")
    service.add_unit(code)
    with service.runtime.db.session() as session:
        set_organ_id(session, unit_by_code(session, code), here)
        add_peer(session, peer, "Ủy ban nhân dân xã bạn", pem)
    before = _stored(service)

    def signed(signer: rsa.RSAPrivateKey, body: bytes = MESSAGE, **changes: Any
               ) -> dict[str, str]:
        values: dict[str, Any] = {"sender": peer, "recipient": here, "method": "POST",
                                  "path": MESSAGES_PATH, "body": body,
                                  "now": datetime.now(UTC), **changes}
        return sign_request(signer, **values)

    cases: list[tuple[str, bytes, dict[str, str], str]] = [
        ("unsigned", MESSAGE, {}, "Sohoa-Organ: missing signature header"),
        ("stranger's key", MESSAGE, signed(stranger), "does not match the registered"),
        ("changed body", MESSAGE + b" ", signed(key), f"{DIGEST}: does not match the body"),
        ("stale date", MESSAGE, signed(key, now=datetime.now(UTC) - timedelta(minutes=6)),
         "away from this server's clock"),
        ("unknown peer", MESSAGE, signed(key, sender=unique_name("000.00.09")),
         "not a registered peer"),
    ]
    for what, body, headers, detail in cases:
        answer = _post(service, body, headers)
        assert answer.status_code == 401, (what, answer.text)
        assert answer.headers["content-type"] == PROBLEM, what
        assert detail in answer.json()["detail"], (what, answer.json())
    assert _stored(service) == before

    # well signed: past the check (this body is no edXML, so refused as bad input); the
    # same request again is a replay
    headers = signed(key)
    first = _post(service, MESSAGE, headers)
    assert first.status_code == 422, first.text
    again = _post(service, MESSAGE, headers)
    assert again.status_code == 401, again.text
    assert again.json()["detail"].startswith(f"{NONCE}: this nonce was used already")
    assert _stored(service) == before


@pytest.mark.parametrize("header", ["Sohoa-Signature", "Sohoa-Date"])
def test_a_malformed_header_is_named(service: Service, header: str) -> None:
    answer = _post(service, MESSAGE, {
        "Sohoa-Organ": "000.00.01.H01", "Sohoa-Recipient": "000.00.02.H02",
        "Sohoa-Date": "2026-12-07T02:30:00Z", "Sohoa-Nonce": "a" * 22,
        "Content-Digest": "sha-256=:x:", "Sohoa-Signature": "AAAA", header: "@@@ bad"})
    assert answer.status_code == 401, answer.text
    assert answer.json()["detail"].startswith(f"{header}: ")
