"""The demo PKI's trust services over real HTTP: ``sohoa pki serve`` in a subprocess,
asked by pyHanko's time-stamp client and certificate validator and by ``cryptography``."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError

from api.problems import install_problem_handlers
from api.routes import pki as pki_routes
from signing.pki import DemoPki, init_pki, load_pki
from signing.pki.store import open_p12

SOHOA = Path(sys.executable).with_name("sohoa")


@dataclass
class Served:
    pki: DemoPki
    url: str
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    pki = init_pki(tmp_path_factory.mktemp("pki") / "demo", base_url=url)
    process = subprocess.Popen([str(SOHOA), "pki", "serve", str(pki.directory), "--port",
                                str(port)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.communicate()[1].decode()
            try:
                if _get(f"{url}/certs/root-ca.crt")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "sohoa pki serve did not answer in 20 s"
            time.sleep(0.1)
        assert process.stderr is not None
        ready = process.stderr.readline().decode()
        assert ready.startswith(f"serving time stamps at {url}/tsa, OCSP at {url}/ocsp"), ready
        yield Served(pki=pki, url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_time_stamp_from_pyhanko_client(served: Served) -> None:
    digest = hashlib.sha256(b"Quyet dinh so 15/QD-UBND").digest()
    token = asyncio.run(HTTPTimeStamper(f"{served.url}/tsa").async_timestamp(digest, "sha256"))
    signed = token["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert abs(info["gen_time"].native - datetime.now(UTC)) < timedelta(minutes=1)
    tsa = _asn1(served.pki.tsa_cert)
    embedded = {choice.chosen.dump() for choice in signed["certificates"]}  # certReq was set
    assert embedded == {tsa.dump(), _asn1(served.pki.root_cert).dump()}
    signer = signed["signer_infos"][0]
    sid = signer["sid"].chosen
    assert (sid["issuer"], sid["serial_number"].native) == (tsa.issuer, tsa.serial_number)
    attrs = {attr["type"].native: attr["values"][0] for attr in signer["signed_attrs"]}
    content = signed["encap_content_info"]["content"].contents
    assert attrs["message_digest"].native == hashlib.sha256(content).digest()
    served.pki.tsa_cert.public_key().verify(  # raises InvalidSignature when forged
        signer["signature"].native, signer["signed_attrs"].untag().dump(), PKCS1v15(),
        hashes.SHA256())
    context = ValidationContext(trust_roots=[_asn1(served.pki.root_cert)], allow_fetching=True,
                                revocation_mode="hard-fail")
    result = asyncio.run(validate_tst_signed_data(signed, context, lambda _: digest))
    assert result["intact"]
    assert result["valid"]
    assert result["trust_problem_indic"] is None


class _TimeStampResp(core.Sequence):
    _fields = [("status", tsp.PKIStatusInfo)]  # noqa: RUF012


def test_malformed_time_stamp_request_is_rejected(served: Served) -> None:
    status, content_type, body = _post(f"{served.url}/tsa", b"not DER",
                                       "application/timestamp-query")
    assert (status, content_type) == (200, "application/timestamp-reply")
    info = _TimeStampResp.load(body)["status"].native
    assert info["status"] == "rejection"
    assert "bad_data_format" in info["fail_info"]


def _ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
    return request.public_bytes(serialization.Encoding.DER)


def _ocsp(served: Served, request_der: bytes) -> ocsp.OCSPResponse:
    status, content_type, body = _post(f"{served.url}/ocsp", request_der,
                                       "application/ocsp-request")
    assert (status, content_type) == (200, "application/ocsp-response")
    response = ocsp.load_der_ocsp_response(body)
    if response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL:
        responder = served.pki.ocsp_cert
        assert response.certificates == [responder]
        responder.public_key().verify(response.signature, response.tbs_response_bytes,
                                      PKCS1v15(), hashes.SHA256())
        assert response.next_update_utc is not None
        assert response.next_update_utc - response.this_update_utc == timedelta(days=1)
    return response


def _validate(served: Served, cert: x509.Certificate) -> None:
    context = ValidationContext(trust_roots=[_asn1(served.pki.root_cert)], allow_fetching=True,
                                revocation_mode="hard-fail")
    validator = CertificateValidator(_asn1(cert), validation_context=context)
    asyncio.run(validator.async_validate_usage({"non_repudiation"}))


def test_leader_is_valid_until_revoked(served: Served) -> None:
    pki = served.pki
    leader = open_p12(pki.p12_path("leader"), "1234")[1]
    _validate(served, leader)  # hard-fail: OCSP and CRL fetched from the live server

    good = _ocsp(served, _ocsp_request(leader, pki.root_cert))
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert good.serial_number == leader.serial_number

    revoke = subprocess.run([str(SOHOA), "pki", "revoke", str(pki.directory), "leader"],
                            capture_output=True, text=True, timeout=60)
    assert revoke.returncode == 0, revoke.stderr
    revoked = _ocsp(served, _ocsp_request(leader, pki.root_cert))
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_reason == x509.ReasonFlags.key_compromise
    assert revoked.revocation_time_utc is not None
    assert abs(revoked.revocation_time_utc - datetime.now(UTC)) < timedelta(minutes=1)

    status, content_type, body = _get(f"{served.url}/crl/root.crl")
    assert (status, content_type) == (200, "application/pkix-crl")
    crl = x509.load_der_x509_crl(body)
    assert crl.is_signature_valid(pki.root_cert.public_key())
    entry = crl.get_revoked_certificate_by_serial_number(leader.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number > 0
    assert crl.next_update_utc is not None
    assert crl.next_update_utc - crl.last_update_utc == timedelta(days=7)

    with pytest.raises(RevokedError):
        _validate(served, leader)


def test_ocsp_unknown_malformed_and_get(served: Served) -> None:
    pki = served.pki
    clerk = open_p12(pki.p12_path("clerk"), "1234")[1]
    request = ocsp.load_der_ocsp_request(_ocsp_request(clerk, pki.root_cert))
    stranger = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        request.issuer_name_hash, request.issuer_key_hash, x509.random_serial_number(),
        hashes.SHA256()).build().public_bytes(serialization.Encoding.DER)
    assert _ocsp(served, stranger).certificate_status == ocsp.OCSPCertStatus.UNKNOWN

    malformed = _ocsp(served, b"\x30\x03\x02\x01\x05")
    assert malformed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST

    encoded = base64.b64encode(_ocsp_request(clerk, pki.root_cert)).decode()
    status, content_type, body = _get(f"{served.url}/ocsp/{encoded}")
    assert (status, content_type) == (200, "application/ocsp-response")
    response = ocsp.load_der_ocsp_response(body)
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == clerk.serial_number


def test_root_certificate_is_served_as_der(served: Served) -> None:
    status, content_type, body = _get(f"{served.url}/certs/root-ca.crt")
    assert (status, content_type) == (200, "application/pkix-cert")
    assert x509.load_der_x509_certificate(body) == served.pki.root_cert
    assert load_pki(served.pki.directory).root_cert == served.pki.root_cert


def test_routes_answer_404_problem_without_a_pki() -> None:
    app = FastAPI()
    app.state.pki = None
    install_problem_handlers(app)
    app.include_router(pki_routes.router)
    with TestClient(app) as client:
        for response in (client.post("/tsa", content=b"x"), client.get("/crl/root.crl")):
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
            assert "no PKI configured" in response.json()["detail"]
