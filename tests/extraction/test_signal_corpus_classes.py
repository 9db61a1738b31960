"""Signals: competitor, objection and delivery read as classes, from a corpus written blind from
FORMAT.md (`evaluators/data/cues/signals-1.jsonl`); the sentences here are this file's own.

Competitor: quotes compared across suppliers (比价, 比三家), another firm or brand named as the
alternative (另一家, 另一个牌子, 两个品牌在比), "a bake-off", "competing bids", "another vendor".
Objection: doubts and complaints about our offer (疑虑, 怕…丢, 太复杂, 学不会, 不愿意用, 偏高, 往后推,
经费花完了), "lost confidence", "lukewarm", "hard to swallow", "not convinced", "no money left".
Delivery: when it can be built or arrive (什么时候能施工, 之前送到, 换货, 驻场, 分三批), "installation
window", "delivered by", "arrived late", "ship within". Without the change each case misses its
signal. The look-alikes are the senses the first version took on open sets and were taken out: the
customer complaining about their own operations (抱怨), a document sent again (补发), and being on
site by a time for a meeting (the first version also took 进场, our team entering a site)."""

from __future__ import annotations

import pytest

from copilot.domain import Signal
from tests.extraction.builders import dictation, extract


def _signals(text: str) -> set[Signal]:
    return {hit.signal for hit in extract(dictation(text)).signals}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("采购说这次要比三家 我们是其中之一", Signal.COMPETITOR),
        ("他们在看另一个牌子的设备 参数差不多", Signal.COMPETITOR),
        ("They're running a bake-off between us and two others.", Signal.COMPETITOR),
        ("客户对数据安全有几个疑虑 下周开会答疑", Signal.OBJECTION),
        ("店长说操作太复杂 老员工学不会", Signal.OBJECTION),
        ("The plant manager has lost confidence after the last batch.", Signal.OBJECTION),
        ("客户问什么时候能施工 最好十一月", Signal.DELIVERY),
        ("货要分三批送 每批隔二十天", Signal.DELIVERY),
        ("The last two pumps arrived a week late.", Signal.DELIVERY),
    ],
)
def test_signal_classes(text: str, signal: Signal) -> None:
    assert signal in _signals(text)


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("客户抱怨他们现在排班全靠手工 经常出错", Signal.OBJECTION),
        ("资料我今天补发给他们了", Signal.DELIVERY),
        ("I'll be on site by nine for the walkthrough.", Signal.DELIVERY),
    ],
)
def test_signal_look_alikes(text: str, signal: Signal) -> None:
    assert signal not in _signals(text)
