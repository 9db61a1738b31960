"""Every flush that changes an organization's records bumps `organizations.data_version`.

Read models built from a whole organization (the pipeline snapshot behind risks, scores and
questions) compare the version with the one they were built at, so they never serve stale data
and never have to be told about each write path. Tables that do not feed those read models (the
outbox, scheduled runs, collaboration records) say so with `snapshot_data = False`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from copilot.store.models import Organization


def _bump(session: Session, _context: Any) -> None:
    org_ids = {
        org_id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if not isinstance(obj, Organization)
        and getattr(type(obj), "snapshot_data", True)
        and (org_id := getattr(obj, "org_id", None)) is not None
    }
    if org_ids:
        session.connection().execute(
            update(Organization)
            .where(Organization.id.in_(sorted(org_ids)))
            .values(data_version=Organization.data_version + 1)
        )


def track_data_versions(factory: sessionmaker[Session]) -> None:
    """Bump the data version of every organization a flush of `factory`'s sessions touches."""
    from sqlalchemy import event

    event.listen(factory, "after_flush", _bump)


def data_version(session: Session, org_id: int) -> int:
    """The organization's current data version (0 for one never written)."""
    from sqlalchemy import select

    return session.scalar(select(Organization.data_version).where(Organization.id == org_id)) or 0
