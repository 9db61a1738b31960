"""Next actions for one customer: rules over the pipeline first, then what its own records ask for.

Inputs are the organization's pipeline snapshot (stages, contacts, letters, requirement changes,
activity times), the customer's recent records with their text, and news pushed about it. Every
action names its evidence (records and the sentences quoted from them), a reason and a due date.

An action already taken is not suggested again: each content action has a test for "done", and
a later record of that kind (a quote sent after the request, a visit after the invitation, a
congratulation after the news) retires it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from copilot.domain import Stage
from copilot.nlp.times import find_times
from copilot.pipeline.snapshot import PipelineSnapshot, from_epoch
from copilot.policies import Policy
from copilot.suggest.cues import (
    CONGRATS,
    CONTRACT,
    GENERIC_TERMS,
    MATERIAL,
    PROPOSAL,
    QUOTE,
    REVISED,
    SENT,
    Cue,
    CueKind,
    any_of,
    read_cues,
    sentences,
)

ACTION_TYPES: tuple[str, ...] = (
    "follow_up_call",
    "visit",
    "send_material",
    "send_quote",
    "revise_proposal",
    "identify_decision_maker",
    "schedule_prereview_meeting",
    "request_confirmation_letter",
    "escalate_to_manager",
    "sync_requirement_change",
    "kickoff_preparation",
    "reengage",
    "congratulate",
    "collect_feedback",
)

LEGAL_WORD = any_of(r"法务", r"律师", r"\blegal\b", r"\blawyers?\b", r"\bcounsel\b")


@dataclass(frozen=True)
class Record:
    """One of the customer's records, with its text."""

    type: str  # activity, news
    ext: str
    at: datetime
    kind: str  # the activity kind, or the news source
    role: str | None  # the actor's role (sales, solution, legal...), None for news
    deal: int | None  # snapshot deal index
    text: str
    category: str | None = None  # news only
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Evidence:
    type: str
    id: str
    at: datetime | None
    quote: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "id": self.id,
            "at": self.at.isoformat() if self.at else None,
            "quote": self.quote,
        }


@dataclass
class Suggestion:
    type: str
    source: str  # rule, history, news
    rule: str
    customer: int
    deal: int | None
    due: date
    facts: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """How far back each kind of evidence counts (days)."""

    request_days: int = 21
    news_days: int = 14
    dormant_days: int = 30
    kickoff_window_days: int = 30
    kickoff_due_days: int = 7
    feedback_window_days: int = 60
    prereview_days: int = 7
    inquiry_days: int = 60
    lead_idle_days: int = 7  # a lead nobody has touched for this long gets a call
    new_lead_days: int = 7  # a lead this new gets the product material unless it was sent


DEFAULTS = Settings()


def with_cues(records: Iterable[Record]) -> list[Record]:
    out = []
    for r in records:
        text = r.text if r.type == "activity" else f"{r.text}"
        out.append(
            Record(r.type, r.ext, r.at, r.kind, r.role, r.deal, r.text, r.category, tuple(read_cues(text)))
        )
    return out


class Context:
    """One customer as of a time: its deals and records, with the helpers the rules share."""

    def __init__(
        self,
        snap: PipelineSnapshot,
        c: int,
        as_of: datetime,
        records: list[Record],
        tz: tzinfo,
        policy: Policy,
        kickoffs_done: set[int],
    ) -> None:
        self.snap = snap
        self.c = c
        self.as_of = as_of
        self.tz = tz
        self.policy = policy
        self.kickoffs_done = kickoffs_done
        self.records = sorted((r for r in records if r.at <= as_of), key=lambda r: r.at)
        self.today = as_of.astimezone(tz).date()
        self.customer = snap.customers[c]
        self.deals = [(d, s) for d in self.customer.deals if (s := snap.deals[d].stage_at(as_of)) is not None]
        self.open = [(d, s) for d, s in self.deals if s.is_open]
        last = int(snap.last_activity(as_of)[c])
        self.last_at = from_epoch(last) if last >= 0 else None
        # the last time anyone was in touch with the customer (internal notes and files are not);
        # with no record in the lookback window, the last activity of any kind stands in
        contact = next(
            (
                r.at
                for r in reversed(self.records)
                if r.type == "activity" and r.kind not in ("note", "document")
            ),
            None,
        )
        self.last_contact_at = contact if contact is not None or self.records else self.last_at

    def since(self, days: int) -> datetime:
        return self.as_of - timedelta(days=days)

    def cues(self, kind: CueKind, days: int) -> list[tuple[Record, Cue]]:
        start = self.since(days)
        return [(r, cue) for r in self.records if r.at >= start for cue in r.cues if cue.kind is kind]

    def latest(self, kind: CueKind, days: int) -> tuple[Record, Cue] | None:
        found = self.cues(kind, days)
        return found[-1] if found else None

    def after(self, at: datetime, done: Callable[[Record], bool]) -> Record | None:
        """The first record after `at` that counts as the action done."""
        return next((r for r in self.records if r.at > at and r.type == "activity" and done(r)), None)

    def best_open(self) -> tuple[int, Stage] | None:
        return max(self.open, key=lambda x: (x[1].rank, self.snap.deals[x[0]].amount or 0), default=None)

    def deal_of(self, record: Record) -> int | None:
        if record.deal is not None:
            return record.deal
        best = self.best_open()
        return best[0] if best else None

    def due(self, days: float = 0, at: datetime | None = None) -> date:
        """`days` after `at` (default now), never before today."""
        start = (at or self.as_of) + timedelta(days=days)
        return max(start.astimezone(self.tz).date(), self.today)

    def stated_date(self, record: Record, quote: str) -> date | None:
        """A date the sentence states, read relative to the record's own day."""
        reference = record.at.astimezone(self.tz).replace(tzinfo=None)
        for m in find_times(quote, reference):
            if m.span.due is not None:
                return m.span.due
        return None


def _evidence(record: Record, quote: str | None = None) -> Evidence:
    return Evidence(record.type, record.ext, record.at, quote if quote is not None else record.text[:200])


def _deal_ev(ctx: Context, d: int, note: str | None = None) -> Evidence:
    deal = ctx.snap.deals[d]
    return Evidence("deal", deal.ext, deal.entered_at(ctx.as_of), note)


# -- rules over the pipeline ------------------------------------------------------------------


def rule_decision_maker(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    if ctx.customer.has_decision_maker or not ctx.open:
        return
    hint = ctx.latest(CueKind.DECISION_MAKER_UNKNOWN, 60)
    rank = max(s.rank for _, s in ctx.open)
    if rank < Stage.INTENT.rank and hint is None:
        return
    d, stage = ctx.best_open() or ctx.open[0]
    roles = [x.role or "-" for x in ctx.customer.contacts]
    ev = [_deal_ev(ctx, d, f"stage {stage.value}")]
    ev.append(Evidence("customer", ctx.customer.ext, None, "contact roles: " + (", ".join(roles) or "none")))
    if hint:
        ev.append(_evidence(hint[0], hint[1].quote))
    yield Suggestion(
        "identify_decision_maker",
        "rule",
        "missing_decision_maker",
        ctx.c,
        d,
        ctx.due(3),
        {"stage": stage.value, "contact_roles": roles},
        ev,
    )


def rule_prereview(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    for d, stage in ctx.open:
        if stage is not Stage.NEGOTIATION:
            continue
        entered = ctx.snap.deals[d].entered_at(ctx.as_of)
        if entered is None:
            continue
        trigger: Record | None = None
        quote = None
        review = [(r, c) for r, c in ctx.cues(CueKind.CONTRACT_REVIEW, cfg.request_days) if r.at >= entered]
        if review:
            trigger, cue = review[-1]
            quote = cue.quote
        elif ctx.as_of - entered > timedelta(days=cfg.prereview_days):
            continue
        since = trigger.at if trigger else entered
        if ctx.after(entered if trigger is None else since, _prereview_held):
            continue
        ev = [_deal_ev(ctx, d, "entered negotiation")]
        if trigger:
            ev.append(_evidence(trigger, quote))
        due = ctx.due(2, trigger.at if trigger else entered)
        yield Suggestion(
            "schedule_prereview_meeting",
            "rule",
            "negotiation_opened" if trigger is None else "contract_review",
            ctx.c,
            d,
            due,
            {"entered_negotiation_at": entered.isoformat()},
            ev,
        )


def _prereview_held(r: Record) -> bool:
    return r.kind in ("meeting", "visit") and (r.role == "legal" or bool(LEGAL_WORD.search(r.text)))


def rule_stale(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    rule = ctx.policy.risk_rules.stale_customer
    if not rule.enabled:
        return
    live = [(d, s) for d, s in ctx.open if s.rank >= rule.min_stage.rank]
    if not live:
        return
    if ctx.last_at is not None and ctx.as_of - ctx.last_at < timedelta(hours=rule.hours):
        return
    d, stage = max(live, key=lambda x: x[1].rank)
    idle = round((ctx.as_of - ctx.last_at).total_seconds() / 3600, 1) if ctx.last_at else None
    ev = [_deal_ev(ctx, d, f"stage {stage.value}")]
    last = next((r for r in reversed(ctx.records) if r.type == "activity"), None)
    if last:
        ev.append(_evidence(last))
    yield Suggestion(
        "follow_up_call",
        "rule",
        "stale_customer",
        ctx.c,
        d,
        ctx.today,
        {"idle_hours": idle, "hours": rule.hours, "stage": stage.value},
        ev,
    )


def rule_lead_cadence(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    """Leads: a new one gets the product material; one left idle gets a call before it goes cold."""
    leads = [d for d, s in ctx.open if s is Stage.LEAD]
    if not leads or len(leads) != len(ctx.open):
        return
    d = leads[-1]
    opened = ctx.snap.deals[d].opened_at()
    if ctx.as_of - opened <= timedelta(days=cfg.new_lead_days) and not ctx.after(
        opened - timedelta(seconds=1), _material_given
    ):
        yield Suggestion(
            "send_material",
            "rule",
            "new_lead",
            ctx.c,
            d,
            ctx.today,
            {"opened_at": opened.isoformat()},
            [_deal_ev(ctx, d, "new lead")] + [_evidence(r) for r in ctx.records[-2:] if r.type == "activity"],
        )
    idle = ctx.as_of - ctx.last_at if ctx.last_at else None
    if idle is not None and timedelta(days=cfg.lead_idle_days) <= idle < timedelta(days=cfg.dormant_days):
        last = next((r for r in reversed(ctx.records) if r.type == "activity"), None)
        yield Suggestion(
            "follow_up_call",
            "rule",
            "lead_idle",
            ctx.c,
            d,
            ctx.today,
            {
                "idle_hours": round(idle.total_seconds() / 3600, 1),
                "hours": cfg.lead_idle_days * 24,
                "stage": "lead",
            },
            [_deal_ev(ctx, d, "lead")] + ([_evidence(last)] if last else []),
        )


def _material_given(r: Record) -> bool:
    return r.type == "activity" and (r.kind in ("email", "document") or (_material_sent(r)))


def rule_confirmation_letter(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    if not ctx.policy.risk_rules.missing_confirmation_letter.enabled:
        return
    for d, stage in ctx.open:
        if stage is not Stage.NEGOTIATION or ctx.snap.complete_letter(d, ctx.as_of) is not None:
            continue
        letters = [x for x in ctx.snap.letters_by_deal.get(d, []) if x.at <= ctx.as_of]
        ev = [_deal_ev(ctx, d, "in negotiation")]
        ev += [Evidence("document", x.ext, x.at, "lacks " + ", ".join(x.missing)) for x in letters]
        missing = list(min(letters, key=lambda x: len(x.missing)).missing) if letters else None
        yield Suggestion(
            "request_confirmation_letter",
            "rule",
            "missing_confirmation_letter",
            ctx.c,
            d,
            ctx.due(2),
            {"missing": missing or ["payment_method", "delivery_period", "acceptance_criteria"]},
            ev,
        )


def rule_escalate(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    limits = ctx.policy.risk_rules.stuck_deal.limits
    for d, stage in ctx.open:
        deal = ctx.snap.deals[d]
        entered = deal.entered_at(ctx.as_of)
        if entered is None:
            continue
        hint = ctx.latest(CueKind.ESCALATION, cfg.request_days)
        silent = ctx.latest(CueKind.UNRESPONSIVE, cfg.request_days)
        limit = limits.get(stage)
        stuck = limit is not None and ctx.as_of - entered > timedelta(days=limit)
        late_stage = stage.rank >= Stage.PROPOSAL.rank
        blocked = (silent is not None and silent[0].at >= entered) or not ctx.customer.has_decision_maker
        if not (hint or (stuck and late_stage and blocked)):
            continue
        since = hint[0].at if hint else entered
        if ctx.after(since, lambda r: r.role == "manager"):
            continue
        ev = [_deal_ev(ctx, d, f"in {stage.value} since {entered.date().isoformat()}")]
        ev += [_evidence(x[0], x[1].quote) for x in (hint, silent) if x]
        yield Suggestion(
            "escalate_to_manager",
            "rule",
            "stuck_deal" if stuck else "escalation_requested",
            ctx.c,
            d,
            ctx.due(1),
            {
                "stage": stage.value,
                "days_in_stage": round((ctx.as_of - entered).total_seconds() / 86400, 1),
                "limit_days": limit,
                "decision_maker": ctx.customer.has_decision_maker,
            },
            ev,
        )
        return


def rule_requirement_change(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    hours = ctx.policy.risk_rules.unanswered_requirement_change.hours
    own = set(ctx.customer.deals)
    for cf in ctx.snap.confirmations:
        if cf.deal not in own or cf.requested_at > ctx.as_of:
            continue
        if cf.answered_at is not None and cf.answered_at <= ctx.as_of:
            continue
        yield Suggestion(
            "sync_requirement_change",
            "rule",
            "unanswered_requirement_change",
            ctx.c,
            cf.deal,
            ctx.due(hours / 24, cf.requested_at),
            {"requested_at": cf.requested_at.isoformat()},
            [_deal_ev(ctx, cf.deal), Evidence("requirement_confirmation", str(cf.id), cf.requested_at)],
        )
        return
    if not ctx.open and not any(stage is Stage.WON for _, stage in ctx.deals):
        return  # a change order on a signed deal needs the same sign-off
    change = ctx.latest(CueKind.REQUIREMENT_CHANGE, cfg.request_days)
    if change is None:
        return
    record, cue = change
    if ctx.after(record.at, lambda r: r.role == "solution"):
        return
    d = ctx.deal_of(record)
    stage = ctx.snap.deals[d].stage_at(ctx.as_of) if d is not None else None
    if (
        stage is not None
        and stage.is_open
        and stage.rank >= Stage.PROPOSAL.rank
        and not ctx.after(record.at, _proposal_revised)
    ):
        # the proposal on the table answers the old requirements
        yield Suggestion(
            "revise_proposal",
            "history",
            "requirement_change",
            ctx.c,
            d,
            ctx.due(3, record.at),
            {"changed_at": record.at.isoformat()},
            [_evidence(record, cue.quote)],
        )
    yield Suggestion(
        "sync_requirement_change",
        "history",
        "requirement_change",
        ctx.c,
        ctx.deal_of(record),
        ctx.due(hours / 24, record.at),
        {"changed_at": record.at.isoformat()},
        [_evidence(record, cue.quote)],
    )


def _won_at(ctx: Context, d: int) -> datetime | None:
    entries = ctx.snap.deals[d].entries(Stage.WON, ctx.as_of)
    return entries[-1] if entries else None


def rule_kickoff(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    for d, stage in ctx.deals:
        if stage is not Stage.WON or d in ctx.kickoffs_done:
            continue
        won = _won_at(ctx, d)
        if won is None or ctx.as_of - won > timedelta(days=cfg.kickoff_window_days):
            continue
        behind = any(
            r.at > won
            and any(
                c.kind in (CueKind.IN_USE, CueKind.FEEDBACK_PLANNED, CueKind.KICKOFF_HELD) for c in r.cues
            )
            for r in ctx.records
        )
        if behind:
            continue  # delivery has started or usage is being followed up: the kick-off is behind it
        yield Suggestion(
            "kickoff_preparation",
            "rule",
            "deal_won",
            ctx.c,
            d,
            ctx.due(cfg.kickoff_due_days, won),
            {"won_at": won.isoformat(), "due_days": cfg.kickoff_due_days},
            [_deal_ev(ctx, d, "won")],
        )


def rule_reengage(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    """Nobody has been in touch for `dormant_days`, whatever stage the deals are at."""
    last = ctx.last_contact_at
    if last is not None and ctx.as_of - last < timedelta(days=cfg.dormant_days):
        return
    recent_win = any(
        s is Stage.WON and (w := _won_at(ctx, d)) is not None and ctx.as_of - w <= timedelta(days=90)
        for d, s in ctx.deals
    )
    if recent_win:
        return
    idle_days = round((ctx.as_of - last).total_seconds() / 86400) if last else None
    ev = [Evidence("customer", ctx.customer.ext, last, f"no contact for {idle_days} days")]
    ev += [_deal_ev(ctx, d, s.value) for d, s in ctx.deals[-2:]]
    latest = next((r for r in reversed(ctx.records) if r.type == "activity"), None)
    if latest:
        ev.append(_evidence(latest))
    lost = [
        ctx.snap.deals[d].lost_reason
        for d, s in ctx.deals
        if s is Stage.LOST and ctx.snap.deals[d].lost_reason
    ]
    yield Suggestion(
        "reengage",
        "rule",
        "dormant_customer",
        ctx.c,
        ctx.deals[-1][0] if ctx.deals else None,
        ctx.due(7),
        {"idle_days": idle_days, "lost_reasons": lost},
        ev,
    )


# -- what the records ask for -----------------------------------------------------------------


def _quote_sent(r: Record) -> bool:
    return r.kind == "quote" or (bool(QUOTE.search(r.text)) and bool(SENT.search(r.text)))


def _material_sent(r: Record) -> bool:
    return bool(MATERIAL.search(r.text)) and bool(SENT.search(r.text))


def _proposal_revised(r: Record) -> bool:
    return r.kind == "quote" or (bool(PROPOSAL.search(r.text)) and bool(REVISED.search(r.text)))


def _content(
    ctx: Context, kind: CueKind, days: int, done: Callable[[Record], bool]
) -> tuple[Record, Cue] | None:
    found = ctx.latest(kind, days)
    if found is None or ctx.after(found[0].at, done):
        return None
    return found


def rule_requests(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    if not ctx.open:
        return
    table: list[tuple[str, CueKind, Callable[[Record], bool], float]] = [
        ("send_quote", CueKind.QUOTE_REQUEST, _quote_sent, 1),
        ("send_material", CueKind.MATERIAL_REQUEST, _material_sent, 0),
        ("revise_proposal", CueKind.PROPOSAL_OBJECTION, _proposal_revised, 3),
        ("visit", CueKind.VISIT_INVITE, lambda r: r.kind == "visit", 7),
    ]
    for action, kind, done, days in table:
        found = _content(ctx, kind, cfg.request_days, done)
        if found is not None and kind is CueKind.VISIT_INVITE and found[0].kind == "visit":
            continue  # the record is the visit itself
        if found is None:
            continue
        record, cue = found
        stated = ctx.stated_date(record, cue.quote)
        due = stated if stated is not None and stated >= ctx.today else ctx.due(days, record.at)
        yield Suggestion(
            action,
            "history",
            kind.value,
            ctx.c,
            ctx.deal_of(record),
            due,
            {"asked_at": record.at.isoformat()},
            [_evidence(record, cue.quote)],
        )


def rule_quote_due(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    """An intent deal whose need the customer has confirmed, with no quote since it opened."""
    for d, stage in ctx.open:
        if stage is not Stage.INTENT:
            continue
        opened = ctx.snap.deals[d].opened_at()
        found = [(r, c) for r, c in ctx.cues(CueKind.NEED_CONFIRMED, cfg.request_days) if r.at >= opened]
        if not found or ctx.after(opened - timedelta(seconds=1), _quote_sent):
            continue
        record, cue = found[-1]
        yield Suggestion(
            "send_quote",
            "history",
            "need_confirmed",
            ctx.c,
            d,
            ctx.due(2, record.at),
            {"confirmed_at": record.at.isoformat()},
            [_deal_ev(ctx, d, "intent"), _evidence(record, cue.quote)],
        )
        return


ARRIVES = any_of(
    r"(来|到|回|过来|回来)(站|厂|公司|现场|门店|医院|学校|工地|园区|这边|这里|本地|基地|总部)",
    r"在(站|厂|公司|现场|门店|本地)里?",
    r"\b(will be|is coming|comes|arrives?|visiting|in town|on site|at the (site|plant|office|store))\b",
)


def rule_decision_maker_visit(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    """The decision maker will be on the customer's site on a stated day: be there to meet them."""
    if not ctx.open:
        return
    names = [x.name for x in ctx.customer.contacts if x.role == "decision_maker" and len(x.name) >= 2]
    if not names:
        return
    start = ctx.since(cfg.request_days)
    for r in reversed(ctx.records):
        if r.at < start or r.type != "activity":
            break
        for sentence in sentences(r.text):
            if not any(n in sentence for n in names) or not ARRIVES.search(sentence):
                continue
            stated = ctx.stated_date(r, sentence)
            if stated is None or stated < ctx.today or ctx.after(r.at, lambda x: x.kind == "visit"):
                continue
            yield Suggestion(
                "visit",
                "history",
                "decision_maker_on_site",
                ctx.c,
                ctx.deal_of(r),
                stated,
                {"on_site": stated.isoformat()},
                [_evidence(r, sentence)],
            )
            return


def rule_news(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    kinds = {
        CueKind.GOOD_NEWS: ("congratulate", "good_news"),
        CueKind.TENDER: ("follow_up_call", "tender_news"),
        CueKind.COMPETITOR_NEWS: ("follow_up_call", "competitor_news"),
    }
    seen: set[str] = set()
    items: list[tuple[Record, str, str]] = []
    start = ctx.since(cfg.news_days)
    for r in ctx.records:
        if r.at < start:
            continue
        if r.type == "news":
            action, rule = {
                "expansion": ("congratulate", "good_news"),
                "tender": ("follow_up_call", "tender_news"),
                "competitor": ("follow_up_call", "competitor_news"),
            }.get(r.category or "", ("", ""))
            if action:
                items.append((r, action, rule))
            continue
        for cue in r.cues:
            if cue.kind in kinds:
                items.append((r, *kinds[cue.kind]))
    for record, action, rule in reversed(items):
        if action in seen:
            continue
        if action == "congratulate" and ctx.after(record.at, lambda r: bool(CONGRATS.search(r.text))):
            continue
        if action == "follow_up_call" and ctx.after(
            record.at, lambda r: r.kind in ("call", "visit", "meeting")
        ):
            continue
        seen.add(action)
        quote = record.text[:200]
        yield Suggestion(
            action,
            "news",
            rule,
            ctx.c,
            ctx.deal_of(record),
            ctx.today,
            {"news_at": record.at.isoformat(), "category": record.category},
            [_evidence(record, quote)],
        )


def rule_feedback(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    won = [d for d, s in ctx.deals if s is Stage.WON]
    if not won:
        return
    start_at = min(_won_at(ctx, d) or ctx.as_of for d in won)
    used = [(r, c) for r, c in ctx.cues(CueKind.IN_USE, cfg.feedback_window_days) if r.at >= start_at]
    if not used:
        return
    record, cue = used[-1]
    plans = [
        (r, c) for r, c in ctx.cues(CueKind.FEEDBACK_PLANNED, cfg.feedback_window_days) if r.at >= record.at
    ]
    anchor, anchor_cue = plans[0] if plans else (record, cue)
    done = next(
        (r for r, c in ctx.cues(CueKind.FEEDBACK_PLANNED, cfg.feedback_window_days) if r.at > anchor.at), None
    )
    if done is not None:
        return
    stated = ctx.stated_date(anchor, anchor_cue.quote) if plans else None
    due = stated if stated is not None else ctx.due(14, record.at)
    ev = [_evidence(record, cue.quote)] + ([_evidence(anchor, anchor_cue.quote)] if plans else [])
    yield Suggestion(
        "collect_feedback",
        "history",
        "in_use",
        ctx.c,
        ctx.deal_of(record) or won[-1],
        max(due, ctx.today),
        {"in_use_at": record.at.isoformat()},
        ev,
    )


def rule_inquiry_topic(ctx: Context, cfg: Settings) -> Iterable[Suggestion]:
    """The customer keeps asking about one topic: send material on it, quoting the inquiries."""
    if not ctx.open:
        return
    from retrieval.tokenize import bm25_tokens

    inquiries = ctx.cues(CueKind.INQUIRY, cfg.inquiry_days)
    by_record: dict[str, tuple[Record, str, set[str]]] = {}
    seen: set[str] = set()
    for r, cue in inquiries:
        if cue.quote in seen:  # a note template repeated is not the customer asking again
            continue
        seen.add(cue.quote)
        terms = {t for t in bm25_tokens(cue.quote) if _topic_term(t)}
        prev = by_record.get(r.ext)
        by_record[r.ext] = (r, cue.quote if prev is None else prev[1], terms | (prev[2] if prev else set()))
    recent = sorted(by_record.values(), key=lambda x: x[0].at)[-3:]
    if len(recent) < 2:
        return
    counts = Counter(t for _, _, terms in recent for t in terms)
    topic, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]), default=("", 0))
    if n < 2:
        return
    hits = [x for x in recent if topic in x[2]]
    if ctx.after(hits[-1][0].at, lambda r: bool(SENT.search(r.text)) and topic in r.text.lower()):
        return
    yield Suggestion(
        "send_material",
        "history",
        "repeated_inquiry",
        ctx.c,
        ctx.deal_of(hits[-1][0]),
        ctx.today,
        {"topic": topic, "inquiries": len(hits)},
        [_evidence(r, q) for r, q, _ in hits],
    )


_GENERIC_STEMS: set[str] = set()


def _topic_term(t: str) -> bool:
    if not _GENERIC_STEMS:
        from retrieval.tokenize import stem

        _GENERIC_STEMS.update(stem(w) for w in GENERIC_TERMS)
    return (
        len(t) >= 2
        and t not in GENERIC_TERMS
        and t not in _GENERIC_STEMS
        and not t.isdigit()
        and not CONTRACT.fullmatch(t)
    )


RULES: tuple[Callable[[Context, Settings], Iterable[Suggestion]], ...] = (
    rule_kickoff,
    rule_decision_maker,
    rule_prereview,
    rule_confirmation_letter,
    rule_requirement_change,
    rule_escalate,
    rule_stale,
    rule_lead_cadence,
    rule_reengage,
    rule_news,
    rule_requests,
    rule_quote_due,
    rule_decision_maker_visit,
    rule_feedback,
    rule_inquiry_topic,
)


def suggest(ctx: Context, cfg: Settings = DEFAULTS) -> list[Suggestion]:
    """Every action for the customer: rules first, one action per type (the earliest due wins)."""
    out: dict[str, Suggestion] = {}
    for rule in RULES:
        for s in rule(ctx, cfg):
            if s.type not in out:
                out[s.type] = s
            else:
                out[s.type].evidence.extend(e for e in s.evidence if e not in out[s.type].evidence)
    return list(out.values())
