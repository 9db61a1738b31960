"""Questions the product answers, offered when a question cannot be answered yet."""

from __future__ import annotations

import re

EXAMPLES: dict[str, tuple[str, ...]] = {
    "zh": (
        "哪些意向阶段以上的客户已经三天没跟进了？",
        "谈判阶段超过15天还没推进的商机有哪些？",
        "哪些进行中的商机还没有找到决策人？",
        "谈判阶段的商机里，哪些还缺写明付款方式、交付周期和验收标准的确认函？",
        "所有未结商机按客户健康度加权后的金额合计是多少？",
        "这个月赢了几单？",
        "哪个销售名下三天没跟进的客户最多？",
        "输给竞争对手的丢单有哪些？",
        "过去7天没有上门拜访记录的销售有哪些？",
        "哪些未结商机的金额超过了客户预算？",
        "预计本月底前成交、但还停在方案阶段的商机有哪些？",
        "过去30天法务参与过的客户有哪些？",
        "本周的活动记录比上周多了多少？",
        "如果下季度砍掉20%差旅预算，哪些客户应该优先保？",
    ),
    "en": (
        "Which customers at intent or later had no follow-up for 72 hours?",
        "Which negotiation deals are stuck over 15 days?",
        "Which open deals have no decision maker?",
        "How many deals are in the negotiation stage right now?",
        "What is the total health-weighted value of open deals?",
        "Which reps have at least one stale customer?",
        "Which deals were lost in the last 30 days?",
        "How many activities did each rep log in the last 14 days?",
        "Which rep has the most stuck deals?",
        "Which negotiation deals already have a complete confirmation letter?",
    ),
}


def _grams(text: str) -> set[str]:
    text = text.lower()
    words = set(re.findall(r"[a-z]{3,}", text))
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return words | {han[i : i + 2] for i in range(len(han) - 1)}


def closest(question: str, lang: str, n: int = 3) -> list[str]:
    """The supported questions that share the most words with `question`."""
    asked = _grams(question)
    pool = EXAMPLES.get(lang, EXAMPLES["en"])
    ranked = sorted(pool, key=lambda q: -len(asked & _grams(q)) / (1 + len(_grams(q))) ** 0.5)
    return list(ranked[:n])
