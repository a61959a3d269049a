"""Fixity checks: re-read a stored object and confirm it still has its recorded SHA-256.

Archives run these periodically ("fixity" in digital preservation) so that silent
corruption or tampering in the object store is found while a good copy may still exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from storage.errors import NotFoundError
from storage.jobs import ProgressReporter, RunningJob, SessionFactory
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.records import AuditAction, Document, DocumentFile, append_audit

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class FixityResult:
    """The outcome of re-hashing one object."""

    key: str
    expected_sha256: str
    actual_sha256: str
    size: int

    @property
    def ok(self) -> bool:
        """Whether the object still has the recorded hash."""
        return self.expected_sha256 == self.actual_sha256


def check_fixity(
    store: ObjectStore,
    key: str,
    expected_sha256: str,
    progress: ProgressCallback | None = None,
) -> FixityResult:
    """Stream the object at ``key`` through SHA-256, reporting ``(bytes_done, bytes_total)``."""
    total = store.stat(key).size
    digest = hashlib.sha256()
    done = 0
    with store.open(key) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return FixityResult(key=key, expected_sha256=expected_sha256, actual_sha256=digest.hexdigest(),
                        size=done)


def check_document_fixity(sessions: SessionFactory, store: ObjectStore, job: RunningJob,
                          document_id: int) -> dict[str, Any]:
    """The fixity job: re-hash every stored file of a document, record whether each still
    matches (audited) and mark ``job`` done with the result in the same transaction."""
    with sessions() as session:
        rows = session.scalars(select(DocumentFile).where(
            DocumentFile.document_id == document_id).order_by(DocumentFile.id)).all()
        targets = [(row.object_key, row.sha256, row.size) for row in rows]
    total = sum(size for _, _, size in targets)
    reporter = ProgressReporter(job)
    done_before = 0
    files = []
    for key, sha256, size in targets:
        def report(done: int, _total: int, offset: int = done_before) -> None:
            reporter(offset + done, total)

        outcome = check_fixity(store, key, sha256, report)
        files.append({"key": key, "ok": outcome.ok, "sha256": outcome.actual_sha256})
        done_before += size
    result = {"document": document_id, "ok": all(item["ok"] for item in files), "files": files}
    with sessions() as session:
        if session.get(Document, document_id) is None:
            raise NotFoundError("document no longer exists", subject=f"document {document_id}")
        append_audit(session, actor="system", action=AuditAction.fixity_checked,
                     subject_type="document", subject_id=document_id,
                     details={"ok": result["ok"], "files": len(files)})
        job.finish(session, result)
    return result
