"""The daily rhythm's contents, computed from the pipeline snapshot: the one-page brief (作战简报),
the low-activity patrol (静默巡检) and the overdue alerts. Each number names the records behind it.

- New high-quality leads today: customers first contacted today (the team's day) with a follow-up
  today that the quality rule judged high quality.
- Deals overdue since yesterday: deals whose stage time limit ran out in the last 24 hours, or whose
  expected close day was yesterday while still open.
- The week's health trend: the health-weighted value of the open pipeline at the end of each of the
  last seven days, and the change over the week, with the deals that moved it most.
- The patrol: customers with an open deal at intent or later and no activity for 72 hours, each
  with its tags (stage, industry, the other risks it carries, the buying signals last heard) and a
  summary of its history.
- Alerts: one card per deal over its stage limit, repeated every 24 hours while it stays overdue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.domain import Stage
from copilot.pipeline.snapshot import ACTIVITY_KINDS, PipelineSnapshot, from_epoch, to_epoch
from copilot.policies import Policy
from copilot.risks.funnel import funnel_report
from copilot.risks.rules import evaluate, stale_customers, stuck_deals
from copilot.risks.scores import deal_health
from copilot.store.models import Activity, Extraction

STAGE_ZH = {
    "lead": "线索",
    "intent": "意向",
    "proposal": "方案",
    "negotiation": "谈判",
    "won": "赢单",
    "lost": "输单",
}
RISK_TAGS = {
    "stuck_deal": ("商机停滞", "stuck"),
    "missing_decision_maker": ("无决策人", "no decision maker"),
    "missing_confirmation_letter": ("缺确认函", "no confirmation letter"),
    "no_legal_finance_activity": ("法务财务未参与", "no legal/finance"),
    "unanswered_requirement_change": ("需求变更未确认", "requirement change unanswered"),
    "open_contract_difference": ("合同差异未确认", "contract difference open"),
}


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz) - timedelta(microseconds=1)


def _customer_ref(snap: PipelineSnapshot, c: int) -> dict[str, Any]:
    customer = snap.customers[c]
    owner = snap.owner(c)
    return {
        "customer_id": customer.ext,
        "customer": customer.name,
        "rep_id": owner.ext if owner else None,
        "rep": owner.name if owner else None,
    }


def new_quality_leads(
    session: Session, snap: PipelineSnapshot, visible: Collection[int], as_of: datetime, tz: tzinfo
) -> list[dict[str, Any]]:
    start, _ = day_bounds(as_of.astimezone(tz).date(), tz)
    rows = session.execute(
        select(Activity.customer_id, Activity.external_id, Activity.at, Extraction.quality, Extraction.fields)
        .join(Extraction, Extraction.activity_id == Activity.id)
        .where(Activity.org_id == snap.org_id, Activity.at >= start, Activity.at <= as_of)
        .order_by(Activity.at, Extraction.id)
    )
    by_id = {c.id: c.idx for c in snap.customers}
    latest: dict[str, tuple[int, str, datetime, dict[str, Any], dict[str, Any]]] = {}
    for customer_id, ext, at, quality, fields in rows:
        c = by_id.get(customer_id)
        if c is not None and c in visible:
            latest[ext] = (c, ext, at, quality or {}, fields or {})  # the activity's latest extraction
    out: dict[int, dict[str, Any]] = {}
    for c, ext, at, quality, fields in latest.values():
        customer = snap.customers[c]
        first = customer.first_contact_at
        new = fields.get("first_contact_date") == start.date().isoformat() or (
            first is not None and first >= start
        )
        if not new or not (quality.get("verdict") or {}).get("high_quality"):
            continue
        item = out.setdefault(c, {**_customer_ref(snap, c), "records": []})
        item["records"].append(
            {"type": "activity", "id": ext, "at": at.isoformat(), "note": fields.get("summary") or None}
        )
    return list(out.values())


def overdue_since_yesterday(
    snap: PipelineSnapshot, visible: Collection[int], as_of: datetime, tz: tzinfo, policy: Policy
) -> list[dict[str, Any]]:
    out = []
    since = as_of - timedelta(hours=24)
    for risk in stuck_deals(snap, as_of, visible, limits=policy.risk_rules.stuck_deal.limits):
        if risk.since > since:
            deal = snap.deals[risk.deal or 0]
            out.append(
                {
                    **_customer_ref(snap, risk.customer),
                    "deal_id": deal.ext,
                    "deal": deal.name,
                    "why": "stage_limit",
                    "overdue_since": risk.since.isoformat(),
                    "facts": risk.facts,
                    "records": [r.as_dict() for r in risk.records],
                }
            )
    yesterday = as_of.astimezone(tz).date() - timedelta(days=1)
    for d, stage in snap.open_deals(as_of):
        deal = snap.deals[d]
        if deal.customer in visible and deal.expected_close == yesterday:
            out.append(
                {
                    **_customer_ref(snap, deal.customer),
                    "deal_id": deal.ext,
                    "deal": deal.name,
                    "why": "expected_close_passed",
                    "overdue_since": yesterday.isoformat(),
                    "facts": {"stage": stage.value, "expected_close": yesterday.isoformat()},
                    "records": [
                        {"type": "deal", "id": deal.ext, "at": None, "note": "expected close passed"}
                    ],
                }
            )
    return out


def health_trend(
    snap: PipelineSnapshot, visible: Collection[int], as_of: datetime, tz: tzinfo, policy: Policy
) -> dict[str, Any]:
    """The weighted open pipeline at the end of each of the last seven days (today: as of now)."""
    today = as_of.astimezone(tz).date()
    points: list[dict[str, Any]] = []
    values: dict[date, dict[int, float]] = {}
    health: dict[int, float] = {}  # a deal's weighted value does not depend on the day

    def weighted_value(d: int) -> float:
        if d not in health:
            health[d] = deal_health(snap, d, policy.health).weighted_value
        return health[d]

    days = [today - timedelta(days=back) for back in range(7, -1, -1)]
    ends = [(day, as_of if day == today else day_bounds(day, tz)[1]) for day in days]
    open_on: dict[date, list[int]] = {day: [] for day, _ in ends}
    first_end = ends[0][1]
    for c in sorted(visible):
        for d in snap.customers[c].deals:
            deal = snap.deals[d]
            if not deal.changes_after(first_end):  # settled before the week: one lookup for all days
                stage = deal.stage_at(first_end)
                if stage is not None and stage.is_open:
                    for day, _ in ends:
                        open_on[day].append(d)
                continue
            for day, at in ends:
                stage = deal.stage_at(at)
                if stage is not None and stage.is_open:
                    open_on[day].append(d)
    for day, _ in ends:
        weighted = {d: weighted_value(d) for d in open_on[day]}
        values[day] = weighted
        points.append(
            {
                "day": day.isoformat(),
                "weighted_value": round(sum(weighted.values()), 2),
                "open_deals": len(weighted),
            }
        )
    start, end = values[today - timedelta(days=7)], values[today]
    moves: list[dict[str, Any]] = []
    for d in set(start) | set(end):
        change = end.get(d, 0.0) - start.get(d, 0.0)
        if change:
            deal = snap.deals[d]
            moves.append(
                {
                    "deal_id": deal.ext,
                    "deal": deal.name,
                    "customer_id": snap.customers[deal.customer].ext,
                    "change": round(change, 2),
                    "stage": (deal.stage_at(as_of) or Stage.LEAD).value,
                }
            )
    moves.sort(key=lambda m: -abs(m["change"]))
    first, last = points[0]["weighted_value"], points[-1]["weighted_value"]
    return {
        "points": points[1:],
        "week_start_value": first,
        "value": last,
        "change": round(last - first, 2),
        "change_pct": round((last - first) / first * 100, 1) if first else None,
        "records": moves[:10],
    }


def brief(
    session: Session,
    snap: PipelineSnapshot,
    visible: Collection[int],
    reps: Collection[int],
    as_of: datetime,
    tz: tzinfo,
    policy: Policy,
    *,
    with_funnels: bool = False,
) -> dict[str, Any]:
    """The one-page brief: three numbers with their records, and the reps' funnel drops (and
    every rep's funnel, when asked)."""
    leads = new_quality_leads(session, snap, visible, as_of, tz)
    overdue = overdue_since_yesterday(snap, visible, as_of, tz, policy)
    trend = health_trend(snap, visible, as_of, tz, policy)
    day = as_of.astimezone(tz).date()
    funnels = funnel_report(snap, day, tz, policy.funnel, policy.risk_rules, reps)
    drops = [
        {
            "rep_id": f["rep_id"],
            "rep": f["rep"],
            "team": f["team"],
            "steps": [s for s in f["steps"] if s["flagged"]],
            "stalled_customers": f["stalled_customers"],
        }
        for f in funnels
        if f["flagged"]
    ]
    out = {
        "day": day.isoformat(),
        "as_of": as_of.isoformat(),
        "numbers": {
            "new_quality_leads": len(leads),
            "overdue_since_yesterday": len(overdue),
            "health_change": trend["change"],
        },
        "new_quality_leads": leads,
        "overdue_since_yesterday": overdue,
        "health_trend": trend,
        "funnel_drops": drops,
        "reps": len(funnels),
    }
    if with_funnels:
        out["funnels"] = funnels
    return out


def patrol(
    session: Session,
    snap: PipelineSnapshot,
    visible: Collection[int],
    as_of: datetime,
    policy: Policy,
    tz: tzinfo,
) -> dict[str, Any]:
    """Customers at intent or later with no activity for the patrol's hours, with tags and history."""
    hours = policy.rhythm.patrol_hours
    stale = list(stale_customers(snap, as_of, visible, hours=hours, min_stage=Stage.INTENT))
    customers = {r.customer for r in stale}
    other = evaluate(snap, as_of, customers, policy.risk_rules) if customers else []
    tags: dict[int, set[str]] = {}
    for r in other:
        if r.rule in RISK_TAGS:
            tags.setdefault(r.customer, set()).add(r.rule)
    history = _histories(session, snap, customers, as_of, policy.language, tz)
    items = []
    for risk in stale:
        c = risk.customer
        stages = [snap.deals[d].stage_at(as_of) for d in snap.customers[c].deals]
        top = max((s for s in stages if s is not None and s.is_open), key=lambda s: s.rank, default=None)
        h = history.get(c, {})
        items.append(
            {
                **_customer_ref(snap, c),
                "stage": top.value if top else None,
                "industry": snap.customers[c].industry,
                "idle_hours": risk.facts.get("idle_hours"),
                "last_activity_at": risk.facts.get("last_activity_at"),
                "tags": sorted(tags.get(c, set())),
                "signals": h.get("signals", []),
                "history": h.get("summary", ""),
                "records": [x.as_dict() for x in risk.records] + h.get("records", []),
            }
        )
    items.sort(key=lambda x: -(x["idle_hours"] or 1e9))
    return {"as_of": as_of.isoformat(), "hours": hours, "count": len(items), "customers": items}


KIND_ZH = {
    "call": "电话",
    "visit": "拜访",
    "chat": "微信",
    "email": "邮件",
    "meeting": "会议",
    "note": "备注",
    "quote": "报价",
    "document": "文件",
}


def _histories(
    session: Session,
    snap: PipelineSnapshot,
    customers: Collection[int],
    as_of: datetime,
    lang: str,
    tz: tzinfo,
) -> dict[int, dict[str, Any]]:
    """Per customer: activity counts by kind in the last 30 days, the last notes, the last signals."""
    if not customers:
        return {}
    acts = snap.activities
    wanted = np.fromiter(sorted(customers), dtype=np.int32)
    upto = acts.span(None, as_of).stop
    # the customers' activities up to as_of, from the snapshot's arrays (time order)
    mine = np.flatnonzero(np.isin(acts.customer[:upto], wanted))
    window = to_epoch(as_of - timedelta(days=30))
    counts: dict[int, Counter[str]] = {}
    picked: dict[int, list[int]] = {}
    for i in mine[::-1]:  # newest first
        c = int(acts.customer[i])
        if int(acts.at[i]) >= window:
            kind = ACTIVITY_KINDS[acts.kind[i]] if acts.kind[i] >= 0 else "other"
            counts.setdefault(c, Counter())[kind] += 1
        chosen = picked.setdefault(c, [])
        if len(chosen) < 2:
            chosen.append(int(i))
    texts: dict[str, str] = {}
    exts = [acts.ext[i] for chosen in picked.values() for i in chosen]
    for start_at in range(0, len(exts), 500):
        part = exts[start_at : start_at + 500]
        rows = session.execute(
            select(Activity.external_id, Activity.text).where(
                Activity.org_id == snap.org_id, Activity.external_id.in_(part)
            )
        )
        texts.update((str(ext), str(text)) for ext, text in rows)
    last: dict[int, list[tuple[str, datetime, str, str]]] = {
        c: [
            (
                acts.ext[i],
                from_epoch(int(acts.at[i])),
                ACTIVITY_KINDS[acts.kind[i]] if acts.kind[i] >= 0 else "other",
                texts.get(acts.ext[i], ""),
            )
            for i in reversed(chosen)
        ]
        for c, chosen in picked.items()
    }
    out: dict[int, dict[str, Any]] = {}
    ids = {snap.customers[c].id: c for c in customers}
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids)[chunk_start : chunk_start + 500]
        for cid, signals in session.execute(
            select(Activity.customer_id, Extraction.signals)
            .join(Activity, Extraction.activity_id == Activity.id)
            .where(
                Extraction.org_id == snap.org_id,
                Activity.customer_id.in_(chunk),
                Activity.at <= as_of,
                Activity.at >= as_of - timedelta(days=90),
            )
            .order_by(Activity.at)
        ):
            heard = [s.get("signal") if isinstance(s, dict) else str(s) for s in signals or []]
            out.setdefault(ids[cid], {})["signals"] = sorted({n for n in heard if n})
    for c in customers:
        recent = last.get(c, [])[-2:]
        kinds = counts.get(c, Counter())
        zh = lang != "en"
        names: dict[str, str] = KIND_ZH if zh else {}
        summary = ("；" if zh else "; ").join(
            f"{at.astimezone(tz).date().isoformat()} {names.get(kind, kind)}：{_clip(text, 40)}"
            for _, at, kind, text in reversed(recent)
        )
        tally = ("，" if zh else ", ").join(f"{names.get(k, k)}×{n}" for k, n in kinds.most_common())
        tally = tally or ("近30天无记录" if zh else "nothing in 30 days")
        entry = out.setdefault(c, {})
        entry["summary"] = f"{tally}。{summary}" if summary else tally
        entry["records"] = [
            {"type": "activity", "id": ext, "at": at.isoformat(), "note": kind} for ext, at, kind, _ in recent
        ]
    return out


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def overdue_alerts(
    snap: PipelineSnapshot, visible: Collection[int], as_of: datetime, policy: Policy
) -> list[dict[str, Any]]:
    """One card per deal over its stage limit."""
    out = []
    for risk in stuck_deals(snap, as_of, visible, limits=policy.risk_rules.stuck_deal.limits):
        deal = snap.deals[risk.deal or 0]
        out.append(
            {
                **_customer_ref(snap, risk.customer),
                "deal_id": deal.ext,
                "deal": deal.name,
                "amount": deal.amount,
                "stage": risk.facts["stage"],
                "days_in_stage": risk.facts["days_in_stage"],
                "limit_days": risk.facts["limit_days"],
                "overdue_since": risk.since.isoformat(),
                "records": [r.as_dict() for r in risk.records],
            }
        )
    return out
