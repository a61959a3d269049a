"""The party that signs a delivery is the message's sender (issue 15 §2): a request signed
by one registered peer carrying a message ``From`` another registered peer (even one
that other peer signed itself), or signed for a unit the message is not addressed to, is
refused 401 naming the problem, and nothing is kept; the same message delivered by its
own sender is taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from signing.edxml.model import Message, Organ, ResponseFor, Status
from signing.edxml.write import write_message
from signing.exchange.request_auth import sign_request
from signing.exchange.statuses import allow_unattended_statuses
from signing.exchange.transport import MESSAGES_PATH
from signing.exchange_parties import (
    add_peer,
    register_exchange_key,
    set_organ_id,
    unit_by_code,
)
from storage.records.models import ExchangeInboxMessage
from tests.api.conftest import Service
from tests.support.names import unique_name

PROBLEM = "application/problem+json"
PIN = "1234"


def _party(name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    return key, certificate


def _stored(service: Service) -> tuple[int, int]:
    with service.runtime.db.session() as session:
        messages = session.scalar(select(func.count()).select_from(ExchangeInboxMessage))
    return int(messages or 0), len(list(service.runtime.store.list("exchange/")))


def test_a_message_relayed_by_another_peer_or_for_another_unit_is_refused(
        service: Service) -> None:
    here, other_here = unique_name("000.00.02"), unique_name("000.00.03")
    peer_a, peer_c = unique_name("000.00.01"), unique_name("000.00.05")
    key_a, certificate_a = _party("Văn thư xã Tân Lập")
    key_c, certificate_c = _party("Văn thư xã Hòa An")
    code, other_code = unique_name("XA"), unique_name("XC")
    service.add_unit(code)
    service.add_unit(other_code)
    with service.runtime.db.session() as session:
        unit = set_organ_id(session, unit_by_code(session, code), here)
        key_here, certificate_here = _party("Văn thư xã Bình Minh")
        sealer = service.runtime.settings.key_file_sealer()
        register_exchange_key(session, service.runtime.store, sealer, unit,
                              pkcs12.serialize_key_and_certificates(
                                  b"unit", key_here, certificate_here, None,
                                  serialization.BestAvailableEncryption(PIN.encode())),
                              PIN, "unit.p12")
        allow_unattended_statuses(session, service.runtime.store, sealer, unit, PIN)
        set_organ_id(session, unit_by_code(session, other_code), other_here)
        for organ, name, certificate in ((peer_a, "Ủy ban nhân dân xã Tân Lập", certificate_a),
                                         (peer_c, "Ủy ban nhân dân xã Hòa An", certificate_c)):
            add_peer(session, organ, name,
                     certificate.public_bytes(serialization.Encoding.PEM))

    def message(sender: str, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> bytes:
        return write_message(Message(
            kind="edoc", sender=Organ(sender, "Ủy ban nhân dân xã"),
            receivers=(Organ(here, "Ủy ban nhân dân xã Bình Minh"),),
            document_id=f"{sender},2026/12/09,{unique_name('cv')}",
            subject="V/v họp giao ban tháng 12"), key, certificate,
            now=datetime.now().replace(microsecond=0))

    def post(body: bytes, signer: rsa.RSAPrivateKey, sender: str, recipient: str) -> httpx.Response:
        headers = sign_request(signer, sender=sender, recipient=recipient, method="POST",
                               path=MESSAGES_PATH, body=body, now=datetime.now(UTC))
        answer: httpx.Response = service.client.post(
            MESSAGES_PATH, content=body, headers={"content-type": "application/xml", **headers})
        return answer

    from_c = message(peer_c, key_c, certificate_c)
    before = _stored(service)
    # A signs the request, the message (signed by C's own key) says it is from C
    relayed = post(from_c, key_a, peer_a, here)
    assert relayed.status_code == 401, relayed.text
    assert relayed.headers["content-type"] == PROBLEM
    detail = relayed.json()["detail"]
    assert detail == (f"Sohoa-Organ: the request is signed by {peer_a} but the message "
                      f"is from {peer_c}"), detail
    # signed for another unit of this installation than the one the message is for
    elsewhere = post(from_c, key_c, peer_c, other_here)
    assert elsewhere.status_code == 401, elsewhere.text
    assert elsewhere.json()["detail"] == (
        f"Sohoa-Recipient: the request is signed for {other_here} but the message is "
        f"addressed to {here}")
    assert _stored(service) == before

    # the same message delivered by C itself is taken in (and answered 01)
    direct = post(from_c, key_c, peer_c, here)
    assert direct.status_code == 200, direct.text
    assert _stored(service)[0] == before[0] + 1

    # a status message names no To: it is addressed to the party it answers
    status = write_message(Message(
        kind="status", sender=Organ(peer_c, "Ủy ban nhân dân xã Hòa An"),
        receivers=(Organ(here, "Ủy ban nhân dân xã Bình Minh"),),
        document_id=f"{here},2026/12/09,7/UBND-VP",
        response_for=ResponseFor(here, f"{here},2026/12/09,7/UBND-VP", "7/UBND-VP"),
        status=Status("01", "Đã đến", datetime(2026, 12, 9, 9, 0))), key_c, certificate_c,
        now=datetime.now().replace(microsecond=0))
    relayed_status = post(status, key_a, peer_a, here)
    assert relayed_status.status_code == 401, relayed_status.text
    assert relayed_status.json()["detail"].startswith("Sohoa-Organ: "), relayed_status.text
    answered = post(status, key_c, peer_c, here)
    assert answered.status_code == 200, answered.text  # about nothing sent: ignored
