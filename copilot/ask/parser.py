"""The offline engine: a bilingual semantic parser from a manager's question to a typed plan.

It reads the question as a set of typed mentions (the organization's names, stages, rules, kinds of
activity, roles, industries, channels, amounts, durations and time windows, found by the grammar in
`lexicon.py`), decides what the question is about and what to compute, then attaches each mention
to the entity it naturally belongs to: a stage to deals, an industry to customers, a visit to
activities. A condition on another entity than the subject becomes a condition on related records
(a customer "with a stuck deal", a rep "with no visit in 7 days").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from copilot.ask import lexicon as lx
from copilot.ask.names import NameIndex, normalise
from copilot.ask.plan import (
    AvgResult,
    Compare,
    CompareResult,
    Condition,
    CountResult,
    DateCompare,
    During,
    In,
    ListResult,
    Metric,
    Not,
    Plan,
    PrioritiseResult,
    Related,
    Result,
    Rule,
    RuleParams,
    SumResult,
    TopResult,
    Window,
)
from copilot.domain import Stage
from copilot.nlp.amounts import find_amounts
from copilot.nlp.times import find_times
from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.risks.scores import lost_reason_category

OPEN_STAGES = [s for s in Stage if s.is_open]
_CLAUSE = re.compile(r"[，,。？?；;！!]")


class Unanswerable(Exception):
    """The question asks for something the plan language cannot express."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    value: Any = None
    negated: bool = False


@dataclass
class Reading:
    """What the parser found, kept for the answer's explanation and for tests."""

    text: str
    lang: str
    mentions: list[Mention] = field(default_factory=list)

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def has(self, kind: str) -> bool:
        return any(m.kind == kind for m in self.mentions)


def language(question: str) -> str:
    han = sum(1 for ch in question if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in question if ch.isascii() and ch.isalpha())
    return "zh" if han * 2 >= latin else "en"


class OfflinePlanner:
    """Question -> Plan with the grammar and lexicon; no model, no network."""

    name = "offline"

    def __init__(self) -> None:
        self._names: dict[tuple[int, int], NameIndex] = {}

    def names(self, snap: PipelineSnapshot) -> NameIndex:
        key = (snap.org_id, snap.version)
        if key not in self._names:
            self._names = {key: NameIndex.build(snap)}
        return self._names[key]

    def plan(self, question: str, snap: PipelineSnapshot, as_of: datetime, tz: tzinfo) -> Plan:
        reading = read(question, snap, self.names(snap), as_of, tz)
        return compose(reading, snap)


# ---------------------------------------------------------------------------------------------------
# reading: the mentions


def read(question: str, snap: PipelineSnapshot, names: NameIndex, as_of: datetime, tz: tzinfo) -> Reading:
    text = normalise(question)
    reading = Reading(text, language(question))
    if lx.UNSUPPORTED.search(text):
        raise Unanswerable("unsupported measure: " + lx.UNSUPPORTED.search(text).group())  # type: ignore[union-attr]
    masked = list(text)
    for hit in names.find(text):
        reading.mentions.append(Mention(hit.start, hit.end, hit.kind, hit.value))
        for k in range(hit.start, hit.end):
            masked[k] = " "
    body = "".join(masked)
    _windows(reading, body, as_of, tz)
    _amounts(reading, body)
    _stages(reading, body)
    for kind, pattern in (
        ("stale", lx.STALE),
        ("stuck", lx.STUCK),
        ("stage_limits", lx.STAGE_LIMITS),
        ("decision_maker", lx.DECISION_MAKER),
        ("letter", lx.LETTER),
        ("requirement_change", lx.REQUIREMENT_CHANGE),
        ("contract_diff", lx.CONTRACT_DIFF),
        ("activity_word", lx.ACTIVITY),
        ("competitor", lx.COMPETITOR),
        ("over_budget", lx.OVER_BUDGET),
        ("within_budget", lx.WITHIN_BUDGET),
        ("expected_close", lx.EXPECTED_CLOSE),
        ("new_deals", lx.NEW_DEALS),
        ("entered", lx.ENTERED),
        ("weighted", lx.WEIGHTED),
        ("budget_word", lx.BUDGET_FIELD),
        ("open", lx.OPEN),
        ("prioritise", lx.PRIORITISE),
        ("travel", lx.TRAVEL),
    ):
        for m in pattern.finditer(body):
            reading.mentions.append(Mention(m.start(), m.end(), kind, m.group()))
    for kind, table in (
        ("kind", lx.KINDS),
        ("role", lx.ROLES),
        ("industry", lx.INDUSTRIES),
        ("channel", lx.CHANNELS),
    ):
        for value, pattern in table.items():
            for m in pattern.finditer(body):
                reading.mentions.append(Mention(m.start(), m.end(), kind, value))
    for m in lx.LEGAL.finditer(body):
        reading.mentions.append(Mention(m.start(), m.end(), "role", "legal"))
    for m in lx.FINANCE_ROLE.finditer(body):
        reading.mentions.append(Mention(m.start(), m.end(), "role", "finance"))
    if lx.FINANCE_NEAR_LEGAL.search(body):
        near = lx.FINANCE_NEAR_LEGAL.search(body)
        assert near is not None
        reading.mentions = [
            m for m in reading.mentions if not (m.kind == "industry" and near.start() <= m.start < near.end())
        ]
        fin = body.find("finance", near.start())
        reading.mentions.append(Mention(fin, fin + 7, "role", "finance"))
    for m in lx.RELATIONSHIP.finditer(body):
        years = next(g for g in m.groups() if g)
        reading.mentions.append(Mention(m.start(), m.end(), "relationship", float(years)))
    _lost_categories(reading, body, snap)
    closes = reading.of("expected_close")
    reading.mentions = [
        m
        for m in reading.mentions
        if not (m.kind == "stage" and any(c.start <= m.start < c.end for c in closes))
    ]
    _resolve_overlaps(reading)
    _negations(reading, body)
    return reading


def _resolve_overlaps(reading: Reading) -> None:
    """Where two concept mentions overlap, the longer one is meant (电话陌拜 is a channel, not a call)."""
    concepts = ("kind", "channel", "industry", "role", "stage", "activity_word", "stale", "budget_word")
    kept: list[Mention] = []
    for m in sorted(reading.mentions, key=lambda m: (m.start - m.end, m.start)):
        if m.kind in concepts and any(
            k.kind in concepts
            and k.kind != m.kind
            and k.start < m.end
            and m.start < k.end
            and (k.end - k.start) > (m.end - m.start)
            for k in kept
        ):
            continue
        kept.append(m)
    reading.mentions = sorted(kept, key=lambda m: m.start)


def _negations(reading: Reading, body: str) -> None:
    """A concept is negated when a negation word stands before it in the same clause, close by."""
    for m in reading.mentions:
        if m.kind not in ("kind", "role", "decision_maker", "letter", "activity_word", "user"):
            continue
        clause_start = max((c.end() for c in _CLAUSE.finditer(body, 0, m.start)), default=0)
        reach = 24 if m.kind == "letter" else 10
        before = body[max(clause_start, m.start - reach) : m.start]
        if (
            m.kind == "letter"
            and lx.POSITIVE_HAVE.search(before)
            and not re.search(r"缺|lack|missing|without|no\b", before)
        ):
            continue
        if lx.NEGATION.search(before) or (
            m.kind == "decision_maker"
            and re.search(
                r"^\W*(?:contact)?\W*(?:is )?(?:missing|absent|not (?:found|identified|named))",
                body[m.end : m.end + 20],
            )
        ):
            m.negated = True


def _windows(reading: Reading, body: str, as_of: datetime, tz: tzinfo) -> None:
    """Time windows ("last 7 days", "本月", "since May 1") and bare durations ("3天", "over 15 days")."""
    taken: list[tuple[int, int]] = []
    for period, pattern in lx.PERIODS.items():
        for m in pattern.finditer(body):
            reading.mentions.append(Mention(m.start(), m.end(), "window", Window(period=period)))
            taken.append((m.start(), m.end()))
    durations: list[tuple[int, int, float]] = []
    for m in lx.DURATION.finditer(body):
        value, unit = float(m.group(1)), m.group(2).lower()
        hours = value * _UNIT_HOURS[unit.rstrip("s") if unit not in ("hrs", "h") else "h"]
        durations.append((m.start(), m.end(), hours))
    for pattern, hours in ((lx.HALF_MONTH, 15 * 24), (lx.A_WEEK, 7 * 24), (lx.A_MONTH, 30 * 24)):
        for m in pattern.finditer(body):
            if not any(s <= m.start() < e for s, e, _ in durations):
                durations.append((m.start(), m.end(), float(hours)))
    for start, end, hours in sorted(durations):
        if any(s <= start < e for s, e in taken):
            continue
        before, after = body[max(0, start - 16) : start], body[end : end + 6]
        is_window = bool(lx.WINDOW_BEFORE.search(before) or lx.WINDOW_AFTER.search(after))
        if is_window:
            reading.mentions.append(Mention(start, end, "window", Window(last_hours=hours)))
        else:
            reading.mentions.append(Mention(start, end, "duration", hours))
        taken.append((start, end))
    for t in find_times(body, as_of.astimezone(tz)):
        if t.span.vague or t.span.start is None or any(s < t.end and t.start < e for s, e in taken):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?\s*(?:天|日|周|月|年|days?|weeks?|months?|years?)", t.text.strip()):
            continue
        reading.mentions.append(
            Mention(t.start, t.end, "dates", (t.span.start, t.span.end, t.span.deadline, t.text))
        )


_UNIT_HOURS = {
    "小时": 1,
    "钟头": 1,
    "h": 1,
    "hr": 1,
    "hour": 1,
    "天": 24,
    "日": 24,
    "day": 24,
    "周": 168,
    "星期": 168,
    "礼拜": 168,
    "week": 168,
    "月": 720,
    "month": 720,
    "年": 8760,
    "year": 8760,
}


def _amounts(reading: Reading, body: str) -> None:
    found = [(m.start, m.end, float(m.amount)) for m in find_amounts(body)]
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(k|m|mn|million|thousand|w)\b", body):
        scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "w": 1e4}[m.group(2)]
        found.append((m.start(), m.end(), float(m.group(1)) * scale))
    for m in re.finditer(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{5,})(?![\d.%])", body):
        if not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), float(m.group(1).replace(",", ""))))
    for m in re.finditer(r"(?:过|上)(百万|千万|亿)", body):
        found.append((m.start(), m.end(), {"百万": 1e6, "千万": 1e7, "亿": 1e8}[m.group(1)]))
    for start, end, value in found:
        if value <= 0:
            continue
        before, after = body[max(0, start - 10) : start], body[end : end + 8]
        op = _comparator(before, after)
        if op is None:
            continue
        context = body[max(0, start - 14) : start]
        field_name = (
            "budget"
            if lx.BUDGET_FIELD.search(context) and not lx.AMOUNT_FIELD.search(context[-6:])
            else "amount"
        )
        reading.mentions.append(Mention(start, end, "money", (field_name, op, value)))


def _comparator(before: str, after: str) -> str | None:
    if re.search(r"(?:以上|及以上|或以上|or more|and (?:up|above)|\+|or above|plus)", after[:8]) or re.search(
        r"(?:不少于|不低于|至少|起码|at least|minimum of|no less than)\s*$", before
    ):
        return ">="
    if re.search(r"(?:以下|以内|or less|and below|or under)", after[:8]) or re.search(
        r"(?:不超过|至多|at most|no more than|up to)\s*$", before
    ):
        return "<="
    if re.search(
        r"(?:超过|大于|高于|多于|超出|过|above|over|more than|greater than|exceed\w*|bigger than|"
        r"larger than|>)\s*(?:了)?\s*$",
        before,
    ):
        return ">"
    if re.search(r"(?:低于|小于|不到|少于|不足|below|under|less than|smaller than|<)\s*$", before):
        return "<"
    if re.search(r"(?:worth|金额|额)\s*$", before):
        return ">="
    return None


def _stages(reading: Reading, body: str) -> None:
    for stage, pattern in lx.STAGES.items():
        for m in pattern.finditer(body):
            after, before = body[m.end() : m.end() + 10], body[max(0, m.start() - 16) : m.start()]
            qualifier = None
            if lx.AT_LEAST.search(after) or lx.AT_LEAST_BEFORE.search(before):
                qualifier = ">="
            elif lx.AT_MOST.search(after):
                qualifier = "<="
            reading.mentions.append(Mention(m.start(), m.end(), "stage", (Stage(stage), qualifier)))


def _lost_categories(reading: Reading, body: str, snap: PipelineSnapshot) -> None:
    """Lost-reason categories are the organization's own labels ("竞品", "预算冻结"): a label named in
    the question, or a competitor named in any words, selects that category."""
    labels = sorted({lost_reason_category(d.lost_reason) for d in snap.deals if d.lost_reason})
    for label in labels:
        low = normalise(label)
        i = body.find(low)
        if i >= 0 and len(low) >= 2:
            reading.mentions.append(Mention(i, i + len(low), "lost_category", label))
    competitor_labels = [x for x in labels if re.search(r"竞品|竞争|对手|competit", x, re.IGNORECASE)]
    for m in reading.of("competitor"):
        for label in competitor_labels:
            reading.mentions.append(Mention(m.start, m.end, "lost_category", label))
    english = {
        r"\bbudget\b": r"预算|budget",
        r"cancel\w*": r"取消|cancel",
        r"\bprice\b|\bpricing\b": r"价格|price",
    }
    if reading.has("stage") and any(s[0] is Stage.LOST for s in (m.value for m in reading.of("stage"))):
        for word, label_rx in english.items():
            if re.search(word, body):
                for label in labels:
                    if re.search(label_rx, label, re.IGNORECASE):
                        reading.mentions.append(Mention(0, 0, "lost_category", label))


# ---------------------------------------------------------------------------------------------------
# composing: subject, result, conditions


def _subject(reading: Reading, body: str) -> str | None:
    words: list[tuple[int, int, str]] = []
    for entity, pattern in lx.ENTITY_WORDS.items():
        for m in pattern.finditer(body):
            if not any(
                n.start <= m.start() < n.end
                for n in reading.mentions
                if n.kind in ("user", "team", "customer")
            ):
                words.append((m.start(), m.end(), entity))
    words.sort()
    if re.search(r"谁|\bwho\b|\bwhose\b", body) and not re.search(
        r"(?:决策人|decision[- ]maker)[^，,。？?]{0,6}(?:是谁|\bwho\b)", body
    ):
        return "rep"
    among = re.search(
        r"(客户|商机|单子|项目|销售)(?:里|中|当中|之中|里面)[，,]?\s*(?:有)?(?:哪|几|多少)", body
    )
    if among:
        return next(e for e, p in lx.ENTITY_WORDS.items() if p.fullmatch(among.group(1)))
    # an entity word after "有/没有/with" is what the subject has, not the subject
    words = [w for w in words if not _POSSESSED.search(body[max(0, w[0] - 24) : w[0]])]
    question_words = [
        m for p in (lx.LIST_WORDS, lx.COUNT_WORDS, lx.MAX_WORDS, lx.MIN_WORDS) for m in p.finditer(body)
    ]
    for q in sorted(question_words, key=lambda m: m.start()):
        ahead = [w for w in words if q.end() - 2 <= w[0] <= q.end() + (24 if reading.lang == "zh" else 48)]
        clause = _CLAUSE.search(body, q.end())
        limit = clause.start() if clause else len(body)
        ahead = [w for w in ahead if w[0] < limit]
        if ahead:
            return _prefer(ahead, body)
    tail = re.search(r"(有哪些|是哪些|有几|有多少|是多少|are there|do we have)", body)
    if tail:
        behind = [w for w in words if w[1] <= tail.start()]
        if behind:
            return behind[-1][2]
    if words:
        return _prefer(words, body)
    return None


_POSSESSED = re.compile(
    r"(?:有|没有|无|带|拥有)(?:过|了)?(?:一个|任何|一些|一单|\d+个)?\s*$|"
    r"\b(?:with|have|has|having)\s+(?:an?|any|at least one|no|one or more)?\s*(?:open|active|won|lost)?\s*$"
)


def _prefer(words: list[tuple[int, int, str]], body: str) -> str:
    """The first entity word, except that an activity word right before a deal or customer word
    describes it ("拜访过的客户")."""
    first = words[0]
    if first[2] == "activity" and len(words) > 1 and words[1][2] in ("deal", "customer", "rep"):
        gap = body[first[1] : words[1][0]]
        if len(gap) <= 12 and not re.search(r"多少|几|how many|number", body[: first[0]][-8:]):
            return words[1][2]
    return first[2]


def _result(reading: Reading, body: str, subject: str) -> tuple[str, Result | None]:
    """The result kind (and, for some, the result itself) the question asks for."""
    if reading.has("prioritise") and (lx.CUT.search(body) or reading.has("travel")):
        cut = lx.CUT.search(body)
        pct = float(next(g for g in cut.groups() if g)) if cut else 20.0
        return "customer", PrioritiseResult(cut_pct=pct)
    windows = reading.of("window")
    if lx.COMPARE_WORDS.search(body) and (
        len(windows) >= 2 or (windows and re.search(r"比|than|vs|versus|compared", body))
    ):
        return subject, None  # built with the conditions
    top = lx.TOP_N.search(body)
    if top or lx.MAX_WORDS.search(body) or lx.MIN_WORDS.search(body):
        return subject, None
    if lx.AVG_WORDS.search(body):
        return subject, AvgResult(field=_money_field(reading, subject))
    if lx.COUNT_WORDS.search(body) or re.search(r"赢了几|丢了几|签了几", body):
        return subject, CountResult()
    if lx.SUM_WORDS.search(body):
        return subject, SumResult(field=_money_field(reading, subject))
    return subject, ListResult()


def _money_field(reading: Reading, subject: str) -> str:
    if reading.has("weighted"):
        return "weighted_value"
    if (
        reading.has("budget_word")
        and not reading.has("over_budget")
        and not any(m.value[0] == "budget" for m in reading.of("money"))
    ):
        return "budget"
    return "amount" if subject == "deal" else "open_amount"


def compose(reading: Reading, snap: PipelineSnapshot) -> Plan:
    body = reading.text
    subject = _subject(reading, body)
    if subject is None:
        raise Unanswerable("no subject: the question names no deals, customers, reps or activities")
    subject, result = _result(reading, body, subject)
    if isinstance(result, SumResult | AvgResult) and subject in ("customer", "rep"):
        subject = "deal"  # money is summed over deals
        weighted = reading.has("weighted")
        field_name = "weighted_value" if weighted else ("budget" if result.field == "budget" else "amount")
        result = SumResult(field=field_name) if isinstance(result, SumResult) else AvgResult(field=field_name)
    conds = Conditions(reading, snap, subject)
    conds.collect()
    if isinstance(result, PrioritiseResult):
        return Plan(entity="customer", where=conds.for_entity("customer"), result=result)
    if result is None:
        return _ranked_or_compared(reading, body, subject, conds)
    return Plan(entity=subject, where=conds.for_entity(subject), result=result)


def _ranked_or_compared(reading: Reading, body: str, subject: str, conds: Conditions) -> Plan:
    windows = reading.of("window")
    if lx.COMPARE_WORDS.search(body) and windows:
        a, b = _two_windows(windows, body)
        field_for = conds.window_field(subject)
        inner = conds.for_entity(subject, skip_windows=True)
        money = lx.SUM_WORDS.search(body) and not lx.COUNT_WORDS.search(body)
        measure = "sum" if money else "count"
        result = CompareResult(
            measure=measure,
            field=_money_field(reading, subject) if money else None,
            a=[During(field=field_for, window=a)],
            b=[During(field=field_for, window=b)],
        )
        return Plan(entity=subject, where=inner, result=result)
    top = lx.TOP_N.search(body)
    n = int(next(g for g in top.groups() if g)) if top else 1
    order = "asc" if lx.MIN_WORDS.search(body) and not lx.MAX_WORDS.search(body) else "desc"
    metric = conds.metric(subject, body)
    where = conds.for_entity(subject, skip_related=metric.related)
    return Plan(entity=subject, where=where, result=TopResult(by=metric, n=n, order=order))


def _two_windows(windows: list[Mention], body: str) -> tuple[Window, Window]:
    first = windows[0].value
    if len(windows) >= 2:
        return first, windows[1].value
    # one window named: "比上周" compares the period before with the current one, "last 7 days vs
    # the 7 days before" compares a window with the one just before it
    w: Window = first
    if w.period in ("last_week", "last_month", "last_quarter", "yesterday"):
        current = {
            "last_week": "this_week",
            "last_month": "this_month",
            "last_quarter": "this_quarter",
            "yesterday": "today",
        }[w.period]
        return Window(period=current), w
    if w.last_hours is not None:
        return w, Window(last_hours=w.last_hours, shift_hours=w.last_hours)
    previous = {
        "this_week": "last_week",
        "this_month": "last_month",
        "this_quarter": "last_quarter",
        "today": "yesterday",
    }
    return w, Window(period=previous.get(w.period or "", "last_month"))


class Conditions:
    """The conditions of a question, by the entity each naturally belongs to."""

    def __init__(self, reading: Reading, snap: PipelineSnapshot, subject: str) -> None:
        self.reading = reading
        self.snap = snap
        self.subject = subject
        self.deal: list[Condition] = []
        self.customer: list[Condition] = []
        self.activity: list[Condition] = []
        self.activity_negated = False
        self.owner: list[tuple[str, str]] = []  # (field, value): rep or team
        self.actor: list[str] = []
        self.windows: list[Window] = []
        self.window_target: str | None = None

    # -- gathering ----------------------------------------------------------------------------------

    def collect(self) -> None:
        r = self.reading
        body = r.text
        stale = r.of("stale")
        kinds = r.of("kind")
        roles = [m for m in r.of("role") if m.value != "sales"]
        activity_words = r.of("activity_word")
        # a "no visit" reads as a missing activity of that kind, not as a stale customer
        if stale and (kinds or roles):
            near = [
                k
                for k in kinds + roles
                if any(abs(k.start - s.end) <= 8 or abs(s.start - k.end) <= 8 for s in stale)
            ]
            if near or any(k.negated for k in kinds + roles):
                stale = []
                for k in kinds + roles:
                    k.negated = True
        for m in r.of("user"):
            uid = self.snap.user_by_ext[m.value]
            user = self.snap.users[uid]
            follows = body[m.end : m.end + 8]
            possessive = re.search(
                r"^\s*(?:的|'s|s')?\s*(?:名下|手上|手里|负责|的客户|的商机|customers|accounts|clients|deals|pipeline|open)",
                follows,
            )
            if user.role == "rep" and (
                possessive or (self.subject != "activity" and not (kinds or activity_words))
            ):
                self.owner.append(("rep", m.value))
            else:
                self.actor.append(m.value)
        for m in r.of("team"):
            self.owner.append(("team", m.value))
        customers = [m.value for m in r.of("customer")]
        if customers:
            self.customer.append(In(field="customer", values=customers))
        self._stage_conditions(stale)
        self._rule_conditions(stale)
        for field_name, table in (("industry", "industry"), ("source_channel", "channel")):
            values = sorted({m.value for m in r.of(table)})
            if values:
                self.customer.append(In(field=field_name, values=values))
        for m in r.of("relationship"):
            op = (
                "<"
                if re.search(r"不到|少于|less than|under", body[max(0, m.start - 6) : m.end + 4])
                else ">="
            )
            self.customer.append(Compare(field="relationship_years", op=op, value=m.value))
        for m in r.of("money"):
            field_name, op, value = m.value
            self.deal.append(Compare(field=field_name, op=op, value=value))
        if r.has("over_budget"):
            self.deal.append(Compare(field="amount", op=">", other_field="budget"))
        elif r.has("within_budget"):
            self.deal.append(Compare(field="amount", op="<=", other_field="budget"))
        lost = sorted({m.value for m in r.of("lost_category")})
        if lost:
            self.deal.append(In(field="lost_reason_category", values=lost))
            if not any(isinstance(c, In) and c.field == "stage" for c in self.deal):
                self.deal.append(In(field="stage", values=["lost"]))
        self._expected_close()
        self._activities(kinds, roles)
        self._windows(stale)

    def _stage_conditions(self, stale: list[Mention]) -> None:
        r = self.reading
        stages = r.of("stage")
        limits_pairs = self._limit_pairs(stages)
        events = {Stage.WON, Stage.LOST}
        has_window = r.has("window")
        chosen: set[Stage] = set()
        for m in stages:
            stage, qualifier = m.value
            if limits_pairs and stage in limits_pairs:
                continue
            if stage in events and has_window and not r.has("kind") and not r.has("activity_word"):
                continue  # "won this month" is an event in a window (see _windows)
            if stale and qualifier == ">=":
                continue  # "意向以上...没跟进" sets the stale rule's minimum stage
            if qualifier == ">=":
                chosen |= {s for s in OPEN_STAGES if s.rank >= stage.rank}
            elif qualifier == "<=":
                chosen |= {s for s in OPEN_STAGES if s.rank <= stage.rank}
            else:
                chosen.add(stage)
        if not chosen and r.has("open") and not stale:
            chosen = set(OPEN_STAGES)
        if chosen:
            self.deal.append(In(field="stage", values=[s.value for s in Stage if s in chosen]))

    def _limit_pairs(self, stages: list[Mention]) -> dict[Stage, float]:
        """ "谈判15天、方案21天": a stage with its own number of days."""
        pairs: dict[Stage, float] = {}
        body = self.reading.text
        for m in stages:
            after = body[m.end : m.end + 6]
            num = re.match(r"\s*(?:阶段)?\s*(?:超过|over|>)?\s*(\d+(?:\.\d+)?)\s*(?:天|日|days?)", after)
            if num:
                pairs[m.value[0]] = float(num.group(1))
        return pairs if len(pairs) >= 2 else {}

    def _rule_conditions(self, stale: list[Mention]) -> None:
        r = self.reading
        durations = r.of("duration")
        stages = [m.value for m in r.of("stage")]
        if stale:
            params: dict[str, Any] = {}
            windows = [w.value for w in r.of("window") if w.value.last_hours]
            hours = durations[0].value if durations else (windows[0].last_hours if windows else None)
            if hours:
                params["hours"] = hours
            at_least = [s for s, q in stages if q == ">="]
            if at_least:
                params["min_stage"] = at_least[0]
            elif hours:
                params["min_stage"] = Stage.LEAD
            self.customer.append(Rule(rule="stale_customer", params=RuleParams(**params)))
        limits = self._limit_pairs(r.of("stage"))
        stuck_words = r.has("stuck") or r.has("stage_limits")
        stage_duration = (
            durations and stages and not stale and not r.has("kind") and not r.has("activity_word")
        )
        if stuck_words or stage_duration or limits:
            params = {}
            if limits:
                params["limits"] = limits
            elif durations and not stale:
                params["days"] = durations[0].value / 24
                named = [s for s, q in stages if s.is_open and q is None]
                if named:
                    params["stages"] = named
            self.deal.append(Rule(rule="stuck_deal", params=RuleParams(**params)))
        for m in r.of("decision_maker"):
            rule = Rule(rule="missing_decision_maker")
            self.deal.append(rule if m.negated else Not(condition=rule))
            break
        for m in r.of("letter"):
            self.deal.append(
                Rule(rule="missing_confirmation_letter" if m.negated else "complete_confirmation_letter")
            )
            break
        if r.has("requirement_change"):
            self.deal.append(Rule(rule="unanswered_requirement_change"))
        if r.has("contract_diff"):
            self.deal.append(Rule(rule="open_contract_difference"))

    def _expected_close(self) -> None:
        r = self.reading
        if not r.has("expected_close"):
            return
        close = r.of("expected_close")[0]
        dates = sorted(
            r.of("dates") + [m for m in r.of("window") if m.value.period],
            key=lambda m: abs(m.start - close.start),
        )
        if not dates:
            return
        m = dates[0]
        r.mentions.remove(m)
        if m.kind == "window":
            self.deal.append(During(field="expected_close", window=m.value))
            return
        start, end, deadline, text = m.value
        if deadline or re.search(r"前|之前|以前|before|by\b|no later", text):
            self.deal.append(DateCompare(field="expected_close", op="<=", value=end))
        elif re.search(r"后|之后|以后|after|from", text):
            self.deal.append(DateCompare(field="expected_close", op=">=", value=start))
        else:
            self.deal.append(During(field="expected_close", window=Window(start=start, end=end)))

    def _activities(self, kinds: list[Mention], roles: list[Mention]) -> None:
        values = sorted({m.value for m in kinds})
        if values:
            self.activity.append(In(field="kind", values=values))
        role_values = sorted({m.value for m in roles})
        if role_values:
            self.activity.append(In(field="actor_role", values=role_values))
        if self.actor:
            self.activity.append(In(field="actor", values=self.actor))
        negated = [m for m in kinds + roles if m.negated] or [
            m for m in self.reading.of("activity_word") if m.negated
        ]
        self.activity_negated = bool(negated)

    def _windows(self, stale: list[Mention]) -> None:
        r = self.reading
        for m in r.of("window"):
            w: Window = m.value
            if stale and w.last_hours:
                continue  # the stale rule took it as its idle period
            self.windows.append(w)
        for m in r.of("dates"):
            start, end, deadline, text = m.value
            if re.search(r"以来|since|from|after|之后|以后", text):
                self.windows.append(Window(start=start))
            elif deadline or re.search(r"前|之前|以前|before|until|by\b", text):
                self.windows.append(Window(end=end))
            else:
                self.windows.append(Window(start=start, end=end))

    # -- assembling ------------------------------------------------------------------------------------

    def window_field(self, entity: str) -> str:
        """Which date a window is about: activities when any are mentioned, else a stage event."""
        r = self.reading
        if self.activity or r.has("activity_word") or entity == "activity":
            return "at" if entity == "activity" else "activity"
        events = [m.value[0] for m in r.of("stage") if m.value[0] in (Stage.WON, Stage.LOST)]
        entered = [m.value[0] for m in r.of("stage")]
        if events and not r.has("entered"):
            return f"{events[0].value}_at"
        if r.has("entered") and entered:
            return f"{entered[0].value}_at"
        if r.has("new_deals") or entity == "deal":
            return "opened_at"
        return "activity"

    def _owner_conditions(self, entity: str) -> list[Condition]:
        out: list[Condition] = []
        for field_name in ("rep", "team"):
            values = [v for f, v in self.owner if f == field_name]
            if values:
                out.append(In(field=field_name, values=values))
        return out

    def _activity_block(self, windows: list[Window]) -> list[Condition]:
        block = list(self.activity)
        for w in windows:
            block.append(During(field="at", window=w))
        return block

    def for_entity(
        self, entity: str, *, skip_windows: bool = False, skip_related: str | None = None
    ) -> list[Condition]:
        """The subject's conditions: its own, inherited ones, and related ones as counts."""
        windows = [] if skip_windows else self.windows
        target = self.window_field(entity)
        act_windows = windows if target in ("at", "activity") else []
        date_windows = [] if target in ("at", "activity") else windows
        out: list[Condition] = []
        owner = self._owner_conditions(entity)
        activity_block = self._activity_block(act_windows)
        has_activity = bool(self.activity) or bool(
            act_windows and (self.reading.has("activity_word") or self.activity)
        )
        if entity == "activity":
            out += owner + self.activity + [During(field="at", window=w) for w in windows]
            out += [c for c in self.customer if not isinstance(c, Rule)]
            if self.deal:
                out.append(Related(entity="deal", where=self.deal))
            stale = [c for c in self.customer if isinstance(c, Rule)]
            if stale:
                out.append(Related(entity="customer", where=stale))
            return out
        if entity == "deal":
            out += owner + self.customer + self.deal
            out += [During(field=target, window=w) for w in date_windows]
            if has_activity and skip_related != "activity":
                out.append(self._related_activity(activity_block))
            return out
        if entity == "customer":
            out += owner + self.customer
            deal_block = self.deal + [During(field=target, window=w) for w in date_windows]
            if deal_block and skip_related != "deal":
                out.append(Related(entity="deal", where=deal_block))
            if has_activity and skip_related != "activity":
                out.append(self._related_activity(activity_block))
            return out
        # reps: the salespeople themselves, and what they own or did
        out += owner
        if skip_related is None:
            related = self._rep_related(date_windows, activity_block, has_activity)
            if related is not None:
                out.append(related)
        return out

    def _related_activity(self, block: list[Condition]) -> Related:
        if self.activity_negated:
            return Related(entity="activity", where=block, op="=", count=0)
        return Related(entity="activity", where=block, op=">=", count=1)

    def _rep_related(
        self, date_windows: list[Window], activity_block: list[Condition], has_activity: bool
    ) -> Condition | None:
        if has_activity:
            return self._related_activity(activity_block)
        target = self.window_field("deal")
        if self.deal or date_windows:
            deal_block = (
                list(self.customer) + self.deal + [During(field=target, window=w) for w in date_windows]
            )
            return Related(entity="deal", where=deal_block)
        if self.customer:
            return Related(entity="customer", where=self.customer)
        return None

    def metric(self, subject: str, body: str) -> Metric:
        """What a top-N ranks by."""
        r = self.reading
        money = bool(lx.SUM_WORDS.search(body) or lx.AMOUNT_FIELD.search(body) or r.has("weighted"))
        money_field = (
            "weighted_value"
            if r.has("weighted")
            else ("budget" if r.has("budget_word") and not r.has("money") else "amount")
        )
        if subject == "rep":
            target = self.window_field("deal")
            if self.activity or r.has("activity_word"):
                return Metric(
                    related="activity",
                    where=self._activity_block(
                        self.windows if self.window_field("rep") in ("at", "activity") else []
                    ),
                )
            words = [m.group() for m in lx.ENTITY_WORDS["customer"].finditer(body)]
            if words and not self.deal and not money:
                return Metric(related="customer", where=self.customer)
            deal_where = (
                list(self.customer) + self.deal + [During(field=target, window=w) for w in self.windows]
            )
            if money:
                return Metric(related="deal", where=deal_where, agg="sum", sum_field=money_field)
            if words and self.customer and not self.deal:
                return Metric(related="customer", where=self.customer)
            return Metric(related="deal", where=deal_where)
        if subject == "customer":
            if self.activity or r.has("activity_word"):
                return Metric(related="activity", where=self._activity_block(self.windows))
            if r.has("stale") or re.search(r"最久|longest|多久", body):
                return Metric(field="days_since_activity")
            return Metric(field="weighted_value" if r.has("weighted") else "open_amount")
        if subject == "deal":
            if re.search(r"最久|最长|longest|oldest|停留", body) and not money:
                return Metric(field="days_in_stage")
            return Metric(field=money_field)
        return Metric(field="amount")
