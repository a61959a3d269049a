"""An agency key and certificate from a demo PKI, for signing test messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.pki import init_pki


@dataclass(frozen=True)
class AgencyKey:
    """A demo PKI's agency (clerk) key and certificate, and the PKI's directory."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    directory: Path


@pytest.fixture(scope="session")
def agency_key(tmp_path_factory: pytest.TempPathFactory) -> AgencyKey:
    """The clerk (agency) key of a fresh demo PKI."""
    directory = tmp_path_factory.mktemp("edxml-pki") / "pki"
    init_pki(directory)
    key, certificate, _ = pkcs12.load_key_and_certificates(
        (directory / "clerk.p12").read_bytes(), b"1234")
    assert isinstance(key, rsa.RSAPrivateKey)
    assert certificate is not None
    return AgencyKey(key, certificate, directory)
