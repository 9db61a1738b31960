"""An interaction is the first contact when it says so in other words: no dealings before, a first
call or visit to the customer or by them, a first sighting at a stand. A stated earlier date still
wins. The wording is this file's own; every case but the stated date fails without the rule."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Interaction
from tests.extraction.builders import call, chat, dictation, extract

REF = "2026-05-20T10:00:00+08:00"
EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    "interaction",
    [
        dictation("下午一个装修队老板到门店来问瓷砖 以前没打过交道 要两百平 我让他明天来看样"),
        dictation("展会第一天 在展位上第一次见到一家连锁超市的采购经理 要冷柜 约了下周去门店看"),
        chat(
            ("customer", "你好 我们是做物业的 第一次找你们 想问下保洁耗材怎么批发"),
            ("rep", "您好 我发您价目表"),
        ),
        dictation(
            "Walk-in at the yard, a roofer from across town, never dealt with them before, needs slate.",
            ref=EN_REF,
        ),
        chat(
            ("rep", "Hi Ms. Ito, we haven't spoken before - I look after conveyor belting in your region."),
            ("customer", "OK, what do you have for food lines?"),
            ref=EN_REF,
        ),
    ],
)
def test_a_first_contact_said_in_other_words_is_today(interaction: Interaction) -> None:
    assert extract(interaction).first_contact_date == date(2026, 5, 20)


def test_a_stated_earlier_meeting_still_wins() -> None:
    note = "上个月15号展会上认识的 今天第一次去他们工厂 看了车间 要六台空压机"
    assert extract(dictation(note)).first_contact_date == date(2026, 4, 15)


def test_a_first_call_in_a_call_is_today() -> None:
    interaction = call(
        (0.0, 5.0, "customer", "喂 你好 我第一次打你们电话 想问下你们的叉车电池"),
        (5.5, 9.0, "rep", "您好 请问是几吨的叉车"),
    )
    assert extract(interaction).first_contact_date == date(2026, 5, 20)
