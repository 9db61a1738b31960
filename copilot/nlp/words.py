"""Chinese words from jieba's general dictionary: where a run's words start and end, how common a
word is, and whether it is a content word. The dictionary loads once, on first use."""

from __future__ import annotations

import logging
import threading

_lock = threading.Lock()

# Parts of speech that never start a name: numerals, particles, pronouns, adverbs, prepositions,
# conjunctions, classifiers, locatives, modal particles, interjections, onomatopoeia and time words.
_FUNCTION_TAGS = frozenset(
    {"m", "u", "uj", "ul", "ud", "uz", "ug", "uv", "r", "d", "p", "c", "q", "f", "y", "e", "o", "t"}
)


def ensure_loaded() -> None:
    import jieba

    with _lock:
        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.ERROR)
            jieba.initialize()


def word_edges(run: str, base: int) -> set[tuple[int, int]]:
    """(start, end) of every multi-character dictionary word of jieba's cut of `run`, offset by `base`."""
    import jieba

    ensure_loaded()
    out: set[tuple[int, int]] = set()
    pos = base
    for token in jieba.cut(run, HMM=False):
        if len(token) >= 2:
            out.add((pos, pos + len(token)))
        pos += len(token)
    return out


def word_freq(word: str) -> int:
    """The word's count in the dictionary (0 when it is no word of it)."""
    import jieba

    ensure_loaded()
    return int(jieba.dt.FREQ.get(word, 0) or 0)


def is_content_word(word: str) -> bool:
    """Whether the dictionary tags `word` as a content word (a noun, verb, adjective, name...)."""
    import jieba.posseg

    ensure_loaded()
    tag = jieba.posseg.dt.word_tag_tab.get(word)
    return tag is not None and tag not in _FUNCTION_TAGS
