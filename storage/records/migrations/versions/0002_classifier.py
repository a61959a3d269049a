"""Classifier: staff-confirmed training examples and the versions of the trained model.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create ``training_examples`` and ``classifier_models``; keep the whole answer of the
    classifier (confidences, reasons, model version) on each document."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("classification", JSON, nullable=True))
    op.create_table(
        "training_examples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer,
                  sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_by_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_training_examples_document_id", "training_examples", ["document_id"])
    op.create_table(
        "classifier_models",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("examples", sa.Integer, nullable=False),
        sa.Column("last_example_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("classifier_models")
    op.drop_index("ix_training_examples_document_id", "training_examples")
    op.drop_table("training_examples")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("classification")
