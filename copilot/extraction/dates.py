"""Which time expression is the first contact and which is the next follow-up.

Parsing time expressions is `copilot.nlp.times`'s job; this module only decides, from the
clause around each expression, what the date is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, cast

from copilot.domain import Evidence, InputKind, Speaker
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc
from copilot.nlp.times import find_times


class _SpanLike(Protocol):
    @property
    def start(self) -> date | None: ...
    @property
    def end(self) -> date | None: ...
    @property
    def due(self) -> date | None: ...
    @property
    def vague(self) -> bool: ...


class _MatchLike(Protocol):
    @property
    def span(self) -> _SpanLike: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


FindTimes = Callable[[str, datetime], list[Any]]
_DEADLINE = re.compile(r"前|之前|以前|内|before|by", re.IGNORECASE)
_FIRM = 3  # a commitment score at which a clause is an agreed next action on its own
_FALLBACK = 2  # a dated decision or signature: the follow-up only when no other action is agreed
_PERFECTIVE = re.compile(r"了|过(?!去|来)|\b(?:was|were|had|did)\b|\b\w+ed\b", re.IGNORECASE)


def default_find_times() -> FindTimes:
    """The project's time parser."""
    return cast(FindTimes, find_times)


@dataclass(frozen=True)
class TimeHit:
    """A time expression of the interaction, in Interaction.text coordinates."""

    start: int
    end: int
    first: date | None
    last: date | None
    due: date | None
    vague: bool

    @property
    def is_day(self) -> bool:
        return self.first is not None and self.first == self.last


def find_time_hits(doc: Doc, find_times: FindTimes | None) -> list[TimeHit]:
    """Every time expression of every segment, resolved against the reference time."""
    if find_times is None:
        return []
    hits: list[TimeHit] = []
    ref = doc.interaction.reference_time
    # searched sentence by sentence so one expression never spans two sentences
    # ('our first call was last Thursday. today I asked...')
    for sentence in doc.sentences:
        for raw in find_times(sentence.text, ref):
            m = cast(_MatchLike, raw)
            span = m.span
            start = sentence.start + m.start
            hits.append(
                TimeHit(start, sentence.start + m.end, span.start, span.end, span.due, bool(span.vague))
            )
    return hits


def _context(doc: Doc, hit: TimeHit) -> Clause | None:
    return doc.clause_at(hit.start)


# English coordinated clauses with a new subject ('trucks go out Tuesday and I'll confirm ... tomorrow')
_EN_COORDINATION = re.compile(r"\s+(?:and|but|so|while)\s+(?=(?:I|we|she|he|they)\b)|;\s*", re.IGNORECASE)


def _local(doc: Doc, clause: Clause, hit: TimeHit) -> Clause:
    """The part of an English clause, split at coordinated clauses with their own subject, holding the hit."""
    if doc.lang != "en" or not _EN_COORDINATION.search(clause.text):
        return clause
    offset = hit.start - clause.start
    start, end = 0, len(clause.text)
    for m in _EN_COORDINATION.finditer(clause.text):
        if m.end() <= offset:
            start = m.end()
        elif m.start() >= offset:
            end = m.start()
            break
    text = clause.text[start:end]
    return Clause(clause.start + start, clause.start + end, text, clause.seg, clause.speaker, clause.index)


@dataclass(frozen=True)
class DatedValue:
    value: date
    evidence: Evidence


class DateRules:
    """First-contact and next-follow-up rules over precompiled lexicon cues."""

    def __init__(self, lex: Lexicon, channel_cues: re.Pattern[str]) -> None:
        fc = "first_contact"
        self.stated = lex.pattern(fc, "stated")
        self.today = lex.pattern(fc, "today")
        self.greeting = lex.pattern(fc, "greeting")
        self.prior = lex.pattern(fc, "prior_contact")
        self.announcement = lex.pattern(fc, "announcement")
        self.channel = channel_cues
        ns = "next_steps"
        self.meeting = lex.pattern(ns, "meeting")
        self.commitment = lex.pattern(ns, "commitment")
        self.rep_subject = lex.pattern(ns, "rep_subject")
        self.requirement = lex.pattern(ns, "requirement")
        self.closing = lex.pattern(ns, "closing")
        self.conditional = lex.pattern(ns, "conditional")
        self.vague = lex.pattern(ns, "vague")
        self.no_follow_up = lex.pattern(ns, "no_follow_up")
        self.deliverables = lex.pattern(ns, "deliverables")
        self.decision_deadline = lex.pattern(ns, "decision_deadline")
        self.deferred = lex.pattern(ns, "deferred")
        self._customer_subject = re.compile(
            r"^(?:他|她|他们|她们|客户|对方|(?:she|he|they)\b)", re.IGNORECASE
        )
        self._rep_lead = re.compile(
            r"^(?:那|就|然后|好的?)?(?:我|我们)(?!们的)|^(?:I|we)(?:'ll|'d| will)?\b", re.IGNORECASE
        )

    # -- first contact ---------------------------------------------------------------------

    def stated_first_contact(self, doc: Doc, hits: list[TimeHit]) -> DatedValue | None:
        """A past day the input names as when the contact began ('上个月12号在展会上认识的')."""
        today = doc.interaction.reference_time.date()
        best: tuple[date, TimeHit, Clause] | None = None
        for hit in hits:
            if not hit.is_day or hit.vague or hit.first is None or hit.first >= today:
                continue
            clause = self._sentence_or_clause(doc, hit)
            if clause is None:
                continue
            # the cue must lie outside the expression itself ('live by January first' states no contact)
            a, b = hit.start - clause.start, hit.end - clause.start
            context = clause.text[: max(a, 0)] + " " + clause.text[b:]
            if not self.stated.search(context):
                channel = self.channel.search(context)
                if channel is None or self.announcement.search(context):
                    continue  # '昨天政府采购网公示了' dates a tender result, not the first contact
            if best is None or hit.first < best[0]:
                best = (hit.first, hit, clause)
        if best is None:
            return None
        return DatedValue(best[0], doc.evidence(best[2].start, best[2].end))

    def first_contact_is_now(self, doc: Doc) -> Evidence | None:
        """Evidence that this interaction is the first contact ('今天第一次联系', an inbound opener)."""
        for clause in doc.clauses:
            m = self.today.search(clause.text)
            if m:
                return doc.evidence(clause.start + m.start(), clause.start + m.end())
        for sentence in doc.sentences:
            m = self.today.search(sentence.text)
            if m:
                return doc.evidence(sentence.start + m.start(), sentence.start + m.end())
        if doc.kind in (InputKind.CHAT, InputKind.CALL) and doc.interaction.segments:
            first = doc.interaction.segments[0]
            if (
                first.speaker is Speaker.CUSTOMER
                and self.greeting.search(first.text)
                and self.channel.search(first.text)
                and not self.prior.search(first.text)
            ):
                return doc.evidence(first.offset, first.end)
        return None

    # -- next follow-up --------------------------------------------------------------------

    def _sentence_or_clause(self, doc: Doc, hit: TimeHit) -> Clause | None:
        if doc.lang == "en":
            for s in doc.sentences:
                if s.start <= hit.start < s.end:
                    return s
        return _context(doc, hit)

    def _is_rep(self, doc: Doc, clause: Clause) -> bool:
        if doc.kind is InputKind.DICTATION:
            return not self._customer_subject.search(clause.text) or bool(
                re.search(r"(?:^|\s)(?:我|I\b)", clause.text)
            )
        return clause.speaker is Speaker.REP

    def _rep_led(self, text: str) -> bool:
        """The clause opens with the rep as its subject ('我明天…', '那我…', "I'll …")."""
        return bool(self._rep_lead.match(text))

    def commitment_score(self, doc: Doc, clause: Clause) -> int:
        """How much a clause reads as an agreed next action (meeting, the rep's commitment)."""
        text = clause.text
        if self.vague.search(text):
            return -10
        score = 0
        if self.meeting.search(text):
            score += 3
        if self.commitment.search(text):
            score += 2
        if self._is_rep(doc, clause):
            score += 1
        # '下周三之前要把标书封好', '月底前要定下来': a deadline both sides agreed for an action
        if self.decision_deadline.search(text):
            score += 3
        elif self.requirement.search(text):
            # '我明天跟仓库确认一下 给小郑回个交货时间': the rep's own action about a requirement
            score -= 1 if self._rep_led(text) and self.commitment.search(text) else 4
        elif self.deferred.search(text):
            score -= 4  # '等品类经理回来再定' puts the decision off; it is no next step
        elif self.closing.search(text):
            # '我下周一签': the signature is the next step only when nothing else is agreed
            score = max(score - 4, _FALLBACK)
        if self.conditional.search(text):
            score -= 3
        return score

    def next_follow_up(self, doc: Doc, hits: list[TimeHit]) -> DatedValue | None:
        """The date of the agreed next action; None when none is stated or it is vague."""
        today = doc.interaction.reference_time.date()
        best: tuple[int, int, TimeHit, Clause] | None = None
        earliest: tuple[int, int, TimeHit, Clause] | None = None
        for hit in hits:
            if hit.vague or hit.due is None or hit.due < today:
                continue
            clause = _context(doc, hit)
            if clause is None:
                continue
            if hit.due == today and (
                _PERFECTIVE.search(clause.text)
                or (doc.kind is InputKind.DICTATION and not _DEADLINE.search(doc.text[hit.start : hit.end]))
            ):
                continue  # '今天上门', '今天去拜访了' report this interaction, not the next step
            if hit.due == today and self.today.search(clause.text):
                continue  # '今天第一次联系您' introduces this interaction
            score = self.commitment_score(doc, _local(doc, clause, hit))
            if score < 2:
                continue
            if best is not None and score == best[0] and clause is best[3]:
                # 'by 5pm tomorrow' may come back as two expressions: the day is the later one
                if hit.due > (best[2].due or hit.due):
                    best = (score, -hit.start, hit, clause)
                continue
            if score >= _FIRM and (earliest is None or hit.due < (earliest[2].due or hit.due)):
                earliest = (score, -hit.start, hit, clause)
            if best is None or score > best[0]:
                best = (score, -hit.start, hit, clause)
        # several firm next actions ('明天上午过去取合同', '七月二十号进场'): the next one is the earliest
        if earliest is not None:
            best = earliest
        if best is None:
            return None
        hit, clause = best[2], best[3]
        assert hit.due is not None
        return DatedValue(hit.due, doc.evidence(clause.start, clause.end))

    def untimed_next_step(self, doc: Doc) -> Evidence | None:
        """A concrete commitment with an owner but no date ('我回去准备方案发给他')."""
        future = re.compile(r"会|将|回去|准备|马上|尽快|稍后|晚点|\bI'll\b|\bwe'll\b|\bwill\b", re.IGNORECASE)
        for clause in doc.clauses:
            text = clause.text
            if (
                self._is_rep(doc, clause)
                and self.rep_subject.search(text)
                and self.commitment.search(text)
                and self.deliverables.search(text)
                and future.search(text)
                and not (
                    self.vague.search(text) or self.conditional.search(text) or self.closing.search(text)
                )
            ):
                return doc.evidence(clause.start, clause.end)
        return None

    def says_no_follow_up(self, doc: Doc) -> bool:
        """The input states that nothing further was agreed."""
        return bool(self.no_follow_up.search(doc.text))
