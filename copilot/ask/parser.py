"""The offline engine: a bilingual semantic parser from a manager's question to a typed plan.

`reading.py` finds the typed mentions (the organization's names, stages, rules, kinds of activity,
roles, industries, channels, amounts, durations and time windows). Here the parser decides what the
question is about and what to compute, then attaches each mention to the entity it belongs to: a
stage to deals, an industry to customers, a visit to activities. A condition on another entity than
the subject becomes a condition on related records (a customer "with a stuck deal", a rep "with no
visit in 7 days").
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

from copilot.ask import lexicon as lx
from copilot.ask.names import NameIndex
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
    Trend,
    Window,
)
from copilot.ask.reading import CLAUSE, Mention, Reading, Unanswerable, read
from copilot.domain import Stage
from copilot.pipeline.snapshot import PipelineSnapshot
from copilot.policies import RiskRules

OPEN_STAGES = [s for s in Stage if s.is_open]
_ENTITY_OF = {"客户": "customer", "商机": "deal", "单子": "deal", "项目": "deal", "销售": "rep"}
_COUNTERS = {"家": "customer", "单": "deal", "笔": "deal", "条": "activity", "次": "activity", "位": "rep"}
_POSSESSED = re.compile(
    r"(?:有|没有|无|带|拥有)(?:过|了)?(?:一个|任何|一些|一单|\d+个)?\s*$|"
    r"\b(?:with|have|has|having)\s+(?:an?|any|at least one|no|one or more)?\s*(?:open|active|won|lost)?\s*$"
)

__all__ = ["OfflinePlanner", "Unanswerable"]


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

    def plan(
        self,
        question: str,
        snap: PipelineSnapshot,
        as_of: datetime,
        tz: tzinfo,
        rules: RiskRules | None = None,
    ) -> Plan:
        reading = read(question, snap, self.names(snap), as_of, tz)
        return compose(reading, snap, rules or RiskRules())


# -- what the question is about ------------------------------------------------------------------


def _entity_words(reading: Reading) -> list[tuple[int, int, str]]:
    body = reading.body
    words: list[tuple[int, int, str]] = []
    for entity, pattern in lx.ENTITY_WORDS.items():
        words += [(m.start(), m.end(), entity) for m in pattern.finditer(body)]
    return sorted(words)


def _subject(reading: Reading) -> str | None:
    body = reading.body
    words = _entity_words(reading)
    if re.search(r"谁|\bwho\b|\bwhose\b", body) and not re.search(
        r"(?:决策人|decision[- ]maker)[^，,。？?]{0,6}(?:是谁|\bwho\b)", body
    ):
        return "rep"
    among = re.search(r"(客户|商机|单子|项目|销售)(?:里|中|当中|之中|里面)[，,]", body) or re.search(
        r"^[^，,。？?]{0,30}?(客户|商机|单子|项目|销售)(?:里|中|当中|之中|里面)[，,]?\s*(?:有)?(?:哪|几|多少)",
        body,
    )
    if among:
        return _ENTITY_OF[among.group(1)]
    english = re.search(
        r"^(?:of|among|for)\s+(?:the|our|all|those|these)?\s*(?:\S+\s+){0,4}?(deals|opportunities|customers|accounts|clients|reps)\b",
        body,
    )
    if english:
        return next(e for e, p in lx.ENTITY_WORDS.items() if p.fullmatch(english.group(1)))
    words = [w for w in words if not _POSSESSED.search(body[max(0, w[0] - 24) : w[0]])]
    question_words = [
        m for p in (lx.LIST_WORDS, lx.COUNT_WORDS, lx.MAX_WORDS, lx.MIN_WORDS) for m in p.finditer(body)
    ]
    for q in sorted(question_words, key=lambda m: m.start()):
        clause = CLAUSE.search(body, q.end())
        limit = min(clause.start() if clause else len(body), q.end() + (24 if reading.lang == "zh" else 48))
        ahead = [w for w in words if q.end() - 2 <= w[0] < limit]
        right_after = [w for w in ahead if w[0] == q.end()]
        head = _chinese_head(reading, words, q.end(), clause.start() if clause else len(body))
        if head is not None and not right_after:
            return head
        if ahead:
            return _prefer(ahead, body)
        if q.group() in ("次数", "条数"):
            return "activity"
        counter = q.group()[-1:]
        if counter in _COUNTERS:
            return _COUNTERS[counter]
    tail = re.search(r"(有哪些|是哪些|有几|有多少|是多少|的?数量|的?次数|的?条数|are there|do we have)", body)
    if tail:
        behind = [w for w in words if w[1] <= tail.start()]
        if behind:
            return behind[-1][2]
    if words:
        return _prefer(words, body)
    if lx.SUM_WORDS.search(body) or lx.AVG_WORDS.search(body):
        return "deal"  # money is about deals
    return None


def _chinese_head(reading: Reading, words: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    """In Chinese the noun a phrase is about comes last: "列出…商机、但…没有任何跟进活动的客户" is
    about the customers. The entity word closing the clause after "的" is the head."""
    if reading.lang != "zh":
        return None
    body = reading.body
    for w in reversed([w for w in words if start <= w[0] < end]):
        rest = body[w[1] : end]
        if body[max(0, w[0] - 1) : w[0]] == "的" and re.fullmatch(
            r"\s*(?:人员|们)?\s*(?:有哪些|是哪些|都有谁|有几(?:个|家|位)?|的?数量|数|吗|呢|。)?\s*", rest
        ):
            return w[2]
    return None


def _prefer(words: list[tuple[int, int, str]], body: str) -> str:
    """The first entity word, except that an activity word right before a deal or customer word
    describes it ("拜访过的客户")."""
    first = words[0]
    if first[2] == "activity" and len(words) > 1 and words[1][2] in ("deal", "customer", "rep"):
        gap = body[first[1] : words[1][0]]
        if len(gap) <= 12 and not re.search(r"多少|几|how many|number", body[: first[0]][-8:]):
            return words[1][2]
    return first[2]


def _asks_which(reading: Reading, entity: str) -> bool:
    """Whether a which/哪些/谁 word governs an `entity` word (a list of those, not a count over them)."""
    body = reading.body
    if entity == "rep" and re.search(r"谁|\bwho\b", body):
        return True
    for q in lx.LIST_WORDS.finditer(body):
        ahead = [w for w in _entity_words(reading) if q.end() - 2 <= w[0] <= q.end() + 24]
        if ahead and ahead[0][2] == entity:
            return True
    return False


# -- what to compute -------------------------------------------------------------------------------


def _result(reading: Reading, subject: str) -> tuple[str, Result | None]:
    """The subject and the result the question asks for (None: a ranking or comparison, built later)."""
    body = reading.body
    if reading.has("prioritise") and (lx.CUT.search(body) or reading.has("travel")):
        cut = lx.CUT.search(body)
        pct = float(next(g for g in cut.groups() if g)) if cut else 20.0
        return "customer", PrioritiseResult(cut_pct=pct)
    windows = reading.of("window") + reading.of("dates")
    owners = len(reading.of("team")) + len(reading.of("user"))
    comparing = lx.COMPARE_WORDS.search(body) and (
        len(windows) >= 2 or ((windows or owners >= 2) and re.search(r"比|than|vs|versus|compared", body))
    )
    if comparing:
        if subject == "rep" and not _asks_which(reading, "rep"):
            subject = "activity"  # "how many more activities did the reps log": activities by reps
        return subject, None
    if reading.has("over_by") and reading.has("over_budget"):
        return "deal", SumResult(field="over_budget")
    if reading.has("uplift"):
        return "deal", SumResult(field="weight_uplift")
    if lx.TOP_N.search(body) or lx.MAX_WORDS.search(body) or lx.MIN_WORDS.search(body):
        return subject, None
    if reading.has("health_weight") and not reading.of("money") and re.search(r"多少|几|what|how much", body):
        return "deal", (SumResult if reading.has("customer") or reading.has("deal") else AvgResult)(
            field="health_weight"
        )
    if lx.AVG_WORDS.search(body):
        return subject, AvgResult(field=_money_field(reading, subject))
    if lx.COUNT_WORDS.search(body) or re.search(r"赢了几|丢了几|签了几", body):
        if (
            subject == "rep"
            and not _asks_which(reading, "rep")
            and (reading.has("activity_word") or reading.has("kind"))
        ):
            subject = "activity"
        return subject, CountResult()
    if lx.SUM_WORDS.search(body):
        return subject, SumResult(field=_money_field(reading, subject))
    return subject, ListResult()


def _money_field(reading: Reading, subject: str) -> str:
    if reading.has("weighted"):
        return "weighted_value"
    budget_threshold = any(m.value[0] == "budget" for m in reading.of("money"))
    if reading.has("budget_word") and not reading.has("over_budget") and not budget_threshold:
        return "budget"
    return "amount" if subject == "deal" else "open_amount"


def compose(reading: Reading, snap: PipelineSnapshot, rules: RiskRules) -> Plan:
    subject = _subject(reading)
    if subject is None:
        raise Unanswerable("no subject: the question names no deals, customers, reps or activities")
    subject, result = _result(reading, subject)
    if isinstance(result, SumResult | AvgResult) and subject in ("customer", "rep"):
        subject = "deal"  # money is summed over deals
        field_name = (
            "weighted_value"
            if reading.has("weighted")
            else ("budget" if result.field == "budget" else "amount")
        )
        result = SumResult(field=field_name) if isinstance(result, SumResult) else AvgResult(field=field_name)
    conds = Conditions(reading, snap, subject, rules)
    conds.collect()
    if isinstance(result, PrioritiseResult):
        return Plan(entity="customer", where=conds.for_entity("customer"), result=result)
    if result is None:
        return _ranked_or_compared(reading, subject, conds)
    return Plan(entity=subject, where=conds.for_entity(subject), result=result)


def _ranked_or_compared(reading: Reading, subject: str, conds: Conditions) -> Plan:
    body = reading.body
    windows = [m.value for m in reading.of("window")] + conds.date_windows()
    money = bool(lx.SUM_WORDS.search(body) or lx.AMOUNT_FIELD.search(body)) and not lx.COUNT_WORDS.search(
        body
    )
    measure = "sum" if money else "count"
    money_field = _money_field(reading, subject) if money else None
    if lx.COMPARE_WORDS.search(body) and len(conds.owner) >= 2:
        # two teams or reps compared: "华东一组比华南组多几条"
        (fa, va), (fb, vb) = conds.owner[:2]
        conds.owner = conds.owner[2:]
        result = CompareResult(
            measure=measure, field=money_field, a=[In(field=fa, values=[va])], b=[In(field=fb, values=[vb])]
        )
        return Plan(entity=subject, where=conds.for_entity(subject), result=result)
    if lx.COMPARE_WORDS.search(body) and windows:
        a, b = _two_windows(windows)
        less = bool(lx.LESS_WORDS.search(body)) and not lx.MORE_WORDS.search(body)
        if subject in ("rep", "customer", "deal") and _asks_which(reading, subject):
            where = conds.for_entity(subject, skip_windows=True, skip_related="activity")
            where.append(
                Trend(entity="activity", where=list(conds.activity), a=a, b=b, op="<" if less else ">")
            )
            return Plan(entity=subject, where=where)
        field_for = "at" if subject == "activity" else conds.window_field(subject)
        if field_for == "activity":
            subject, field_for = "activity", "at"
        inner = conds.for_entity(subject, skip_windows=True)
        result = CompareResult(
            measure=measure,
            field=money_field,
            a=[During(field=field_for, window=a)],
            b=[During(field=field_for, window=b)],
        )
        return Plan(entity=subject, where=inner, result=result)
    top = lx.TOP_N.search(body)
    n = 1
    if top:
        raw = next(g for g in top.groups() if g)
        n = int(raw) if raw.isdigit() else lx.NUMBER_WORDS.get(raw, 1)
    order = "asc" if lx.MIN_WORDS.search(body) and not lx.MAX_WORDS.search(body) else "desc"
    metric = conds.metric(subject)
    where = conds.for_entity(subject, skip_related=metric.related)
    return Plan(entity=subject, where=where, result=TopResult(by=metric, n=n, order=order))


def _two_windows(windows: list[Window]) -> tuple[Window, Window]:
    """The two periods compared: both named, or one named and the period it is compared with."""
    if len(windows) >= 2:
        first, second = windows[0], windows[1]
        if first.last_hours and second.last_hours == first.last_hours and not second.shift_hours:
            second = Window(last_hours=first.last_hours, shift_hours=first.last_hours)  # "the 7 days before"
        return first, second
    w = windows[0]
    previous = {
        "last_week": "this_week",
        "last_month": "this_month",
        "last_quarter": "this_quarter",
        "yesterday": "today",
    }
    if w.period in previous:
        return Window(period=previous[w.period]), w
    if w.last_hours is not None:
        return w, Window(last_hours=w.last_hours, shift_hours=w.last_hours)
    following = {v: k for k, v in previous.items()}
    return w, Window(period=following.get(w.period or "", "last_month"))


class Conditions:
    """The conditions of a question, by the entity each naturally belongs to."""

    def __init__(self, reading: Reading, snap: PipelineSnapshot, subject: str, rules: RiskRules) -> None:
        self.reading = reading
        self.snap = snap
        self.subject = subject
        self.rules = rules
        self.deal: list[Condition] = []
        self.customer: list[Condition] = []
        self.activity: list[Condition] = []
        self.activity_negated = False
        self.owner: list[tuple[str, str]] = []  # (rep or team, value)
        self.actor: list[str] = []
        self.windows: list[Window] = []
        self.stage_events: list[Stage] = []

    # -- gathering ---------------------------------------------------------------------------------

    def collect(self) -> None:
        r = self.reading
        body = r.body
        stale = r.of("stale")
        kinds = r.of("kind")
        roles = [m for m in r.of("role") if m.value != "sales"]
        if stale and (
            kinds or roles
        ):  # "没有拜访", "no legal activity": a missing activity, not a stale customer
            near = [
                k
                for k in kinds + roles
                if any(abs(k.start - s.end) <= 8 or abs(s.start - k.end) <= 8 for s in stale)
            ]
            if near or any(k.negated for k in kinds + roles):
                stale = []
                for k in kinds + roles:
                    k.negated = True
        self._people(kinds)
        customers = [m.value for m in r.of("customer")]
        if customers:
            self.customer.append(In(field="customer", values=customers))
        self._stage_conditions(stale)
        self._rule_conditions(stale)
        for field_name, kind in (("industry", "industry"), ("source_channel", "channel")):
            values = sorted({m.value for m in r.of(kind)})
            if values:
                self.customer.append(In(field=field_name, values=values))
        for m in r.of("contact_role"):
            cond: Condition = In(field="contact_role", values=[m.value])
            self.customer.append(Not(condition=cond) if m.negated else cond)
        if r.has("one_contact"):
            self.customer.append(Compare(field="contacts", op="=", value=1))
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
        lost = sorted({m.value for m in r.of("lost_category") if not m.negated})
        not_lost = sorted({m.value for m in r.of("lost_category") if m.negated})
        if not_lost:
            self.deal.append(Not(condition=In(field="lost_reason_category", values=not_lost)))
        if lost or not_lost:
            if lost:
                self.deal.append(In(field="lost_reason_category", values=lost))
            if not any(isinstance(c, In) and c.field == "stage" for c in self.deal):
                self.deal.append(In(field="stage", values=["lost"]))
        self._expected_close()
        self._activities(kinds, roles)
        self._windows(stale)

    def _people(self, kinds: list[Mention]) -> None:
        """A rep named as owner ("陈静名下", "Sun Hao's deals") or as the one who did something
        ("王磊记的跟进", "did Sun Hao log"); other staff only ever as the one who did it."""
        r = self.reading
        activity_talk = bool(kinds or r.has("activity_word"))
        for m in r.of("user"):
            user = self.snap.users[self.snap.user_by_ext[m.value]]
            follows = r.text[m.end : m.end + 10]
            possessive = re.search(
                r"^\s*(?:的|'s|s')?\s*(?:名下|手上|手里|负责|的客户|的商机|的单|customers|accounts|clients|deals|pipeline|open|book)",
                follows,
            )
            if user.role == "rep" and (possessive or not activity_talk):
                self.owner.append(("rep", m.value))
            else:
                self.actor.append(m.value)
        for m in r.of("team"):
            self.owner.append(("team", m.value))

    def _stage_conditions(self, stale: list[Mention]) -> None:
        r = self.reading
        stages = r.of("stage")
        pairs = self._limit_pairs(stages)
        dated = r.has("window") or r.has("dates")
        activity_talk = r.has("kind") or r.has("activity_word")
        chosen: set[Stage] = set()
        excluded: set[Stage] = set()
        for m in stages:
            stage, qualifier = m.value
            if pairs and stage in pairs:
                continue
            if m.negated:
                excluded.add(stage)
                continue
            if (
                stage in (Stage.WON, Stage.LOST)
                and dated
                and not activity_talk
                and not r.has("expected_close")
            ):
                self.stage_events.append(stage)  # "won this month": the stage was entered in the window
                continue
            if stale and qualifier == ">=":
                continue  # "意向以上…没跟进" sets the stale rule's minimum stage
            if qualifier == ">=":
                chosen |= {s for s in OPEN_STAGES if s.rank >= stage.rank}
            elif qualifier == "<=":
                chosen |= {s for s in OPEN_STAGES if s.rank <= stage.rank}
            else:
                chosen.add(stage)
        if re.search(r"\bclosed\b(?! ?-?(?:won|lost))", r.body) and dated and not chosen:
            self.stage_events = [Stage.WON, Stage.LOST]
        if self.stage_events:
            chosen |= set(self.stage_events)
        if not chosen and (r.has("open") or r.has("weighted")) and not stale:  # weighted value: open deals
            chosen = set(OPEN_STAGES)
        if excluded and not chosen:
            chosen = set(Stage)
        chosen -= excluded
        if chosen:
            self.deal.append(In(field="stage", values=[s.value for s in Stage if s in chosen]))

    def _limit_pairs(self, stages: list[Mention]) -> dict[Stage, float]:
        """ "谈判15天、方案21天": stages each with their own number of days."""
        pairs: dict[Stage, float] = {}
        for num_en in re.finditer(
            r"(\d+(?:\.\d+)?)\s*(?:days?\s*)?(?:in|for|at)\s+(?:the\s+)?(negotiation|proposal|intent|lead)",
            self.reading.body,
        ):
            pairs[Stage(num_en.group(2))] = float(num_en.group(1))
        for m in stages:
            num = re.match(
                r"\s*(?:阶段)?\s*(?:超过|over|>)?\s*(\d+(?:\.\d+)?)\s*(?:天|日|days?)",
                self.reading.body[m.end : m.end + 8],
            )
            if num:
                pairs[m.value[0]] = float(num.group(1))
        return pairs if len(pairs) >= 2 else {}

    def _stage_duration(self) -> tuple[float, list[Stage]] | None:
        """A duration tied to a stage: "谈判阶段超过15天", "in proposal for 3+ weeks"."""
        r = self.reading
        for d in r.of("duration"):
            for s in r.of("stage"):
                gap = r.body[s.end : d.start]
                if 0 <= d.start - s.end <= 14 and not CLAUSE.search(gap) and s.value[0].is_open:
                    return d.value / 24, [s.value[0]]
        return None

    def _rule_conditions(self, stale: list[Mention]) -> None:
        r = self.reading
        durations = r.of("duration")
        stages = [m.value for m in r.of("stage")]
        if stale:
            params: dict[str, Any] = {}
            windows = [m.value for m in r.of("window") if m.value.last_hours]
            hours = durations[0].value if durations else (windows[0].last_hours if windows else None)
            if hours:
                params["hours"] = hours
            at_least = [s for s, q in stages if q == ">="]
            if at_least:
                params["min_stage"] = at_least[0]
            elif hours and hours != self.rules.stale_customer.hours:
                params["min_stage"] = Stage.LEAD  # a threshold of one's own: any open deal
            self.customer.append(Rule(rule="stale_customer", params=RuleParams(**params)))
        limits = self._limit_pairs(r.of("stage"))
        tied = None if stale else self._stage_duration()
        if r.has("stuck") or r.has("stage_limits") or limits or tied:
            params = {}
            if limits:
                params["limits"] = limits
            elif tied:
                params["days"], params["stages"] = tied
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
        candidates = r.of("dates") + [m for m in r.of("window") if m.value.period]
        ahead = [d for d in r.of("duration") if lx.NEXT_DAYS.search(r.body[max(0, d.start - 16) : d.start])]
        if not candidates and ahead and r.as_of is not None:  # "expected to close within the next 10 days"
            today = r.as_of.date()
            self.deal.append(DateCompare(field="expected_close", op=">=", value=today))
            self.deal.append(
                DateCompare(field="expected_close", op="<=", value=today + timedelta(hours=ahead[0].value))
            )
            r.mentions.remove(ahead[0])
            return
        if not candidates:
            return
        m = min(candidates, key=lambda c: abs(c.start - close.start))
        r.mentions.remove(m)
        if m.kind == "window":
            self.deal.append(During(field="expected_close", window=m.value))
            return
        start, end, deadline, text, _ = m.value
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
        none_of = self.reading.has("none_of")
        self.activity_negated = bool(negated) or (
            none_of and bool(kinds or roles or self.reading.has("activity_word"))
        )

    def _windows(self, stale: list[Mention]) -> None:
        r = self.reading
        for m in r.of("window"):
            if stale and m.value.last_hours and not (self.activity or r.has("activity_word")):
                continue  # the stale rule took it as its idle period
            self.windows.append(m.value)
        self.windows += self.date_windows()

    def date_windows(self) -> list[Window]:
        out = []
        for m in self.reading.of("dates"):
            start, end, deadline, text, before = m.value
            if re.search(r"on or after\s*$", before):
                out.append(Window(start=start - timedelta(days=1) if re.match(r"after", text) else start))
            elif re.search(r"以来|since|from|after|之后|以后|起", before[-4:] + text):
                out.append(Window(start=start))
            elif deadline or re.search(r"前|之前|以前|before|until|by\b", text):
                out.append(Window(end=end))
            else:
                out.append(Window(start=start, end=end))
        return out

    # -- assembling -------------------------------------------------------------------------------------

    def window_field(self, entity: str) -> str:
        """Which date a window is about: activities when any are talked about, else an event."""
        r = self.reading
        if self.activity or r.has("activity_word") or entity == "activity":
            return "at" if entity == "activity" else "activity"
        if r.has("first_contact"):
            return "first_contact_at"
        if self.stage_events:
            return "entered_stage_at"
        entered = [m.value[0] for m in r.of("stage")]
        if r.has("entered") and entered:
            return f"{entered[0].value}_at"
        if r.has("new_deals") or entity == "deal":
            return "opened_at"
        return "activity"

    def _owner_conditions(self) -> list[Condition]:
        out: list[Condition] = []
        for field_name in ("rep", "team"):
            values = [v for f, v in self.owner if f == field_name]
            if values:
                out.append(In(field=field_name, values=values))
        return out

    def _activity_block(self, windows: list[Window]) -> list[Condition]:
        return list(self.activity) + [During(field="at", window=w) for w in windows]

    def for_entity(
        self, entity: str, *, skip_windows: bool = False, skip_related: str | None = None
    ) -> list[Condition]:
        """The subject's conditions: its own, inherited ones, and related ones as counts."""
        windows = [] if skip_windows else self.windows
        target = self.window_field(entity)
        act_windows = windows if target in ("at", "activity") else []
        date_windows = [] if target in ("at", "activity") else windows
        owner = self._owner_conditions()
        activity_block = self._activity_block(act_windows)
        has_activity = bool(self.activity) or bool(act_windows and self.reading.has("activity_word"))
        if entity == "activity":
            out: list[Condition] = owner + self.activity + [During(field="at", window=w) for w in windows]
            out += [c for c in self.customer if not isinstance(c, Rule)]
            if self.deal:
                out.append(Related(entity="deal", where=self.deal))
            stale = [c for c in self.customer if isinstance(c, Rule)]
            if stale:
                out.append(Related(entity="customer", where=stale))
            if not self.reading.has("user") and re.search(
                r"销售们|销售人员|\bsales ?reps\b|\bthe reps\b|\breps\b", self.reading.body
            ):
                out.append(Related(entity="rep", where=[]))  # logged by the sales reps
            return out
        if entity == "deal":
            out = owner + self.customer + self.deal + [During(field=target, window=w) for w in date_windows]
            if has_activity and skip_related != "activity":
                out.append(self._related_activity(activity_block))
            return out
        if entity == "customer":
            out = owner + self.customer
            customer_dates = [
                During(field=target, window=w) for w in date_windows if target == "first_contact_at"
            ]
            out += customer_dates
            deal_block = self.deal + (
                [] if customer_dates else [During(field=target, window=w) for w in date_windows]
            )
            if deal_block and skip_related != "deal":
                out.append(self._related("deal", deal_block))
            if has_activity and skip_related != "activity":
                out.append(self._related_activity(activity_block))
            return out
        out = owner  # reps: the salespeople themselves, and what they own or did
        if skip_related is None:
            related = self._rep_related(date_windows, activity_block, has_activity)
            if related is not None:
                out.append(related)
        return out

    def _none(self) -> bool:
        return self.reading.has("none_of")

    def _related(self, entity: str, where: list[Condition]) -> Related:
        if self._none():
            return Related(entity=entity, where=where, op="=", count=0)
        return Related(entity=entity, where=where)

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
            return self._related(
                "deal",
                list(self.customer) + self.deal + [During(field=target, window=w) for w in date_windows],
            )
        if self.customer:
            return self._related("customer", self.customer)
        return None

    def metric(self, subject: str) -> Metric:
        """What a top-N ranks by."""
        r = self.reading
        body = r.body
        money = bool(lx.SUM_WORDS.search(body) or lx.AMOUNT_FIELD.search(body) or r.has("weighted"))
        money_field = (
            "weighted_value"
            if r.has("weighted")
            else ("budget" if r.has("budget_word") and not r.has("money") else "amount")
        )
        if subject == "rep":
            if self.activity or r.has("activity_word"):
                windows = self.windows if self.window_field("rep") in ("at", "activity") else []
                return Metric(related="activity", where=self._activity_block(windows))
            customer_words = list(lx.ENTITY_WORDS["customer"].finditer(body))
            deal_where = (
                list(self.customer)
                + self.deal
                + [During(field=self.window_field("deal"), window=w) for w in self.windows]
            )
            if money:
                return Metric(related="deal", where=deal_where, agg="sum", sum_field=money_field)
            if customer_words and not self.deal:
                return Metric(related="customer", where=self.customer)
            return Metric(related="deal", where=deal_where)
        if subject == "customer":
            if self.activity or r.has("activity_word"):
                return Metric(related="activity", where=self._activity_block(self.windows))
            if r.has("stale") or re.search(r"最久|longest|多久", body):
                return Metric(field="days_since_activity")
            return Metric(field="weighted_value" if r.has("weighted") else "open_amount")
        if subject == "deal":
            if r.has("expected_close") and re.search(
                r"最早|最晚|earliest|latest|soonest|first to close", body
            ):
                if not any(isinstance(c, In) and c.field == "stage" for c in self.deal):
                    self.deal.append(
                        In(field="stage", values=[s.value for s in OPEN_STAGES])
                    )  # still to close
                return Metric(field="days_to_close")
            if re.search(r"最久|最长|longest|oldest|停留", body) and not money:
                return Metric(field="days_in_stage")
            if r.has("health_weight") and not r.has("weighted"):
                return Metric(field="health_weight")
            return Metric(field=money_field)
        return Metric(field="amount")
