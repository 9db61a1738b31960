"""Reading a question: the typed mentions the offline parser composes a plan from.

Names of the organization come first and are masked out; then time windows and durations, money,
stages, the rules' concepts, kinds of activity, roles, industries, channels and contact roles. Where
two concepts overlap the longer wins (电话陌拜 is a channel, not a call), and each concept learns
whether a negation governs it (没有决策人, no visit, 还没成交).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from copilot.ask import lexicon as lx
from copilot.ask.names import NameIndex, normalise
from copilot.ask.plan import Window
from copilot.domain import Stage
from copilot.nlp.amounts import find_amounts
from copilot.nlp.times import find_times
from copilot.pipeline.snapshot import PipelineSnapshot

CLAUSE = re.compile(r"[，,。？?；;！!]")


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
    """What the parser found in one question."""

    text: str
    lang: str
    as_of: datetime | None = None
    body: str = ""  # the text with the organization's names masked out
    mentions: list[Mention] = field(default_factory=list)

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def has(self, kind: str) -> bool:
        return any(m.kind == kind for m in self.mentions)

    def add(self, start: int, end: int, kind: str, value: Any = None) -> None:
        self.mentions.append(Mention(start, end, kind, value))


def language(question: str) -> str:
    han = sum(1 for ch in question if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in question if ch.isascii() and ch.isalpha())
    return "zh" if han * 2 >= latin else "en"


_CONCEPTS = (
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
    ("first_contact", lx.FIRST_CONTACT),
    ("health_weight", lx.HEALTH_WEIGHT),
    ("none_of", lx.NONE_OF),
    ("non_sales", lx.NON_SALES),
    ("over_by", lx.OVER_BY),
    ("uplift", lx.UPLIFT),
    ("one_contact", lx.ONE_CONTACT),
)


def read(question: str, snap: PipelineSnapshot, names: NameIndex, as_of: datetime, tz: tzinfo) -> Reading:
    text = normalise(question)
    reading = Reading(text, language(question), as_of)
    unsupported = lx.UNSUPPORTED.search(text)
    if unsupported:
        raise Unanswerable(f"unsupported measure: {unsupported.group()}")
    masked = list(text)
    for hit in names.find(text):
        reading.add(hit.start, hit.end, hit.kind, hit.value)
        for k in range(hit.start, hit.end):
            masked[k] = " "
    body = reading.body = "".join(masked)
    _windows(reading, body, as_of, tz)
    _amounts(reading, body)
    _stages(reading, body)
    for kind, pattern in _CONCEPTS:
        for m in pattern.finditer(body):
            reading.add(m.start(), m.end(), kind, m.group())
    for kind, table in (("kind", lx.KINDS), ("role", lx.ROLES), ("industry", lx.INDUSTRIES)):
        for value, pattern in table.items():
            for m in pattern.finditer(body):
                reading.add(m.start(), m.end(), kind, value)
    _channels(reading, body)
    _contacts(reading, body)
    _roles(reading, body)
    for m in lx.RELATIONSHIP.finditer(body):
        years = next(g for g in m.groups() if g)
        reading.add(m.start(), m.end(), "relationship", float(years))
    _lost_categories(reading, body, snap)
    closes = reading.of("expected_close")
    reading.mentions = [
        m
        for m in reading.mentions
        if not (m.kind == "stage" and any(c.start <= m.start < c.end for c in closes))
    ]
    stale = reading.of("stale")
    reading.mentions = [  # "zero touchpoints", "一点动静都没有": part of the stale phrase
        m
        for m in reading.mentions
        if not (m.kind == "none_of" and any(x.start <= m.start and m.end <= x.end for x in stale))
    ]
    hw = reading.of("health_weight")
    reading.mentions = [
        m
        for m in reading.mentions
        if not (m.kind == "weighted" and any(x.start <= m.start < x.end for x in hw))
    ]
    _resolve_overlaps(reading)
    _negations(reading, body)
    _stage_scope(reading, body)
    return reading


def _channels(reading: Reading, body: str) -> None:
    """A lead source; the ambiguous ones (老客户, partner, 推广) only where a source is talked about."""
    context = bool(lx.CHANNEL_CONTEXT.search(body))
    for value, pattern in lx.CHANNELS.items():
        if value in lx.AMBIGUOUS_CHANNELS and not context:
            continue
        for m in pattern.finditer(body):
            reading.add(m.start(), m.end(), "channel", value)


_ROLE_WORDS = {
    "legal": re.compile(r"法务|律师|\blegal\b", re.IGNORECASE),
    "finance": re.compile(r"财务|\bfinance\b|\bcfo\b", re.IGNORECASE),
    "procurement": re.compile(r"采购|procurement|purchasing", re.IGNORECASE),
    "technical": re.compile(r"技术|工程师|\btechnical\b|\bengineers?\b|\bit\b", re.IGNORECASE),
}


def _contacts(reading: Reading, body: str) -> None:
    """A role named with a contact word in the same clause is a contact's role ("联系人中包含法务人员",
    "a legal contact on file"), not someone who worked on the deal."""
    words = list(lx.CONTACT_WORD.finditer(body))
    if not words:
        return
    found: set[tuple[int, str]] = set()
    for value, pattern in lx.CONTACT_ROLES.items():
        for m in pattern.finditer(body):
            found.add((m.start(), value))
            reading.add(m.start(), m.end(), "contact_role", value)
    for value, pattern in _ROLE_WORDS.items():
        for m in pattern.finditer(body):
            same_clause = any(
                abs(w.start() - m.start()) <= 14
                and not CLAUSE.search(body[min(w.start(), m.start()) : max(w.end(), m.end())])
                for w in words
            )
            if same_clause and (m.start(), value) not in found:
                reading.add(m.start(), m.end(), "contact_role", value)


def _roles(reading: Reading, body: str) -> None:
    """Legal and finance as the people who worked on a deal (finance next to legal is a role, not
    the finance industry)."""
    contacts = reading.of("contact_role")
    reading.mentions = [
        m
        for m in reading.mentions
        if not (m.kind == "role" and any(c.start <= m.start < c.end for c in contacts))
    ]
    for pattern, role in ((lx.LEGAL, "legal"), (lx.FINANCE_ROLE, "finance")):
        for m in pattern.finditer(body):
            if not any(c.start <= m.start() < c.end for c in contacts):
                reading.add(m.start(), m.end(), "role", role)
    near = lx.FINANCE_NEAR_LEGAL.search(body)
    if near:
        reading.mentions = [
            m for m in reading.mentions if not (m.kind == "industry" and near.start() <= m.start < near.end())
        ]
        fin = body.find("finance", near.start())
        reading.add(fin, fin + 7, "role", "finance")
    roles = [m for m in reading.mentions if m.kind == "role"]
    for ind in [x for x in reading.mentions if x.kind == "industry" and x.value == "finance"]:
        if body[ind.start : ind.end].isascii() and any(abs(r.start - ind.start) <= 24 for r in roles):
            reading.mentions.remove(ind)  # "pre-sales, legal, delivery, finance": a list of roles
            reading.add(ind.start, ind.end, "role", "finance")
    if lx.NON_SALES.search(body):
        reading.mentions = [m for m in reading.mentions if m.kind != "role"]
        for role in ("solution", "legal", "delivery", "finance", "manager"):
            reading.add(0, 0, "role", role)


def _resolve_overlaps(reading: Reading) -> None:
    concepts = (
        "kind",
        "channel",
        "industry",
        "role",
        "stage",
        "activity_word",
        "stale",
        "budget_word",
        "stuck",
    )
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
    """A concept is negated by a negation word before it in its clause, or a negative right after
    ("确认函还没拿全", "decision-maker contact is missing")."""
    for m in reading.mentions:
        if m.kind == "lost_category" and m.end > m.start:
            near = body[max(0, m.start - 16) : m.start]
            m.negated = bool(
                lx.EXCLUDED.search(near)
                or re.search(
                    r"(?:不是|非|not|other than|except|excluding)\s*(?:an?\s+|the\s+|因为|由于)?$", near
                )
                or re.match(r"^\s*(?:以外|之外)", body[m.end : m.end + 4])
            )
            continue
        if m.kind not in (
            "kind",
            "role",
            "decision_maker",
            "letter",
            "activity_word",
            "contact_role",
            "stage",
        ):
            continue
        clause_start = max((c.end() for c in CLAUSE.finditer(body, 0, m.start)), default=0)
        reach = {"letter": 32, "stage": 3}.get(m.kind, 10)
        before = body[max(clause_start, m.start - reach) : m.start]
        after = body[m.end : m.end + 12]
        if m.kind == "stage":
            m.negated = bool(
                re.search(r"(?:没|未|不|没有|还没|尚未)(?:有)?$|\bnot\s+(?:yet\s+)?$|\bnon-?$", before)
            )
        elif (
            (m.kind in ("kind", "role") and _NOT_AFTER.search(body[m.end : m.end + 30]))
            or lx.NEGATION.search(before)
            or (m.kind in ("letter", "decision_maker") and lx.NEGATED_AFTER.search(after))
        ):
            m.negated = True


_NOT_AFTER = re.compile(
    r"^[^，,。？?]{0,30}?(?:\b(?:not|never|haven'?t|hasn'?t|has not|have not)\b[^，,。？?]{0,12}?"
    r"(?:in touch|contact\w*|visit\w*|call\w*|reach\w*|involved|engaged)|"
    r"没(?:有)?(?:联系|跟进|拜访|去|碰|参与)过?)",
    re.IGNORECASE,
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
    "个月": 720,
    "month": 720,
}


def _windows(reading: Reading, body: str, as_of: datetime, tz: tzinfo) -> None:
    """Time windows ("last 7 days", "本月", "since May 1") and bare durations ("3天", "over 15 days")."""
    taken: list[tuple[int, int]] = []
    for period, pattern in lx.PERIODS.items():
        for m in pattern.finditer(body):
            reading.add(m.start(), m.end(), "window", Window(period=period))
            taken.append((m.start(), m.end()))
    durations: list[tuple[int, int, float]] = []
    for m in lx.DURATION.finditer(body):
        unit = m.group(2).lower()
        key = "h" if unit in ("hrs", "h") else (unit if unit in _UNIT_HOURS else unit.rstrip("s"))
        durations.append((m.start(), m.end(), float(m.group(1)) * _UNIT_HOURS[key]))
    for pattern, fixed in ((lx.HALF_MONTH, 15 * 24.0), (lx.A_WEEK, 7 * 24.0), (lx.A_MONTH, 30 * 24.0)):
        for m in pattern.finditer(body):
            if not any(s <= m.start() < e for s, e, _ in durations):
                durations.append((m.start(), m.end(), fixed))
    for start, end, hours in sorted(durations):
        if any(s <= start < e for s, e in taken):
            continue
        before, after = body[max(0, start - 16) : start], body[end : end + 6]
        if lx.WINDOW_BEFORE.search(before) or lx.WINDOW_AFTER.search(after):
            reading.add(start, end, "window", Window(last_hours=hours))
        else:
            reading.add(start, end, "duration", hours)
        taken.append((start, end))
    for t in find_times(body, as_of.astimezone(tz)):
        if t.span.vague or t.span.start is None or any(s < t.end and t.start < e for s, e in taken):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?\s*(?:天|日|周|月|年|days?|weeks?|months?|years?)", t.text.strip()):
            continue
        if re.search(r"(?:到|至|截至|截止)?今天为止|so far|to date", t.text):
            continue
        text, before = t.text + body[t.end : t.end + 3], body[max(0, t.start - 14) : t.start]
        reading.add(t.start, t.end, "dates", (t.span.start, t.span.end, t.span.deadline, text, before))


def _amounts(reading: Reading, body: str) -> None:
    """Money thresholds ("超过50万", "worth 500,000 or more", "50万到100万之间") on the field they
    follow: the amount, the budget, or the health-weighted value."""
    found = [(m.start, m.end, float(m.amount)) for m in find_amounts(body)]
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(k|m|mn|million|thousand|w)\b", body):
        scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "w": 1e4}[m.group(2)]
        found.append((m.start(), m.end(), float(m.group(1)) * scale))
    for m in re.finditer(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d{5,})(?![\d.%])", body):
        if not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), float(m.group(1).replace(",", ""))))
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|百万|千万|亿)", body):
        if not any(s <= m.start() < e for s, e, _ in found):  # "50万到100万": a range the money parser leaves
            found.append(
                (
                    m.start(),
                    m.end(),
                    float(m.group(1)) * {"万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}[m.group(2)],
                )
            )
    for m in re.finditer(r"(?:过|上)(百万|千万|亿)", body):
        found.append((m.start(), m.end(), {"百万": 1e6, "千万": 1e7, "亿": 1e8}[m.group(1)]))
    found.sort()
    ranged: set[int] = set()
    for i in range(len(found) - 1):
        (s1, e1, v1), (s2, e2, v2) = found[i], found[i + 1]
        if re.fullmatch(r"\s*(?:到|至|-|~|～|and|to)\s*", body[e1:s2]) and v1 < v2:
            field_name = _money_field(body, s1)
            reading.add(s1, e1, "money", (field_name, ">=", v1))
            reading.add(s2, e2, "money", (field_name, "<=", v2))
            ranged |= {i, i + 1}
    for i, (start, end, value) in enumerate(found):
        if i in ranged or value <= 0:
            continue
        op = _comparator(body[max(0, start - 10) : start], body[end : end + 8])
        if op is not None:
            reading.add(start, end, "money", (_money_field(body, start), op, value))
    for hw in lx.HEALTH_WEIGHT.finditer(body):
        num = re.match(
            r"\s*(?:超过|大于|高于|不低于|至少|低于|小于|不到|above|over|below|under|of|at least|>=?|<=?)?"
            r"\s*(\d+(?:\.\d+)?)",
            body[hw.end() : hw.end() + 14],
        )
        if num and float(num.group(1)) < 100:
            op = (
                _comparator(
                    body[hw.end() : hw.end() + num.start(1)],
                    body[hw.end() + num.end(1) : hw.end() + num.end(1) + 6],
                )
                or ">="
            )
            reading.add(
                hw.start(), hw.end() + num.end(1), "money", ("health_weight", op, float(num.group(1)))
            )


def _money_field(body: str, start: int) -> str:
    context = body[max(0, start - 14) : start]
    if lx.WEIGHTED.search(context):
        return "weighted_value"
    if lx.BUDGET_FIELD.search(context) and not lx.AMOUNT_FIELD.search(context[-6:]):
        return "budget"
    return "amount"


def _comparator(before: str, after: str) -> str | None:
    if re.search(r"^\s*(?:以上|及以上|或以上|or more|and (?:up|above)|\+|or above|plus)", after) or re.search(
        r"(?:不少于|不低于|至少|起码|at least|minimum of|no less than)\s*$", before
    ):
        return ">="
    if re.search(r"^\s*(?:以下|以内|or less|and below|or under)", after) or re.search(
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
            after, before = body[m.end() : m.end() + 20], body[max(0, m.start() - 16) : m.start()]
            qualifier = None
            if lx.AT_LEAST.search(after) or lx.AT_LEAST_BEFORE.search(before):
                qualifier = ">="
            elif lx.AT_MOST.search(after):
                qualifier = "<="
            reading.add(m.start(), m.end(), "stage", (Stage(stage), qualifier))


def _lost_categories(reading: Reading, body: str, snap: PipelineSnapshot) -> None:
    """Lost-reason categories are the organization's own labels ("竞品", "预算冻结"): a label named in
    the question, or a competitor named in any words, selects that category."""
    labels = snap.lost_categories
    for label in labels:
        low = normalise(label)
        i = body.find(low)
        if i >= 0 and len(low) >= 2:
            reading.add(i, i + len(low), "lost_category", label)
    competitor_labels = [x for x in labels if re.search(r"竞品|竞争|对手|competit", x, re.IGNORECASE)]
    for m in reading.of("competitor"):
        for label in competitor_labels:
            reading.add(m.start, m.end, "lost_category", label)
    english = {
        r"\bbudget\b": r"预算|budget",
        r"cancel\w*": r"取消|cancel",
        r"\bprice\b|\bpricing\b": r"价格|price",
    }
    if any(m.value[0] is Stage.LOST for m in reading.of("stage")):
        for word, label_rx in english.items():
            if re.search(word, body):
                for label in labels:
                    if re.search(label_rx, label, re.IGNORECASE):
                        reading.add(0, 0, "lost_category", label)


def _stage_scope(reading: Reading, body: str) -> None:
    """ "含线索阶段 / leads included" names a stage only to include it; "leads excluded / 不含线索"
    excludes it; "尚未赢单或丢单" negates both stages."""
    stages = sorted(reading.of("stage"), key=lambda m: m.start)
    for i, m in enumerate(stages):
        before, after = body[max(0, m.start - 12) : m.start], body[m.end : m.end + 14]
        if lx.EXCLUDED.search(before) or re.match(
            r"^\s*(?:阶段)?\s*(?:不算|除外|以外|之外|excluded|not included|aside)", after
        ):
            m.negated = True
            m.value = (m.value[0], None)
        elif lx.INCLUDED.search(before) or re.match(
            r"^\s*(?:阶段)?\s*(?:也算|也包括|在内|都算|count|included|too|as well)", after
        ):
            m.kind = "stage_included"
        joined = (
            re.fullmatch(r"\s*(?:或|和|或者|也|、|/|or|nor|and)\s*(?:已)?", body[stages[i - 1].end : m.start])
            if i
            else None
        )
        if joined and stages[i - 1].negated:
            m.negated = True
