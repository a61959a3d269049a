"""Real PKCS#11 tokens for tests: SoftHSM2 tokens in a temporary directory, and throwaway
certificates to put on them.

    token = make_token(session_dir, label="sohoa")
    pki = make_pki()
    import_key_and_cert(token, pki.signer_key, pki.signer_cert, "signer")

SoftHSM reads ``SOFTHSM2_CONF`` when the module is initialised, and python-pkcs11 loads a
module once per process, so a test session should use ONE directory (a session-scoped
fixture under ``tmp_path_factory``) and create all its tokens, with different labels, in it.
:func:`make_token` re-initialises the module in this process after creating a token so the
new token is visible; that invalidates sessions open at that moment, so make tokens in
fixtures, before tests open sessions.

Keys and certificates are imported with python-pkcs11 (no opensc/pkcs11-tool needed).
When ``softhsm2-util`` or the SoftHSM module is missing, the calling test FAILS and says
``apt-get install softhsm2``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, ObjectClass
from pkcs11.util.rsa import decode_rsa_private_key

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
INSTALL_HINT = "install SoftHSM2 to run the PKCS#11 tests: apt-get install softhsm2"


@dataclass(frozen=True)
class SoftToken:
    """One initialised SoftHSM2 token and what is needed to open it."""

    module: str
    conf: Path
    label: str
    pin: str
    so_pin: str


def softhsm_module() -> str:
    """The path of SoftHSM2's PKCS#11 module; fails the test when it is not installed."""
    for candidate in MODULE_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    pytest.fail(f"the SoftHSM2 PKCS#11 module (libsofthsm2.so) is missing; {INSTALL_HINT}")


def softhsm_util() -> str:
    """The path of ``softhsm2-util``; fails the test when it is not installed."""
    util = shutil.which("softhsm2-util") or (
        "/usr/bin/softhsm2-util" if Path("/usr/bin/softhsm2-util").is_file() else None)
    if util is None:
        pytest.fail(f"softhsm2-util is missing; {INSTALL_HINT}")
    return util


def make_token(tmp_dir: Path, *, label: str = "sohoa", pin: str = "1234",
               so_pin: str = "5678") -> SoftToken:
    """Initialise a new SoftHSM2 token labelled ``label`` in ``tmp_dir`` (configured by
    ``tmp_dir/softhsm2.conf``, exported as ``SOFTHSM2_CONF``) and make it visible to the
    PKCS#11 module already loaded in this process."""
    module, util = softhsm_module(), softhsm_util()
    tokens = tmp_dir / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = tmp_dir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    result = subprocess.run(
        [util, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)})
    if result.returncode != 0:
        pytest.fail(f"softhsm2-util --init-token failed for {label!r}:"
                    f" {result.stdout}{result.stderr}")
    # SoftHSM lists the tokens it found at C_Initialize: re-initialise to see the new one.
    pkcs11.lib(module).reinitialize()
    return SoftToken(module=module, conf=conf, label=label, pin=pin, so_pin=so_pin)


def import_key_and_cert(token: SoftToken, key: rsa.RSAPrivateKey | None,
                        cert: x509.Certificate | None, label: str, *,
                        object_id: bytes | None = None) -> None:
    """Put an RSA private key and/or its certificate on ``token``, both with ``label`` and
    the same CKA_ID (``object_id``, else derived from the label)."""
    object_id = object_id if object_id is not None else label.encode()
    lib = pkcs11.lib(token.module)
    with lib.get_token(token_label=token.label).open(rw=True, user_pin=token.pin) as session:
        if key is not None:
            der = key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption())
            attributes = decode_rsa_private_key(der)
            attributes.update({
                Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False, Attribute.SIGN: True,
                Attribute.LABEL: label, Attribute.ID: object_id})
            session.create_object(attributes)
        if cert is not None:
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.PRIVATE: False,
                Attribute.LABEL: label, Attribute.ID: object_id,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.ISSUER: cert.issuer.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})


# --- throwaway certificates ------------------------------------------------------------


@dataclass(frozen=True)
class TestPki:
    """A root CA and end-entity certificates made for one test session."""

    __test__ = False  # not a pytest test class

    root_key: rsa.RSAPrivateKey
    root_cert: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    signer_cert: x509.Certificate
    expired_key: rsa.RSAPrivateKey
    expired_cert: x509.Certificate
    future_key: rsa.RSAPrivateKey
    future_cert: x509.Certificate
    # ``mismatched_cert`` belongs to another key: store it next to ``mismatched_key``
    mismatched_key: rsa.RSAPrivateKey
    mismatched_cert: x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Thử nghiệm"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(issuer_key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, subject_key:
          rsa.RSAPrivateKey, common_name: str, *, not_before: datetime, not_after: datetime,
          ca: bool = False) -> x509.Certificate:
    """A certificate for ``subject_key`` signed by ``issuer_key`` (self-signed when
    ``issuer`` is None): a CA, or an end entity for document signing."""
    subject = _name(common_name)
    public = subject_key.public_key()
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.subject if issuer is not None else subject)
               .public_key(public)
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False)
    usage = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment",
                           "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                           "encipher_only", "decipher_only"), False)
    if ca:
        usage.update(digital_signature=True, key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True, content_commitment=True)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki() -> TestPki:
    """A root CA, a valid signing certificate, an expired one, a not-yet-valid one, and a
    certificate that does not belong to the key it will be stored with."""
    now = datetime.now(UTC)
    root_key = new_key()
    root = issue(root_key, None, root_key, "Sohoa Test Root CA", ca=True,
                 not_before=now - timedelta(days=3650), not_after=now + timedelta(days=3650))

    def end_entity(name: str, start: timedelta, end: timedelta,
                   key: rsa.RSAPrivateKey | None = None) -> tuple[rsa.RSAPrivateKey,
                                                                  x509.Certificate]:
        key = key or new_key()
        return key, issue(root_key, root, key, name, not_before=now + start,
                          not_after=now + end)

    signer_key, signer_cert = end_entity("Nguyễn Văn An", -timedelta(days=1),
                                         timedelta(days=365))
    expired_key, expired_cert = end_entity("Trần Thị Bình", -timedelta(days=730),
                                           -timedelta(days=365))
    future_key, future_cert = end_entity("Lê Văn Cường", timedelta(days=30),
                                         timedelta(days=400))
    _, mismatched_cert = end_entity("Phạm Thị Dung", -timedelta(days=1), timedelta(days=365))
    return TestPki(root_key=root_key, root_cert=root, signer_key=signer_key,
                   signer_cert=signer_cert, expired_key=expired_key, expired_cert=expired_cert,
                   future_key=future_key, future_cert=future_cert,
                   mismatched_key=new_key(), mismatched_cert=mismatched_cert)
