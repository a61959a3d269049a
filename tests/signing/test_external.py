"""External signing: sohoa prepares, a key it never sees signs, sohoa finishes the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.document import prepare_role_document
from signing.errors import SigningInputError
from signing.external import PendingSignature, finish_external
from signing.pades import TrustServices
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import (
    pdfsig,
    pyhanko_ltv_offline,
    pyhanko_status,
    root_certificate,
)


def _token(pki: RunningPki) -> tuple[rsa.RSAPrivateKey, bytes, tuple[bytes, ...]]:
    """The leader's key as their own token would hold it, and the certificates it shows."""
    key, certificate, chain = pkcs12.load_key_and_certificates(
        (pki.directory / "leader.p12").read_bytes(), b"1234")
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate is not None
    der = serialization.Encoding.DER
    return key, certificate.public_bytes(der), tuple(item.public_bytes(der) for item in chain)


@pytest.mark.parametrize("level", ["B-T", "B-LT"])
def test_external_round_trip(served_pki: RunningPki, decision_pdf: Path, tmp_path: Path,
                             level: str) -> None:
    key, certificate, chain = _token(served_pki)
    pending = prepare_role_document(
        decision_pdf.read_bytes(), certificate, chain, role="leader", level=level,
        source=decision_pdf.name, image=served_pki.pki.leader_signature_path)
    # the state survives a round trip through JSON (kept between two API requests)
    pending = PendingSignature.from_json(pending.to_json())
    value = key.sign(pending.data_to_sign, padding.PKCS1v15(), hashes.SHA256())
    root = root_certificate(served_pki.pki.root_pem_path)
    services = TrustServices(tsa_url=served_pki.tsa_url, trust_roots=(root,))
    signed = tmp_path / "external.pdf"
    signed.write_bytes(finish_external(pending, value, services, source=decision_pdf.name))

    reports = pdfsig(signed)
    assert reports[0].field == "leader"
    assert reports[0].valid
    assert pyhanko_status(signed, root) == [("leader", True, True, True)]
    if level == "B-LT":
        assert pyhanko_ltv_offline(signed, root) == [("leader", True)]
    else:
        assert reports[0].whole_file


def test_wrong_signature_value_is_refused(served_pki: RunningPki, decision_pdf: Path) -> None:
    _, certificate, chain = _token(served_pki)
    pending = prepare_role_document(decision_pdf.read_bytes(), certificate, chain,
                                    role="attachment", level="B-B", source=decision_pdf.name)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    value = stranger.sign(pending.data_to_sign, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(SigningInputError, match="not made by this certificate's key"):
        finish_external(pending, value, TrustServices(), source=decision_pdf.name)
