"""The audit log: who changed what (stage moves, requirement changes, acknowledgements, key changes),
readable by the organization's admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import PrincipalDep, RuntimeDep, admin_only
from copilot import audit
from copilot.clock import in_zone

router = APIRouter(prefix="/v1", tags=["audit"], dependencies=[admin_only()])


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_key_id: int | None
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]


@router.get("/audit")
def list_audit(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    action: Annotated[
        str | None, Query(description="e.g. stage.moved, requirements.changed, key.rotated")
    ] = None,
    target_type: Annotated[str | None, Query(description="deal, contract_diff, api_key...")] = None,
    target_id: str | None = None,
    since: Annotated[
        datetime | None, Query(description="Only entries at or after this time (no offset: team's zone).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryPublic]:
    """The organization's audit entries, newest first (admin keys only). Entries name records by id
    and fields by name; they never carry personal data or key secrets."""
    with runtime.sessions() as session:
        rows = audit.entries(
            session,
            principal.org_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            since=in_zone(since, runtime.settings.tz),
            limit=limit,
        )
        return [
            AuditEntryPublic(
                id=e.id,
                at=e.at,
                actor=e.actor,
                actor_key_id=e.actor_key_id,
                action=e.action,
                target_type=e.target_type,
                target_id=e.target_id,
                detail=e.detail,
            )
            for e in rows
        ]
