"""Ingesting files from disk, for the back office (``sohoa ingest``) and the scanner folder
(``sohoa watch``): a file meant for one dossier is uploaded into it; any other file is a
scanned stack, kept and split at its cover sheets here and now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.intake import safe_filename
from ingest.stacks import document_entry, receive_stack, split_stack
from ingest.uploads import IncomingFile, Uploader, upload_files
from storage.errors import NotFoundError
from storage.jobs import JobQueue, SessionFactory
from storage.objects import ObjectStore
from storage.records import Dossier


def ingest_path(sessions: SessionFactory, store: ObjectStore, queue: JobQueue, path: Path, *,
                unit_id: int, dossier_id: int | None, uploader: Uploader) -> dict[str, Any]:
    """Store ``path`` and queue its processing; returns the documents made (CLI contract:
    dossier, document, pages, doc_type, fields, status) and any unassigned pages."""
    name = safe_filename(path.name)
    with path.open("rb") as stream:
        upload = IncomingFile(name, stream)
        if dossier_id is not None:
            with sessions() as session:
                dossier = session.get(Dossier, dossier_id)
                if dossier is None:
                    raise NotFoundError("no such dossier", subject=str(dossier_id))
                stored = upload_files(session, store, queue, dossier=dossier,
                                      unit_id=dossier.unit_id, files=[upload],
                                      uploader=uploader)
                return {"file": name, "documents": [document_entry(s, None) for s in stored],
                        "unassigned": []}
        with sessions() as session:
            stack = receive_stack(session, store, unit_id=unit_id, upload=upload,
                                  uploader=uploader)
    with sessions() as session:
        return split_stack(session, store, queue, stack, uploader)
