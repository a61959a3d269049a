"""X.509 certificates of the demo PKI (RSA 2048, SHA-256), built with ``cryptography``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

ROOT_YEARS = 20
END_ENTITY_YEARS = 3
SERVICE_YEARS = 10
_YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Issuer:
    """The root: its certificate, key, and the base URL its services answer on."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    base_url: str


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA 2048 key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def person_name(common_name: str, organisation: str | None, title: str | None = None
                ) -> x509.Name:
    """A subject name: CN, optional title, O, C=VN."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _key_usage(*, signing: bool = False, non_repudiation: bool = False,
               ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=non_repudiation,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def make_root(agency: str, now: datetime | None = None) -> tuple[rsa.RSAPrivateKey,
                                                                 x509.Certificate]:
    """The self-signed root CA, the trust anchor (valid 20 years)."""
    key = new_key()
    start = (now or datetime.now(UTC)) - timedelta(days=1)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "sohoa demo PKI"),
        x509.NameAttribute(NameOID.COMMON_NAME, "sohoa Demo Root CA"),
    ])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + ROOT_YEARS * _YEAR)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _issued(issuer: Issuer, subject: x509.Name, key: rsa.RSAPrivateKey, start: datetime,
            end: datetime) -> x509.CertificateBuilder:
    """A builder for an end-entity certificate under ``issuer``, with the common extensions."""
    return (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer.key.public_key()), critical=False))


def _with_revocation_pointers(builder: x509.CertificateBuilder, base_url: str
                              ) -> x509.CertificateBuilder:
    """Add the OCSP and caIssuers addresses and the CRL distribution point."""
    aia = x509.AuthorityInformationAccess([
        x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                               x509.UniformResourceIdentifier(f"{base_url}/ocsp")),
        x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                               x509.UniformResourceIdentifier(f"{base_url}/certs/root-ca.crt")),
    ])
    crl = x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(f"{base_url}/crl/root.crl")],
        relative_name=None, reasons=None, crl_issuer=None)])
    return (builder.add_extension(aia, critical=False)
            .add_extension(crl, critical=False))


def make_signer(issuer: Issuer, subject: x509.Name, *, not_before: datetime | None = None,
                not_after: datetime | None = None) -> tuple[rsa.RSAPrivateKey,
                                                            x509.Certificate]:
    """A signing certificate (digitalSignature + nonRepudiation) with OCSP and CRL pointers;
    by default valid from a day ago for three years."""
    key = new_key()
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    end = not_after or start + END_ENTITY_YEARS * _YEAR
    builder = _issued(issuer, subject, key, start, end).add_extension(
        _key_usage(signing=True, non_repudiation=True), critical=True)
    cert = _with_revocation_pointers(builder, issuer.base_url).sign(issuer.key, hashes.SHA256())
    return key, cert


def make_tsa(issuer: Issuer) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The time-stamping unit's certificate (EKU id-kp-timeStamping, critical)."""
    key = new_key()
    start = datetime.now(UTC) - timedelta(days=1)
    subject = person_name("sohoa Demo Time-Stamping Authority", "sohoa demo PKI")
    builder = (_issued(issuer, subject, key, start, start + SERVICE_YEARS * _YEAR)
               .add_extension(_key_usage(signing=True, non_repudiation=True), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                              critical=True))
    cert = _with_revocation_pointers(builder, issuer.base_url).sign(issuer.key, hashes.SHA256())
    return key, cert


def make_ocsp_responder(issuer: Issuer) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The OCSP responder's certificate (EKU OCSPSigning, id-pkix-ocsp-nocheck)."""
    key = new_key()
    start = datetime.now(UTC) - timedelta(days=1)
    subject = person_name("sohoa Demo OCSP Responder", "sohoa demo PKI")
    cert = (_issued(issuer, subject, key, start, start + SERVICE_YEARS * _YEAR)
            .add_extension(_key_usage(signing=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]),
                           critical=False)
            .add_extension(x509.OCSPNoCheck(), critical=False)
            .sign(issuer.key, hashes.SHA256()))
    return key, cert
