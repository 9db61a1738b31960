"""organization policies, data versions, documents that arrive as files (confirmation letters)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import copilot.store.types
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_policies",
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", copilot.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("content_type", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("elements", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("reading", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column(
                "uploaded_by_id",
                sa.Integer(),
                sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_documents_uploaded_by_id"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for name in ("uploaded_by_id", "reading", "elements", "file_sha256", "content_type", "source"):
            batch.drop_column(name)
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("data_version")
    op.drop_table("org_policies")
