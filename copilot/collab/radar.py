"""The rep capability radar (能力雷达): six dimensions, each 0-100, for one person and one month.

Computed only from events recorded in that month (in the team's time zone; the current month
runs up to now) on the rep's book, the customers the rep owns. Every dimension comes back with
the inputs that produced it and its formula in words, so a rep can see why. `cap(x, t)` is
min(1, x / t): the input counts in full once it reaches the target t.

1. negotiation (商务谈判): points = negotiation rounds (activities on a deal while it stood at
   negotiation) + 2 x quote revisions (per deal, `quote` activities beyond the first);
   score = 100 x cap(points, 12).
2. needs_diagnosis (需求诊断): over the month's extracted follow-ups, share3 = the share asking 3+
   discovery questions, avg = discovery questions per follow-up;
   score = 100 x (0.6 x share3 + 0.4 x cap(avg, 3)); 0 without follow-ups.
3. solution_presentation (方案展示): sessions = visits, meetings and documents by solution staff +
   minutes whose technical-constraints block solution filled; progress = entries into proposal +
   moves from proposal on to negotiation or won; score = 50 x cap(sessions, 4) + 50 x cap(progress, 3).
4. follow_up_discipline (跟进纪律): on the customers with an open deal at the window's end: the
   re-contact gaps between consecutive activities (the first measured from the last activity
   before the month); cadence = cap(24, median gap in hours) (a day or less is full marks);
   stale = gaps over 72 h + customers silent over 72 h at the window's end, out of checks = gaps +
   customers; score = 100 x (0.5 x cadence + 0.5 x (1 - stale / checks)); 0 without such customers.
5. collaboration (协作): points = 2 per ticket answered in time, as requester and as answerer
   (answered in the month); blocks = the person's minutes blocks due in the month, in time vs
   overdue; score = 100 x cap(points, 8), or 100 x (0.6 x cap(points, 8) + 0.4 x in_time / blocks)
   when blocks were due.
6. customer_success (客户成功): kick-offs due in the month prepared on time vs late; high-quality
   follow-ups (the judge's verdict); deals won in the month; score = 100 x (0.4 x on_time / due +
   0.3 x cap(high_quality, 5) + 0.3 x cap(won, 2)), or 100 x (0.5 x cap(high_quality, 5) +
   0.5 x cap(won, 2)) when no kick-off was due.

Each score rises with what it rewards and falls with what it penalises (overdue blocks, late
kick-offs, stale gaps, slower cadence). Queries read only the rep's month (plus the rep's deals'
stage history and each open customer's last contact before the month), with SQL counts where a
count is all that is needed.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from copilot.errors import InvalidInput
from copilot.store.models import (
    Activity,
    Customer,
    Deal,
    Extraction,
    Kickoff,
    MeetingMinutes,
    MinutesBlock,
    StageChange,
    Ticket,
    User,
)

MINUTES_DUE = timedelta(hours=2)  # as copilot.collab.minutes.FILL_WITHIN
TICKET_POINTS = 2  # as copilot.collab.tickets.POINTS
STALE_HOURS = 72
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
NAMES = {
    "negotiation": ("商务谈判", "business negotiation"),
    "needs_diagnosis": ("需求诊断", "needs diagnosis"),
    "solution_presentation": ("方案展示", "solution presentation"),
    "follow_up_discipline": ("跟进纪律", "follow-up discipline"),
    "collaboration": ("协作", "collaboration"),
    "customer_success": ("客户成功", "customer success"),
}


def cap(value: float, target: float) -> float:
    return min(1.0, value / target) if target > 0 else 0.0


@dataclass(frozen=True)
class Month:
    label: str
    start: datetime
    end: datetime  # exclusive: the month's end, or just after now for the current month
    until: datetime  # what the window covers up to: the month's end, or now
    complete: bool


def parse_month(month: str | None, now: datetime, tz: tzinfo) -> Month:
    """`YYYY-MM` in the team's time zone (default: the current month); a future month is refused."""
    local = now.astimezone(tz)
    if month is None:
        month = f"{local.year:04d}-{local.month:02d}"
    m = _MONTH_RE.match(month.strip())
    if m is None:
        raise InvalidInput(f"month must be YYYY-MM, e.g. {local.year:04d}-{local.month:02d}; got {month!r}")
    year, mon = int(m.group(1)), int(m.group(2))
    if year < 2000:
        raise InvalidInput(f"month {month!r} is before 2000")
    start = datetime(year, mon, 1, tzinfo=tz)
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=tz)
    if start > now:
        raise InvalidInput(f"month {month} has not started yet")
    # the current month runs up to and including now (intervals below are half-open)
    end = min(following, now + timedelta(microseconds=1))
    return Month(
        label=month.strip(), start=start, end=end, until=min(following, now), complete=following <= now
    )


@dataclass
class Dimension:
    key: str
    formula: str
    inputs: list[dict[str, Any]] = field(default_factory=list)
    score: float = 0.0

    def add(self, name: str, value: Any, description: str) -> None:
        self.inputs.append({"name": name, "value": value, "description": description})

    def view(self) -> dict[str, Any]:
        zh, en = NAMES[self.key]
        return {
            "key": self.key,
            "name": zh,
            "name_en": en,
            "score": round(max(0.0, min(100.0, self.score))),
            "formula": self.formula,
            "inputs": self.inputs,
        }


@dataclass
class _History:
    """The rep's deals' stage entries up to the window's end."""

    entries: dict[int, list[tuple[datetime, str]]]
    customer_of: dict[int, int]
    times: dict[int, list[datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.times = {d: [t for t, _ in rows] for d, rows in self.entries.items()}

    def stage_at(self, deal_id: int, at: datetime) -> str | None:
        """The stage the deal stood at, at `at` (None before it existed)."""
        i = bisect.bisect_right(self.times.get(deal_id, []), at)
        return self.entries[deal_id][i - 1][1] if i else None


def rep_radar(session: Session, org_id: int, user: User, month: Month) -> dict[str, Any]:
    """The six dimensions for `user` over `month` (see the module docstring)."""
    start, end = month.start, month.end
    book = select(Customer.id).where(Customer.org_id == org_id, Customer.owner_id == user.id)
    in_month = (
        Activity.org_id == org_id,
        Activity.customer_id.in_(book),
        Activity.at >= start,
        Activity.at < end,
    )
    history = _stage_history(session, org_id, book, end)
    # sorted here: an ORDER BY would lead SQLite to walk the whole organization's month by time
    acts = sorted(
        session.execute(select(Activity.customer_id, Activity.deal_id, Activity.at).where(*in_month)).all(),
        key=lambda row: row[2],
    )
    quality = _latest_quality(session, in_month)

    dims = [
        _negotiation(session, in_month, acts, history),
        _needs(quality),
        _solution(session, org_id, book, in_month, history, start, end),
        _discipline(session, org_id, acts, history, start, end),
        _collaboration(session, org_id, user.id, start, end),
        _customer_success(session, org_id, user.id, quality, history, start, end),
    ]
    views = [d.view() for d in dims]
    return {
        "rep": {"id": user.external_id, "name": user.name, "team": user.team, "role": user.role},
        "month": month.label,
        "from": start.isoformat(),
        "to": month.until.isoformat(),
        "complete": month.complete,
        "scores": {v["key"]: v["score"] for v in views},
        "dimensions": views,
    }


def _stage_history(session: Session, org_id: int, book: Any, end: datetime) -> _History:
    rows = session.execute(
        select(StageChange.deal_id, Deal.customer_id, StageChange.at, StageChange.stage)
        .join(Deal, Deal.id == StageChange.deal_id)
        .where(
            StageChange.org_id == org_id,
            Deal.org_id == org_id,
            Deal.customer_id.in_(book),
            StageChange.at < end,
        )
        .order_by(StageChange.deal_id, StageChange.at, StageChange.id)
    ).all()
    entries: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    customer_of: dict[int, int] = {}
    for deal_id, customer_id, at, stage in rows:
        entries[deal_id].append((at, stage))
        customer_of[deal_id] = customer_id
    return _History(dict(entries), customer_of)


def _latest_quality(session: Session, in_month: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The quality reading of each extracted follow-up in the month (its latest extraction)."""
    latest: dict[int, tuple[int, dict[str, Any]]] = {}
    for activity_id, ext_id, q in session.execute(
        select(Extraction.activity_id, Extraction.id, Extraction.quality)
        .join(Activity, Activity.id == Extraction.activity_id)
        .where(*in_month, Activity.status == "extracted")
    ).all():
        if activity_id not in latest or ext_id > latest[activity_id][0]:
            latest[activity_id] = (ext_id, q or {})
    return [q for _, q in latest.values()]


def _negotiation(
    session: Session, in_month: tuple[Any, ...], acts: Sequence[Any], history: _History
) -> Dimension:
    dim = Dimension(
        "negotiation",
        "points = negotiation_rounds + 2 x quote_revisions; score = 100 x min(1, points / 12)",
    )
    quotes = session.execute(
        select(Activity.deal_id, func.count())
        .where(*in_month, Activity.kind == "quote", Activity.deal_id.is_not(None))
        .group_by(Activity.deal_id)
    ).all()
    revisions = sum(max(0, n - 1) for _, n in quotes)
    rounds = sum(
        1 for _, deal_id, at in acts if deal_id is not None and history.stage_at(deal_id, at) == "negotiation"
    )
    dim.add("quotes", sum(n for _, n in quotes), "quote activities on the rep's deals this month")
    dim.add("quote_revisions", revisions, "per deal, quotes beyond the first (a revised quote)")
    dim.add("negotiation_rounds", rounds, "activities on a deal while it stood at negotiation")
    dim.score = 100 * cap(rounds + 2 * revisions, 12)
    return dim


def _needs(quality: list[dict[str, Any]]) -> Dimension:
    dim = Dimension(
        "needs_diagnosis",
        "share3 = follow-ups with 3+ discovery questions / follow-ups; avg = questions per follow-up; "
        "score = 100 x (0.6 x share3 + 0.4 x min(1, avg / 3)); 0 without follow-ups",
    )
    n = len(quality)
    questions = sum(len(q.get("discovery_questions") or []) for q in quality)
    three = sum(1 for q in quality if (q.get("verdict") or {}).get("discovery_3plus"))
    share3 = three / n if n else 0.0
    avg = questions / n if n else 0.0
    dim.add("followups", n, "follow-ups read by the engine this month")
    dim.add("discovery_questions", questions, "discovery questions asked in them")
    dim.add("discovery_3plus", three, "follow-ups asking 3 or more discovery questions")
    dim.add("share_3plus", round(share3, 3), "discovery_3plus / followups")
    dim.add("avg_questions", round(avg, 2), "discovery_questions / followups")
    dim.score = 100 * (0.6 * share3 + 0.4 * cap(avg, 3)) if n else 0.0
    return dim


def _solution(
    session: Session,
    org_id: int,
    book: Any,
    in_month: tuple[Any, ...],
    history: _History,
    start: datetime,
    end: datetime,
) -> Dimension:
    dim = Dimension(
        "solution_presentation",
        "sessions = solution visits/meetings/documents + minutes with constraints filled; progress = "
        "proposal entries + moves from proposal to negotiation or won; "
        "score = 50 x min(1, sessions / 4) + 50 x min(1, progress / 3)",
    )
    joint = (
        session.scalar(
            select(func.count()).where(
                *in_month,
                Activity.kind.in_(("visit", "meeting", "document")),
                Activity.actor_role == "solution",
            )
        )
        or 0
    )
    minutes = (
        session.scalar(
            select(func.count(distinct(MeetingMinutes.id)))
            .join(MinutesBlock, MinutesBlock.minutes_id == MeetingMinutes.id)
            .where(
                MeetingMinutes.org_id == org_id,
                MeetingMinutes.customer_id.in_(book),
                MeetingMinutes.meeting_at >= start,
                MeetingMinutes.meeting_at < end,
                MinutesBlock.block == "constraints",
                MinutesBlock.filled_at.is_not(None),
            )
        )
        or 0
    )
    entries = advanced = 0
    for rows in history.entries.values():
        seen_proposal = False
        for at, stage in rows:
            in_window = start <= at < end
            if stage == "proposal":
                entries += in_window
                seen_proposal = True
            elif stage in ("negotiation", "won") and seen_proposal:
                advanced += in_window
    dim.add(
        "solution_sessions", joint, "visits, meetings and documents by solution staff on the rep's customers"
    )
    dim.add("minutes_with_solution", minutes, "meeting minutes whose technical-constraints block was filled")
    dim.add("proposal_entries", entries, "deals entering proposal this month")
    dim.add("advanced_from_proposal", advanced, "deals moving from proposal to negotiation or won this month")
    dim.score = 50 * cap(joint + minutes, 4) + 50 * cap(entries + advanced, 3)
    return dim


def _discipline(
    session: Session, org_id: int, acts: Sequence[Any], history: _History, start: datetime, end: datetime
) -> Dimension:
    dim = Dimension(
        "follow_up_discipline",
        "cadence = min(1, 24 / median_gap_hours); stale_share = (gaps over 72 h + customers silent "
        "over 72 h at the end) / (gaps + customers); "
        "score = 100 x (0.5 x cadence + 0.5 x (1 - stale_share)); 0 without open-deal customers",
    )
    open_customers = set()
    for deal_id, rows in history.entries.items():
        if rows and rows[-1][1] not in ("won", "lost"):
            open_customers.add(history.customer_of[deal_id])
    before: dict[int, datetime] = {}
    if open_customers:
        latest = session.execute(
            select(Activity.customer_id, func.max(Activity.at))
            .where(
                Activity.org_id == org_id,
                Activity.customer_id.in_(sorted(open_customers)),
                Activity.at < start,
            )
            .group_by(Activity.customer_id)
        )
        before = dict(latest.all())
    last = dict(before)
    gaps: list[float] = []
    touched = 0
    for customer_id, _, at in acts:
        if customer_id not in open_customers:
            continue
        touched += 1
        prev = last.get(customer_id)
        if prev is not None:
            gaps.append((at - prev).total_seconds() / 3600)
        last[customer_id] = at
    silent = sum(1 for c in open_customers if (end - last.get(c, start)).total_seconds() / 3600 > STALE_HOURS)
    stale_gaps = sum(1 for g in gaps if g > STALE_HOURS)
    checks = len(gaps) + len(open_customers)
    median = statistics.median(gaps) if gaps else None
    cadence = (1.0 if median <= 24 else 24 / median) if median is not None else 0.0
    stale_share = (stale_gaps + silent) / checks if checks else 0.0
    dim.add("open_deal_customers", len(open_customers), "the rep's customers with an open deal at the end")
    dim.add("activities", touched, "activities on them this month")
    dim.add("gaps", len(gaps), "re-contact intervals measured")
    dim.add("median_gap_hours", round(median, 1) if median is not None else None, "median interval, hours")
    dim.add("stale_gaps", stale_gaps, f"intervals over {STALE_HOURS} h")
    dim.add("silent_customers", silent, f"customers not contacted for over {STALE_HOURS} h at the end")
    dim.add("stale_share", round(stale_share, 3), "(stale_gaps + silent_customers) / (gaps + customers)")
    dim.score = 100 * (0.5 * cadence + 0.5 * (1 - stale_share)) if open_customers else 0.0
    return dim


def _collaboration(session: Session, org_id: int, uid: int, start: datetime, end: datetime) -> Dimension:
    dim = Dimension(
        "collaboration",
        "points = 2 per ticket answered in time, as requester and as answerer; rate = blocks filled in "
        "time / blocks due; score = 100 x min(1, points / 8), "
        "or 100 x (0.6 x min(1, points / 8) + 0.4 x rate) when minutes blocks were due",
    )
    tickets = session.execute(
        select(Ticket.requester_id, Ticket.answered_by_id, Ticket.answered_at, Ticket.due_at).where(
            Ticket.org_id == org_id,
            Ticket.answered_at >= start,
            Ticket.answered_at < end,
            or_(Ticket.requester_id == uid, Ticket.answered_by_id == uid),
        )
    ).all()
    timely = [(r, a, at is not None and at <= due) for r, a, at, due in tickets]
    asked = sum(1 for r, _, ok in timely if r == uid and ok)
    answered = sum(1 for _, a, ok in timely if a == uid and ok)
    late = sum(1 for _, a, ok in timely if a == uid and not ok)
    points = TICKET_POINTS * (asked + answered)
    blocks = session.execute(
        select(MeetingMinutes.meeting_at, MinutesBlock.filled_at)
        .join(MeetingMinutes, MeetingMinutes.id == MinutesBlock.minutes_id)
        .where(
            MinutesBlock.org_id == org_id,
            MinutesBlock.owner_id == uid,
            MeetingMinutes.meeting_at >= start - MINUTES_DUE,
            MeetingMinutes.meeting_at < end - MINUTES_DUE,
        )
    ).all()
    in_time = sum(
        1 for meeting_at, filled in blocks if filled is not None and filled <= meeting_at + MINUTES_DUE
    )
    overdue = len(blocks) - in_time
    dim.add(
        "tickets_asked_in_time", asked, "the person's tickets answered in time this month (2 points each)"
    )
    dim.add("tickets_answered_in_time", answered, "tickets the person answered in time (2 points each)")
    dim.add("tickets_answered_late", late, "tickets the person answered late (no points)")
    dim.add("ticket_points", points, "2 x (asked_in_time + answered_in_time)")
    dim.add("blocks_in_time", in_time, "minutes blocks owned and filled within 2 h of the meeting")
    dim.add("blocks_overdue", overdue, "minutes blocks owned and still empty 2 h after the meeting")
    p = cap(points, 8)
    dim.score = 100 * (0.6 * p + 0.4 * in_time / len(blocks)) if blocks else 100 * p
    return dim


def _customer_success(
    session: Session,
    org_id: int,
    uid: int,
    quality: list[dict[str, Any]],
    history: _History,
    start: datetime,
    end: datetime,
) -> Dimension:
    dim = Dimension(
        "customer_success",
        "k = kick-offs prepared on time / kick-offs due; "
        "score = 100 x (0.4 x k + 0.3 x min(1, high_quality / 5) + 0.3 x min(1, won / 2)), "
        "or 100 x (0.5 x min(1, high_quality / 5) + 0.5 x min(1, won / 2)) when no kick-off was due",
    )
    kickoffs = session.execute(
        select(Kickoff.due_at, Kickoff.completed_at).where(
            Kickoff.org_id == org_id, Kickoff.owner_id == uid, Kickoff.due_at >= start, Kickoff.due_at < end
        )
    ).all()
    on_time = sum(1 for due, done in kickoffs if done is not None and done <= due)
    late = len(kickoffs) - on_time
    high = sum(1 for q in quality if (q.get("verdict") or {}).get("high_quality"))
    won = sum(1 for rows in history.entries.values() for at, stage in rows if stage == "won" and at >= start)
    dim.add("kickoffs_on_time", on_time, "kick-offs due this month, prepared within 7 days of the win")
    dim.add("kickoffs_late", late, "kick-offs due this month, prepared late or not at all")
    dim.add("high_quality_followups", high, "follow-ups the judge rated high quality")
    dim.add("won_deals", won, "deals won this month")
    hq, w = cap(high, 5), cap(won, 2)
    if kickoffs:
        dim.score = 100 * (0.4 * on_time / len(kickoffs) + 0.3 * hq + 0.3 * w)
    else:
        dim.score = 100 * (0.5 * hq + 0.5 * w)
    return dim
