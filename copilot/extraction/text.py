"""The interaction as clauses: the unit every rule of the offline engine reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.domain import Evidence, InputKind, Interaction, Speaker

SECOND_PERSON = re.compile(r"你们|您|贵司|\byou\b|\byour\b", re.IGNORECASE)

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# Clause boundaries: Chinese and Western punctuation, newlines, and whitespace next to a Han
# character (voice-to-text output separates Chinese clauses with spaces, English words too). A comma
# between a digit and three more is a thousands separator ('$12,000'), not a boundary.
_BOUNDARY = re.compile(
    r"(?:[，。！？；、!?;\n…]|(?<!\d),|,(?!\d{3}))+|(?<=[.])(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bno\.)(?<!\bMrs\.)(?<!\bvs\.)(?<!\bSt\.)\s+|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])|(?<=[a-z0-9%])\s+(?=[\u4e00-\u9fff])"
)
# English sentences (for the clause-rich English rules): split only at sentence punctuation.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Clause:
    """A clause of one segment, located in Interaction.text."""

    start: int
    end: int
    text: str
    seg: int
    speaker: Speaker
    index: int  # position in Doc.clauses
    asks: bool = False  # the punctuation that ends the clause is a question mark

    @property
    def is_question(self) -> bool:
        return self.asks or "？" in self.text or "?" in self.text


@dataclass(frozen=True)
class Doc:
    """An interaction split into clauses, with helpers shared by the rules."""

    interaction: Interaction
    clauses: tuple[Clause, ...]
    sentences: tuple[Clause, ...]
    lang: str

    @property
    def text(self) -> str:
        return self.interaction.text

    @property
    def kind(self) -> InputKind:
        return self.interaction.kind

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for a span of Interaction.text (the quote is the text itself)."""
        return Evidence(start, end, self.text[start:end])

    def clause_at(self, offset: int) -> Clause | None:
        """The clause containing a text offset."""
        lo, hi = 0, len(self.clauses) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            c = self.clauses[mid]
            if offset < c.start:
                hi = mid - 1
            elif offset >= c.end:
                lo = mid + 1
            else:
                return c
        return None

    def speaker_at(self, offset: int) -> Speaker:
        """Who says the text at an offset (the rep for a dictation)."""
        for seg in self.interaction.segments:
            if seg.offset <= offset < seg.end:
                return seg.speaker
        return Speaker.UNKNOWN

    def segment_text(self, seg: int) -> str:
        return self.interaction.segments[seg].text


def _split(text: str, base: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in pattern.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append((base + s + lead, base + s + lead + len(stripped)))
    return out


def build_doc(interaction: Interaction) -> Doc:
    """Split every segment into clauses and sentences."""
    clauses: list[Clause] = []
    sentences: list[Clause] = []
    for i, seg in enumerate(interaction.segments):
        for s, e in _split(seg.text, seg.offset, _BOUNDARY):
            asks = _ends_in_question(interaction.text, e, seg.end)
            clauses.append(Clause(s, e, interaction.text[s:e], i, seg.speaker, len(clauses), asks))
        for s, e in _split(seg.text, seg.offset, _SENTENCE):
            sentences.append(Clause(s, e, interaction.text[s:e], i, seg.speaker, len(sentences)))
    return Doc(interaction, tuple(clauses), tuple(sentences), interaction.lang)


_TRAILING_PUNCT = re.compile(r"[\s，。！？；、,!?;…]*")


def _ends_in_question(text: str, end: int, limit: int) -> bool:
    """Whether the punctuation run right after a clause holds a question mark.

    The clause splitter consumes the punctuation, so "Is the project cancelled?" would
    otherwise look like a statement.
    """
    m = _TRAILING_PUNCT.match(text, end, limit)
    return m is not None and ("?" in m.group() or "？" in m.group())


# dots that end no sentence: decimals ("1.28M"), honorifics and "no." before a number
_INNER_DOT = re.compile(r"(?<=\d)\.(?=\d)|(?<=\b(?:Mr|Ms|Dr|No|no|vs|St))\.|(?<=\bMrs)\.")


def mask_inner_dots(text: str) -> str:
    """The text with non-sentence dots replaced by a same-width mark, so `[^.]` spans cross them."""
    return _INNER_DOT.sub("\u00b7", text)


def han_count(text: str) -> int:
    """Number of Han characters."""
    return len(HAN.findall(text))


def english_words(text: str) -> int:
    """Number of Latin-script words."""
    return len(LATIN_WORD.findall(text))


def pain_story_segments(doc: Doc, pain_cues: re.Pattern[str]) -> set[int]:
    """Customer turns describing their own operations' problems without addressing the seller.

    Cue words inside such a story ('被客户罚了违约金', '订单的交期') are about the customer's own
    business, not this deal's terms. Dictations have no turns, so none.
    """
    if doc.kind is InputKind.DICTATION:
        return set()
    out = set()
    for i, seg in enumerate(doc.interaction.segments):
        text = seg.text
        own = seg.speaker is Speaker.CUSTOMER and len(text) >= 40 and not SECOND_PERSON.search(text)
        if own and len(pain_cues.findall(text)) >= 2:
            out.add(i)
    return out
