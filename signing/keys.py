"""Signing keys held by sohoa: a PKCS#12 file unlocked by its PIN for one signing session.

The PKCS#12 stays encrypted wherever it is stored; :func:`unlock_pkcs12` decrypts it in
memory only, checks that the key matches the certificate and that the certificate may sign
now, and returns a :class:`SigningKey` whose pyHanko signer keeps the decrypted key object
for the session (pyHanko's own ``SimpleSigner`` re-parses the key for every signature).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.errors import CertificateProblemError, SigningInputError, WrongPinError

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


@dataclass(frozen=True)
class SigningKey:
    """An unlocked key: the pyHanko signer plus what the rest of sohoa needs to know."""

    signer: Signer
    certificate: asn1_x509.Certificate
    chain: list[asn1_x509.Certificate] = field(default_factory=list)
    source: str = ""

    @property
    def subject_name(self) -> str:
        """The certificate subject's common name (the person or the agency)."""
        return str(self.certificate.subject.native.get("common_name", ""))

    @property
    def organisation(self) -> str:
        """The certificate subject's organisation, or its common name when it has none."""
        return organisation_of(self.certificate)


def certificate_store(certificates: list[asn1_x509.Certificate]) -> SimpleCertificateStore:
    """A pyHanko certificate store holding ``certificates``."""
    store: SimpleCertificateStore = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        certificates)
    return store


def organisation_of(certificate: asn1_x509.Certificate) -> str:
    """The subject's organisation, or its common name when it has none (an agency's own
    certificate names the agency as its common name)."""
    native = certificate.subject.native
    return str(native.get("organization_name") or native.get("common_name", ""))


class _HeldKeySigner(SimpleSigner):
    """A ``SimpleSigner`` that keeps the parsed private key instead of re-loading it for
    every signature (RSA key loading includes a costly consistency check)."""

    def __init__(self, private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` with the held key (PKCS#1 v1.5 for RSA, ECDSA for EC keys)."""
        hash_algorithm = _HASHES[digest_algorithm.lower()]
        if isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.sign(data, padding.PKCS1v15(), hash_algorithm)
        return self._private_key.sign(data, ec.ECDSA(hash_algorithm))


def _public_bytes(key: object) -> bytes:
    return key.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _is_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        return pfx["version"].native == "v3" and bool(pfx["auth_safe"]["content"].contents)
    except (ValueError, TypeError, KeyError):
        return False


def _end_entity(certificates: list[x509.Certificate]
                ) -> tuple[x509.Certificate | None, list[x509.Certificate]]:
    def is_ca(certificate: x509.Certificate) -> bool:
        try:
            return bool(certificate.extensions.get_extension_for_class(
                x509.BasicConstraints).value.ca)
        except x509.ExtensionNotFound:
            return False

    leaves = [certificate for certificate in certificates if not is_ca(certificate)]
    if len(leaves) != 1:
        return None, certificates
    return leaves[0], [certificate for certificate in certificates if certificate is not leaves[0]]


def check_validity(certificate: x509.Certificate, *, subject: str,
                   at: datetime | None = None) -> None:
    """Raise :class:`CertificateProblemError` unless ``certificate`` is valid at ``at``."""
    moment = at or datetime.now(UTC)
    name = certificate.subject.rfc4514_string()
    if moment < certificate.not_valid_before_utc:
        raise CertificateProblemError(
            f"the certificate of {name} is not valid before "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC", subject=subject)
    if moment > certificate.not_valid_after_utc:
        raise CertificateProblemError(
            f"the certificate of {name} expired on "
            f"{certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC", subject=subject)


def unlock_pkcs12(data: bytes, pin: str, *, source: str,
                  at: datetime | None = None) -> SigningKey:
    """Decrypt a PKCS#12 in memory with ``pin`` and return a key ready to sign.

    Raises :class:`WrongPinError` when the PIN does not open it, :class:`SigningInputError`
    when it is not a PKCS#12 with a key and a certificate, :class:`CertificateProblemError`
    when the key does not match the certificate or the certificate is not valid now.
    """
    if not data:
        raise SigningInputError("the key file is empty", subject=source)
    try:
        private_key, certificate, extra = pkcs12.load_key_and_certificates(
            data, pin.encode("utf-8"))
    except ValueError as error:
        if not _is_pkcs12(data):
            raise SigningInputError("not a PKCS#12 (.p12/.pfx) file", subject=source) from error
        raise WrongPinError("the PIN or password does not open this key file",
                            subject=source) from error
    if certificate is None:  # no localKeyId pairing: the file's one end-entity certificate
        certificate, extra = _end_entity(list(extra))
    if private_key is None or certificate is None:
        raise SigningInputError("the PKCS#12 file holds no private key and certificate",
                                subject=source)
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningInputError("only RSA and EC keys are supported", subject=source)
    if _public_bytes(private_key.public_key()) != _public_bytes(certificate.public_key()):
        raise CertificateProblemError("the private key does not match the certificate",
                                      subject=source)
    check_validity(certificate, subject=source, at=at)
    return _signing_key(private_key, certificate, list(extra), source)


def _signing_key(private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
                 certificate: x509.Certificate, extra: list[x509.Certificate],
                 source: str) -> SigningKey:
    asn1_cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    chain = [asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
             for cert in extra]
    key_info = asn1_keys.PrivateKeyInfo.load(private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = _HeldKeySigner(private_key, signing_cert=asn1_cert, signing_key=key_info,
                            cert_registry=certificate_store(chain))
    return SigningKey(signer=signer, certificate=asn1_cert, chain=chain, source=source)
