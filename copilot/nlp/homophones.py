"""Homophone repair for Chinese voice-to-text and pinyin typing.

Speech recognisers and pinyin keyboards write a word that was said right with characters that sound
the same: 和同 for 合同, 包价单 for 报价单, 方按 for 方案, 定经 for 定金, 夏周 for 下周. The rules read
characters, so such a note says nothing to them. This module rewrites a span to the vocabulary word
it sounds like when all of these hold:

- the span reads (toneless pinyin, each character's usual reading, with the usual fuzzy pairs
  z/zh, c/ch, s/sh, in/ing, en/eng, an/ang) exactly like a vocabulary word of the same length;
- it shares at least one character, in the same place, with that word;
- the span is not itself a word of the general dictionary (jieba's), so 适用 ("applicable") stays
  适用 and is never read as 试用 ("trial");
- no dictionary word of the sentence (jieba's cut) straddles the span's edges, so 华为中标 is 华为 +
  中标 and never 华 + 未中标.

The vocabulary is the sales documents and money words a deal moves by (contract, quote, proposal,
deposit, payment, signing, tender...) plus the calendar words the time parser reads: the words whose
mishearing changes what a note says, not every word of the lexicons (看了 must not turn into 砍了).
Replacements keep the text's length, so offsets into the repaired text are offsets into the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from copilot.nlp.words import word_edges, word_freq

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
MAX_WORD = 4

_DEAL_WORDS = (
    "合同",
    "合约",
    "协议",
    "补充协议",
    "报价",
    "报价单",
    "方案",
    "技术方案",
    "标书",
    "投标",
    "招标",
    "中标",
    "定金",
    "订金",
    "首付",
    "首付款",
    "预付",
    "预付款",
    "尾款",
    "全款",
    "货款",
    "到账",
    "打款",
    "付款",
    "账期",
    "月结",
    "签约",
    "签字",
    "盖章",
    "订单",
    "下单",
    "采购单",
    "验收",
    "演示",
    "试用",
    "样机",
    "折扣",
    "预算",
    "违约金",
    "质保",
    "发票",
    "续约",
    "续签",
    "报价表",
    "配置单",
)

# Calendar words (the time parser's own vocabulary), so a misheard "夏周五" still names a date.
_CALENDAR = (
    "下周",
    "下下周",
    "上周",
    "本周",
    "这周",
    "下个月",
    "上个月",
    "月底",
    "月初",
    "月中",
    "年底",
    "年初",
    "明天",
    "后天",
    "大后天",
    "今天",
    "昨天",
    "前天",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "周末",
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期天",
    "礼拜一",
    "礼拜二",
    "礼拜三",
    "礼拜四",
    "礼拜五",
    "礼拜六",
    "礼拜天",
    "上午",
    "下午",
    "晚上",
    "中午",
    "早上",
    "下周一",
    "下周二",
    "下周三",
    "下周四",
    "下周五",
    "下周六",
    "下周日",
    "下礼拜",
    "下星期",
    "礼拜天",
    *(f"下{week}{day}" for week in ("礼拜", "星期") for day in "一二三四五六天"),
)

# Function words and everyday verbs are never taken for a misheard syllable: 是用 is "is using", not
# 试用, 下周上会 is "put to the meeting next week", not 下周三.
_NEVER_MISHEARD = frozenset("的地得是了在上下就也都还又很会能要有用说聊去来出给个吗呢吧啊")

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def _fuzzy(syllable: str) -> str:
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


@lru_cache(maxsize=20_000)
def _readings(char: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    out = pinyin(char, style=Style.NORMAL, heteronym=False, errors="ignore")
    return frozenset(_fuzzy(s) for s in (out[0] if out else ()) if s.isascii() and s.isalpha())


class HomophoneRepair:
    """Rewrites misheard vocabulary words; `repair(text)` keeps the length of `text`."""

    def __init__(self, vocabulary: Iterable[str], is_word: frozenset[str] | None = None) -> None:
        self.vocabulary = frozenset(w for w in vocabulary if 2 <= len(w) <= MAX_WORD)
        # (length, first character's reading) -> [word, ...]
        self._index: dict[tuple[int, str], list[str]] = {}
        for word in sorted(self.vocabulary):
            for first in _readings(word[0]):
                self._index.setdefault((len(word), first), []).append(word)
        self._is_word = is_word

    def _known(self, span: str) -> bool:
        if self._is_word is not None:
            return span in self._is_word
        return word_freq(span) > 0

    def _real_words(self, span: str, word: str) -> bool:
        """Whether the span is, or holds where it differs from `word`, a dictionary word: 收付款 holds
        收付 (receipts and payments) and is not a misheard 首付款."""
        if self._known(span):
            return True
        for size in range(2, len(span)):
            for i in range(len(span) - size + 1):
                part = span[i : i + size]
                if part != word[i : i + size] and self._known(part):
                    return True
        return False

    def _match(self, span: str) -> str | None:
        first = _readings(span[0])
        for reading in first:
            for word in self._index.get((len(span), reading), ()):
                pairs = list(zip(span, word, strict=True))
                if word == span or not any(a == b for a, b in pairs):
                    continue
                if any(a != b and a in _NEVER_MISHEARD for a, b in pairs):
                    continue
                if all(_readings(a) & _readings(b) for a, b in pairs):
                    return word
        return None

    def repair(self, text: str) -> str:
        """The text with every misheard vocabulary word rewritten (longest match first)."""
        if not _HAN_RUN.search(text):
            return text
        chars = list(text)
        changed = False
        for run in _HAN_RUN.finditer(text):
            i, end = run.start(), run.end()
            cuts: set[tuple[int, int]] | None = None
            while i < end - 1:
                for size in range(min(MAX_WORD, end - i), 1, -1):
                    span = text[i : i + size]
                    if span in self.vocabulary:
                        i += size - 1  # a word already right is not re-read inside
                        break
                    word = self._match(span)
                    if word is not None and cuts is None:
                        cuts = word_edges(run.group(), run.start())
                    if (
                        word is not None
                        and cuts is not None
                        and not _straddled(cuts, i, i + size)
                        and not self._real_words(span, word)
                    ):
                        chars[i : i + size] = list(word)
                        changed = True
                        i += size - 1
                        break
                i += 1
        return "".join(chars) if changed else text


def _straddled(words: set[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < start < e or s < end < e for s, e in words)


@lru_cache(maxsize=1)
def default_repair() -> HomophoneRepair:
    """The repair over the deal and calendar words."""
    return HomophoneRepair([*_DEAL_WORDS, *_CALENDAR])


# Real words that voice-to-text writes for a deal word far more often than they are meant in a sales
# note, with what marks their own sense: 保价 (declared value) for 报价 (a quote), except beside
# shipping or insurance words.
_DEAL_OVER_WORD: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "保价",
        "报价",
        # (nor where 保 ends a word before it or 价 starts one after it: 续保|价格, 维保|价)
        re.compile(
            r"^(?:费|运输|服务|险|金额|物流|快递|寄件|邮寄|声明|格|位)"
            r"|(?:快递|物流|运输|邮寄|寄件|顺丰|邮政|EMS|寄|[续维质投承参担确环医社车财])$"
        ),
    ),
)


def repair_homophones(text: str) -> str:
    """`default_repair().repair(text)`, then the deal words written as other real words."""
    text = default_repair().repair(text)
    for heard, meant, own_sense in _DEAL_OVER_WORD:
        if heard in text:
            text = _deal_over_word(text, heard, meant, own_sense)
    return text


def _deal_over_word(text: str, heard: str, meant: str, own_sense: re.Pattern[str]) -> str:
    def pick(m: re.Match[str]) -> str:
        before, after = text[max(0, m.start() - 4) : m.start()].rstrip(), text[m.end() : m.end() + 4]
        return heard if own_sense.search(after) or own_sense.search(before) else meant

    return re.sub(heard, pick, text)
