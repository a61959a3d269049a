"""A dossier's life: received -> digitising -> digitised -> in progress -> result signed ->
returned. Every change is checked against the allowed moves and audited; the moment the
result is signed is the moment the dossier counts as resolved (on time, early or late), so
only a leader, a records clerk or an administrator may say so, and only once one of the
dossier's documents carries a signature."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import ConflictError, PermissionDeniedError
from storage.records import (
    AuditAction,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    DossierStatus,
    FileRole,
    UserRole,
    append_audit,
)

S = DossierStatus
ALLOWED: dict[DossierStatus, frozenset[DossierStatus]] = {
    S.received: frozenset({S.digitising, S.in_progress}),
    S.digitising: frozenset({S.digitised, S.in_progress}),
    S.digitised: frozenset({S.digitising, S.in_progress}),
    S.in_progress: frozenset({S.result_signed, S.digitising}),
    S.result_signed: frozenset({S.returned}),
    S.returned: frozenset(),
}
"""Which status may follow which (more scans may arrive until work on the result starts)."""

SIGNS_RESULTS = frozenset({UserRole.leader, UserRole.clerk, UserRole.admin})
"""Who may record that a dossier's result is signed."""


def _check_result_signed(session: Session, dossier: Dossier, role: UserRole | None) -> None:
    if role not in SIGNS_RESULTS:
        raise PermissionDeniedError("only a leader, a records clerk or an administrator may "
                                    "record the result as signed",
                                    subject=f"dossier {dossier.id}")
    signed = session.scalar(select(DocumentFile.id).join(Document).where(
        Document.dossier_id == dossier.id, DocumentFile.role == FileRole.signed).limit(1))
    if signed is None:
        raise ConflictError("none of the dossier's documents is signed yet: sign the result "
                            "first", subject=f"dossier {dossier.id}")


def move_dossier(session: Session, dossier: Dossier, to: DossierStatus, *, actor: str,
                 role: UserRole | None = None, at: datetime | None = None,
                 note: str = "") -> None:
    """Move ``dossier`` to ``to``, audited; :class:`ConflictError` for a move the life of a
    dossier does not allow. ``result_signed`` needs the mover's ``role`` to be leader,
    clerk or admin (else :class:`PermissionDeniedError`) and a signed document in the
    dossier (else :class:`ConflictError`)."""
    if dossier.status == to:
        return
    if to not in ALLOWED[dossier.status]:
        allowed = ", ".join(sorted(ALLOWED[dossier.status])) or "none"
        raise ConflictError(f"a {dossier.status} dossier cannot become {to} (allowed: "
                            f"{allowed})", subject=f"dossier {dossier.id}")
    if to == S.result_signed:
        _check_result_signed(session, dossier, role)
    when = at or datetime.now(UTC)
    before = dossier.status
    dossier.status = to
    if to == S.result_signed and dossier.resolved_at is None:
        dossier.resolved_at = when
    append_audit(session, actor=actor, action=AuditAction.dossier_status, subject_type="dossier",
                 subject_id=dossier.id,
                 details={"from": str(before), "to": str(to), "at": when.isoformat(),
                          **({"note": note} if note else {})})


def note_document_digitised(session: Session, dossier_id: int, *, actor: str) -> None:
    """After a document of the dossier was digitised: the dossier is digitised when every
    one of its documents is."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.status != S.digitising:
        return
    statuses = session.scalars(select(Document.status).where(
        Document.dossier_id == dossier_id)).all()
    if statuses and all(status == DocumentStatus.digitised for status in statuses):
        move_dossier(session, dossier, S.digitised, actor=actor)


def note_upload(session: Session, dossier: Dossier, *, actor: str) -> None:
    """A new document arrived: a received (or digitised) dossier is digitising again."""
    if dossier.status in (S.received, S.digitised):
        move_dossier(session, dossier, S.digitising, actor=actor)
