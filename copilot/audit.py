"""The append-only audit log: who changed what, readable by admins.

Services call `record` inside the transaction that makes the change, so an entry exists exactly when
the change does. Entries carry ids and field names, never personal values (an erasure must not leave
the erased data behind in the log).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.store.models import AuditEntry

if TYPE_CHECKING:  # access records key changes here, so this module must not import it at run time
    from copilot.access import Principal


def actor_label(principal: Principal | None) -> str:
    """How an actor is named in the log: the user behind a key, else the key's role and id."""
    if principal is None:
        return "cli"
    if principal.user_external_id:
        return f"user:{principal.user_external_id}"
    return f"key:{principal.role.value}:{principal.key_id}"


def record(
    session: Session,
    org_id: int,
    principal: Principal | None,
    action: str,
    target_type: str,
    target_id: str | int,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Append one entry; `actor` overrides the label (e.g. "cli:key-rotate" or "system:scheduler")."""
    entry = AuditEntry(
        org_id=org_id,
        at=now,
        actor_key_id=principal.key_id if principal else None,
        actor=actor or actor_label(principal),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail or {},
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    org_id: int,
    *,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The organization's entries, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.org_id == org_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(stmt))
