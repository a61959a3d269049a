"""The demo PKI: files, keys, certificates, images, and ``sohoa pki init`` (all real)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)
from PIL import Image
from pyhanko.sign import SimpleSigner

from signing.errors import PkiError, WrongPinError
from signing.pki import DemoPki, init_pki, issue_certificate, load_pki, revoke_certificate
from signing.pki.store import open_p12

PASSWORD = "mật-khẩu-5678"
AGENCY = "UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
BASE = "http://127.0.0.1:8791"
SOHOA = Path(sys.executable).with_name("sohoa")
P12S = ("root-ca", "leader", "clerk", "tsa", "ocsp")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    return init_pki(tmp_path_factory.mktemp("pki") / "demo", password=PASSWORD, base_url=BASE)


def _cert(pki: DemoPki, name: str) -> x509.Certificate:
    return open_p12(pki.p12_path(name), PASSWORD)[1]


def test_init_makes_every_file(pki: DemoPki) -> None:
    names = {path.name for path in pki.directory.iterdir()}
    assert names == {"root-ca.pem", "root-ca.p12", "leader.p12", "clerk.p12", "tsa.p12",
                     "ocsp.p12", "leader-signature.png", "agency-seal.png", "pki.json",
                     "revoked.json"}
    assert (pki.directory / "revoked.json").read_text().strip() == "[]"
    assert pki.p12_path("leader").stat().st_mode & 0o077 == 0  # keys are private
    assert pki.base_url == BASE
    assert pki.agency == AGENCY


@pytest.mark.parametrize("name", P12S)
def test_p12_opens_with_the_password_only(pki: DemoPki, name: str) -> None:
    data = pki.p12_path(name).read_bytes()
    key, cert, extra = pkcs12.load_key_and_certificates(data, PASSWORD.encode())
    assert key is not None
    assert cert is not None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert (cert.public_key().public_bytes(serialization.Encoding.DER, public)
            == key.public_key().public_bytes(serialization.Encoding.DER, public))
    if name == "root-ca":
        assert cert == pki.root_cert
        assert cert.issuer == cert.subject
    else:
        assert cert.issuer == pki.root_cert.subject
        assert pki.root_cert in extra  # the chain travels with the key
        signer = SimpleSigner.load_pkcs12(str(pki.p12_path(name)),
                                          passphrase=PASSWORD.encode())
        assert signer is not None
        assert signer.signing_cert.dump() == cert.public_bytes(serialization.Encoding.DER)
    with pytest.raises(WrongPinError) as caught:
        open_p12(pki.p12_path(name), "1234")
    assert str(pki.p12_path(name)) in str(caught.value)


def test_load_pki_refuses_another_password_and_names_what_is_missing(pki: DemoPki,
                                                                     tmp_path: Path) -> None:
    with pytest.raises(WrongPinError, match=r"root-ca\.p12"):
        load_pki(pki.directory, "1234")
    copy = tmp_path / "copy"
    shutil.copytree(pki.directory, copy)
    (copy / "tsa.p12").unlink()
    with pytest.raises(PkiError, match=r"tsa\.p12"):
        load_pki(copy, PASSWORD)
    with pytest.raises(PkiError, match=r"pki\.json"):
        load_pki(tmp_path, PASSWORD)


def test_every_certificate_chains_to_the_root(pki: DemoPki) -> None:
    root = x509.load_pem_x509_certificate(pki.root_pem_path.read_bytes())
    assert root == pki.root_cert
    root.verify_directly_issued_by(root)
    for name in P12S[1:]:
        _cert(pki, name).verify_directly_issued_by(root)
    basic = root.extensions.get_extension_for_class(x509.BasicConstraints)
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert basic.critical
    assert basic.value.ca
    assert usage.key_cert_sign
    assert usage.crl_sign
    years = (root.not_valid_after_utc - root.not_valid_before_utc).days / 365
    assert 19.9 < years < 20.1


def test_signing_certificates_carry_names_usages_and_service_addresses(pki: DemoPki) -> None:
    leader, clerk = _cert(pki, "leader"), _cert(pki, "clerk")
    subject = leader.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn An"
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Chủ tịch"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == AGENCY
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    assert clerk.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == AGENCY
    assert clerk.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == AGENCY
    now = datetime.now(UTC)
    for cert in (leader, clerk):
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature
        assert usage.content_commitment
        assert not usage.key_cert_sign
        assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert cert.not_valid_before_utc < now < cert.not_valid_after_utc
        assert abs((cert.not_valid_after_utc - now) - timedelta(days=3 * 365)) < timedelta(2)
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        urls = {(item.access_method, item.access_location.value) for item in aia}
        assert urls == {(AuthorityInformationAccessOID.OCSP, f"{BASE}/ocsp"),
                        (AuthorityInformationAccessOID.CA_ISSUERS, f"{BASE}/certs/root-ca.crt")}
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        assert [name.value for point in points for name in point.full_name or []] == [
            f"{BASE}/crl/root.crl"]


def test_service_certificates(pki: DemoPki) -> None:
    tsa_eku = pki.tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert tsa_eku.critical
    assert list(tsa_eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    ocsp_eku = pki.ocsp_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(ocsp_eku) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert pki.ocsp_cert.extensions.get_extension_for_oid(ExtensionOID.OCSP_NO_CHECK)
    assert pki.tsa_cert == _cert(pki, "tsa")
    assert pki.ocsp_cert == _cert(pki, "ocsp")


def _opaque_colour(image: Image.Image) -> tuple[float, float, float]:
    pixels = np.asarray(image)
    opaque = pixels[pixels[..., 3] > 200]
    assert len(opaque), "nothing drawn"
    red, green, blue = (float(value) for value in opaque[:, :3].mean(axis=0))
    return red, green, blue


def test_leader_signature_is_blue_on_transparent(pki: DemoPki) -> None:
    with Image.open(pki.leader_signature_path) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert round(image.info["dpi"][0]) == 300
        assert image.size == (591, 260)  # 50 x 22 mm at 300 dpi
        red, green, blue = _opaque_colour(image)
        assert blue > 120
        assert blue > 2 * red
        assert blue > 2 * green
        alpha = image.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0
        assert alpha.getpixel((590, 259)) == 0
        share = float((np.asarray(alpha) == 0).mean())
        assert 0.6 < share < 0.98  # a signature, not a blank nor a filled box


def test_agency_seal_is_red_round_and_transparent_between_strokes(pki: DemoPki) -> None:
    with Image.open(pki.agency_seal_path) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.size == (449, 449)  # 38 mm at 300 dpi
        assert round(image.info["dpi"][0]) == 300
        red, green, blue = _opaque_colour(image)
        assert red > 150
        assert red > 3 * green
        assert red > 3 * blue
        alpha = image.getchannel("A")
        for corner in ((0, 0), (448, 0), (0, 448), (448, 448)):
            assert alpha.getpixel(corner) == 0
        centre = 224
        assert alpha.getpixel((centre, centre)) == 255  # the star
        assert alpha.getpixel((centre, centre - 100)) == 0  # between star and inner ring
        assert alpha.getpixel((centre, 3 + 6)) == 255  # the outer ring
        top_band = np.asarray(alpha)[30:70, 150:300]  # the name, between the rings
        assert 0.05 < float((top_band > 128).mean()) < 0.7


def test_init_refuses_an_existing_pki(pki: DemoPki) -> None:
    before = {path.name: path.read_bytes() for path in pki.directory.iterdir()}
    with pytest.raises(PkiError, match="already holds a demo PKI"):
        init_pki(pki.directory, password=PASSWORD)
    assert {path.name: path.read_bytes() for path in pki.directory.iterdir()} == before


def test_issue_and_revoke(pki: DemoPki, tmp_path: Path) -> None:
    directory = tmp_path / "pki"
    shutil.copytree(pki.directory, directory)
    now = datetime.now(UTC)
    path = issue_certificate(directory, "expired", common_name="Trần Thị Bình",
                             not_before=now - timedelta(days=400),
                             not_after=now - timedelta(days=2), password=PASSWORD)
    assert path == directory / "expired.p12"
    _, cert = open_p12(path, PASSWORD)
    cert.verify_directly_issued_by(pki.root_cert)
    assert cert.not_valid_after_utc < now
    loaded = load_pki(directory, PASSWORD)
    assert cert.serial_number in loaded.issued_serials()
    with pytest.raises(PkiError, match="already issued"):
        issue_certificate(directory, "expired", common_name="x", password=PASSWORD)
    with pytest.raises(PkiError, match="nobody"):
        revoke_certificate(directory, "nobody", password=PASSWORD)
    with pytest.raises(WrongPinError):
        revoke_certificate(directory, "expired", password="1234")
    assert loaded.revocations() == {}
    revoke_certificate(directory, "expired", password=PASSWORD)
    revocation = loaded.revocations()[cert.serial_number]  # read again: the file changed
    assert revocation.name == "expired"
    assert revocation.reason == "key_compromise"


def test_cli_init_then_refuses_again(tmp_path: Path) -> None:
    directory = tmp_path / "cli-pki"
    first = subprocess.run([str(SOHOA), "pki", "init", str(directory)], capture_output=True,
                           text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert str(directory / "leader.p12") in first.stdout
    assert (directory / "agency-seal.png").is_file()
    load_pki(directory)  # the default password, 1234
    again = subprocess.run([str(SOHOA), "pki", "init", str(directory)], capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 2
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1, again.stderr
    assert str(directory) in lines[0]
    assert "Traceback" not in again.stderr
