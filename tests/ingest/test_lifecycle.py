"""A dossier's life in the records database: the moves allowed and refused, the moves made
on upload and when documents are digitised, and the audit entry every move leaves."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.dossiers import NewDossier, create_dossier
from ingest.lifecycle import move_dossier, note_document_digitised, note_upload
from storage.errors import ConflictError, PermissionDeniedError
from storage.records import (
    AuditEntry,
    Database,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    DossierStatus,
    FileRole,
    UserRole,
    verify_audit_chain,
)

S = DossierStatus
LIFE = {
    (S.received, S.digitising), (S.received, S.in_progress),
    (S.digitising, S.digitised), (S.digitising, S.in_progress),
    (S.digitised, S.digitising), (S.digitised, S.in_progress),
    (S.in_progress, S.result_signed), (S.in_progress, S.digitising),
    (S.result_signed, S.returned),
}
"""Every move the life of a dossier allows, written out (not read from the module)."""
REFUSED = sorted((a, b) for a, b in product(S, S) if a != b and (a, b) not in LIFE)
AT = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)


def _dossier(session: Session, unit_id: int, status: DossierStatus = S.received) -> Dossier:
    dossier = create_dossier(session, NewDossier("1.004227", "Nguyễn Thị Hằng", 15, unit_id),
                             actor="motcua1", created_by_id=None,
                             received_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    dossier.status = status
    session.flush()
    return dossier


def _document(session: Session, dossier: Dossier, status: DocumentStatus) -> Document:
    document = Document(unit_id=dossier.unit_id, dossier_id=dossier.id, filename="to-khai.pdf",
                        media_type="application/pdf", status=status)
    session.add(document)
    session.flush()
    return document


def _sign_a_document(session: Session, dossier: Dossier) -> None:
    """A document of the dossier with a signed version (what ``result_signed`` needs)."""
    document = _document(session, dossier, DocumentStatus.signed)
    session.add(DocumentFile(document_id=document.id, version=2, role=FileRole.signed,
                             object_key=f"dossiers/{dossier.id}/{'a' * 64}.pdf",
                             sha256="a" * 64, size=1, media_type="application/pdf"))
    session.flush()


def _status(session: Session, dossier_id: int) -> DossierStatus:
    return session.scalars(select(Dossier.status).where(Dossier.id == dossier_id)).one()


def _moves(session: Session, dossier_id: int) -> list[tuple[str, dict[str, object]]]:
    """(actor, details) of the dossier's status entries in the audit log, oldest first."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "dossier_status", AuditEntry.subject_type == "dossier",
        AuditEntry.subject_id == str(dossier_id)).order_by(AuditEntry.id)).all()
    return [(entry.actor, dict(entry.details)) for entry in entries]


def test_the_written_life_has_nine_moves_and_twenty_one_refusals() -> None:
    assert len(LIFE) == 9
    assert len(REFUSED) == 6 * 5 - 9


@pytest.mark.parametrize(("before", "after"), sorted(LIFE))
def test_allowed_move_is_made_and_audited(db: Database, unit_id: int, before: DossierStatus,
                                          after: DossierStatus) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, before)
        _sign_a_document(session, dossier)
        dossier_id = dossier.id
    with db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        move_dossier(session, dossier, after, actor="chuyenvien2", role=UserRole.leader,
                     at=AT, note="đủ hồ sơ")
    with db.session() as session:
        stored = session.get(Dossier, dossier_id)
        assert stored is not None
        assert stored.status == after
        assert _moves(session, dossier_id) == [("chuyenvien2", {
            "from": str(before), "to": str(after), "at": "2026-03-09T03:30:00+00:00",
            "note": "đủ hồ sơ"})]
        assert verify_audit_chain(session).ok


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_refused_move_changes_nothing(db: Database, unit_id: int, before: DossierStatus,
                                      after: DossierStatus) -> None:
    with db.session() as session:
        dossier_id = _dossier(session, unit_id, before).id
    with db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        with pytest.raises(ConflictError) as refused:
            move_dossier(session, dossier, after, actor="chuyenvien2", at=AT)
        assert refused.value.subject == f"dossier {dossier_id}"
        assert refused.value.message.startswith(f"a {before} dossier cannot become {after} ")
        assert dossier.status == before
        assert dossier.resolved_at is None
        assert _moves(session, dossier_id) == []


def test_refusal_names_the_allowed_moves(db: Database, unit_id: int) -> None:
    with db.session() as session:
        received = _dossier(session, unit_id, S.received)
        returned = _dossier(session, unit_id, S.returned)
        with pytest.raises(ConflictError) as first:
            move_dossier(session, received, S.returned, actor="chuyenvien2")
        with pytest.raises(ConflictError) as second:
            move_dossier(session, returned, S.in_progress, actor="chuyenvien2")
    assert first.value.message == ("a received dossier cannot become returned "
                                   "(allowed: digitising, in_progress)")
    assert second.value.message == "a returned dossier cannot become in_progress (allowed: none)"


def test_moving_to_the_same_status_is_no_move(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.in_progress)
        move_dossier(session, dossier, S.in_progress, actor="chuyenvien2", at=AT)
        assert dossier.status == S.in_progress
        assert _moves(session, dossier.id) == []


def test_note_is_left_out_of_the_audit_when_empty(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.received)
        move_dossier(session, dossier, S.in_progress, actor="chuyenvien2", at=AT)
        assert _moves(session, dossier.id) == [("chuyenvien2", {
            "from": "received", "to": "in_progress", "at": "2026-03-09T03:30:00+00:00"})]


def test_signing_the_result_resolves_the_dossier_once(db: Database, unit_id: int) -> None:
    signed_at = datetime(2026, 3, 20, 9, 15, tzinfo=UTC)
    returned_at = datetime(2026, 3, 23, 1, 0, tzinfo=UTC)
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.in_progress)
        _sign_a_document(session, dossier)
        dossier_id = dossier.id
        move_dossier(session, dossier, S.result_signed, actor="lanhdao1", role=UserRole.leader,
                     at=signed_at)
        move_dossier(session, dossier, S.returned, actor="motcua1", at=returned_at)
    with db.session() as session:
        stored = session.get(Dossier, dossier_id)
        assert stored is not None
        assert (stored.status, stored.resolved_at) == (S.returned, signed_at)
        assert [(actor, details["to"], details["at"])
                for actor, details in _moves(session, dossier_id)] == [
            ("lanhdao1", "result_signed", "2026-03-20T09:15:00+00:00"),
            ("motcua1", "returned", "2026-03-23T01:00:00+00:00")]


def test_only_signing_the_result_sets_the_resolution_time(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.received)
        for status in (S.digitising, S.digitised, S.in_progress):
            move_dossier(session, dossier, status, actor="chuyenvien2", at=AT)
            assert dossier.resolved_at is None


def test_a_move_without_a_time_is_stamped_now(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.in_progress)
        _sign_a_document(session, dossier)
        before = datetime.now(UTC)
        move_dossier(session, dossier, S.result_signed, actor="lanhdao1", role=UserRole.clerk)
        after = datetime.now(UTC)
        assert dossier.resolved_at is not None
        assert before <= dossier.resolved_at <= after
        [(_, details)] = _moves(session, dossier.id)
        assert details["at"] == dossier.resolved_at.isoformat()


@pytest.mark.parametrize(("before", "after"), [
    (S.received, S.digitising), (S.digitised, S.digitising), (S.digitising, S.digitising),
    (S.in_progress, S.in_progress), (S.result_signed, S.result_signed),
    (S.returned, S.returned)])
def test_upload_makes_a_received_or_digitised_dossier_digitising(
        db: Database, unit_id: int, before: DossierStatus, after: DossierStatus) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, before)
        note_upload(session, dossier, actor="motcua1")
        assert dossier.status == after
        expected = [] if before == after else [("motcua1", str(before), str(after))]
        assert [(actor, details["from"], details["to"])
                for actor, details in _moves(session, dossier.id)] == expected


def test_dossier_is_digitised_when_its_last_document_is(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.digitising)
        first = _document(session, dossier, DocumentStatus.processing)
        second = _document(session, dossier, DocumentStatus.queued)
        first.status = DocumentStatus.digitised
        session.flush()
        note_document_digitised(session, dossier.id, actor="system")
        assert dossier.status == S.digitising
        assert _moves(session, dossier.id) == []

        second.status = DocumentStatus.digitised
        session.flush()
        note_document_digitised(session, dossier.id, actor="system")
        assert _status(session, dossier.id) == S.digitised
        assert [(actor, details["from"], details["to"])
                for actor, details in _moves(session, dossier.id)] == [
            ("system", "digitising", "digitised")]


@pytest.mark.parametrize("failed_or_waiting", [
    DocumentStatus.failed, DocumentStatus.received, DocumentStatus.processing])
def test_one_document_not_digitised_keeps_the_dossier_digitising(
        db: Database, unit_id: int, failed_or_waiting: DocumentStatus) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.digitising)
        _document(session, dossier, DocumentStatus.digitised)
        _document(session, dossier, failed_or_waiting)
        note_document_digitised(session, dossier.id, actor="system")
        assert dossier.status == S.digitising
        assert _moves(session, dossier.id) == []


def test_digitised_documents_move_only_a_digitising_dossier(db: Database, unit_id: int) -> None:
    with db.session() as session:
        empty = _dossier(session, unit_id, S.digitising)
        working = _dossier(session, unit_id, S.in_progress)
        _document(session, working, DocumentStatus.digitised)
        note_document_digitised(session, empty.id, actor="system")
        note_document_digitised(session, working.id, actor="system")
        note_document_digitised(session, 999_999, actor="system")
        assert (empty.status, working.status) == (S.digitising, S.in_progress)
        assert session.scalars(select(AuditEntry.action)).all() == [
            "dossier_created", "dossier_created"]


@pytest.mark.parametrize("role", [UserRole.intake, None])
def test_only_a_leader_clerk_or_admin_records_the_result_signed(
        db: Database, unit_id: int, role: UserRole | None) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.in_progress)
        _sign_a_document(session, dossier)
        with pytest.raises(PermissionDeniedError):
            move_dossier(session, dossier, S.result_signed, actor="motcua1", role=role)
        assert (dossier.status, dossier.resolved_at) == (S.in_progress, None)
        move_dossier(session, dossier, S.result_signed, actor="quantri", role=UserRole.admin)
        assert dossier.status == S.result_signed


def test_the_result_is_signed_only_with_a_signed_document(db: Database, unit_id: int) -> None:
    with db.session() as session:
        dossier = _dossier(session, unit_id, S.in_progress)
        _document(session, dossier, DocumentStatus.digitised)
        with pytest.raises(ConflictError) as refused:
            move_dossier(session, dossier, S.result_signed, actor="lanhdao1",
                         role=UserRole.leader)
        assert "signed" in refused.value.message
        assert (dossier.status, dossier.resolved_at) == (S.in_progress, None)
        assert _moves(session, dossier.id) == []
