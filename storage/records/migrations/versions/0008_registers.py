"""Registers (Decree 30): each unit's incoming and outgoing books, their yearly counters
(numbers taken by an atomic upsert), the handlers assigned to an entry and the entry's
events (which the exchange answers with status messages 04/05/06).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``register_counters``, ``register_entries``, ``register_assignments`` and
    ``register_events``."""
    op.create_table(
        "register_counters",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "kind", "year", name="pk_register_counters"),
    )
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("sub_number", sa.String(8), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("document_id", sa.Integer,
                  sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("issuing_agency", sa.String(255), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("signer", sa.String(255), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=True),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("confidentiality", sa.String(16), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("sheets", sa.Integer, nullable=True),
        sa.Column("copies", sa.Integer, nullable=True),
        sa.Column("paper_copy", sa.Boolean, nullable=False),
        sa.Column("void_reason", sa.Text, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("unit_id", "kind", "year", "number", "sub_number",
                            name="uq_register_entries_unit_id_kind_year_number_sub_number"),
    )
    op.create_index("ix_register_entries_unit_id", "register_entries", ["unit_id"])
    op.create_index("ix_register_entries_state", "register_entries", ["state"])
    op.create_index("ix_register_entries_document_id", "register_entries", ["document_id"])
    op.create_table(
        "register_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer,
                  sa.ForeignKey("register_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("handler_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("return_reason", sa.Text, nullable=False),
        sa.Column("assigned_by_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_register_assignments_entry_id", "register_assignments", ["entry_id"])
    op.create_index("ix_register_assignments_handler_id", "register_assignments",
                    ["handler_id"])
    op.create_table(
        "register_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer,
                  sa.ForeignKey("register_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                  "postgresql"), nullable=False),
        sa.Column("status_code", sa.String(2), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_register_events_entry_id", "register_events", ["entry_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_register_events_entry_id", "register_events")
    op.drop_table("register_events")
    op.drop_index("ix_register_assignments_handler_id", "register_assignments")
    op.drop_index("ix_register_assignments_entry_id", "register_assignments")
    op.drop_table("register_assignments")
    op.drop_index("ix_register_entries_document_id", "register_entries")
    op.drop_index("ix_register_entries_state", "register_entries")
    op.drop_index("ix_register_entries_unit_id", "register_entries")
    op.drop_table("register_entries")
    op.drop_table("register_counters")
