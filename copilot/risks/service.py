"""Risks and scores for the caller's scope, from the organization's pipeline snapshot."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from copilot import audit
from copilot.access import AccessRole, Principal, require_role
from copilot.clock import Clock, check_years
from copilot.errors import Forbidden, InvalidInput, NotFound
from copilot.pipeline.snapshot import PipelineSnapshot, SnapshotCache
from copilot.policies import RULE_NAMES, Policy, load_policy, update_policy
from copilot.risks.funnel import funnel_report
from copilot.risks.rules import Risk, evaluate
from copilot.risks.scores import lost_reasons, weighted_pipeline

TITLES = {
    "stale_customer": ("客户长时间未跟进", "no follow-up"),
    "stuck_deal": ("商机停滞超时", "stuck in stage"),
    "missing_decision_maker": ("未找到决策人", "no decision maker"),
    "missing_confirmation_letter": ("谈判缺确认函", "no complete confirmation letter"),
    "no_legal_finance_activity": ("谈判期法务/财务未参与", "no legal or finance involvement"),
    "unanswered_requirement_change": ("需求变更未确认", "requirement change unanswered"),
    "open_contract_difference": ("合同差异未确认", "open contract difference"),
}


def visible_customers(snap: PipelineSnapshot, principal: Principal) -> set[int]:
    """The snapshot's customers the principal may see (the same scope as every API read)."""
    if principal.org_id != snap.org_id:
        return set()
    if principal.sees_everything:
        return {c.idx for c in snap.customers}
    if principal.role is AccessRole.REP:
        return {c.idx for c in snap.customers if c.owner_id is not None and c.owner_id == principal.user_id}
    team = {u.id for u in snap.users.values() if u.team == principal.team}
    return {c.idx for c in snap.customers if c.owner_id in team}


def narrow(
    snap: PipelineSnapshot,
    principal: Principal,
    visible: set[int],
    *,
    rep_id: str | None = None,
    team: str | None = None,
    customer_id: str | None = None,
) -> set[int]:
    """The visible customers, narrowed by owner, team or id; naming one outside the scope is a 403."""
    out = set(visible)
    if rep_id is not None:
        uid = snap.user_by_ext.get(rep_id)
        if uid is None:
            raise NotFound(f"no rep {rep_id!r}")
        owned = {c.idx for c in snap.customers if c.owner_id == uid}
        if owned - visible:
            raise Forbidden(f"rep {rep_id!r} is outside what this key may see")
        out &= owned
    if team is not None:
        members = {u.id for u in snap.users.values() if u.team == team}
        if not members:
            raise NotFound(f"no team {team!r}")
        owned = {c.idx for c in snap.customers if c.owner_id in members}
        if owned - visible:
            raise Forbidden(f"team {team!r} is outside what this key may see")
        out &= owned
    if customer_id is not None:
        c = snap.customer_by_ext.get(customer_id)
        if c is None or c not in visible:
            raise NotFound(f"no customer {customer_id!r}")
        out &= {c}
    return out


def risk_view(snap: PipelineSnapshot, risk: Risk, lang: str = "zh") -> dict[str, Any]:
    customer = snap.customers[risk.customer]
    deal = snap.deals[risk.deal] if risk.deal is not None else None
    owner = snap.owner(risk.customer)
    zh, en = TITLES[risk.rule]
    return {
        "rule": risk.rule,
        "title": zh if lang == "zh" else en,
        "customer_id": customer.ext,
        "customer": customer.name,
        "deal_id": deal.ext if deal else None,
        "deal": deal.name if deal else None,
        "rep_id": owner.ext if owner else None,
        "rep": owner.name if owner else None,
        "team": owner.team if owner else None,
        "since": risk.since.isoformat(),
        "facts": risk.facts,
        "records": [r.as_dict() for r in risk.records],
    }


class RiskService:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, snapshots: SnapshotCache, tz: tzinfo
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.snapshots = snapshots
        self.tz = tz

    def _load(self, principal: Principal) -> tuple[PipelineSnapshot, Policy, set[int]]:
        with self.sessions() as session:
            snap = self.snapshots.get(session, principal.org_id)
            policy = load_policy(session, principal.org_id)
        return snap, policy, visible_customers(snap, principal)

    def risks(
        self,
        principal: Principal,
        *,
        rule: str | None = None,
        rep_id: str | None = None,
        team: str | None = None,
        customer_id: str | None = None,
        as_of: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
        lang: str = "zh",
    ) -> dict[str, Any]:
        """Every risk within the caller's scope (filters: rule, rep, team, customer), oldest first."""
        if rule is not None and rule not in RULE_NAMES:
            raise InvalidInput(f"unknown rule {rule!r}; the rules are {', '.join(RULE_NAMES)}")
        as_of = as_of or self.clock.now()
        snap, policy, visible = self._load(principal)
        scope = narrow(snap, principal, visible, rep_id=rep_id, team=team, customer_id=customer_id)
        found = evaluate(snap, as_of, scope, policy.risk_rules, only=[rule] if rule else None)
        counts: dict[str, int] = {}
        for r in found:
            counts[r.rule] = counts.get(r.rule, 0) + 1
        return {
            "as_of": as_of.isoformat(),
            "total": len(found),
            "counts": counts,
            "limit": limit,
            "offset": offset,
            "items": [risk_view(snap, r, lang) for r in found[offset : offset + limit]],
        }

    def weighted_pipeline(
        self,
        principal: Principal,
        *,
        rep_id: str | None = None,
        team: str | None = None,
        customer_id: str | None = None,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        as_of = as_of or self.clock.now()
        snap, policy, visible = self._load(principal)
        scope = narrow(snap, principal, visible, rep_id=rep_id, team=team, customer_id=customer_id)
        return weighted_pipeline(snap, as_of, scope, policy.health)

    def lost_reasons(
        self, principal: Principal, *, since: datetime | None = None, as_of: datetime | None = None
    ) -> dict[str, Any]:
        as_of = as_of or self.clock.now()
        snap, _, visible = self._load(principal)
        return lost_reasons(snap, as_of, visible, since=since)

    def funnel(
        self, principal: Principal, *, rep_id: str | None = None, day: date | None = None
    ) -> dict[str, Any]:
        """Each visible rep's funnel for `day` (default today, in the team's time zone) and the day before."""
        day = day or self.clock.now().astimezone(self.tz).date()
        check_years(day, "day")  # the funnel looks back half a year
        snap, policy, visible = self._load(principal)
        reps = visible_reps(snap, principal, visible)
        if rep_id is not None:
            uid = snap.user_by_ext.get(rep_id)
            if uid is None:
                raise NotFound(f"no rep {rep_id!r}")
            if uid not in reps:
                raise Forbidden(f"rep {rep_id!r} is outside what this key may see")
            reps = {uid}
        report = funnel_report(snap, day, self.tz, policy.funnel, policy.risk_rules, reps)
        return {"day": day.isoformat(), "drop_points": policy.funnel.drop_points, "reps": report}

    def policy(self, principal: Principal) -> Policy:
        with self.sessions() as session:
            return load_policy(session, principal.org_id)

    def update_policy(self, principal: Principal, change: dict[str, Any]) -> Policy:
        """Change the organization's rules (admins only); the whole result is validated first."""
        require_role(principal, AccessRole.ADMIN)
        now = self.clock.now()
        with self.sessions.begin() as session:
            policy = update_policy(session, principal.org_id, change, user_id=principal.user_id, now=now)
            audit.record(
                session,
                principal.org_id,
                principal,
                "policy.updated",
                "policy",
                principal.org_slug,
                now=now,
                detail={"settings": setting_paths(change)},
            )
            return policy


def setting_paths(change: Any, prefix: str = "") -> list[str]:
    """The dotted names of the settings a policy change touches (risk_rules.stuck_deal.limits...)."""
    if not isinstance(change, dict) or not change:
        return [prefix.rstrip(".")] if prefix else []
    return [p for key, value in change.items() for p in setting_paths(value, f"{prefix}{key}.")]


def visible_reps(snap: PipelineSnapshot, principal: Principal, visible: Collection[int]) -> set[int]:
    """The sales reps the principal may see: themselves, their team, or all."""
    reps = {u.id for u in snap.reps()}
    if principal.sees_everything:
        return reps
    if principal.role is AccessRole.REP:
        return {principal.user_id} & reps if principal.user_id is not None else set()
    return {u for u in reps if snap.users[u].team == principal.team}
