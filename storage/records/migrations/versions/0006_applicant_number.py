"""The applicant's personal number (số định danh cá nhân / CCCD) on a dossier.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``dossiers.applicant_id_number`` (empty for the dossiers there are)."""
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("applicant_id_number", sa.String(12), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    """Drop ``dossiers.applicant_id_number``."""
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("applicant_id_number")
