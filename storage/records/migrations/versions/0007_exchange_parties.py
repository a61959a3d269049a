"""Units as exchange parties (issue 15): a unit's OrganId, its message-signing key, and the
directory of peers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``units.organ_id``; create ``exchange_credentials`` and ``exchange_peers``."""
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("organ_id", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_units_organ_id", ["organ_id"])
    op.create_table(
        "exchange_credentials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("certificate_pem", sa.Text, nullable=False),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_exchange_credentials_unit_id", "exchange_credentials", ["unit_id"])
    op.create_table(
        "exchange_peers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organ_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("base_url", sa.String(512), nullable=True),
        sa.Column("certificate_pem", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("exchange_peers")
    op.drop_index("ix_exchange_credentials_unit_id", "exchange_credentials")
    op.drop_table("exchange_credentials")
    with op.batch_alter_table("units") as batch:
        batch.drop_constraint("uq_units_organ_id", type_="unique")
        batch.drop_column("organ_id")
