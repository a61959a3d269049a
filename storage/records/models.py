"""The records schema (SQLite and PostgreSQL): units, users, dossiers, documents, jobs, audit.

Datetimes are stored as UTC and read back timezone-aware; enums are strings with a CHECK.
The Alembic migrations create the schema; ``Base.metadata.create_all`` gives the same one
(``storage.records.audit`` adds the audit head row and append-only triggers to it).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.records.vocabulary import (
    AssignmentStatus,
    Confidentiality,
    DocumentStatus,
    DossierStatus,
    EntrySource,
    EntryState,
    FileRole,
    HandlerRole,
    JobKind,
    JobStatus,
    RegisterEventKind,
    RegisterKind,
    SigningRequestStatus,
    SigningRole,
    TrainingSource,
    Urgency,
    UserRole,
)

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

GENESIS_HASH = "0" * 64  # prev_hash of the first audit entry, last_hash of an empty log


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A datetime stored as UTC, returned aware (UTC) on SQLite too; naive ones are refused."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL, JSON elsewhere; audit details stay plain JSON (read back as hashed).
JSONDict = MutableDict.as_mutable(sa.JSON().with_variant(JSONB(), "postgresql"))


def _str_enum(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


class EnumString(sa.TypeDecorator[Any]):
    """A StrEnum kept as a plain string column (no CHECK: the set may grow without a
    migration) and read back as the enum's member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return None if value is None else self.enum_class(value)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (portable migrations)."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Unit(Base):
    """An administrative unit (ward, district office, department); units form a tree."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    organ_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # edXML OrganId
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list[Unit]] = relationship(back_populates="parent")


class User(Base):
    """A person who signs in; belongs to exactly one unit."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(255))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[UserRole] = mapped_column(_str_enum(UserRole, "role"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()


class ApiToken(Base):
    """A bearer token, stored only as the SHA-256 hex of its value."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Dossier(Base):
    """An application dossier (hồ sơ thủ tục hành chính) received by a unit."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(sa.String(64))
    procedure_name: Mapped[str] = mapped_column(sa.String(512), default="")
    applicant_name: Mapped[str] = mapped_column(sa.String(255))
    applicant_id_number: Mapped[str] = mapped_column(sa.String(12), default="",
                                                     server_default="")
    """The applicant's personal number (CCCD: 12 digits), empty when not given."""
    processing_days: Mapped[int] = mapped_column(sa.Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[DossierStatus] = mapped_column(
        _str_enum(DossierStatus, "dossier_status"), default=DossierStatus.received, index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    documents: Mapped[list[Document]] = relationship(back_populates="dossier")


class Document(Base):
    """A document: scanned into a dossier, or drafted and signed as outgoing."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(127))
    doc_type: Mapped[str | None] = mapped_column(sa.String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONDict, default=dict)
    confidence: Mapped[float | None] = mapped_column()
    needs_review: Mapped[bool] = mapped_column(default=False)
    classification: Mapped[dict[str, Any] | None] = mapped_column(JSONDict, nullable=True)
    status: Mapped[DocumentStatus] = mapped_column(
        _str_enum(DocumentStatus, "document_status"), index=True
    )
    page_count: Mapped[int | None] = mapped_column(sa.Integer)
    current_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier | None] = relationship(back_populates="documents")
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(DocumentFile.version, DocumentFile.role)",
    )


class DocumentFile(Base):
    """One stored object of one version of a document (original, searchable PDF, ...)."""

    __tablename__ = "document_files"
    __table_args__ = (sa.UniqueConstraint("document_id", "version", "role"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(sa.Integer)
    role: Mapped[FileRole] = mapped_column(EnumString(FileRole, 32))
    object_key: Mapped[str] = mapped_column(sa.String(512))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(127))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")


class Job(Base):
    """A background job; ``id`` is deterministic (``"fixity:document:12"``) to dedupe."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    kind: Mapped[JobKind] = mapped_column(EnumString(JobKind, 64))
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    dossier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="SET NULL")
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="SET NULL"))
    status: Mapped[JobStatus] = mapped_column(_str_enum(JobStatus, "job_status"), index=True)
    progress_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    progress_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDict)
    worker: Mapped[str | None] = mapped_column(sa.String(255))
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """One link of the hash-chained, append-only audit log. Write via ``append_audit``."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditHead(Base):
    """The single row (id=1) naming the last audit entry, so trailing deletes show."""

    __tablename__ = "audit_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(sa.Integer)
    last_hash: Mapped[str] = mapped_column(sa.String(64))


class TrainingExample(Base):
    """A document's type and fields as staff confirmed or corrected them: training data for
    the classifier, with the text it was read from."""

    __tablename__ = "training_examples"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    doc_type: Mapped[str] = mapped_column(sa.String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONDict, default=dict)
    text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[TrainingSource] = mapped_column(EnumString(TrainingSource, 16))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClassifierModel(Base):
    """One trained version of the classification model, stored in the object store."""

    __tablename__ = "classifier_models"

    version: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    object_key: Mapped[str] = mapped_column(sa.String(512))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    examples: Mapped[int] = mapped_column(sa.Integer)  # labelled texts it was trained on
    last_example_id: Mapped[int] = mapped_column(sa.Integer, default=0)  # newest correction in it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SigningCredential(Base):
    """A signer's PKCS#12 key file held by the service. The file is stored in the object
    store exactly as uploaded, encrypted by its PIN, and only ever decrypted in memory for
    one signing session; the PIN is never stored."""

    __tablename__ = "signing_credentials"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    object_key: Mapped[str] = mapped_column(sa.String(512))
    subject: Mapped[str] = mapped_column(sa.String(512))
    issuer: Mapped[str] = mapped_column(sa.String(512))
    serial: Mapped[str] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SigningRequest(Base):
    """A document waiting for (or given) a signature by one user in one role."""

    __tablename__ = "signing_requests"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[SigningRole] = mapped_column(EnumString(SigningRole, 16))
    level: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[SigningRequestStatus] = mapped_column(
        EnumString(SigningRequestStatus, 16), default=SigningRequestStatus.pending, index=True)
    signed_version: Mapped[int | None] = mapped_column(sa.Integer)
    field_name: Mapped[str | None] = mapped_column(sa.String(64))
    signing_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pending_key: Mapped[str | None] = mapped_column(sa.String(512))  # external signing state
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AttemptCounter(Base):
    """Failed attempts at a secret (a password, a PIN) under one key, such as
    ``password:user:an`` or ``pin:key:<fingerprint>``, and how long it stays locked."""

    __tablename__ = "attempt_counters"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CertificateBinding(Base):
    """A signing certificate (by SHA-256 fingerprint) an administrator bound to a user, for
    key files whose subject does not carry the user's registered name."""

    __tablename__ = "certificate_bindings"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegisterCounter(Base):
    """The last number taken in one register book (a unit's incoming or outgoing book) in
    one year (Vietnam time). Numbers are taken by one atomic upsert of this row, never by
    MAX+1 over the entries, so two clerks at once never get the same number."""

    __tablename__ = "register_counters"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[RegisterKind] = mapped_column(EnumString(RegisterKind, 16), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(sa.Integer, default=0)


class RegisterEntry(Base):
    """One line of a register book (sổ văn bản đến / đi): the number taken, the document's
    particulars, where they came from, and its handling state."""

    __tablename__ = "register_entries"
    __table_args__ = (sa.UniqueConstraint("unit_id", "kind", "year", "number", "sub_number"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    kind: Mapped[RegisterKind] = mapped_column(EnumString(RegisterKind, 16))
    year: Mapped[int] = mapped_column(sa.Integer)
    number: Mapped[int] = mapped_column(sa.Integer)
    sub_number: Mapped[str] = mapped_column(sa.String(8), default="")
    registered_on: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[EntrySource] = mapped_column(EnumString(EntrySource, 16))
    state: Mapped[EntryState] = mapped_column(EnumString(EntryState, 16),
                                              default=EntryState.awaiting, index=True)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    sender: Mapped[str] = mapped_column(sa.String(255), default="")
    issuing_agency: Mapped[str] = mapped_column(sa.String(255), default="")
    symbol: Mapped[str] = mapped_column(sa.String(64), default="")
    doc_type: Mapped[str] = mapped_column(sa.String(32), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    signer: Mapped[str] = mapped_column(sa.String(255), default="")
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    confidentiality: Mapped[Confidentiality] = mapped_column(
        EnumString(Confidentiality, 16), default=Confidentiality.thuong)
    urgency: Mapped[Urgency] = mapped_column(EnumString(Urgency, 16), default=Urgency.thuong)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    sheets: Mapped[int | None] = mapped_column(sa.Integer)
    copies: Mapped[int | None] = mapped_column(sa.Integer)
    paper_copy: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document | None] = relationship()


class RegisterAssignment(Base):
    """A handler given a register entry by a leader: the lead or a support, a deadline."""

    __tablename__ = "register_assignments"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    handler_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[HandlerRole] = mapped_column(EnumString(HandlerRole, 16))
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[AssignmentStatus] = mapped_column(
        EnumString(AssignmentStatus, 16), default=AssignmentStatus.open)
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    handler: Mapped[User] = relationship(foreign_keys=[handler_id])


class RegisterEvent(Base):
    """What happened to a register entry, in order; ``status_code`` is the exchange status
    (``04``/``05``/``06``) the event is to be answered with, ``sent_at`` when it was sent."""

    __tablename__ = "register_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RegisterEventKind] = mapped_column(EnumString(RegisterEventKind, 16))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDict, default=dict)
    status_code: Mapped[str | None] = mapped_column(sa.String(2))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeCredential(Base):
    """A unit's key for signing its exchange (edXML) messages: a PKCS#12 kept sealed under
    the server's key in the object store, like a signer's; the PIN is never stored."""

    __tablename__ = "exchange_credentials"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         index=True)
    object_key: Mapped[str] = mapped_column(sa.String(512))
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.String(512))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangePeer(Base):
    """Another party of the exchange (a unit of another sohoa installation, or any
    agency): its OrganId, name, base URL and the certificate its messages are signed by."""

    __tablename__ = "exchange_peers"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    organ_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    base_url: Mapped[str | None] = mapped_column(sa.String(512))
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeOutboxMessage(Base):
    """A signed edXML message waiting for (or done with) delivery to one recipient: a
    document sent by a unit, or a status answering a document the unit received. The
    signed bytes are in the object store; ``status_code`` is the newest status the
    recipient answered a document with (its trail: :class:`ExchangeStatusEvent`)."""

    __tablename__ = "exchange_outbox"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="SET NULL"))
    message_document_id: Mapped[str] = mapped_column(sa.String(255))
    recipient: Mapped[str] = mapped_column(sa.String(64))
    object_key: Mapped[str] = mapped_column(sa.String(512))
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    status_code: Mapped[str | None] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # a revocation (kind "revoke"), update or replacement: the DocumentId it is about
    refers_to: Mapped[str] = mapped_column(sa.String(255), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class ExchangeStatusEvent(Base):
    """One status a recipient answered a sent document with, in arrival order."""

    __tablename__ = "exchange_status_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exchange_outbox.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(2))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    stated_at: Mapped[datetime | None] = mapped_column(sa.DateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeInboxMessage(Base):
    """A document message that arrived for a unit, idempotent by (unit, sender,
    DocumentId): its verdict, the reasons of a refusal, the stored document and its
    register entry, and the newest status answered."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (sa.UniqueConstraint("unit_id", "sender", "message_document_id",
                                          name="uq_exchange_inbox_message"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         index=True)
    sender: Mapped[str] = mapped_column(sa.String(64))
    sender_name: Mapped[str] = mapped_column(sa.String(255), default="")
    message_document_id: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.Text, default="")
    object_key: Mapped[str] = mapped_column(sa.String(512))
    accepted: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSONDict, default=dict)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="SET NULL"))
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_entries.id", ondelete="SET NULL"))
    status_code: Mapped[str] = mapped_column(sa.String(2))
    answer_key: Mapped[str] = mapped_column(sa.String(512), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # set when the sender's revocation or replacement was accepted (kept for history)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExchangeRequest(Base):
    """A sender's revocation (business 1), update (2) or replacement (3) of a document it
    sent to a unit: waiting for the records office's decision (``pending``), or
    ``accepted`` (answered 15) or ``refused`` (16, always with a reason; automatically
    when the unit does not hold the document from that sender). Idempotent by (unit,
    sender, fingerprint of business, DocumentIds and reason)."""

    __tablename__ = "exchange_requests"
    __table_args__ = (sa.UniqueConstraint("unit_id", "sender", "fingerprint",
                                          name="uq_exchange_requests_message"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         index=True)
    sender: Mapped[str] = mapped_column(sa.String(64))
    sender_name: Mapped[str] = mapped_column(sa.String(255), default="")
    business: Mapped[int] = mapped_column(sa.Integer)
    message_document_id: Mapped[str] = mapped_column(sa.String(255))
    target_document_id: Mapped[str] = mapped_column(sa.String(255))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    object_key: Mapped[str] = mapped_column(sa.String(512))
    inbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exchange_inbox.id", ondelete="SET NULL"))
    new_inbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exchange_inbox.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    answer_key: Mapped[str] = mapped_column(sa.String(512), default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeUnattendedKey(Base):
    """A unit's permission for the server to sign its status messages by itself: the PIN
    of its exchange key sealed under the server's key (for that key only)."""

    __tablename__ = "exchange_unattended_keys"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    sealed_pin: Mapped[bytes] = mapped_column(sa.LargeBinary)
