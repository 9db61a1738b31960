"""Tokens for BM25 (jieba words for Chinese, lower-cased words for Latin) and script detection."""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_SPLIT = re.compile(f"([{_CJK}]+)")
_REGEX_META = re.compile(r"[\\\[\](){}?*+|^$.]")

# Function words that only add noise to lexical scores; kept short on purpose.
_ZH_FUNCTION_WORDS = (
    "的 了 和 与 及 或 在 是 有 就 都 也 还 又 把 被 给 对 向 从 到 说 让 要 会 能 吗 呢 吧 啊 "
    "这 那 个 一 一下 一个 我 我们 你 你们 他 他们 她 它 哪些 哪个 什么 谁 怎么 如何 是否 "
    "之 其 以 等 为 并 而 但 已 已经 过 着 上 下 中 后 前 里"
)
STOPWORDS_ZH = frozenset(_ZH_FUNCTION_WORDS.split())
_EN_FUNCTION_WORDS = (
    "a an the and or of to in on at for from by with about as is are was were be been being "
    "it its this that these those there their they them we our us you your he she his her i me my "
    "do does did done has have had not no any all some which who whom whose what when where why how "
    "can could would should will shall may might must than then so if into over under up out "
    "also just only very more most such per via"
)
STOPWORDS_EN = frozenset(_EN_FUNCTION_WORDS.split())

_jieba_lock = threading.Lock()
_jieba_ready = False


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """Plain Chinese cue words from the signal lexicon, so jieba keeps them whole (付款方式, 违约金...)."""
    try:
        raw = resources.files("copilot").joinpath("lexicons/signals.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ()
    cues = json.loads(raw).get("cues", {})
    terms: set[str] = set()
    for patterns in cues.values():
        for pattern in patterns:
            if isinstance(pattern, str) and not _REGEX_META.search(pattern) and _CJK_RUN.fullmatch(pattern):
                terms.add(pattern)
    return tuple(sorted(terms))


def _ensure_jieba() -> None:
    """Load jieba's dictionary once (it is lazy and not thread-safe on first use)."""
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            jieba.initialize()
            for term in domain_terms():
                jieba.add_word(term, freq=2000)
            _jieba_ready = True


def stem(word: str) -> str:
    """A crude English plural/verb-ending fold; enough to match `terms`/`term`, `signed`/`sign`."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def bm25_tokens(text: str) -> list[str]:
    """Search tokens of mixed Chinese/English text: jieba search-mode words plus Latin word stems."""
    _ensure_jieba()
    tokens: list[str] = []
    for part in _SPLIT.split(text.lower()):
        if not part:
            continue
        if _CJK_RUN.fullmatch(part):
            tokens.extend(w for w in jieba.cut_for_search(part) if w not in STOPWORDS_ZH)
        else:
            tokens.extend(stem(w) for w in _LATIN_WORD.findall(part) if w not in STOPWORDS_EN)
    return tokens


def cjk_share(text: str) -> float:
    """Share of the text's letters that are Chinese characters (0.0 for pure English)."""
    cjk = sum(len(run) for run in _CJK_RUN.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text.lower()))
    total = cjk + latin
    return cjk / total if total else 0.0


def mostly_chinese(text: str) -> bool:
    """Whether at least half of the text's letters are Chinese characters: the script a chunk is
    ranked in (stored with each chunk, and read from the text where an older index lacks it)."""
    return cjk_share(text) >= 0.5


def cjk_runs(text: str) -> list[str]:
    """The maximal runs of Chinese characters in the text."""
    return _CJK_RUN.findall(text)


def latin_words(text: str) -> list[str]:
    """Lower-cased Latin words and numbers in the text."""
    return _LATIN_WORD.findall(text.lower())
