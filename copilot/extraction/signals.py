"""Buying signals: cue words, minus the senses that are not about this deal.

A cue does not count when it is negated ('不贵'), about a third party ('原厂的维保合同'),
inside the customer's description of their own operations' problems, the rep's own side
('跟我们老板申请'), or the rep's promise to send a quote later (that is a next step, not a price
discussion).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Protocol

from copilot.domain import InputKind, Signal, SignalHit, Speaker
from copilot.extraction.dates import TimeHit
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import SECOND_PERSON, Clause, Doc, pain_story_segments

# A surname right before a title makes it a form of address ('王老板', '刘总'), not a role.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_PLANNED = re.compile(r"(?:要|得|前|准备)把")
_CLOSING_WINDOW_DAYS = 21  # "closing soon": a decision or signature due within three weeks
# Signals whose cue inside a customer's pain story is about their own operations, not this deal.
_PAIN_SUPPRESSED = {Signal.PRICE, Signal.CONTRACT, Signal.PAYMENT, Signal.OBJECTION}
# A delivery word in that story is about their own orders ('耽误了订单的交期') unless they state a wish
# for this purchase ('We'd want it live before October').
_WISH = re.compile(r"希望|最好|要求|必须|想要|\bwant|\bneed|\bmust\b|\bha(?:s|ve) to\b", re.IGNORECASE)
_NEGATABLE = {Signal.OBJECTION, Signal.COMPETITOR, Signal.CLOSING_SOON}


class _Add(Protocol):
    def __call__(self, signal: Signal, clause: Clause, start: int, end: int) -> None: ...


class SignalRules:
    """Per-signal cue patterns and the contexts that cancel them."""

    def __init__(self, lex: Lexicon) -> None:
        def cat(name: str) -> re.Pattern[str]:
            return lex.pattern("signals", name)

        self.cues = {
            s: cat(s.value)
            for s in (
                Signal.PRICE,
                Signal.CONTRACT,
                Signal.COMPETITOR,
                Signal.BUDGET,
                Signal.PAYMENT,
                Signal.DELIVERY,
                Signal.OBJECTION,
            )
        }
        self.price_exclude = cat("price_exclude")
        self.contract_before = tuple(lex.entries["signals"]["contract_exclude_before"])
        self.contract_after = cat("contract_exclude_after")
        self.contract_window = cat("contract_exclude_window")
        self.hypothetical = cat("objection_hypothetical")
        self.closing_verbs = cat("closing_verbs")
        self.closing_imminent = cat("closing_imminent")
        self.brands = lex.patterns("signals", "competitor_brand")
        self.brand_stop = cat("competitor_brand_stop")
        self.budget_exclude = cat("budget_exclude")
        self.delivery_exclude = cat("delivery_exclude")
        self.dm_titles = cat("decision_maker_titles")
        self.dm_verbs = cat("decision_maker_verbs")
        self.dm_questions = cat("decision_maker_questions")
        self.rep_side = cat("rep_side")
        self.negations = tuple(lex.entries["signals"]["negations"])
        self.third_party = cat("third_party")
        self.comparatives = cat("comparatives")
        self.pain = lex.pattern("pain", "cues")
        self.rep_future = re.compile(
            r"(?:我|我们|I'll|I will|we'll|we will).*?(?:发|出|做|准备|send|prepar|get\b|put together)",
            re.IGNORECASE,
        )

    # -- contexts ------------------------------------------------------------------------------

    def _negated(self, clause: Clause, start: int) -> bool:
        before = clause.text[max(0, start - 6) : start].lower()
        return any(before.endswith((n.lower(), n.lower().strip())) for n in self.negations)

    @staticmethod
    def _rep_turn(doc: Doc, clause: Clause) -> bool:
        return doc.kind is not InputKind.DICTATION and clause.speaker is Speaker.REP

    def _third_party(self, doc: Doc, clause: Clause) -> bool:
        unit = doc.segment_text(clause.seg) if doc.kind is not InputKind.DICTATION else clause.text
        return bool(self.third_party.search(unit)) and not self.comparatives.search(clause.text)

    def _rep_side_title(self, doc: Doc, clause: Clause, start: int) -> bool:
        """A title that belongs to the rep's own company ('我们老板', 'my manager')."""
        if doc.kind is not InputKind.DICTATION and clause.speaker is Speaker.CUSTOMER:
            return False
        before = clause.text[max(0, start - 6) : start]
        if self.rep_side.search(before) or "申请" in clause.text or "请示" in clause.text:
            return True
        # in a rep's own chat turn a bare title ('跟领导申请') is the rep's boss
        return doc.kind is not InputKind.DICTATION and not SECOND_PERSON.search(before + clause.text[:start])

    # -- signals -------------------------------------------------------------------------------

    def find(self, doc: Doc, hits: list[TimeHit]) -> list[SignalHit]:
        """Every signal the input supports, with its first supporting cue."""
        first: dict[Signal, SignalHit] = {}
        for hit in self.find_all(doc, hits):
            first.setdefault(hit.signal, hit)
        order = list(Signal)
        return sorted(first.values(), key=lambda h: order.index(h.signal))

    def find_all(self, doc: Doc, hits: list[TimeHit]) -> list[SignalHit]:
        """Every supporting cue of every signal, in text order."""
        found: list[SignalHit] = []

        def add(signal: Signal, clause: Clause, start: int, end: int) -> None:
            found.append(SignalHit(signal, doc.evidence(clause.start + start, clause.start + end)))

        # one search over the whole text first: most notes mention few signals, and a cue absent from
        # the text is absent from every clause (clauses are separator-delimited substrings)
        whole = doc.text
        present = [(signal, pattern) for signal, pattern in self.cues.items() if pattern.search(whole)]
        brands = any(p.search(whole) for p in self.brands)
        deciders = any(p.search(whole) for p in (self.dm_questions, self.dm_verbs, self.dm_titles))
        closing = bool(self.closing_verbs.search(whole))
        stories = pain_story_segments(doc, self.pain)
        for clause in doc.clauses:
            text = clause.text
            pain_story = clause.seg in stories
            third = self._third_party(doc, clause)
            for signal, pattern in present:
                for m in pattern.finditer(text):
                    if signal in _PAIN_SUPPRESSED and (pain_story or third):
                        continue
                    if signal is Signal.DELIVERY and pain_story and not _WISH.search(text):
                        continue
                    if signal in _NEGATABLE and self._negated(clause, m.start()):
                        continue
                    if signal is Signal.OBJECTION and self._rep_turn(doc, clause):
                        continue  # the rep asking '有什么不满意的地方' is not the customer objecting
                    if not self._keep(doc, signal, clause, m):
                        continue
                    add(signal, clause, m.start(), m.end())
                    break
            if brands:
                self._brand(doc, clause, add)
            if deciders:
                self._decision_maker(doc, clause, add, titles=not pain_story)
            if closing:
                self._closing(doc, clause, hits, add)
        return found

    def _keep(self, doc: Doc, signal: Signal, clause: Clause, m: re.Match[str]) -> bool:
        text = clause.text
        if signal is Signal.PRICE:
            if self.price_exclude.search(text):
                return False
            # the rep promising to send a quote later is a next step, not a price discussion
            cue = m.group(0).lower()
            promised = "报价" in cue or "quot" in cue or "pric" in cue
            return not promised or not self.rep_future.search(text)
        if signal is Signal.CONTRACT:
            before = text[: m.start()]
            if any(before.endswith(b) for b in self.contract_before):
                return False
            if self.contract_window.search(before[-40:]):
                return False  # 'their current fuel card contract' is the customer's own other vendor
            return not self.contract_after.search(text[m.end() :])
        if signal is Signal.BUDGET:
            return not self.budget_exclude.search(text)
        if signal is Signal.OBJECTION:
            # '如果嫌贵的话' or 'if that's too expensive' is hypothetical, not an objection raised
            return not self.hypothetical.search(text[: m.start()])
        if signal is Signal.DELIVERY:
            return not self.delivery_exclude.search(text)  # '货到工地验收以后再付' is a payment term
        return True

    def _brand(self, doc: Doc, clause: Clause, add: _Add) -> None:
        for pattern in self.brands:
            for m in pattern.finditer(clause.text):
                brand = m.group("brand")
                if not brand or self.brand_stop.search(brand):
                    continue
                if self._negated(clause, m.start()):
                    continue
                add(Signal.COMPETITOR, clause, m.start(), m.end())
                return

    def _decision_maker(self, doc: Doc, clause: Clause, add: _Add, *, titles: bool = True) -> None:
        text = clause.text
        for pattern in (self.dm_questions, self.dm_verbs):
            m = pattern.search(text)
            if m and not self._rep_side_title(doc, clause, m.start()):
                add(Signal.DECISION_MAKER, clause, m.start(), m.end())
                return
        if not titles:
            return  # '领导也不满意' in the customer's story of their own problems decides nothing here
        for m in self.dm_titles.finditer(text):
            prev = text[m.start() - 1] if m.start() > 0 else ""
            if prev in _SURNAMES:
                continue  # '王老板' is how someone is addressed, not who decides
            if self._rep_side_title(doc, clause, m.start()):
                continue
            add(Signal.DECISION_MAKER, clause, m.start(), m.end())
            return

    def _closing(self, doc: Doc, clause: Clause, hits: list[TimeHit], add: _Add) -> None:
        text = clause.text
        for m in self.closing_verbs.finditer(text):
            if self._negated(clause, m.start()):
                continue
            after = text[m.end() : m.end() + 2]
            planned = _PLANNED.match(m.group(0))  # '要把合同签了' is still to come
            if after.startswith("了") and not text[m.end() :].startswith("了吧") and not planned:
                continue  # already done: that is won, not closing soon
            imminent = self.closing_imminent.search(text)
            soon = any(
                clause.start <= h.start < clause.end and h.due is not None and _within(doc, h.due)
                for h in hits
            )
            if imminent or soon:
                add(Signal.CLOSING_SOON, clause, m.start(), m.end())
                return


def _within(doc: Doc, due: date) -> bool:
    today = doc.interaction.reference_time.date()
    return 0 <= (due - today).days <= _CLOSING_WINDOW_DAYS
