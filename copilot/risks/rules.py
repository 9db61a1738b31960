"""The risk rules (FORMAT.md "Rules the questions rely on", each configurable per organization).

Each rule looks at the pipeline snapshot as of a time and names, for every risk it finds, the
records that triggered it and since when the risk holds. Boundaries: a customer idle for exactly
the rule's hours is stale; a deal exactly at its stage limit is not yet stuck (it must be longer).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from copilot.domain import Stage
from copilot.letters.elements import ELEMENTS
from copilot.pipeline.snapshot import ACTOR_ROLES, PipelineSnapshot, from_epoch, to_epoch
from copilot.policies import RiskRules


@dataclass(frozen=True)
class RecordRef:
    """A stored record behind a risk or an answer, by its external id."""

    type: str  # customer, deal, activity, document, stage_change, contact, requirement_confirmation...
    id: str
    at: datetime | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "at": self.at.isoformat() if self.at else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Risk:
    rule: str
    customer: int  # snapshot index
    deal: int | None
    since: datetime
    facts: dict[str, Any]
    records: tuple[RecordRef, ...] = field(default_factory=tuple)


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def stale_customers(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], *, hours: float, min_stage: Stage
) -> Iterator[Risk]:
    """Customers with an open deal at `min_stage` or later and no activity for `hours` or more."""
    last_index = snap.last_index(as_of)
    last = snap.last_activity(as_of)
    cutoff = to_epoch(as_of - timedelta(hours=hours))
    candidates: dict[int, list[int]] = {}  # the idle customers' open deals at min_stage or later
    everyone = len(visible) == len(snap.customers)
    for d, stage in snap.open_deals(as_of):
        c = snap.deals[d].customer
        if stage.rank >= min_stage.rank and last[c] <= cutoff and (everyone or c in visible):
            candidates.setdefault(c, []).append(d)
    for c in sorted(candidates):
        customer = snap.customers[c]
        open_deals = candidates[c]
        records = [RecordRef("customer", customer.ext)]
        records += [
            RecordRef("deal", snap.deals[d].ext, note=snap.deals[d].stage_at(as_of)) for d in open_deals
        ]
        if last[c] >= 0:
            last_at = from_epoch(int(last[c]))
            since = last_at + timedelta(hours=hours)
            records.append(
                RecordRef("activity", snap.activities.ext[int(last_index[c])], last_at, "last activity")
            )
        else:
            last_at = None
            since = min(snap.deals[d].opened_at() for d in open_deals) + timedelta(hours=hours)
        idle = as_of - last_at if last_at else None
        yield Risk(
            "stale_customer",
            c,
            None,
            since,
            {
                "last_activity_at": last_at.isoformat() if last_at else None,
                "idle_hours": round(idle.total_seconds() / 3600, 1) if idle else None,
                "hours": hours,
                "open_deals": [snap.deals[d].ext for d in open_deals],
            },
            tuple(records),
        )


def _open_deals(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int]
) -> Iterator[tuple[int, Stage]]:
    everyone = len(visible) == len(snap.customers)
    for d, stage in snap.open_deals(as_of):
        if everyone or snap.deals[d].customer in visible:
            yield d, stage


def stuck_deals(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], *, limits: dict[Stage, float]
) -> Iterator[Risk]:
    """Open deals longer in their current stage than the stage's limit (days)."""
    for d, stage in _open_deals(snap, as_of, visible):
        limit = limits.get(stage)
        deal = snap.deals[d]
        entered = deal.entered_at(as_of)
        if limit is None or entered is None or as_of - entered <= timedelta(days=limit):
            continue
        yield Risk(
            "stuck_deal",
            deal.customer,
            d,
            entered + timedelta(days=limit),
            {
                "stage": stage.value,
                "entered_at": entered.isoformat(),
                "days_in_stage": _days(as_of - entered),
                "limit_days": limit,
            },
            (
                RecordRef("deal", deal.ext),
                RecordRef("stage_change", deal.ext, entered, f"entered {stage.value}"),
            ),
        )


def missing_decision_makers(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], *, min_stage: Stage
) -> Iterator[Risk]:
    """Open deals whose customer has no contact with role decision_maker."""
    for d, stage in _open_deals(snap, as_of, visible):
        deal = snap.deals[d]
        customer = snap.customers[deal.customer]
        if stage.rank < min_stage.rank or customer.has_decision_maker:
            continue
        roles = [x.role or "-" for x in customer.contacts]
        yield Risk(
            "missing_decision_maker",
            deal.customer,
            d,
            deal.opened_at(),
            {"stage": stage.value, "contact_roles": roles},
            (
                RecordRef("deal", deal.ext),
                RecordRef("customer", customer.ext, note="contact roles: " + (", ".join(roles) or "none")),
            ),
        )


def missing_confirmation_letters(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int]
) -> Iterator[Risk]:
    """Negotiation deals without a letter stating payment method, delivery period and acceptance."""
    for d, stage in _open_deals(snap, as_of, visible):
        if stage is not Stage.NEGOTIATION or snap.complete_letter(d, as_of) is not None:
            continue
        deal = snap.deals[d]
        letters = [x for x in snap.letters_by_deal.get(d, []) if x.at <= as_of]
        best = min(letters, key=lambda x: len(x.missing), default=None)
        entered = deal.entered_at(as_of) or deal.opened_at()
        records = [RecordRef("deal", deal.ext)]
        records += [RecordRef("document", x.ext, x.at, "lacks " + ", ".join(x.missing)) for x in letters]
        yield Risk(
            "missing_confirmation_letter",
            deal.customer,
            d,
            entered,
            {"letters": [x.ext for x in letters], "missing": list(best.missing) if best else list(ELEMENTS)},
            tuple(records),
        )


def no_legal_finance_activity(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], *, days: float, roles: list[str]
) -> Iterator[Risk]:
    """Negotiation deals with no activity by legal or finance (on the deal or its customer) lately."""
    acts = snap.activities
    codes = [ACTOR_ROLES.index(r) for r in roles if r in ACTOR_ROLES]
    upto = acts.span(None, as_of)
    by_customer: dict[int, list[int]] = {}  # the few legal/finance activities, by customer
    for i in np.flatnonzero(np.isin(acts.role[upto], codes)):
        by_customer.setdefault(int(acts.customer[i]), []).append(int(i))
    window = timedelta(days=days)
    for d, stage in _open_deals(snap, as_of, visible):
        if stage is not Stage.NEGOTIATION:
            continue
        deal = snap.deals[d]
        hits = [i for i in by_customer.get(deal.customer, []) if int(acts.deal[i]) in (d, -1)]
        last = from_epoch(int(acts.at[hits[-1]])) if hits else None
        if last is not None and as_of - last <= window:
            continue
        entered = deal.entered_at(as_of) or deal.opened_at()
        since = max(entered, last + window) if last else entered
        records = [RecordRef("deal", deal.ext)]
        if last is not None:
            records.append(RecordRef("activity", acts.ext[hits[-1]], last, "last legal/finance activity"))
        yield Risk(
            "no_legal_finance_activity",
            deal.customer,
            d,
            since,
            {"roles": roles, "days": days, "last_activity_at": last.isoformat() if last else None},
            tuple(records),
        )


def unanswered_requirement_changes(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], *, hours: float
) -> Iterator[Risk]:
    """Requirement changes by sales that the solution owner has not answered within `hours`."""
    for cf in snap.confirmations:
        deal = snap.deals[cf.deal]
        if deal.customer not in visible or cf.requested_at > as_of:
            continue
        if cf.answered_at is not None and cf.answered_at <= as_of:
            continue
        if as_of - cf.requested_at < timedelta(hours=hours):
            continue
        yield Risk(
            "unanswered_requirement_change",
            deal.customer,
            cf.deal,
            cf.requested_at + timedelta(hours=hours),
            {
                "requested_at": cf.requested_at.isoformat(),
                "waiting_hours": round((as_of - cf.requested_at).total_seconds() / 3600, 1),
            },
            (RecordRef("deal", deal.ext), RecordRef("requirement_confirmation", str(cf.id), cf.requested_at)),
        )


def open_contract_differences(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int]
) -> Iterator[Risk]:
    """Differences between a deal's latest contract and its requirements that nobody acknowledged."""
    for diff in snap.diffs:
        deal = snap.deals[diff.deal]
        if deal.customer not in visible or not diff.open_at(as_of):
            continue
        yield Risk(
            "open_contract_difference",
            deal.customer,
            diff.deal,
            diff.since,
            {"field": diff.field, "reason": diff.reason, "contract": diff.contract_ext},
            (
                RecordRef("deal", deal.ext),
                RecordRef(
                    "contract_difference", f"{diff.contract_ext}:{diff.field}", diff.since, diff.reason
                ),
            ),
        )


RuleRunner = Callable[[PipelineSnapshot, datetime, Collection[int], RiskRules], Iterator[Risk]]

RULES: dict[str, RuleRunner] = {
    "stale_customer": lambda s, t, v, r: stale_customers(
        s, t, v, hours=r.stale_customer.hours, min_stage=r.stale_customer.min_stage
    ),
    "stuck_deal": lambda s, t, v, r: stuck_deals(s, t, v, limits=r.stuck_deal.limits),
    "missing_decision_maker": lambda s, t, v, r: missing_decision_makers(
        s, t, v, min_stage=r.missing_decision_maker.min_stage
    ),
    "missing_confirmation_letter": lambda s, t, v, r: missing_confirmation_letters(s, t, v),
    "no_legal_finance_activity": lambda s, t, v, r: no_legal_finance_activity(
        s, t, v, days=r.no_legal_finance_activity.days, roles=r.no_legal_finance_activity.roles
    ),
    "unanswered_requirement_change": lambda s, t, v, r: unanswered_requirement_changes(
        s, t, v, hours=r.unanswered_requirement_change.hours
    ),
    "open_contract_difference": lambda s, t, v, r: open_contract_differences(s, t, v),
}


def evaluate(
    snap: PipelineSnapshot,
    as_of: datetime,
    visible: Collection[int],
    rules: RiskRules,
    only: Collection[str] | None = None,
) -> list[Risk]:
    """Every enabled rule's risks among the visible customers, oldest first."""
    found: list[Risk] = []
    for name, run in RULES.items():
        if (only and name not in only) or not getattr(rules, name).enabled:
            continue
        found.extend(run(snap, as_of, visible, rules))
    return sorted(found, key=lambda r: (r.since, r.rule, r.customer, r.deal or -1))
