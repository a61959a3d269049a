"""Key files an older installation stored plain are sealed in place under the server key:
the credential points at a sealed object holding the same PKCS#12, the plain object is
gone after the commit, the key still opens with its PIN, and a second run does nothing."""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import UTC

import pytest
from cryptography import x509
from sqlalchemy import select

from signing.key_sealing import seal_plain_key_files
from signing.keys import unlock_pkcs12
from signing.keystore import KeyFileSealer, is_sealed, key_file_context
from storage.accounts import create_unit, create_user
from storage.errors import ObjectNotFoundError
from storage.objects import ObjectStore
from storage.objects.keys import key_file_prefix
from storage.records import AuditEntry, SigningCredential
from storage.records.db import Database
from tests.support.pki_server import RunningPki


def _plain_credential(db: Database, store: ObjectStore, p12: bytes) -> tuple[int, str]:
    key = unlock_pkcs12(p12, "1234", source="leader.p12")
    certificate = x509.load_der_x509_certificate(key.certificate.dump())
    with db.session() as session:
        create_unit(session, "UBND-CU", "Ủy ban nhân dân xã Cũ")
        user = create_user(session, username="lanhdao-cu", password="mật-khẩu-đủ-dài",
                           role="leader", unit_code="UBND-CU")
        info = store.put(key_file_prefix(user.id), io.BytesIO(p12), suffix=".p12",
                         content_type="application/x-pkcs12")
        credential = SigningCredential(
            user_id=user.id, object_key=info.key, subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            serial=format(certificate.serial_number, "x"),
            fingerprint=hashlib.sha256(key.certificate.dump()).hexdigest(),
            not_after=certificate.not_valid_after_utc.astimezone(UTC))
        session.add(credential)
        session.flush()
        return credential.id, info.key


def test_plain_key_files_are_sealed_once(records_db: Database, local_store: ObjectStore,
                                         served_pki: RunningPki) -> None:
    p12 = (served_pki.directory / "leader.p12").read_bytes()
    credential_id, plain_key = _plain_credential(records_db, local_store, p12)
    sealer = KeyFileSealer(secrets.token_bytes(32))
    with records_db.session() as session:
        assert seal_plain_key_files(session, local_store, sealer) == [credential_id]
        assert local_store.exists(plain_key)  # kept until the commit
    with pytest.raises(ObjectNotFoundError):
        local_store.open(plain_key)
    with records_db.session() as session:
        credential = session.get(SigningCredential, credential_id)
        assert credential is not None
        with local_store.open(credential.object_key) as stream:
            blob = stream.read()
        assert is_sealed(blob)
        assert p12 not in blob
        opened = sealer.open(blob, key_file_context(credential.user_id,
                                                    credential.fingerprint), source="test")
        assert opened == p12
        assert unlock_pkcs12(opened, "1234", source="sealed").certificate.dump()
        audited = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "signing_key_sealed")).all()
        assert audited == ["signing_key_sealed"]
    with records_db.session() as session:
        assert seal_plain_key_files(session, local_store, sealer) == []
