"""indexes for time windows across an organization's activities and documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_activities_org_at", "activities", ["org_id", "at"])
    op.create_index("ix_documents_org_at", "documents", ["org_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_documents_org_at", table_name="documents")
    op.drop_index("ix_activities_org_at", table_name="activities")
