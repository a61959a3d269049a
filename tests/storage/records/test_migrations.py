"""Migrations from an empty database, repeated and concurrent upgrades, model parity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from storage.records import (
    AuditHead,
    Base,
    DatabaseConfig,
    append_audit,
    current_revision,
    head_revision,
    open_database,
    upgrade_schema,
    verify_audit_chain,
)
from storage.records.db import MIGRATIONS_DIR
from storage.records.models import GENESIS_HASH

EXPECTED_COLUMNS = {
    "units": {"id", "code", "name", "parent_id", "organ_id", "created_at"},
    "users": {
        "id", "username", "full_name", "password_hash", "role", "unit_id", "active", "created_at",
    },
    "api_tokens": {"id", "token_hash", "user_id", "created_at", "expires_at", "revoked_at"},
    "dossiers": {
        "id", "unit_id", "procedure_code", "procedure_name", "applicant_name",
        "applicant_id_number",
        "processing_days", "received_at", "due_date", "status", "resolved_at",
        "created_by_id", "created_at", "updated_at",
    },
    "documents": {
        "id", "unit_id", "dossier_id", "filename", "media_type", "doc_type", "fields",
        "confidence", "needs_review", "classification", "status", "page_count",
        "current_version", "created_by_id", "created_at", "updated_at",
    },
    "document_files": {
        "id", "document_id", "version", "role", "object_key", "sha256", "size", "media_type",
        "created_at",
    },
    "jobs": {
        "id", "kind", "document_id", "dossier_id", "unit_id", "status", "progress_done",
        "progress_total", "attempts", "error", "result", "worker", "enqueued_at",
        "started_at", "finished_at", "updated_at",
    },
    "audit_log": {
        "id", "at", "actor", "action", "subject_type", "subject_id", "details", "prev_hash",
        "hash",
    },
    "audit_head": {"id", "last_id", "last_hash"},
    "attempt_counters": {"key", "failures", "first_failure_at", "last_failure_at",
                         "locked_until"},
    "certificate_bindings": {"id", "user_id", "fingerprint", "created_by_id", "created_at"},
    "exchange_credentials": {"id", "unit_id", "object_key", "certificate_pem", "subject",
                             "fingerprint", "not_after", "active", "created_at"},
    "exchange_peers": {"id", "organ_id", "name", "base_url", "certificate_pem", "fingerprint",
                       "created_at"},
    "training_examples": {
        "id", "document_id", "doc_type", "fields", "text", "source", "created_by_id",
        "created_at",
    },
    "classifier_models": {
        "version", "object_key", "sha256", "size", "examples", "last_example_id", "created_at",
    },
    "signing_credentials": {
        "id", "user_id", "object_key", "subject", "issuer", "serial", "fingerprint",
        "not_after", "active", "created_at",
    },
    "signing_requests": {
        "id", "document_id", "signer_id", "requested_by_id", "role", "level", "status",
        "signed_version", "field_name", "signing_time", "pending_key", "created_at",
        "signed_at",
    },
}  # fmt: skip


def _in_the_models(name: str | None, type_: str, _parents: object) -> bool:
    """False for storage.search's tables (0003_search; FTS5 and its shadow tables on SQLite),
    which have no models."""
    return not (type_ == "table" and (name or "").startswith("document_search"))


def test_upgrade_from_empty_creates_every_table(empty_database_url: str) -> None:
    db = open_database(DatabaseConfig(empty_database_url))
    try:
        assert current_revision(db) is None
        upgrade_schema(db)
        newest = max(path.name.split("_", 1)[0] for path in
                     (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))
        assert current_revision(db) == head_revision() == newest
        inspector = inspect(db.engine)
        assert set(EXPECTED_COLUMNS) <= set(inspector.get_table_names())
        assert "document_search" in inspector.get_table_names()
        for table, columns in EXPECTED_COLUMNS.items():
            assert {c["name"] for c in inspector.get_columns(table)} == columns, table
        unique = inspector.get_unique_constraints("document_files")
        assert [u["column_names"] for u in unique] == [["document_id", "version", "role"]]
        indexes = {i["name"]: i for i in inspector.get_indexes("api_tokens")}
        assert indexes["ix_api_tokens_token_hash"]["unique"]
        with db.session() as session:
            head = session.get(AuditHead, 1)
            assert head is not None
            assert (head.last_id, head.last_hash) == (0, GENESIS_HASH)
    finally:
        db.dispose()


def test_upgrade_twice_is_harmless(empty_database_url: str) -> None:
    db = open_database(DatabaseConfig(empty_database_url))
    try:
        upgrade_schema(db)
        with db.session() as session:
            append_audit(session, actor="system", action="setup", subject_type="db", subject_id=1)
        upgrade_schema(db)
        assert current_revision(db) == head_revision()
        with db.session() as session:
            assert verify_audit_chain(session).entries == 1
    finally:
        db.dispose()


def test_migrations_match_the_models(empty_database_url: str) -> None:
    db = open_database(DatabaseConfig(empty_database_url))
    try:
        upgrade_schema(db)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": _in_the_models}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.dispose()


def test_create_all_gives_a_working_audit_log(empty_database_url: str) -> None:
    db = open_database(DatabaseConfig(empty_database_url))
    try:
        Base.metadata.create_all(db.engine)
        with db.session() as session:
            append_audit(session, actor="system", action="a", subject_type="t", subject_id="1")
            append_audit(session, actor="system", action="b", subject_type="t", subject_id="2")
        with db.session() as session:
            check = verify_audit_chain(session)
        assert (check.ok, check.entries) == (True, 2)
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
    finally:
        db.dispose()


def test_concurrent_upgrades_from_two_processes(empty_database_url: str) -> None:
    script = (
        "import sys\n"
        "from storage.records import DatabaseConfig, open_database, upgrade_schema\n"
        "db = open_database(DatabaseConfig(sys.argv[1]))\n"
        "upgrade_schema(db)\n"
        "db.dispose()\n"
    )
    root = Path(__file__).resolve().parents[3]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, empty_database_url],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    db = open_database(DatabaseConfig(empty_database_url))
    try:
        assert current_revision(db) == head_revision()
        with db.session() as session:
            assert session.scalars(select(AuditHead)).all()[0].last_id == 0
    finally:
        db.dispose()
