"""Scores computed from stored records, each explained by its inputs: the customer health weight and
the weighted pipeline value, and lost-reason breakdowns."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from copilot.domain import Stage, lost_reason_category
from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.policies import HealthWeights


@dataclass(frozen=True)
class Factor:
    name: str
    factor: float
    because: str


@dataclass(frozen=True)
class DealHealth:
    deal: int
    weight: float
    factors: tuple[Factor, ...]
    amount: float
    weighted_value: float

    def as_dict(self, snap: PipelineSnapshot) -> dict[str, Any]:
        deal = snap.deals[self.deal]
        return {
            "deal_id": deal.ext,
            "customer_id": snap.customers[deal.customer].ext,
            "amount": self.amount,
            "weight": self.weight,
            "factors": [{"name": f.name, "factor": f.factor, "because": f.because} for f in self.factors],
            "weighted_value": self.weighted_value,
        }


def deal_health(snap: PipelineSnapshot, d: int, weights: HealthWeights) -> DealHealth:
    """The deal's health weight (1.0 times each factor that applies) and its weighted value."""
    deal = snap.deals[d]
    customer = snap.customers[deal.customer]
    factors: list[Factor] = []
    industry_factor = weights.industry_factors.get(customer.industry or "")
    if industry_factor is not None:
        factors.append(Factor("industry", industry_factor, f"industry is {customer.industry}"))
    years = customer.relationship_years
    if years is not None and years >= weights.relationship_years_min:
        factors.append(
            Factor(
                "relationship",
                weights.relationship_factor,
                f"relationship of {years:g} years >= {weights.relationship_years_min:g}",
            )
        )
    if deal.budget is not None and deal.budget >= weights.budget_min:
        factors.append(
            Factor("budget", weights.budget_factor, f"budget {deal.budget:,.0f} >= {weights.budget_min:,.0f}")
        )
    weight = 1.0
    for f in factors:
        weight *= f.factor
    amount = deal.amount or 0.0
    return DealHealth(d, round(weight, 6), tuple(factors), amount, round(amount * weight, 2))


def open_deals(snap: PipelineSnapshot, as_of: datetime, visible: Collection[int]) -> list[int]:
    """The visible customers' deals open as of `as_of`."""
    out = []
    for c in sorted(visible):
        for d in snap.customers[c].deals:
            stage = snap.deals[d].stage_at(as_of)
            if stage is not None and stage.is_open:
                out.append(d)
    return out


def weighted_pipeline(
    snap: PipelineSnapshot, as_of: datetime, visible: Collection[int], weights: HealthWeights
) -> dict[str, Any]:
    """The open deals' health-weighted value, in total and deal by deal with the factors applied."""
    rows = [deal_health(snap, d, weights) for d in open_deals(snap, as_of, visible)]
    return {
        "as_of": as_of.isoformat(),
        "open_deals": len(rows),
        "amount": round(sum(r.amount for r in rows), 2),
        "weighted_value": round(sum(r.weighted_value for r in rows), 2),
        "deals": [r.as_dict(snap) for r in sorted(rows, key=lambda r: -r.weighted_value)],
        "weights": weights.model_dump(mode="json"),
    }


def lost_reasons(
    snap: PipelineSnapshot,
    as_of: datetime,
    visible: Collection[int],
    *,
    since: datetime | None = None,
) -> dict[str, Any]:
    """Deals lost by `as_of` (and since `since`), grouped by reason category with counts and amounts."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in sorted(visible):
        for d in snap.customers[c].deals:
            deal = snap.deals[d]
            if deal.stage_at(as_of) is not Stage.LOST:
                continue
            lost_at = deal.entered_at(as_of)
            if since is not None and (lost_at is None or lost_at < since):
                continue
            groups.setdefault(lost_reason_category(deal.lost_reason), []).append(
                {
                    "deal_id": deal.ext,
                    "customer_id": snap.customers[c].ext,
                    "amount": deal.amount,
                    "lost_at": lost_at.isoformat() if lost_at else None,
                    "reason": deal.lost_reason,
                }
            )
    total = sum(len(v) for v in groups.values())
    breakdown = [
        {
            "category": name,
            "count": len(items),
            "share": round(len(items) / total, 3) if total else 0.0,
            "amount": round(sum(i["amount"] or 0 for i in items), 2),
            "deals": items,
        }
        for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return {
        "as_of": as_of.isoformat(),
        "since": since.isoformat() if since else None,
        "lost": total,
        "categories": breakdown,
    }
