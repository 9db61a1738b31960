"""The daily rhythm: the one-page brief, the low-activity patrol, overdue alerts, and where they go."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response, status

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.clock import in_zone

# a stored row id: a number the database can hold (larger ones are simply not found, 404 not 500)
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/v1", tags=["brief, patrol and alerts"])

AsOf = Annotated[
    datetime | None,
    Query(description="As of this time (ISO; without an offset, the team's time zone). Default: now."),
]


@router.get("/brief", dependencies=[scoped("rhythm")])
def get_brief(principal: PrincipalDep, runtime: RuntimeDep, as_of: AsOf = None) -> dict[str, Any]:
    """The one-page brief (作战简报) for the caller's scope: new high-quality leads today, deals
    overdue since yesterday and the week's health trend, each with the records behind it, and the
    reps' funnel drops."""
    return runtime.rhythm.brief(principal, as_of=in_zone(as_of, runtime.settings.tz))


@router.get("/patrol", dependencies=[scoped("rhythm")])
def get_patrol(principal: PrincipalDep, runtime: RuntimeDep, as_of: AsOf = None) -> dict[str, Any]:
    """The low-activity patrol (静默巡检): intent-or-later customers with no activity for 72 hours,
    each with its tags and a summary of its history."""
    return runtime.rhythm.patrol(principal, as_of=in_zone(as_of, runtime.settings.tz))


@router.get("/alerts", dependencies=[scoped("rhythm")])
def get_alerts(principal: PrincipalDep, runtime: RuntimeDep, as_of: AsOf = None) -> dict[str, Any]:
    """Deals over their stage's time limit: one alert per deal."""
    return runtime.rhythm.alerts(principal, as_of=in_zone(as_of, runtime.settings.tz))


@router.get("/webhooks", dependencies=[scoped("webhooks")])
def list_webhooks(principal: PrincipalDep, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The organization's delivery targets (admins). Secrets and URL keys are never shown."""
    return runtime.rhythm.list_webhooks(principal)


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, dependencies=[scoped("webhooks")])
def add_webhook(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    hook: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {
                    "name": "华东销售群",
                    "kind": "wecom",
                    "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
                    "jobs": ["brief", "patrol", "alerts"],
                }
            ]
        ),
    ],
) -> dict[str, Any]:
    """Add a WeCom group robot (`wecom`) or a generic JSON receiver signed with HMAC-SHA256
    (`signed_json`, needs `secret`), for some of the jobs brief, patrol, alerts (admins)."""
    return runtime.rhythm.add_webhook(principal, hook)


@router.delete(
    "/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[scoped("webhooks")]
)
def remove_webhook(webhook_id: RowId, principal: PrincipalDep, runtime: RuntimeDep) -> Response:
    """Stop delivering to the webhook (its outbox history stays)."""
    runtime.rhythm.remove_webhook(principal, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/outbox", dependencies=[scoped("webhooks")])
def list_outbox(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    status_: Annotated[str | None, Query(alias="status", description="pending, sent or dead")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """Messages to the organization's webhooks, newest first, with attempts and the last error."""
    return runtime.rhythm.outbox(principal, status=status_, limit=limit)


@router.post("/outbox/{message_id}/retry", dependencies=[scoped("webhooks")])
def retry_message(message_id: RowId, principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Queue a dead message again (after its receiver is fixed)."""
    return runtime.rhythm.retry(principal, message_id)
