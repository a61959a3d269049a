"""No orphan objects: a transaction that does not commit takes back what it stored, never
an object another record references, and ``check_store`` (``sohoa fsck``) finds what is
left, missing or of the wrong size; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.dossiers import NewDossier, create_dossier
from ingest.intake import store_original
from storage.accounts import create_unit
from storage.objects import ObjectStore
from storage.orphans import check_store, put_object
from storage.records import Database, DocumentFile, Dossier
from tests.support.pdfs import pdf_with


class RefusedError(Exception):
    """What fails the transaction in these tests."""


def _fail_after(records_db: Database, work: Callable[[Session], object]) -> object:
    """Run ``work`` in a session, then fail its transaction; returns what ``work`` did."""
    done: list[object] = []
    try:
        with records_db.session() as session:
            done.append(work(session))
            raise RefusedError
    except RefusedError:
        pass
    return done[0]


def _dossier(records_db: Database) -> int:
    with records_db.session() as session:
        unit = create_unit(session, "XA", "Ủy ban nhân dân xã")
        return create_dossier(session, NewDossier("1.004227", "Nguyễn Văn An", 5, unit.id),
                              actor="tiepnhan", created_by_id=None).id


def _store(records_db: Database, store: ObjectStore, dossier_id: int, data: bytes,
           name: str = "to-khai.pdf") -> str:
    """Store ``data`` as an original in the open session's dossier; returns its key."""
    with records_db.session() as session:
        stored = store_original(session, store, dossier=session.get(Dossier, dossier_id),
                                filename=name, stream=io.BytesIO(data), actor="tiepnhan",
                                user_id=None)
        return str(session.scalar(select(DocumentFile.object_key).where(
            DocumentFile.document_id == stored.document.id)))


def _store_then_fail(records_db: Database, store: ObjectStore, dossier_id: int,
                     data: bytes) -> str:
    def work(session: Session) -> str:
        stored = store_original(session, store, dossier=session.get(Dossier, dossier_id),
                                filename="giay-to.pdf", stream=io.BytesIO(data),
                                actor="tiepnhan", user_id=None)
        key = str(session.scalar(select(DocumentFile.object_key).where(
            DocumentFile.document_id == stored.document.id)))
        assert store.exists(key)
        return key

    return str(_fail_after(records_db, work))


def test_a_failed_transaction_removes_what_it_stored(records_db: Database,
                                                     local_store: ObjectStore) -> None:
    dossier_id = _dossier(records_db)
    key = _store_then_fail(records_db, local_store, dossier_id, pdf_with(b"bi tu choi"))
    assert not local_store.exists(key)
    assert list(local_store.list("")) == []


def test_an_object_a_committed_record_references_is_kept(records_db: Database,
                                                         local_store: ObjectStore) -> None:
    dossier_id = _dossier(records_db)
    data = pdf_with(b"da co")
    kept = _store(records_db, local_store, dossier_id, data)
    again = _store_then_fail(records_db, local_store, dossier_id, data)  # a duplicate
    assert again == kept
    assert local_store.exists(kept)


def test_a_closed_session_without_commit_removes_what_it_stored(
        records_db: Database, local_store: ObjectStore) -> None:
    dossier_id = _dossier(records_db)
    session = Session(records_db.engine)  # closed without a commit
    try:
        info = put_object(session, local_store, f"dossiers/{dossier_id}",
                          io.BytesIO(pdf_with(b"bo do")), suffix=".pdf")
        assert local_store.exists(info.key)
    finally:
        session.close()
    assert not local_store.exists(info.key)


def test_a_committed_put_is_kept(records_db: Database, local_store: ObjectStore) -> None:
    dossier_id = _dossier(records_db)
    key = _store(records_db, local_store, dossier_id, pdf_with(b"giu lai"))
    with records_db.session() as session:  # a later failure of the same session's kind
        session.execute(select(1))
    assert local_store.exists(key)


@pytest.mark.parametrize("records_db", ["postgresql"], indirect=True)  # its advisory locks
def test_another_open_transaction_on_the_prefix_keeps_the_object(
        records_db: Database, local_store: ObjectStore) -> None:
    """On PostgreSQL a concurrent writer's shared lock on the prefix stops the clean-up
    from deleting an object it may be about to record; its own end cleans up."""
    prefix, data = "dossiers/7", pdf_with(b"cung luc")

    def other(session: Session) -> str:
        return put_object(session, local_store, prefix, io.BytesIO(data), suffix=".pdf").key

    def writer(session: Session) -> str:
        key = put_object(session, local_store, prefix, io.BytesIO(data), suffix=".pdf").key
        assert _fail_after(records_db, other) == key
        assert local_store.exists(key)  # the writer has not finished yet
        return key

    key = str(_fail_after(records_db, writer))
    assert not local_store.exists(key)


def test_check_store_finds_unreferenced_missing_and_resized_objects(
        records_db: Database, local_store: ObjectStore) -> None:
    dossier_id = _dossier(records_db)
    kept = _store(records_db, local_store, dossier_id, pdf_with(b"con day"), "a.pdf")
    lost = _store(records_db, local_store, dossier_id, pdf_with(b"mat roi"), "b.pdf")
    resized = _store(records_db, local_store, dossier_id, pdf_with(b"doi co"), "c.pdf")
    stray = local_store.put("dossiers/999", io.BytesIO(b"khong ai can"), suffix=".pdf").key
    local_store.delete(lost)
    with records_db.session() as session:
        row = session.scalar(select(DocumentFile).where(DocumentFile.object_key == resized))
        assert row is not None
        row.size += 1
    with records_db.session() as session:
        found = check_store(session, local_store)
        assert [info.key for info in found.unreferenced] == [stray]
        assert found.missing == [lost]
        assert [entry[0] for entry in found.wrong_size] == [resized]
        assert not found.clean
        young = check_store(session, local_store, delete=True)  # within the grace period
        assert young.deleted == []
        assert local_store.exists(stray)
        done = check_store(session, local_store, delete=True, grace=timedelta(0))
        assert done.deleted == [stray]
    assert not local_store.exists(stray)
    assert local_store.exists(kept)
    assert local_store.exists(resized)
