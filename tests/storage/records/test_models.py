"""Models round-trip on both databases: Vietnamese text, JSON, aware datetimes, enums."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from storage.errors import ConflictError
from storage.records import (
    ApiToken,
    Database,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    DossierStatus,
    Job,
    JobStatus,
    Role,
    Unit,
    User,
)

WARD = unicodedata.normalize("NFC", "Ủy ban nhân dân phường Hàng Bạc")
ICT = timezone(timedelta(hours=7))


def _seed(db: Database) -> dict[str, int]:
    with db.session() as session:
        district = Unit(code="HK", name="UBND quận Hoàn Kiếm")
        ward = Unit(code="HK-HB", name=WARD, parent=district)
        user = User(
            username="tiepnhan1",
            full_name="Nguyễn Thị Hương",
            password_hash="$argon2id$x",
            role=Role.intake,
            unit=ward,
        )
        session.add_all([district, ward, user])
        session.flush()
        session.add(
            ApiToken(
                token_hash="a" * 64,
                user_id=user.id,
                expires_at=datetime(2030, 1, 1, 7, 0, tzinfo=ICT),
            )
        )
        dossier = Dossier(
            unit_id=ward.id,
            procedure_code="1.001612",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Trần Văn Bình",
            processing_days=3,
            received_at=datetime(2024, 5, 6, 9, 30, 15, 123456, tzinfo=ICT),
            due_date=date(2024, 5, 9),
            created_by_id=user.id,
        )
        session.add(dossier)
        session.flush()
        document = Document(
            unit_id=ward.id,
            dossier_id=dossier.id,
            filename="giấy chứng sinh.pdf",
            media_type="application/pdf",
            fields={"họ_tên": "Trần Văn Bình", "ngày_sinh": "2024-05-01", "n": [1, 2.5, None]},
            confidence=0.87,
            status=DocumentStatus.digitised,
        )
        document.files.append(
            DocumentFile(
                version=1,
                role="original",
                object_key="sha256/ab/abcd",
                sha256="b" * 64,
                size=5_000_000_000,
                media_type="application/pdf",
            )
        )
        session.add(document)
        session.flush()
        session.add(Job(id=f"ocr:document:{document.id}", kind="ocr", status=JobStatus.queued))
        return {"ward": ward.id, "district": district.id, "document": document.id}


def test_round_trip(db: Database) -> None:
    ids = _seed(db)
    with db.session() as session:
        ward = session.get(Unit, ids["ward"])
        assert ward is not None
        assert ward.name == WARD
        assert unicodedata.is_normalized("NFC", ward.name)
        assert ward.parent is not None
        assert ward.parent.code == "HK"
        assert ward.created_at.tzinfo is not None
        assert ward.created_at.utcoffset() == timedelta(0)

        user = session.scalars(select(User)).one()
        assert user.role is Role.intake
        assert user.active
        assert user.unit.code == "HK-HB"
        token = session.scalars(select(ApiToken)).one()
        assert token.expires_at == datetime(2030, 1, 1, tzinfo=UTC)
        assert token.revoked_at is None

        dossier = session.scalars(select(Dossier)).one()
        assert dossier.status is DossierStatus.received
        assert dossier.received_at == datetime(2024, 5, 6, 2, 30, 15, 123456, tzinfo=UTC)
        assert dossier.received_at.tzinfo is not None
        assert dossier.due_date == date(2024, 5, 9)
        assert dossier.procedure_name == "Đăng ký khai sinh"

        document = session.get(Document, ids["document"])
        assert document is not None
        assert document.fields["họ_tên"] == "Trần Văn Bình"
        assert document.fields["n"] == [1, 2.5, None]
        assert document.needs_review is False
        assert document.current_version == 1
        assert document.status is DocumentStatus.digitised
        assert [(f.role, f.size) for f in document.files] == [("original", 5_000_000_000)]

        job = session.scalars(select(Job)).one()
        assert (job.status, job.progress_done, job.attempts, job.result) == (
            JobStatus.queued, 0, 0, None
        )  # fmt: skip


def test_json_changes_in_place_are_saved(db: Database) -> None:
    ids = _seed(db)
    with db.session() as session:
        document = session.get(Document, ids["document"])
        assert document is not None
        document.fields["số_định_danh"] = "001204000123"
    with db.session() as session:
        document = session.get(Document, ids["document"])
        assert document is not None
        assert document.fields["số_định_danh"] == "001204000123"


def test_enums_are_stored_as_their_values(db: Database) -> None:
    _seed(db)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT role FROM users")).scalar_one() == "intake"
        assert connection.execute(text("SELECT status FROM dossiers")).scalar_one() == "received"


def test_unknown_enum_value_is_refused(db: Database) -> None:
    ids = _seed(db)
    statement = text("UPDATE users SET role = 'emperor' WHERE unit_id = :u")
    with pytest.raises(IntegrityError, match=r"(?i)check"), db.engine.begin() as conn:
        conn.execute(statement, {"u": ids["ward"]})


def test_duplicate_is_a_conflict(db: Database) -> None:
    _seed(db)
    with pytest.raises(ConflictError), db.session() as session:
        session.add(Unit(code="HK", name="again"))


def test_naive_datetime_is_refused(db: Database) -> None:
    unit = Unit(code="X", name="x", created_at=datetime(2024, 1, 1))
    with db.session() as session:
        session.add(unit)
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
        session.rollback()


def test_deleting_a_document_deletes_its_files(db: Database) -> None:
    ids = _seed(db)
    with db.session() as session:
        session.execute(text("DELETE FROM jobs"))
        document = session.get(Document, ids["document"])
        session.delete(document)
    with db.session() as session:
        assert session.scalars(select(DocumentFile)).all() == []
