"""workspace sessions signed out before their cookie expired

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import copilot.store.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("nonce", sa.String(32), primary_key=True),
        sa.Column(
            "org_id", sa.Integer(), sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("expires_at", copilot.store.types.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_ended_sessions_org_id", "ended_sessions", ["org_id"])
    op.create_index("ix_ended_sessions_expires_at", "ended_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("ended_sessions")
