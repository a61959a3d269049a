"""The audit chain: verification, tampering by an attacker with owner rights, concurrency."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError

from storage.errors import BadInputError
from storage.records import (
    APPEND_ONLY_TRIGGERS,
    AuditEntry,
    Database,
    append_audit,
    entry_hash,
    verify_audit_chain,
)
from storage.records.models import GENESIS_HASH


def _append(db: Database, count: int) -> None:
    with db.session() as session:
        for n in range(1, count + 1):
            append_audit(
                session,
                actor="canbo1",
                action="document.upload",
                subject_type="document",
                subject_id=n,
                details={"tên_tệp": f"tờ khai {n}.pdf", "bytes": n * 1000, "ratio": 0.1},
            )


def _verify(db: Database) -> tuple[bool, int, int | None, str | None]:
    with db.session() as session:
        check = verify_audit_chain(session)
    return check.ok, check.entries, check.first_bad_id, check.reason


def _disable_triggers(connection: Connection) -> None:
    """What an attacker with owner rights does first."""
    backend = connection.dialect.name
    for name in APPEND_ONLY_TRIGGERS[backend]:
        if backend == "postgresql":
            connection.execute(text(f"ALTER TABLE audit_log DISABLE TRIGGER {name}"))
        else:
            connection.execute(text(f"DROP TRIGGER {name}"))


def _tamper(db: Database, statement: str) -> None:
    with db.engine.begin() as connection:
        _disable_triggers(connection)
        connection.execute(text(statement))


def test_clean_chain_verifies(db: Database) -> None:
    assert _verify(db) == (True, 0, None, None)
    _append(db, 5)
    _append(db, 2)
    assert _verify(db) == (True, 7, None, None)
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.id for e in entries] == list(range(1, 8))
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[0].details["tên_tệp"] == "tờ khai 1.pdf"
    assert entries[0].at.tzinfo is not None
    assert entries[0].subject_id == "1"


def test_hash_is_sha256_of_canonical_json(db: Database) -> None:
    with db.session() as session:
        entry = append_audit(
            session, actor="system", action="x", subject_type="t", subject_id=7, details={"b": 1}
        )
    expected = entry_hash(
        id=1,
        at=entry.at,
        actor="system",
        action="x",
        subject_type="t",
        subject_id="7",
        details={"b": 1},
        prev_hash=GENESIS_HASH,
    )
    assert entry.hash == expected
    assert len(expected) == 64


def test_rolled_back_append_leaves_no_trace(db: Database) -> None:
    _append(db, 2)

    def failing_work() -> None:
        with db.session() as session:
            append_audit(session, actor="system", action="x", subject_type="t", subject_id=1)
            raise RuntimeError("the surrounding work failed")

    with pytest.raises(RuntimeError):
        failing_work()
    _append(db, 1)
    assert _verify(db) == (True, 3, None, None)


@pytest.mark.parametrize(
    "change",
    [
        'UPDATE audit_log SET details = \'{"tên_tệp": "giả mạo.pdf"}\' WHERE id = 3',
        "UPDATE audit_log SET action = 'document.view' WHERE id = 3",
        "UPDATE audit_log SET actor = 'admin' WHERE id = 3",
    ],
)
def test_edited_entry_is_found(db: Database, change: str) -> None:
    _append(db, 5)
    _tamper(db, change)
    ok, entries, first_bad, reason = _verify(db)
    assert (ok, entries, first_bad) == (False, 2, 3)
    assert reason is not None
    assert "altered" in reason


def test_edit_with_a_recomputed_hash_breaks_the_next_link(db: Database) -> None:
    _append(db, 5)
    at = datetime(2024, 1, 1, tzinfo=UTC)
    with db.session() as session:
        prev = session.get(AuditEntry, 2)
        assert prev is not None
        forged = entry_hash(
            id=3,
            at=at,
            actor="admin",
            action="nothing",
            subject_type="document",
            subject_id="3",
            details={},
            prev_hash=prev.hash,
        )
    _tamper(
        db,
        "UPDATE audit_log SET actor = 'admin', action = 'nothing', details = '{}', "
        f"at = '2024-01-01 00:00:00', hash = '{forged}' WHERE id = 3",
    )
    ok, _entries, first_bad, _reason = _verify(db)
    assert (ok, first_bad) == (False, 4)


def test_deleted_middle_entry_is_found(db: Database) -> None:
    _append(db, 5)
    _tamper(db, "DELETE FROM audit_log WHERE id = 3")
    ok, entries, first_bad, reason = _verify(db)
    assert (ok, entries, first_bad) == (False, 2, 3)
    assert reason is not None
    assert "missing" in reason


def test_deleted_first_entry_is_found(db: Database) -> None:
    _append(db, 3)
    _tamper(db, "DELETE FROM audit_log WHERE id = 1")
    assert _verify(db)[:3] == (False, 0, 1)


def test_deleted_last_entries_are_found(db: Database) -> None:
    _append(db, 5)
    _tamper(db, "DELETE FROM audit_log WHERE id >= 4")
    ok, entries, first_bad, reason = _verify(db)
    assert (ok, entries, first_bad) == (False, 3, 4)
    assert reason is not None
    assert "end" in reason


def test_everything_deleted_is_found(db: Database) -> None:
    _append(db, 2)
    _tamper(db, "DELETE FROM audit_log")
    assert _verify(db)[:3] == (False, 0, 1)


def test_plain_update_and_delete_are_rejected(db: Database) -> None:
    _append(db, 2)
    for statement in (
        "UPDATE audit_log SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    if db.backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_log"))
    assert _verify(db) == (True, 2, None, None)


def test_concurrent_appends_make_one_valid_chain(db: Database) -> None:
    threads, per_thread = 6, 10
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                with db.session() as session:
                    append_audit(
                        session,
                        actor=f"worker{worker}",
                        action="job.finish",
                        subject_type="job",
                        subject_id=f"{worker}:{n}",
                    )
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert _verify(db) == (True, threads * per_thread, None, None)


def test_bad_details_and_fields_are_refused(db: Database) -> None:
    with db.session() as session:
        with pytest.raises(BadInputError):
            append_audit(session, actor="", action="x", subject_type="t", subject_id=1)
        with pytest.raises(BadInputError):
            append_audit(session, actor="a" * 65, action="x", subject_type="t", subject_id=1)
        with pytest.raises(BadInputError):
            append_audit(
                session, actor="a", action="x", subject_type="t", subject_id=1,
                details={"x": float("nan")},
            )  # fmt: skip
        with pytest.raises(BadInputError):
            append_audit(
                session, actor="a", action="x", subject_type="t", subject_id=1,
                details={"x": object()},
            )  # fmt: skip
        entry = append_audit(
            session, actor="a", action="x", subject_type="t", subject_id=1,
            details={"when": datetime(2024, 1, 2, tzinfo=UTC), "ids": (1, 2)},
        )  # fmt: skip
        assert entry.details == {"when": "2024-01-02T00:00:00+00:00", "ids": [1, 2]}
    assert _verify(db) == (True, 1, None, None)
