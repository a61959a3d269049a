"""Search keeps each document's folded text (issue 16 §2 speed): ``document_search_folded``
holds the title and body as :func:`storage.search.fold_text` gives them (lower case, no
diacritics, one character for each original one), written beside the original text when a
document is indexed, so ranking and snippets no longer fold every candidate on every query.
Rows indexed before this table are folded when read (``sohoa search --reindex`` fills it).
The same table on SQLite and PostgreSQL; deleting a document deletes its row.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``document_search_folded``."""
    op.create_table(
        "document_search_folded",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_search_folded_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_search_folded")),
    )


def downgrade() -> None:
    """Drop ``document_search_folded``."""
    op.drop_table("document_search_folded")
