"""The hash-chained, append-only audit log.

Each entry's ``hash`` is the SHA-256 of the canonical JSON of its own fields plus the hash
of the entry before it, so editing or deleting an entry breaks the chain; the single
``audit_head`` row, updated in the same transaction as every append, names the last entry
so deleting entries from the end shows too. On PostgreSQL and SQLite a trigger rejects
UPDATE and DELETE on ``audit_log``; the chain catches whoever disables it.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any
from uuid import UUID

from sqlalchemy import DDL, event, select, update
from sqlalchemy.orm import Session

from storage.errors import BadInputError, ConflictError
from storage.records.models import GENESIS_HASH, AuditEntry, AuditHead, utcnow
from storage.records.vocabulary import AuditAction

SYSTEM_ACTOR = "system"
APPEND_ONLY_TRIGGERS: dict[str, tuple[str, ...]] = {
    "postgresql": ("audit_log_append_only", "audit_log_no_truncate"),
    "sqlite": ("audit_log_no_update", "audit_log_no_delete"),
}
"""Names of the triggers that make ``audit_log`` append-only, per database."""

_LIMITS = {"actor": 64, "action": 64, "subject_type": 32, "subject_id": 64}


@dataclass(frozen=True)
class AuditCheck:
    """Result of :func:`verify_audit_chain`.

    ``entries`` counts the entries verified before the first problem (all of them when
    ``ok``); ``first_bad_id`` is the id of the first altered or missing entry, if known.
    """

    ok: bool
    entries: int
    first_bad_id: int | None = None
    reason: str | None = None


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, UUID | PurePath):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _canonical(value: object) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_hash(
    *,
    id: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 hex of the canonical JSON of an entry's fields (``at`` as UTC ISO, µs)."""
    payload = {
        "id": id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    """Take the audit head row for this transaction, serialising concurrent appenders."""
    query = select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    else:
        # SQLite: a no-op write takes the database write lock (waiting busy_timeout) before
        # the head is read, so two appenders can never read the same head.
        session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_id=AuditHead.last_id)
            .execution_options(synchronize_session=False)
        )
    head = session.execute(query).scalar_one_or_none()
    if head is None:
        raise ConflictError("the audit_head row is missing; run upgrade_schema", subject="audit")
    return head


def append_audit(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    subject_type: str,
    subject_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain in the session's transaction and return it.

    ``actor`` is a username or ``"system"``. ``details`` must be JSON-like (datetimes,
    enums, UUIDs and paths are turned into strings). The entry is flushed, not committed.
    """
    fields = {
        "actor": actor,
        "action": str(action),
        "subject_type": subject_type,
        "subject_id": str(subject_id),
    }
    for name, limit in _LIMITS.items():
        if not fields[name] or len(fields[name]) > limit:
            raise BadInputError(f"{name} must have 1 to {limit} characters", subject="audit")
    try:
        clean = json.loads(
            json.dumps(details or {}, default=_json_default, allow_nan=False, sort_keys=True)
        )
    except (TypeError, ValueError) as error:
        raise BadInputError(f"audit details are not JSON: {error}", subject="audit") from error
    if not isinstance(clean, dict):
        raise BadInputError("audit details must be a JSON object", subject="audit")

    head = _lock_head(session)
    entry_id, at = head.last_id + 1, utcnow()
    digest = entry_hash(id=entry_id, at=at, details=clean, prev_hash=head.last_hash, **fields)
    entry = AuditEntry(
        id=entry_id, at=at, details=clean, prev_hash=head.last_hash, hash=digest, **fields
    )
    session.add(entry)
    head.last_id, head.last_hash = entry_id, digest
    session.flush()
    return entry


def verify_audit_chain(session: Session) -> AuditCheck:
    """Walk the whole audit log and report the first edited, missing or extra entry."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    rows = session.execute(
        select(AuditEntry.__table__).order_by(AuditEntry.id).execution_options(yield_per=1000)
    )
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    for row in rows:
        if row.id != expected_id:
            return AuditCheck(
                False, count, expected_id, f"entry {expected_id} is missing (next is {row.id})"
            )
        if row.prev_hash != prev_hash:
            reason = "prev_hash does not match the previous entry (entry replaced or missing)"
            return AuditCheck(False, count, row.id, reason)
        recomputed = entry_hash(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            details=row.details,
            prev_hash=row.prev_hash,
        )
        if recomputed != row.hash:
            return AuditCheck(False, count, row.id, "hash mismatch: the entry was altered")
        expected_id, prev_hash, count = row.id + 1, row.hash, count + 1
    last_id = expected_id - 1
    if head is None:
        return AuditCheck(False, count, None, "the audit_head row is missing")
    if head.last_id > last_id:
        reason = f"entries {last_id + 1}..{head.last_id} are missing from the end of the log"
        return AuditCheck(False, count, last_id + 1, reason)
    if head.last_id < last_id:
        reason = f"entries after {head.last_id} were not appended through the audit head"
        return AuditCheck(False, count, head.last_id + 1, reason)
    if head.last_hash != prev_hash:
        return AuditCheck(False, count, last_id or None, "the last entry does not match the head")
    return AuditCheck(True, count)


def _ddl(statement: str) -> DDL:
    return DDL(statement)  # type: ignore[no-untyped-call]


# create_all() gets what the migrations add by hand: the head row and append-only triggers.
_HEAD_ROW = f"INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '{GENESIS_HASH}')"  # noqa: S608
event.listen(AuditHead.__table__, "after_create", _ddl(_HEAD_ROW))
_TRIGGER_DDL = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only: %% is not allowed', TG_OP; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
    "sqlite": tuple(
        f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {op} is not allowed'); END"
        for op in ("UPDATE", "DELETE")
    ),
}
for _dialect, _statements in _TRIGGER_DDL.items():
    for _statement in _statements:
        event.listen(
            AuditEntry.__table__, "after_create", _ddl(_statement).execute_if(dialect=_dialect)
        )
