"""Split a record's text into overlapping chunks at sentence boundaries (Chinese and English)."""

from __future__ import annotations

import re

from retrieval.records import Chunk, IndexRecord

# A sentence ends after Chinese or Latin terminal punctuation, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.](?=\s))|\n+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def text_units(text: str) -> int:
    """Length in rough model tokens: one per Chinese character, one per Latin word."""
    cjk = len(_CJK.findall(text))
    return cjk + len(_CJK.sub(" ", text).split())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _hard_split(sentence: str, max_units: int) -> list[str]:
    """Cut one over-long sentence (no punctuation at all) into pieces of at most `max_units`."""
    if _CJK.search(sentence):
        step = max_units
        return [sentence[i : i + step] for i in range(0, len(sentence), step)]
    words = sentence.split()
    return [" ".join(words[i : i + max_units]) for i in range(0, len(words), max_units)]


def chunk_text(text: str, max_units: int = 200, overlap_sentences: int = 1) -> list[str]:
    """Chunks of whole sentences up to `max_units`, each repeating the previous chunk's last sentence.

    The overlap keeps a fact that straddles a boundary findable from either side; 200 units stays
    well inside e5-small's 512-token window even for dense Chinese.
    """
    text = text.strip()
    if not text:
        return []
    if text_units(text) <= max_units:
        return [text]
    pieces: list[str] = []
    for sentence in _sentences(text):
        pieces.extend(_hard_split(sentence, max_units) if text_units(sentence) > max_units else [sentence])
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        units = text_units(piece)
        if current and size + units > max_units:
            chunks.append(_join(current))
            current = current[-overlap_sentences:] if overlap_sentences else []
            size = sum(text_units(p) for p in current)
            if size + units > max_units:
                current, size = [], 0
        current.append(piece)
        size += units
    if current:
        chunks.append(_join(current))
    return chunks


def _join(parts: list[str]) -> str:
    """Join sentences: no space between Chinese sentences, one between Latin ones."""
    out = parts[0]
    for part in parts[1:]:
        out += part if _CJK.search(out[-1:]) or _CJK.search(part[:1]) else " " + part
    return out


def chunk_record(record: IndexRecord, max_units: int = 200) -> list[Chunk]:
    """The chunks of one record, with ids `<record_id>#<n>` that are stable across reindexing."""
    return [
        Chunk(chunk_id=f"{record.record_id}#{n}", record=record, seq=n, text=piece)
        for n, piece in enumerate(chunk_text(record.text, max_units=max_units))
    ]
