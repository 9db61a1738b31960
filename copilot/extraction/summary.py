"""A one-sentence extractive summary: the clauses that carry what happened and what was agreed.

Clauses are ranked by the business content the other rules found in them (the stage cue, the
agreed next step, buying signals, the deal's recurring topic words) and penalised for
questions, greetings and how-we-met context; the best are kept in input order within the
length limit (80 characters for Chinese, 40 words for English), with filler words removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from copilot.domain import Evidence
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc

ZH_MAX_CHARS = 80
EN_MAX_WORDS = 40
_GREETING = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,4}(?:您好|你好|早上好|早)|hi\b|hello\b|hey\b|thanks\b|thank you\b)", re.I
)
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9](?:-[A-Z0-9]+)?\b")
_EN_WORD = re.compile(r"[A-Za-z]{5,}")
_EN_STOP = {
    "about", "after", "again", "their", "there", "these", "those", "which", "would", "could", "should",
    "today", "right", "thanks", "really", "every", "other", "where", "being", "because", "before",
    "until", "while", "honestly", "think", "thing", "things", "going", "people", "little", "first",
}  # fmt: skip
_OPINION = re.compile(r"觉得|认为|嫌|\bfelt\b|\bfeel\b|\bthinks?\b", re.I)
_DECISION = re.compile(
    r"要求|希望|决定|确认|要(?:采|买|换|上|新增|做)|采购|需要|\bwants?\b|\bdecided\b|\bconfirmed\b|\bneeds?\b",
    re.I,
)
# A quantity of goods ('三十套', '两台液相色谱', '300 units') is usually the scope of the deal.
_QUANTITY = re.compile(
    r"[0-9一二两三四五六七八九十百千万]+(?:台|套|件|箱|瓶|条|批|辆|部|个工位|把|张)"
    r"|\b\d[\d,]* (?:units|cases|seats|licenses|trucks)\b",
    re.I,
)
# What the deal is about: the product the customer wants or asked about ('要用我们的防水卷材',
# '在官网看到运输管理系统', 'want to add a second ultrasound unit'). How-we-met context naming it stays.
_OBJECT = re.compile(
    r"(?:要用|想用|要买|想买|要采购?|想了解|想问下|想咨询|看到(?:了)?(?:你们|我们)?的?|(?:我们|你们)(?:的|投的|家的))"
    r"(?!老?客户|经销商|代理商|渠道|销售|同事|领导|老板|法务|技术|工程师)[^，。！？\s的]{2,}"
    r"|\b(?:want|wants|need|needs|looking) to (?:add|buy|replace|upgrade|get)\b"
    r"|\b\d[\d,]* (?:pallets|units|trailers|licenses|seats|tons)\b",
    re.I,
)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_EN_LEADING = re.compile(r"^(?:and|but|so|also|then|plus)\b\s*", re.I)
_EN_UNIT_WORDS = 30
# Function-word bigrams that repeat in any note and say nothing about the deal.
# Titles are excluded too: '孙老师' repeated is a person, not what the deal is about.
_STOP_CHARS = set(
    "的了是我你他她们在有和就也都说这那个一不要还会到把给吗呢吧啊嗯呃么就再让想能去来过上下里师经理总姐哥"
)


@dataclass(frozen=True)
class SummaryInputs:
    """Spans the other rules found, used as ranking features."""

    stage: tuple[Evidence, ...]  # every cue of the stage decided
    next_step: Evidence | None
    signals: tuple[tuple[str, Evidence], ...]  # (signal, cue) for every cue
    questions: tuple[Evidence, ...]
    intro: tuple[Evidence, ...]  # how-we-met context
    commitment: Callable[[Clause], int]  # how much a clause reads as an agreed next action


class SummaryRules:
    """Ranks clauses and writes the summary sentence."""

    def __init__(self, lex: Lexicon) -> None:
        self.leading = re.compile(
            r"^(?:\s*(?:" + lex.pattern("fillers", "leading").pattern + r")\s*)+", re.IGNORECASE
        )
        self.inline = lex.pattern("fillers", "inline")

    def _clean(self, text: str) -> str:
        text = self.leading.sub("", text)
        text = self.inline.sub("", text)
        text = _EN_LEADING.sub("", text)
        return re.sub(r"\s{2,}", " ", text).strip(" ，,。.")

    @staticmethod
    def _topics(doc: Doc) -> set[str]:
        counts: Counter[str] = Counter()
        for seg in doc.interaction.segments:
            text = seg.text
            for run in _HAN_RUN.findall(text):  # Han bigrams without function characters
                counts.update(
                    run[i : i + 2]
                    for i in range(len(run) - 1)
                    if run[i] not in _STOP_CHARS and run[i + 1] not in _STOP_CHARS
                )
            for m in _ACRONYM.finditer(text):
                counts[m.group(0)] += 2
            for m in _EN_WORD.finditer(text):
                word = m.group(0).lower()
                if word not in _EN_STOP:
                    counts[word[:6]] += 1
        return {t for t, n in counts.items() if n >= (3 if t.islower() else 2)}

    def _score(self, clause: Clause, inputs: SummaryInputs, topics: set[str]) -> float:
        def inside(ev: Evidence | None) -> bool:
            return ev is not None and ev.start < clause.end and clause.start < ev.end

        score = 0.0
        if any(inside(ev) for ev in inputs.stage):
            score += 5
        if inside(inputs.next_step):
            score += 5
        elif inputs.commitment(clause) >= 3:
            score += 3
        score += 2 * len({sig for sig, ev in inputs.signals if inside(ev)})
        if any(inside(ev) for ev in inputs.questions):
            score -= 3
        about = bool(_OBJECT.search(clause.text))
        if about:
            score += 2
        if any(inside(ev) for ev in inputs.intro) and not about:
            score -= 2
        if _GREETING.match(clause.text):
            score -= 3
        if _OPINION.search(clause.text):
            score += 2
        if _DECISION.search(clause.text):
            score += 1
        if _QUANTITY.search(clause.text):
            score += 2
        lowered = clause.text.lower()
        score += min(3, sum(1 for t in topics if (t if t.islower() else t.lower()) in lowered))
        return score

    def summarize(self, doc: Doc, inputs: SummaryInputs) -> tuple[str, Evidence | None]:
        """The summary sentence and the span of the input it was drawn from."""
        clean = {c.start: self._clean(c.text) for c in _units(doc)}  # each clause cleaned once
        units = [c for c in _units(doc) if len(clean[c.start]) >= 3]
        if not units:
            return "", None
        topics = self._topics(doc)
        scores = {c.start: self._score(c, inputs, topics) for c in units}
        ranked = sorted(units, key=lambda c: (-scores[c.start], c.start))
        zh = doc.lang == "zh"
        chosen: list[Clause] = []
        for clause in ranked:
            if scores[clause.start] < 0 and chosen:
                break  # questions, greetings and how-we-met context never pad the summary
            trial = sorted([*chosen, clause], key=lambda c: c.start)
            if _fits(_render([clean[c.start] for c in trial], zh), zh):
                chosen = trial
        if not chosen:
            first = clean[units[0].start]
            text = first[: ZH_MAX_CHARS - 1] if zh else " ".join(first.split()[: EN_MAX_WORDS - 1])
            return text + ("。" if zh else "."), doc.evidence(units[0].start, units[0].end)
        return _render([clean[c.start] for c in chosen], zh), doc.evidence(chosen[0].start, chosen[-1].end)


def _render(cleaned: list[str], zh: bool) -> str:
    """The summary sentence from cleaned clause texts, in input order."""
    parts = [p for p in cleaned if p]
    if zh:
        return "，".join(parts) + "。"
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def _fits(text: str, zh: bool) -> bool:
    if zh:
        return len(text) <= ZH_MAX_CHARS
    return len(text.split()) <= EN_MAX_WORDS


def _units(doc: Doc) -> list[Clause]:
    """Clauses for Chinese; for English whole sentences, split at commas only when long."""
    if doc.lang == "zh":
        return list(doc.clauses)
    out: list[Clause] = []
    for sentence in doc.sentences:
        if len(sentence.text.split()) <= _EN_UNIT_WORDS:
            out.append(sentence)
        else:
            out.extend(c for c in doc.clauses if sentence.start <= c.start < sentence.end)
    return out
