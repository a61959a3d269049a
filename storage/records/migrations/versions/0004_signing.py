"""Signing: signers' key files held by the service, and signing requests (the leader's queue).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``signing_credentials`` and ``signing_requests``."""
    op.create_table(
        "signing_credentials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("serial", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_signing_credentials_user_id", "signing_credentials", ["user_id"])
    op.create_table(
        "signing_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer,
                  sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signer_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("requested_by_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("signed_version", sa.Integer, nullable=True),
        sa.Column("field_name", sa.String(64), nullable=True),
        sa.Column("signing_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_key", sa.String(512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_signing_requests_document_id", "signing_requests", ["document_id"])
    op.create_index("ix_signing_requests_signer_id", "signing_requests", ["signer_id"])
    op.create_index("ix_signing_requests_status", "signing_requests", ["status"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("signing_requests")
    op.drop_table("signing_credentials")
