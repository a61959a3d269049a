"""Which key files a user may register (issue 13): only document-signing certificates
chaining to a configured anchor, issued to the user's registered name or bound to them by an
administrator of their unit, and registered by nobody else; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from signing.errors import CertificateProblemError
from signing.key_policy import (
    bind_certificate,
    check_signing_certificate,
    fingerprint_of,
    same_name,
    signing_usage_problem,
)
from signing.keys import unlock_pkcs12
from signing.keystore import KeyFileSealer
from signing.pades import TrustServices
from signing.requests import SigningSetup, register_credential
from signing.trust import trust_services
from storage.accounts import CurrentUser, create_unit, create_user
from storage.errors import ConflictError, NotFoundError, PermissionDeniedError
from storage.objects import ObjectStore
from storage.records import AuditEntry, Database, SigningCredential, UserRole, unit_subtree_ids
from tests.support.pki_server import RunningPki

LEADER = "Nguyễn Văn An"  # the demo leader.p12's common name


def _user(records_db: Database, name: str, role: str, unit: str,
          full_name: str = "") -> CurrentUser:
    with records_db.session() as session:
        row = create_user(session, username=name, password="mật-khẩu-đủ-dài", role=role,
                          unit_code=unit, full_name=full_name)
        session.flush()
        return CurrentUser(id=row.id, username=name, role=UserRole(role), unit_id=row.unit_id,
                           visible_unit_ids=frozenset(unit_subtree_ids(session, row.unit_id)))


def _self_made(common_name: str, *, ca: bool, usage: str) -> tuple[bytes, x509.Certificate]:
    """A self-signed PKCS#12 (PIN 1234) with the given CA flag and one key usage."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    flags = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment",
                           "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                           "encipher_only", "decipher_only"), False)
    flags[usage] = True
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(**flags), critical=True)
                   .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(
        b"k", key, certificate, None, serialization.BestAvailableEncryption(b"1234"))
    return data, certificate


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def test_only_signers_certificates_sign(served_pki: RunningPki) -> None:
    root = unlock_pkcs12((served_pki.directory / "root-ca.p12").read_bytes(), "1234",
                         source="root-ca.p12")
    leader = unlock_pkcs12((served_pki.directory / "leader.p12").read_bytes(), "1234",
                           source="leader.p12")
    assert "certificate authority" in (signing_usage_problem(root.certificate) or "")
    assert signing_usage_problem(leader.certificate) is None
    _, encipher_only = _self_made(LEADER, ca=False, usage="key_encipherment")
    assert "digitalSignature" in (signing_usage_problem(_asn1(encipher_only)) or "")

    anchored = trust_services(None, [], served_pki.directory)
    check_signing_certificate(leader, anchored, source="leader.p12")
    with pytest.raises(CertificateProblemError, match="certificate authority") as refused:
        check_signing_certificate(root, anchored, source="root-ca.p12")
    assert refused.value.subject == "root-ca.p12"
    with pytest.raises(CertificateProblemError, match="no trust anchors"):
        check_signing_certificate(leader, TrustServices(), source="leader.p12")
    own, _ = _self_made(LEADER, ca=False, usage="digital_signature")
    with pytest.raises(CertificateProblemError, match="does not chain"):
        check_signing_certificate(unlock_pkcs12(own, "1234", source="own.p12"), anchored,
                                  source="own.p12")


def test_names_compare_in_nfc_without_case() -> None:
    decomposed = unicodedata.normalize("NFD", LEADER)
    assert decomposed != LEADER
    assert same_name(LEADER, decomposed.upper())
    assert same_name(LEADER, "  nguyễn  văn an ")
    assert not same_name(LEADER, "Nguyễn Văn Ân")
    assert not same_name("", "")


def test_key_files_belong_to_their_user(records_db: Database, local_store: ObjectStore,
                                        served_pki: RunningPki) -> None:
    with records_db.session() as session:
        create_unit(session, "UB", "Ủy ban nhân dân xã")
        create_unit(session, "KHAC", "Ủy ban khác")
    setup = SigningSetup(services=trust_services(None, [], served_pki.directory),
                         key_files=KeyFileSealer(os.urandom(32)))
    leader_p12 = (served_pki.directory / "leader.p12").read_bytes()
    root_p12 = (served_pki.directory / "root-ca.p12").read_bytes()
    owner = _user(records_db, "lanhdao", "leader", "UB", unicodedata.normalize("NFD", LEADER))
    namesake = _user(records_db, "lanhdao2", "leader", "UB", LEADER)
    other = _user(records_db, "phochutich", "leader", "UB", "Trần Thị Bình")
    admin = _user(records_db, "quantri", "admin", "UB")
    foreign_admin = _user(records_db, "quantri-khac", "admin", "KHAC")

    with records_db.session() as session, pytest.raises(PermissionDeniedError,
                                                        match="Nguyễn Văn An"):
        register_credential(session, local_store, other, leader_p12, "1234", "leader.p12", setup)
    with records_db.session() as session, pytest.raises(CertificateProblemError,
                                                        match="certificate authority"):
        register_credential(session, local_store, owner, root_p12, "1234", "root-ca.p12", setup)
    with records_db.session() as session:
        credential = register_credential(session, local_store, owner, leader_p12, "1234",
                                         "leader.p12", setup)
        fingerprint = credential.fingerprint
    with records_db.session() as session, pytest.raises(ConflictError):
        register_credential(session, local_store, namesake, leader_p12, "1234", "leader.p12",
                            setup)
    with records_db.session() as session, pytest.raises(ConflictError):
        bind_certificate(session, admin, other.id, fingerprint=fingerprint)

    # an administrator binds a certificate not carrying the user's name (the agency's)
    clerk_p12 = (served_pki.directory / "clerk.p12").read_bytes()
    clerk_key = unlock_pkcs12(clerk_p12, "1234", source="clerk.p12")
    clerk_pem = clerk_key.certificate.dump()
    with records_db.session() as session, pytest.raises(PermissionDeniedError):
        register_credential(session, local_store, other, clerk_p12, "1234", "clerk.p12", setup)
    with records_db.session() as session, pytest.raises(NotFoundError):
        bind_certificate(session, foreign_admin, other.id, certificate=clerk_pem)
    with records_db.session() as session, pytest.raises(PermissionDeniedError):
        bind_certificate(session, other, other.id, certificate=clerk_pem)
    with records_db.session() as session, pytest.raises(CertificateProblemError):
        bind_certificate(session, admin, other.id,
                         certificate=unlock_pkcs12(root_p12, "1234", source="r").certificate
                         .dump())
    with records_db.session() as session:
        binding, created = bind_certificate(session, admin, other.id, certificate=clerk_pem)
        assert created
        assert binding.fingerprint == fingerprint_of(clerk_key.certificate)
    with records_db.session() as session:
        assert bind_certificate(session, admin, other.id,
                                fingerprint=binding.fingerprint.upper())[1] is False
        register_credential(session, local_store, other, clerk_p12, "1234", "clerk.p12", setup)
    with records_db.session() as session:
        owners = session.scalars(select(SigningCredential.user_id).order_by(
            SigningCredential.id)).all()
        audited = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "certificate_bound")).all()
    assert owners == [owner.id, other.id]
    assert audited == ["certificate_bound"]
