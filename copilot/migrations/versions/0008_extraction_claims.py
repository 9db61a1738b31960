"""extraction claims on activities, so interrupted extractions resume exactly once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import copilot.store.types
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("claim", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claimed_at", copilot.store.types.UTCDateTime(), nullable=True))
    op.create_index("ix_activities_status", "activities", ["status", "claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_activities_status", table_name="activities")
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claim")
