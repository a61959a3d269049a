"""Key files at rest (issue 13): a stored PKCS#12 is sealed under the server's key, so a copy
of the object store alone cannot be opened with the PIN (nor a PIN guessed offline); the
registered user still signs with their PIN, and files stored plain before still open."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from signing.errors import CertificateProblemError, SigningInputError, WrongPinError
from signing.keystore import (
    KEY_FILE_INFO,
    MAGIC,
    KeyFileSealer,
    derive_server_key,
    is_sealed,
    key_file_context,
)
from signing.requests import SigningSetup, register_credential, unlock_user_key
from signing.trust import trust_services
from storage.accounts import CurrentUser, create_unit, create_user
from storage.errors import ConfigurationError
from storage.objects import ObjectStore
from storage.records import Database, SigningCredential, UserRole, unit_subtree_ids
from tests.support.pki_server import RunningPki

LEADER = "Nguyễn Văn An"  # the demo leader.p12's common name


def test_seal_and_open() -> None:
    sealer = KeyFileSealer(os.urandom(32))
    context = key_file_context(7, "ab" * 32)
    data = b"a PKCS#12 file" * 50
    sealed = sealer.seal(data, context)
    assert is_sealed(sealed)
    assert sealed.startswith(MAGIC + b"\x01")
    assert data not in sealed
    assert sealed != sealer.seal(data, context)  # a fresh data key and nonces every time
    assert sealer.open(sealed, context, source="k") == data
    with pytest.raises(SigningInputError, match="another user"):
        sealer.open(sealed, key_file_context(8, "ab" * 32), source="k")
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(SigningInputError, match="altered"):
        sealer.open(bytes(tampered), context, source="k")
    with pytest.raises(SigningInputError, match="unknown format"):
        sealer.open(sealed[:40], context, source="k")
    with pytest.raises(ConfigurationError, match="another server key"):
        KeyFileSealer(os.urandom(32)).open(sealed, context, source="k")
    assert sealer.open(b"0\x82plain", context, source="k") == b"0\x82plain"  # stored before


def test_server_key_is_derived_for_key_files_only() -> None:
    secret = b"the url secret"
    key = derive_server_key(secret)
    assert len(key) == 32
    assert secret not in key
    assert key == derive_server_key(secret)
    assert key != derive_server_key(secret, b"another label") != derive_server_key(b"x")
    assert KEY_FILE_INFO.startswith(b"sohoa key-file")
    with pytest.raises(ConfigurationError):
        derive_server_key(b"")
    assert key.hex() not in repr(KeyFileSealer(key))


def _leader(records_db: Database) -> CurrentUser:
    with records_db.session() as session:
        create_unit(session, "UB", "Ủy ban nhân dân xã")
        row = create_user(session, username="lanhdao", password="mật-khẩu-đủ-dài",
                          role="leader", unit_code="UB", full_name=LEADER)
        session.flush()
        return CurrentUser(id=row.id, username=row.username, role=UserRole.leader,
                           unit_id=row.unit_id,
                           visible_unit_ids=frozenset(unit_subtree_ids(session, row.unit_id)))


def test_stored_key_file_is_sealed(records_db: Database, local_store: ObjectStore,
                                   served_pki: RunningPki) -> None:
    leader = _leader(records_db)
    setup = SigningSetup(services=trust_services(None, [], served_pki.directory),
                         key_files=KeyFileSealer(os.urandom(32)))
    key_file = (served_pki.directory / "leader.p12").read_bytes()
    with records_db.session() as session:
        credential = register_credential(session, local_store, leader, key_file, "1234",
                                         "leader.p12", setup)
        object_key = credential.object_key
    with local_store.open(object_key) as stream:
        stored = stream.read()
    assert stored != key_file
    assert key_file not in stored
    assert is_sealed(stored)
    with pytest.raises(ValueError, match="deserialize PKCS12"):  # the PIN alone opens nothing
        pkcs12.load_key_and_certificates(stored, b"1234")
    with records_db.session() as session:
        with pytest.raises(WrongPinError):
            unlock_user_key(session, local_store, leader, "0000", setup)
        key = unlock_user_key(session, local_store, leader, "1234", setup)
        assert key.subject_name == LEADER
        with pytest.raises(ConfigurationError):  # the server key is needed as well
            unlock_user_key(session, local_store, leader, "1234",
                            SigningSetup(services=setup.services,
                                         key_files=KeyFileSealer(os.urandom(32))))


def test_plain_key_files_stored_before_still_open(records_db: Database,
                                                  local_store: ObjectStore,
                                                  served_pki: RunningPki) -> None:
    leader = _leader(records_db)
    setup = SigningSetup(services=trust_services(None, [], served_pki.directory),
                         key_files=KeyFileSealer(os.urandom(32)))
    key_file = (served_pki.directory / "leader.p12").read_bytes()
    with records_db.session() as session:
        credential = register_credential(session, local_store, leader, key_file, "1234",
                                         "leader.p12", setup)
        plain = local_store.put(f"keys/users/{leader.id}", io.BytesIO(key_file), suffix=".p12")
        credential.object_key = plain.key  # as stored before sealing existed
    with records_db.session() as session:
        assert unlock_user_key(session, local_store, leader, "1234", setup).subject_name == \
            LEADER
        # a plain file that is not the registered certificate's is refused
        other = local_store.put(f"keys/users/{leader.id}",
                                io.BytesIO((served_pki.directory / "clerk.p12").read_bytes()),
                                suffix=".p12")
        row = session.scalar(select(SigningCredential).where(
            SigningCredential.user_id == leader.id, SigningCredential.active))
        assert row is not None
        row.object_key = other.key
        with pytest.raises(CertificateProblemError, match="not the registered one"):
            unlock_user_key(session, local_store, leader, "1234", setup)
