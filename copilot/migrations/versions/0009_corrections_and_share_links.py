"""rep corrections beside extractions; customer share links and their feedback

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import copilot.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AT = copilot.store.types.UTCDateTime


def _ref(name: str, target: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("org_id", "organizations.id", "CASCADE"),
        _ref("activity_id", "activities.id", "CASCADE"),
        _ref("extraction_id", "extractions.id", "CASCADE"),
        _ref("confirmed_id", "extractions.id", "CASCADE"),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("original", sa.JSON(), nullable=True),
        sa.Column("corrected", sa.JSON(), nullable=True),
        _ref("user_id", "users.id", "SET NULL", nullable=True),
        sa.Column("created_at", _AT(), nullable=False),
    )
    op.create_index("ix_corrections_activity_id", "corrections", ["activity_id"])
    op.create_index("ix_corrections_org_at", "corrections", ["org_id", "created_at"])
    op.create_index("ix_corrections_extraction_id", "corrections", ["extraction_id"])
    op.create_index("ix_corrections_confirmed_id", "corrections", ["confirmed_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("org_id", "organizations.id", "CASCADE"),
        _ref("deal_id", "deals.id", "CASCADE"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        _ref("created_by_id", "users.id", "SET NULL", nullable=True),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("expires_at", _AT(), nullable=False),
        sa.Column("revoked_at", _AT(), nullable=True),
    )
    op.create_index("ix_share_links_org_id", "share_links", ["org_id"])
    op.create_index("ix_share_links_deal_id", "share_links", ["deal_id"])
    op.create_table(
        "share_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        _ref("org_id", "organizations.id", "CASCADE"),
        _ref("link_id", "share_links.id", "CASCADE"),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        _ref("activity_id", "activities.id", "SET NULL", nullable=True),
        sa.Column("created_at", _AT(), nullable=False),
    )
    op.create_index("ix_share_feedback_org_id", "share_feedback", ["org_id"])
    op.create_index("ix_share_feedback_link_id", "share_feedback", ["link_id"])
    op.create_index("ix_share_feedback_activity_id", "share_feedback", ["activity_id"])


def downgrade() -> None:
    op.drop_table("share_feedback")
    op.drop_table("share_links")
    op.drop_table("corrections")
