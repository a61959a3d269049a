"""A unit's real exchange key (PKCS#12 from a fresh demo PKI) for the exchange tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.pki.build import init_pki
from signing.pki.store import DEMO_PASSWORD


@dataclass(frozen=True)
class UnitKey:
    """A PKCS#12 a unit signs its exchange messages with, its PIN and certificate."""

    data: bytes
    pin: str
    certificate: x509.Certificate


@pytest.fixture(scope="session")
def unit_key(tmp_path_factory: pytest.TempPathFactory) -> UnitKey:
    """The clerk (agency) key of a fresh demo PKI, as a unit's exchange key."""
    directory = tmp_path_factory.mktemp("exchange-pki") / "pki"
    init_pki(directory)
    data = (directory / "clerk.p12").read_bytes()
    _, certificate, _ = pkcs12.load_key_and_certificates(data, DEMO_PASSWORD.encode())
    assert certificate is not None
    return UnitKey(data, DEMO_PASSWORD, certificate)

