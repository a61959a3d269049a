"""Keys that must not sign: wrong PIN, not a key file, expired, revoked, a key that does not
match its certificate. Each a clear typed error; through the CLI, exit 2 and no file."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.errors import CertificateProblemError, SigningInputError, WrongPinError
from signing.keys import unlock_pkcs12
from signing.pades import TrustServices, check_certificate
from signing.pki import issue_certificate, revoke_certificate
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig, root_certificate

SOHOA = Path(sys.executable).parent / "sohoa"


def test_wrong_pin(served_pki: RunningPki) -> None:
    data = (served_pki.directory / "leader.p12").read_bytes()
    with pytest.raises(WrongPinError, match="does not open"):
        unlock_pkcs12(data, "0000", source="leader.p12")


def test_not_a_key_file(decision_pdf: Path) -> None:
    with pytest.raises(SigningInputError, match="not a PKCS#12"):
        unlock_pkcs12(decision_pdf.read_bytes(), "1234", source=decision_pdf.name)


def test_expired_certificate(served_pki: RunningPki) -> None:
    now = datetime.now(UTC)
    path = issue_certificate(served_pki.directory, "expired-signer",
                             common_name="Trần Thị Hết Hạn",
                             not_before=now - timedelta(days=800),
                             not_after=now - timedelta(days=1))
    with pytest.raises(CertificateProblemError, match="expired"):
        unlock_pkcs12(path.read_bytes(), "1234", source=path.name)


def test_revoked_certificate(served_pki: RunningPki) -> None:
    path = issue_certificate(served_pki.directory, "revoked-signer",
                             common_name="Lê Văn Thu Hồi")
    key = unlock_pkcs12(path.read_bytes(), "1234", source=path.name)
    services = TrustServices(trust_roots=(root_certificate(served_pki.pki.root_pem_path),))
    check_certificate(key, services)  # good before revocation
    revoke_certificate(served_pki.directory, "revoked-signer")
    with pytest.raises(CertificateProblemError, match="revoked"):
        check_certificate(key, services)


def test_key_not_matching_certificate(served_pki: RunningPki, tmp_path: Path) -> None:
    _, certificate, chain = pkcs12.load_key_and_certificates(
        (served_pki.directory / "leader.p12").read_bytes(), b"1234")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert certificate is not None
    # cryptography refuses to pair them, so the certificate goes in unpaired, as some
    # tools write PKCS#12 files; it is still the file's one end-entity certificate
    data = pkcs12.serialize_key_and_certificates(
        b"mismatch", other_key, None, [certificate, *chain],
        serialization.BestAvailableEncryption(b"1234"))
    with pytest.raises(CertificateProblemError, match="does not match"):
        unlock_pkcs12(data, "1234", source="mismatch.p12")


def _sign_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOHOA), "sign", *args], capture_output=True, text=True,
                          check=False, timeout=120)


def test_cli_wrong_pin_leaves_no_file(served_pki: RunningPki, decision_pdf: Path,
                                      tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    result = _sign_cli(str(decision_pdf), "-o", str(output), "--p12",
                       str(served_pki.directory / "leader.p12"), "--password", "9999")
    assert result.returncode == 2
    assert "leader.p12" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not output.exists()
    assert not list(tmp_path.iterdir())


def test_cli_signs_with_time_stamp(served_pki: RunningPki, decision_pdf: Path,
                                   tmp_path: Path) -> None:
    output = tmp_path / "signed.pdf"
    result = _sign_cli(str(decision_pdf), "-o", str(output), "--p12",
                       str(served_pki.directory / "leader.p12"), "--password", "1234",
                       "--level", "B-T", "--tsa", served_pki.tsa_url,
                       "--trust", str(served_pki.pki.root_pem_path))
    assert result.returncode == 0, result.stderr
    reports = pdfsig(output)
    assert [(report.field, report.valid, report.whole_file) for report in reports] == [
        ("leader", True, True)]


def test_cli_bad_input_pdf(served_pki: RunningPki, tmp_path: Path) -> None:
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n% nothing else")
    result = _sign_cli(str(broken), "-o", str(tmp_path / "x.pdf"), "--p12",
                       str(served_pki.directory / "leader.p12"), "--password", "1234")
    assert result.returncode == 2
    assert "hong.pdf" in result.stderr
    assert "Traceback" not in result.stderr
