"""customer news, webhooks, the outbox, scheduled job runs, minutes, tickets and kick-offs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import copilot.store.types
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, copilot.store.types.UTCDateTime(), nullable=nullable)


def _org(index: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "org_id", sa.Integer(), sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=index
    )


def _user(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def _customer() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    op.create_table(
        "customer_news",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(index=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        _customer(),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(1000), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        _at("published_at"),
        _user("created_by_id"),
        _at("created_at"),
        sa.UniqueConstraint("org_id", "external_id"),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=True),
        sa.Column("jobs", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _at("created_at"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(),
        sa.Column("webhook_id", sa.Integer(), sa.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        _at("lease_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _at("created_at"),
        _at("sent_at", nullable=True),
        sa.UniqueConstraint("org_id", "webhook_id", "dedupe_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(),
        sa.Column("job", sa.String(32), nullable=False),
        _at("slot"),
        sa.Column("trigger", sa.String(16), nullable=False),
        _at("started_at"),
        _at("finished_at", nullable=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("org_id", "job", "slot"),
    )
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(index=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        _customer(),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id", ondelete="SET NULL"), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        _at("meeting_at"),
        _user("created_by_id"),
        _at("created_at"),
        sa.UniqueConstraint("org_id", "external_id"),
    )
    op.create_table(
        "minutes_blocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(),
        sa.Column(
            "minutes_id", sa.Integer(), sa.ForeignKey("meeting_minutes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("block", sa.String(32), nullable=False),
        sa.Column("owner_role", sa.String(16), nullable=False),
        _user("owner_id"),
        sa.Column("text", sa.Text(), nullable=True),
        _at("filled_at", nullable=True),
        _user("filled_by_id"),
        _at("flagged_at", nullable=True),
        sa.UniqueConstraint("minutes_id", "block"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(index=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        _customer(),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id", ondelete="SET NULL"), nullable=True),
        _user("requester_id"),
        sa.Column("assignee_role", sa.String(16), nullable=False),
        _user("assignee_id"),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        _at("due_at"),
        _at("created_at"),
        _at("answered_at", nullable=True),
        _user("answered_by_id"),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.UniqueConstraint("org_id", "external_id"),
    )
    op.create_table(
        "kickoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org(),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id", ondelete="CASCADE"), nullable=False),
        _customer(),
        _user("owner_id"),
        _at("won_at"),
        _at("due_at"),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("deliverables", sa.Text(), nullable=True),
        _at("completed_at", nullable=True),
        _at("created_at"),
        sa.UniqueConstraint("org_id", "deal_id"),
    )


def downgrade() -> None:
    for table in (
        "kickoffs",
        "tickets",
        "minutes_blocks",
        "meeting_minutes",
        "job_runs",
    ):
        op.drop_table(table)
    op.drop_index("ix_outbox_due", table_name="outbox")
    for table in ("outbox", "webhooks", "customer_news"):
        op.drop_table(table)
