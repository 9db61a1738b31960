"""Pipeline risk: the risk rules' findings, the organization's policy, and the scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.clock import in_zone
from copilot.policies import RULE_NAMES

router = APIRouter(prefix="/v1", tags=["risks and scores"], dependencies=[scoped("risks")])

AsOf = Annotated[
    datetime | None,
    Query(
        description="Evaluate as of this time (ISO; without an offset, the team's time zone). Default: now."
    ),
]


@router.get("/risks")
def list_risks(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    rule: Annotated[str | None, Query(description="One of: " + ", ".join(RULE_NAMES))] = None,
    rep_id: str | None = None,
    team: str | None = None,
    customer_id: str | None = None,
    as_of: AsOf = None,
    lang: Literal["zh", "en"] = "zh",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Every risk within the caller's scope, oldest first: the rule, the records that triggered it
    and since when it holds. Counts per rule cover the whole result, not just this page."""
    return runtime.risks.risks(
        principal,
        rule=rule,
        rep_id=rep_id,
        team=team,
        customer_id=customer_id,
        as_of=in_zone(as_of, runtime.settings.tz),
        limit=limit,
        offset=offset,
        lang=lang,
    )


@router.get("/policy")
def get_policy(principal: PrincipalDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The organization's risk rules, negotiation gate, health weights and funnel settings."""
    return runtime.risks.policy(principal).model_dump(mode="json")


@router.patch("/policy")
def patch_policy(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    change: Annotated[
        dict[str, Any],
        Body(
            description="Only the settings to change, nested as in GET /v1/policy",
            examples=[{"risk_rules": {"stuck_deal": {"limits": {"negotiation": 20}}}}],
        ),
    ],
) -> dict[str, Any]:
    """Change the organization's rules (admin keys only); the result is validated as a whole."""
    return runtime.risks.update_policy(principal, change).model_dump(mode="json")


@router.get("/scores/pipeline")
def weighted_pipeline(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    rep_id: str | None = None,
    team: str | None = None,
    customer_id: str | None = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """The open deals' health-weighted value, each deal with the health factors that applied."""
    return runtime.risks.weighted_pipeline(
        principal,
        rep_id=rep_id,
        team=team,
        customer_id=customer_id,
        as_of=in_zone(as_of, runtime.settings.tz),
    )


@router.get("/scores/funnel")
def funnel(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    rep_id: str | None = None,
    day: Annotated[date | None, Query(description="The day (team's time zone); default today.")] = None,
) -> dict[str, Any]:
    """Per rep, the stage funnel at the end of `day` against the day before; drops are flagged."""
    return runtime.risks.funnel(principal, rep_id=rep_id, day=day)


@router.get("/scores/lost-reasons")
def lost_reasons(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    since: Annotated[datetime | None, Query(description="Only deals lost since then.")] = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """Lost deals grouped by reason category, with counts, amounts and the deals."""
    return runtime.risks.lost_reasons(
        principal, since=in_zone(since, runtime.settings.tz), as_of=in_zone(as_of, runtime.settings.tz)
    )
