"""Exchange messages (issue 15): the outbox of signed messages per recipient with the
status trail of each sent document, and the inbox of arrived documents.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``exchange_outbox``, ``exchange_status_events``, ``exchange_inbox`` and
    ``exchange_unattended_keys``."""
    op.create_table(
        "exchange_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("document_id", sa.Integer,
                  sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("message_document_id", sa.String(255), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("status_code", sa.String(2), nullable=True),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("delivered_at", _MOMENT, nullable=True),
    )
    op.create_index("ix_exchange_outbox_unit_id", "exchange_outbox", ["unit_id"])
    op.create_table(
        "exchange_status_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outbox_id", sa.Integer,
                  sa.ForeignKey("exchange_outbox.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("stated_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", _MOMENT, nullable=False),
    )
    op.create_index("ix_exchange_status_events_outbox_id", "exchange_status_events",
                    ["outbox_id"])
    op.create_table(
        "exchange_inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("sender_name", sa.String(255), nullable=False),
        sa.Column("message_document_id", sa.String(255), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("reasons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                    "postgresql"), nullable=False),
        sa.Column("document_id", sa.Integer,
                  sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("entry_id", sa.Integer,
                  sa.ForeignKey("register_entries.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status_code", sa.String(2), nullable=False),
        sa.Column("answer_key", sa.String(512), nullable=False),
        sa.Column("received_at", _MOMENT, nullable=False),
        sa.UniqueConstraint("unit_id", "sender", "message_document_id",
                            name="uq_exchange_inbox_message"),
    )
    op.create_index("ix_exchange_inbox_unit_id", "exchange_inbox", ["unit_id"])
    op.create_table(
        "exchange_unattended_keys",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("sealed_pin", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Drop the exchange message tables."""
    op.drop_table("exchange_unattended_keys")
    op.drop_table("exchange_inbox")
    op.drop_table("exchange_status_events")
    op.drop_table("exchange_outbox")
