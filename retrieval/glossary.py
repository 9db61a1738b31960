"""Cross-language query expansion through a small bilingual glossary of general B2B sales terms.

Most misses of an embedder-only search were English queries whose answer is a Chinese note (and the
reverse): `translations("installment payment")` gives `["分期付款", "分期"]`, which the rankers that
see the expanded query (see `SearchConfig.expand`) can match on the Chinese side. The glossary is
data (`retrieval/data/glossary.json`, `{"terms": [{"zh": [...], "en": [...]}]}`), kept to general
sales vocabulary so that it does not encode any evaluation query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.tokenize import latin_words, stem

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary.json"


@dataclass(frozen=True)
class Term:
    """One concept: its Chinese and English wordings (first = preferred)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in latin_words(text))


class Glossary:
    """Looks up the glossary concepts a query mentions and returns their other-language wordings."""

    def __init__(self, terms: Sequence[Term], max_per_term: int = 2) -> None:
        self.terms = list(terms)
        self.max_per_term = max_per_term
        # single characters (台, 套) would match inside unrelated words: only 2+ characters count
        self._zh_concepts: dict[str, set[int]] = {}
        for n, term in enumerate(self.terms):
            for z in term.zh:
                if len(z) >= 2:
                    self._zh_concepts.setdefault(z, set()).add(n)
        # one alternation of every Chinese wording, longest first, tried at every position (a
        # lookahead, so matches may overlap); a matched wording also names the concepts of the
        # wordings inside it (预付款 -> 付款), so every wording the text contains is found
        self._zh_closure = {
            z: set().union(*(ns for inner, ns in self._zh_concepts.items() if inner in z))
            for z in self._zh_concepts
        }
        wordings = sorted(self._zh_concepts, key=len, reverse=True)
        self._zh_any = re.compile(f"(?=({'|'.join(map(re.escape, wordings))}))") if wordings else None
        # English phrases (stemmed words) indexed by their first word
        self._en_by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for n, term in enumerate(self.terms):
            for e in term.en:
                phrase = _words(e)
                if phrase:
                    self._en_by_first.setdefault(phrase[0], []).append((phrase, n))

    @classmethod
    def load(cls, path: Path | str = GLOSSARY_PATH) -> Glossary:
        """Read a glossary JSON file."""
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls([Term(tuple(t.get("zh", ())), tuple(t.get("en", ()))) for t in raw.get("terms", [])])

    def matches(self, query: str) -> list[Term]:
        """Concepts named in the query, in glossary order, each once."""
        return [self.terms[n] for n in sorted(self.concepts(query))]

    def concepts(self, text: str) -> frozenset[int]:
        """Indexes (into `terms`) of the concepts a text mentions, in either language.

        Language-neutral: "deposit" and "定金" give the same concept, so a query and a note can
        match across languages (the `concept` ranker of `retrieval/search.py`). A Chinese wording
        also yields the concepts of wordings inside it (预付款 -> 付款's too).
        """
        found: set[int] = set()
        if self._zh_any is not None:
            for match in self._zh_any.finditer(text):
                found |= self._zh_closure[match.group(1)]
        words = _words(text)
        for i, word in enumerate(words):
            for phrase, n in self._en_by_first.get(word, ()):
                if words[i : i + len(phrase)] == phrase:
                    found.add(n)
        return frozenset(found)

    def translations(self, query: str, to: str = "both") -> list[str]:
        """Other-language wordings of the concepts in the query (Chinese ones for English words and
        the reverse), without any already in the query; `to` = `zh`, `en` or `both` directions."""
        out: dict[str, None] = {}
        words = set(_words(query))
        for term in self.matches(query):
            if any(len(z) >= 2 and z in query for z in term.zh):
                if to in ("en", "both"):
                    out.update((e, None) for e in term.en[: self.max_per_term] if not set(_words(e)) <= words)
            elif to in ("zh", "both"):
                out.update((z, None) for z in term.zh[: self.max_per_term] if z not in query)
        return list(out)

    def expand(self, query: str, to: str = "both") -> str:
        """The query followed by its translations (unchanged when the glossary knows none of it)."""
        extra = self.translations(query, to)
        return f"{query} {' '.join(extra)}" if extra else query


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The packaged glossary, loaded once."""
    return Glossary.load()
