"""Full-text search over documents, insensitive to case and Vietnamese diacritics.

SQLite: an FTS5 table ``document_search`` (``unicode61 remove_diacritics 2``) holding the
*folded* title and body (its rowid is the document id), beside an ordinary table
``document_search_text`` keeping the original text for snippets; deleting a document
deletes its text row (foreign key) and a trigger deletes the FTS row with it.

PostgreSQL: the ``unaccent`` extension, an IMMUTABLE wrapper ``sohoa_fold(text)`` (unaccent
itself is only STABLE, so the dictionary is named explicitly), and a table
``document_search`` with the original title and body and a ``folded`` tsvector under a GIN
index.

``storage.search`` writes and reads these tables.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE document_search USING fts5("
    "document_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TABLE document_search_text ("
    "document_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, "
    "CONSTRAINT pk_document_search_text PRIMARY KEY (document_id), "
    "CONSTRAINT fk_document_search_text_document_id_documents FOREIGN KEY (document_id) "
    "REFERENCES documents (id) ON DELETE CASCADE)",
    "CREATE TRIGGER document_search_text_delete AFTER DELETE ON document_search_text "
    "BEGIN DELETE FROM document_search WHERE rowid = old.document_id; END",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS document_search_text_delete",
    "DROP TABLE IF EXISTS document_search_text",
    "DROP TABLE IF EXISTS document_search",
)

PG_FOLD = (
    "CREATE OR REPLACE FUNCTION sohoa_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
    "$$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, "
    "replace(replace($1, 'đ', 'd'), 'Đ', 'D'))) $$"
)


def upgrade() -> None:
    """Create the search tables of the current dialect."""
    if op.get_bind().dialect.name != "postgresql":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    op.execute(PG_FOLD)
    op.create_table(
        "document_search",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("folded", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_search_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_search")),
    )
    op.create_index(
        "ix_document_search_folded", "document_search", ["folded"], postgresql_using="gin"
    )


def downgrade() -> None:
    """Drop the search tables and, on PostgreSQL, ``sohoa_fold`` (the ``unaccent`` extension
    stays: it may have been there before, and other objects may use it)."""
    if op.get_bind().dialect.name != "postgresql":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
        return
    op.drop_index("ix_document_search_folded", "document_search")
    op.drop_table("document_search")
    op.execute("DROP FUNCTION IF EXISTS sohoa_fold(text)")
