"""Quality features: discovery questions, minutes of customer pain talk, an agreed next step.

The thresholds live in `evaluators.quality.judge_quality`; this module only measures.
"""

from __future__ import annotations

import re

from copilot.domain import Evidence, InputKind, Speaker
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc, english_words, han_count
from copilot.nlp.numerals import parse_cn_number

# FORMAT.md's reading-speed estimate for chats.
HAN_PER_MINUTE = 200
EN_WORDS_PER_MINUTE = 130

_CN_DIGITS = "零一二两三四五六七八九十百"
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60, "couple": 2, "few": 3,
}  # fmt: skip
_ZH_DURATION = re.compile(
    rf"(?P<num>[{_CN_DIGITS}\d]+|半)(?:个)?(?P<more>来|多)?(?:个)?(?P<unit>分钟|小时|钟头|刻钟)"
)
_EN_DURATION = re.compile(
    r"(?P<num>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|forty-five|sixty|couple|few)(?: of)?(?: or \w+)? (?P<unit>minutes?|hours?|mins?)\b",
    re.IGNORECASE,
)
_EN_HALF_HOUR = re.compile(r"half an hour", re.IGNORECASE)


_CUSTOMER_SUBJECT = re.compile(r"客户|他|她|they|she|he", re.IGNORECASE)
# the customer answering, inside a run-on note: '…今年有没有新科室要开他说确实要加两台'
_ANSWER_START = re.compile(r"(?:他|她|他们|她们|客户|对方)(?:就)?(?:说|讲|表示|回答|回复)")


def _zh_minutes(m: re.Match[str]) -> float | None:
    num, unit = m.group("num"), m.group("unit")
    if num == "半":
        value = 0.5
    elif len(num) == 2 and all(c in "一二两三四五六七八九" for c in num):
        value = float(parse_cn_number(num[0]) or 0)  # 五六分钟, 三四分钟: the lower bound
    else:
        parsed = parse_cn_number(num)
        if parsed is None:
            return None
        value = float(parsed)
    if unit == "刻钟":
        return value * 15
    return value * 60 if unit in ("小时", "钟头") else value


def _en_minutes(m: re.Match[str]) -> float | None:
    num = m.group("num").lower()
    value = float(num) if num.isdigit() else float(_EN_NUMBERS.get(num, 0))
    return value * 60 if m.group("unit").lower().startswith("hour") else value


class QualityRules:
    """Counts, durations and next-step evidence from lexicon cues."""

    def __init__(self, lex: Lexicon) -> None:
        d = "discovery"
        self.report_verbs = lex.pattern(d, "report_verbs")
        self.report_stops = lex.pattern(d, "report_stops")
        self.question_words = lex.pattern(d, "question_words")
        self.question_words_en = lex.pattern(d, "question_words_en")
        self.logistics = lex.pattern(d, "logistics")
        self.pain_cues = lex.pattern("pain", "cues")
        self.pain_verbs = lex.pattern("pain", "report_verbs")
        self.mutual_verbs = lex.pattern("pain", "mutual_verbs")
        self.pain_nouns = lex.pattern("pain", "pain_nouns")
        self.rep_subject = lex.pattern("pain", "rep_subject")

    # -- discovery questions ------------------------------------------------------------------

    def discovery_questions(self, doc: Doc) -> tuple[Evidence, ...]:
        """The need-discovery questions the rep asked (or reports having asked)."""
        if doc.kind is InputKind.DICTATION:
            return self._reported_questions(doc)
        return self._asked_questions(doc)

    def _reported_questions(self, doc: Doc) -> tuple[Evidence, ...]:
        if doc.lang == "en":
            return self._reported_questions_en(doc)
        out: list[Evidence] = []
        in_run = False
        for clause in doc.clauses:
            m = self.report_verbs.search(clause.text)
            if m and not re.match(r"^(?:他|她|客户|对方)", clause.text[: m.start()]):
                rest = clause.text[m.end() :].strip()
                in_run = True
                if rest:
                    # in an unpunctuated note the questions end where the customer's answer starts
                    answer = _ANSWER_START.search(clause.text, m.end())
                    end = clause.start + answer.start() if answer else clause.end
                    out.append(doc.evidence(clause.start + m.start(), end))
                continue
            if not in_run:
                continue
            if self.report_stops.search(clause.text) or not self.question_words.search(clause.text):
                in_run = False
                continue
            out.append(doc.evidence(clause.start, clause.end))
        return tuple(out)

    def _reported_questions_en(self, doc: Doc) -> tuple[Evidence, ...]:
        out: list[Evidence] = []
        wh = re.compile(r"\b(?:how|what|what's|when|who|which|where|why|whether|if)\b", re.IGNORECASE)
        for sentence in doc.sentences:
            m = self.report_verbs.search(sentence.text)
            if not m:
                continue
            rest_start = m.end()
            stop = self.report_stops.search(sentence.text, rest_start)
            rest_end = stop.start() if stop else len(sentence.text)
            rest = sentence.text[rest_start:rest_end]
            pos = rest_start
            for part in re.split(
                r",\s*(?:and\s+)?|\s+and\s+(?=(?:how|what|when|who|which|where|why|whether|if)\b)", rest
            ):
                idx = sentence.text.find(part, pos)
                if part.strip() and wh.search(part):
                    out.append(doc.evidence(sentence.start + idx, sentence.start + idx + len(part)))
                pos = max(pos, idx + len(part))
        return tuple(out)

    def _asked_questions(self, doc: Doc) -> tuple[Evidence, ...]:
        out: list[Evidence] = []
        for seg_index, seg in enumerate(doc.interaction.segments):
            if seg.speaker is not Speaker.REP:
                continue
            if doc.lang == "en":
                out.extend(self._en_questions(doc, seg.offset, seg.text))
                continue
            for clause in (c for c in doc.clauses if c.seg == seg_index):
                if self.question_words.search(clause.text) and not self.logistics.search(clause.text):
                    out.append(doc.evidence(clause.start, clause.end))
        return tuple(out)

    def _en_questions(self, doc: Doc, offset: int, text: str) -> list[Evidence]:
        out: list[Evidence] = []
        for sm in re.finditer(r"[^.!?]*\?", text):
            sentence = sm.group(0)
            pos = sm.start()
            for part in re.split(
                r",\s*(?:and|or)\s+|\s+and\s+(?=(?:how|what|when|who|which|where|why)\b)", sentence
            ):
                idx = text.find(part, pos)
                pos = idx + len(part)
                if self.logistics.search(part):
                    continue
                if self.question_words_en.search(part):
                    s = offset + idx + len(part) - len(part.lstrip())
                    out.append(doc.evidence(s, offset + idx + len(part)))
        return out

    # -- pain ---------------------------------------------------------------------------------

    def pain(self, doc: Doc) -> tuple[float, tuple[Evidence, ...], bool]:
        """Seconds of customer pain talk, its evidence, and whether it was measured (calls)."""
        if doc.kind is InputKind.CALL:
            seconds, ev = 0.0, []
            for seg in doc.interaction.segments:
                timed = seg.start_s is not None and seg.end_s is not None
                if seg.speaker is Speaker.CUSTOMER and timed and self.pain_cues.search(seg.text):
                    seconds += (seg.end_s or 0.0) - (seg.start_s or 0.0)
                    ev.append(doc.evidence(seg.offset, seg.end))
            return seconds, tuple(ev), True
        if doc.kind is InputKind.CHAT:
            seconds, ev = 0.0, []
            for seg in doc.interaction.segments:
                if seg.speaker is Speaker.CUSTOMER and self.pain_cues.search(seg.text):
                    seconds += han_count(seg.text) / HAN_PER_MINUTE * 60
                    seconds += english_words(seg.text) / EN_WORDS_PER_MINUTE * 60
                    ev.append(doc.evidence(seg.offset, seg.end))
            return seconds, tuple(ev), False
        return self._reported_pain(doc)

    def _rep_speaks(self, subject: str) -> bool:
        """The words before a cue make the rep its subject ('我们…'), not the customer ('他说…')."""
        return bool(self.rep_subject.search(subject)) and not _CUSTOMER_SUBJECT.search(subject)

    def need_stated(self, doc: Doc) -> Evidence | None:
        """Where the customer describes a problem of their own: a customer turn with a pain cue, or in
        a dictation a clause with one that is not the rep speaking of themselves."""
        if doc.kind is not InputKind.DICTATION:
            for seg in doc.interaction.segments:
                asks = seg.text.rstrip().endswith(("?", "？"))
                if seg.speaker is Speaker.CUSTOMER and not asks and self.pain_cues.search(seg.text):
                    return doc.evidence(seg.offset, seg.end)
            return None
        for clause in doc.clauses:
            m = self.pain_cues.search(clause.text)
            if m is None or clause.is_question:
                continue
            subject = clause.text[: m.start()]
            if self._rep_speaks(subject):
                continue
            return doc.evidence(clause.start, clause.end)
        return None

    def _reported_pain(self, doc: Doc) -> tuple[float, tuple[Evidence, ...], bool]:
        seconds, ev = 0.0, []
        clauses = doc.sentences if doc.lang == "en" else doc.clauses
        for i, clause in enumerate(clauses):
            minutes = self._clause_pain_minutes(clauses, i)
            if minutes:
                seconds += minutes * 60
                ev.append(doc.evidence(clause.start, clause.end))
        return seconds, tuple(ev), False

    def _clause_pain_minutes(self, clauses: tuple[Clause, ...], i: int) -> float | None:
        text = clauses[i].text
        for dm in list(_ZH_DURATION.finditer(text)) + list(_EN_DURATION.finditer(text)):
            before = text[: dm.start()]
            after = text[dm.end() : dm.end() + 20]
            verb = None
            for v in self.pain_verbs.finditer(before):
                verb = v
            mutual = None
            for v in self.mutual_verbs.finditer(before):
                mutual = v
            if verb is None and mutual is None:
                continue
            is_mutual = mutual is not None and (verb is None or mutual.start() > verb.start())
            if is_mutual and not self.pain_nouns.search(after):
                continue  # '跟院长聊了一个多小时' is the whole meeting, not pain talk
            anchor = verb if verb is not None else mutual
            subject = before[: anchor.start()] if anchor is not None else before
            if self._rep_speaks(subject):
                continue  # the rep talking
            window = " ".join(c.text for c in clauses[max(0, i - 2) : i + 3])
            if not self.pain_cues.search(window):
                continue
            minutes = _zh_minutes(dm) if dm.re is _ZH_DURATION else _en_minutes(dm)
            if minutes:
                return minutes
        if _EN_HALF_HOUR.search(text) and self.pain_verbs.search(text) and self.pain_cues.search(text):
            return 30.0
        return None
