"""The per-rep daily stage funnel, compared with the day before.

For a rep and a day, the funnel counts the rep's deals opened within the trailing window
(`FunnelSettings.window_days`, ending that day) by how far each had got by the end of the day:
`reached[s]` is the number that reached stage `s` or any later one (won passes every open stage;
a lost deal keeps the furthest stage it reached). The conversion between adjacent stages is
reached[next] / reached[stage]. A conversion that fell by `drop_points` percentage points or more
since the day before is flagged, with the rep's three most stalled customers.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import Any

from copilot.domain import Stage
from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.policies import FunnelSettings, RiskRules

FUNNEL: tuple[Stage, ...] = (Stage.LEAD, Stage.INTENT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON)
_RANK = {Stage.LEAD: 0, Stage.INTENT: 1, Stage.PROPOSAL: 2, Stage.NEGOTIATION: 3, Stage.WON: 4}


def end_of_day(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tz) - timedelta(microseconds=1)


@dataclass(frozen=True)
class Funnel:
    day: date
    deals: tuple[int, ...]
    reached: dict[Stage, int]

    def conversions(self) -> dict[str, float | None]:
        """Conversion between adjacent stages, in percent (None when nothing reached the first)."""
        out: dict[str, float | None] = {}
        for a, b in pairwise(FUNNEL):
            out[f"{a.value}->{b.value}"] = (
                round(100 * self.reached[b] / self.reached[a], 1) if self.reached[a] else None
            )
        return out


def rep_funnel(
    snap: PipelineSnapshot, rep_id: int, day: date, tz: tzinfo, settings: FunnelSettings
) -> Funnel:
    """The rep's funnel at the end of `day` (deals opened within the window ending then)."""
    end = end_of_day(day, tz)
    start = end - timedelta(days=settings.window_days)
    owned = (snap.deals[d] for d in snap.deals_by_owner.get(rep_id, []))
    deals = tuple(d.idx for d in owned if d.exists(end) and d.opened_at() >= start)
    furthest = [snap.deals[d].furthest_rank(end) for d in deals]
    reached = {s: sum(1 for r in furthest if r >= _RANK[s]) for s in FUNNEL}
    return Funnel(day, deals, reached)


def stalled_customers(
    snap: PipelineSnapshot, rep_id: int, as_of: datetime, rules: RiskRules, n: int = 3
) -> list[dict[str, Any]]:
    """The rep's customers whose open deals have sat longest relative to their stage's limit."""
    limits = rules.stuck_deal.limits
    best: dict[int, tuple[float, int, float]] = {}
    for deal in (snap.deals[d] for d in snap.deals_by_owner.get(rep_id, [])):
        stage = deal.stage_at(as_of)
        entered = deal.entered_at(as_of)
        if stage is None or not stage.is_open or entered is None:
            continue
        days = (as_of - entered).total_seconds() / 86400
        ratio = days / limits.get(stage, 30.0)
        if deal.customer not in best or ratio > best[deal.customer][0]:
            best[deal.customer] = (ratio, deal.idx, days)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:n]
    return [
        {
            "customer_id": snap.customers[c].ext,
            "customer": snap.customers[c].name,
            "deal_id": snap.deals[d].ext,
            "stage": snap.deals[d].stage_at(as_of),
            "days_in_stage": round(days, 1),
            "share_of_limit": round(ratio, 2),
        }
        for c, (ratio, d, days) in ranked
    ]


def funnel_report(
    snap: PipelineSnapshot,
    day: date,
    tz: tzinfo,
    settings: FunnelSettings,
    rules: RiskRules,
    rep_ids: Collection[int],
) -> list[dict[str, Any]]:
    """Each rep's funnel for `day` and the day before, with the drops flagged."""
    out = []
    for rep_id in sorted(rep_ids):
        rep = snap.users[rep_id]
        today = rep_funnel(snap, rep_id, day, tz, settings)
        before = rep_funnel(snap, rep_id, day - timedelta(days=1), tz, settings)
        now, prev = today.conversions(), before.conversions()
        steps = []
        for name, value in now.items():
            earlier = prev[name]
            change = None if value is None or earlier is None else round(value - earlier, 1)
            steps.append(
                {
                    "step": name,
                    "conversion_pct": value,
                    "previous_pct": earlier,
                    "change_points": change,
                    "flagged": change is not None and change <= -settings.drop_points,
                }
            )
        flagged = any(s["flagged"] for s in steps)
        out.append(
            {
                "rep_id": rep.ext,
                "rep": rep.name,
                "team": rep.team,
                "day": day.isoformat(),
                "window_days": settings.window_days,
                "reached": {s.value: today.reached[s] for s in FUNNEL},
                "previous_reached": {s.value: before.reached[s] for s in FUNNEL},
                "deals": [snap.deals[d].ext for d in today.deals],
                "steps": steps,
                "flagged": flagged,
                "stalled_customers": (
                    stalled_customers(snap, rep_id, end_of_day(day, tz), rules) if flagged else []
                ),
            }
        )
    return out
