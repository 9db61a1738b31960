"""Misheard deal words are read as the words they sound like; real words are left alone."""

from __future__ import annotations

import pytest

from copilot.nlp.homophones import HomophoneRepair, repair_homophones


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("他在和同上签了字", "他在合同上签了字"),
        ("我把包价单给他了", "我把报价单给他了"),
        ("技术方按还要改一版", "技术方案还要改一版"),
        ("今天交了定经五万", "今天交了定金五万"),
        ("他说夏周给答复", "他说下周给答复"),
        ("他说夏周五给答复", "他说下周五给答复"),
    ],
)
def test_misheard_words_are_repaired(heard: str, meant: str) -> None:
    assert repair_homophones(heard) == meant


@pytest.mark.parametrize(
    "text",
    [
        "这个条款不适用",  # a real word (applicable), not 试用
        "收付款都走对公账户",  # 收付 is a word, not a misheard 首付
        "华为中标了",  # 华为 + 中标, never 华 + 未中标
        "现在考勤是用什么方式做的",  # 是用 is "is using"
        "他们下周上会讨论",  # 上会, not 下周三
        "和通物流的老板",  # a name sharing no character with 合同
        "我们明天去看了再说",
    ],
)
def test_real_words_are_kept(text: str) -> None:
    assert repair_homophones(text) == text


def test_repair_keeps_length_and_offsets() -> None:
    text = "嗯 他们把和同寄回来了 then the PO"
    repaired = repair_homophones(text)
    assert len(repaired) == len(text)
    assert repaired.index("合同") == text.index("和同")


def test_vocabulary_is_what_the_repair_reaches_for() -> None:
    repair = HomophoneRepair(["报价"], is_word=frozenset())
    assert repair.repair("包价") == "报价"
    assert repair.repair("方按") == "方按"  # not in this vocabulary
