"""search index work queued by imports and drained in the background

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import copilot.store.types
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_index_pending",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "org_id", sa.Integer(), sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("queued_at", copilot.store.types.UTCDateTime(), nullable=False),
        sa.Column("done_at", copilot.store.types.UTCDateTime(), nullable=True),
        sa.UniqueConstraint("org_id", "record_id"),
    )
    op.create_index("ix_search_index_pending_state", "search_index_pending", ["state", "org_id"])


def downgrade() -> None:
    op.drop_index("ix_search_index_pending_state", table_name="search_index_pending")
    op.drop_table("search_index_pending")
