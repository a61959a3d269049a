"""Revoke, update, replace between units (issue 15 part 6): a sender's requests about a
document it sent, waiting for the receiving records office's decision; the outbox row of
such a request names the DocumentId it is about; an inbox message is marked withdrawn.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add ``exchange_outbox.refers_to``/``reason``, ``exchange_inbox.withdrawn_at`` and
    create ``exchange_requests``."""
    with op.batch_alter_table("exchange_outbox") as batch:
        batch.add_column(sa.Column("refers_to", sa.String(255), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("reason", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("exchange_inbox") as batch:
        batch.add_column(sa.Column("withdrawn_at", _MOMENT, nullable=True))
    op.create_table(
        "exchange_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("sender_name", sa.String(255), nullable=False),
        sa.Column("business", sa.Integer, nullable=False),
        sa.Column("message_document_id", sa.String(255), nullable=False),
        sa.Column("target_document_id", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("inbox_id", sa.Integer,
                  sa.ForeignKey("exchange_inbox.id", ondelete="SET NULL"), nullable=True),
        sa.Column("new_inbox_id", sa.Integer,
                  sa.ForeignKey("exchange_inbox.id", ondelete="SET NULL"), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decision_reason", sa.Text, nullable=False),
        sa.Column("answer_key", sa.String(512), nullable=False),
        sa.Column("decided_by_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("decided_at", _MOMENT, nullable=True),
        sa.Column("received_at", _MOMENT, nullable=False),
        sa.UniqueConstraint("unit_id", "sender", "fingerprint",
                            name="uq_exchange_requests_message"),
    )
    op.create_index("ix_exchange_requests_unit_id", "exchange_requests", ["unit_id"])


def downgrade() -> None:
    """Drop ``exchange_requests`` and the added columns."""
    op.drop_table("exchange_requests")
    with op.batch_alter_table("exchange_inbox") as batch:
        batch.drop_column("withdrawn_at")
    with op.batch_alter_table("exchange_outbox") as batch:
        batch.drop_column("reason")
        batch.drop_column("refers_to")
