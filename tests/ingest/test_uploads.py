"""Uploading into a dossier and assigning from the tray, called directly: each file stored
once by content, recorded, its digitisation queued on the real Redis only after the
transaction commits; on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from api.queue import RqQueue
from ingest.dossiers import NewDossier, create_dossier
from ingest.uploads import IncomingFile, Uploader, assign_to_dossier, upload_files
from storage.accounts import create_unit
from storage.errors import ConflictError
from storage.objects import ObjectStore
from storage.records import (
    Database,
    Document,
    DocumentStatus,
    Dossier,
    DossierStatus,
    Job,
    JobStatus,
)
from tests.support.pdfs import pdf_with

UPLOADER = Uploader(actor="tiepnhan", user_id=None, max_bytes=10_000_000)


def _dossier(records_db: Database) -> tuple[int, int]:
    with records_db.session() as session:
        unit = create_unit(session, "XA", "Ủy ban nhân dân xã")
        dossier = create_dossier(
            session,
            NewDossier("1.004227", "Nguyễn Văn An", 5, unit.id),
            actor="tiepnhan",
            created_by_id=None,
        )
        return unit.id, dossier.id


def test_upload_stores_records_and_queues_after_commit(
    records_db: Database, local_store: ObjectStore, rq_queue: RqQueue
) -> None:
    unit_id, dossier_id = _dossier(records_db)
    files = [pdf_with(b"to khai"), pdf_with(b"giay chung nhan")]
    with records_db.session() as session:
        stored = upload_files(
            session,
            local_store,
            rq_queue,
            dossier=session.get(Dossier, dossier_id),
            unit_id=unit_id,
            uploader=UPLOADER,
            files=[IncomingFile(f"tep-{n}.pdf", io.BytesIO(data)) for n, data in enumerate(files)],
        )
        assert [s.duplicate for s in stored] == [False, False]
        assert len(rq_queue.queue) == 0  # nothing queued before the commit
    assert len(rq_queue.queue) == 2
    with records_db.session() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        assert [(d.filename, d.status) for d in documents] == [
            ("tep-0.pdf", DocumentStatus.queued),
            ("tep-1.pdf", DocumentStatus.queued),
        ]
        jobs = session.scalars(select(Job).order_by(Job.id)).all()
        assert [(j.id, j.status) for j in jobs] == [
            (f"ocr-document-{documents[0].id}-v1", JobStatus.queued),
            (f"ocr-document-{documents[1].id}-v1", JobStatus.queued),
        ]
        assert session.get(Dossier, dossier_id).status == DossierStatus.digitising
    with records_db.session() as session:  # the same content again: the existing document
        again = upload_files(
            session,
            local_store,
            rq_queue,
            dossier=session.get(Dossier, dossier_id),
            unit_id=unit_id,
            uploader=UPLOADER,
            files=[IncomingFile("ban-sao.pdf", io.BytesIO(files[0]))],
        )
        assert (again[0].duplicate, again[0].document.id) == (True, documents[0].id)
    assert len(rq_queue.queue) == 2


def test_assign_from_the_tray(
    records_db: Database, local_store: ObjectStore, rq_queue: RqQueue
) -> None:
    unit_id, dossier_id = _dossier(records_db)
    with records_db.session() as session:
        [tray] = upload_files(
            session,
            local_store,
            rq_queue,
            dossier=None,
            unit_id=unit_id,
            uploader=UPLOADER,
            files=[IncomingFile("chua-gan.pdf", io.BytesIO(pdf_with(b"x")))],
        )
        assert tray.document.dossier_id is None
        moved = assign_to_dossier(
            session, tray.document, session.get(Dossier, dossier_id), actor="tiepnhan"
        )
        assert moved.dossier_id == dossier_id
        with pytest.raises(ConflictError, match="already belongs"):
            assign_to_dossier(session, moved, session.get(Dossier, dossier_id), actor="tiepnhan")
