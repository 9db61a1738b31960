"""How the lead first arrived beats later contact paths; cold-call openers; the summary names the topic."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Channel
from copilot.extraction.summary import EN_MAX_WORDS, ZH_MAX_CHARS
from tests.extraction.builders import call, chat, dictation, extract


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        # the first arrival wins over a later contact path or an unrelated renewal
        (
            "Priya says I cold-emailed her in February about payroll software and we connected on "
            "LinkedIn after that. Sending a proposal Friday.",
            Channel.COLD_OUTREACH,
        ),
        (
            "They originally came in through a Google ad. Their fuel card contract is up for renewal "
            "in June. Booked a demo.",
            Channel.ONLINE_ADS,
        ),
        ("上周四打你们400电话问过会员小程序 主要想做会员复购", Channel.WEBSITE),
        # wordings of the first arrival
        ("刘老师三月二号在百度上搜到我们打的电话 要八百盒", Channel.ONLINE_ADS),
        ("他们外贸部是在必应上搜到我们的切割机", Channel.ONLINE_ADS),
        ("陈先生是打我们四零零热线进来的 想装净水", Channel.WEBSITE),
        ("上个月给他们发过开发信 今天回邮件了", Channel.COLD_OUTREACH),
        ("马经理去年在你这买过两台叉车 今年还要三台", Channel.EXISTING_CUSTOMER),
        ("Janet is adding 400 seats for two new clinics.", Channel.EXISTING_CUSTOMER),
    ],
)
def test_first_arrival_channel(text: str, channel: Channel) -> None:
    assert extract(dictation(text)).source_channel is channel


def test_without_an_arrival_cue_precedence_still_decides() -> None:
    # both cues say nothing about arrival: the more specific origin (partner) wins as before
    fields = extract(dictation("代理商那边也在跟 展会资料我也发了"))
    assert fields.source_channel is Channel.PARTNER


def test_cold_call_opener_is_the_first_contact() -> None:
    fields = extract(
        call(
            (0.0, 8.0, "rep", "您好 冒昧打扰一下 我是恒温云的小吴 我们是做冷藏车温度监控的"),
            (8.5, 12.0, "customer", "嗯 你说吧"),
        )
    )
    assert fields.first_contact_date == date(2026, 5, 20)
    english = extract(call((0.0, 6.0, "rep", "Hi Dave, sorry to bother you, we install commercial solar.")))
    assert english.first_contact_date == date(2026, 5, 20)


def test_scanning_a_building_today_with_a_place_between_is_the_first_contact() -> None:
    fields = extract(dictation("今天下午在中银大厦扫楼 推绿植租摆 留了名片"))
    assert fields.first_contact_date == date(2026, 5, 20)


def test_an_inbound_chat_about_an_earlier_contact_is_not_the_first_contact() -> None:
    fields = extract(
        chat(("customer", "Hi Tom, you cold-emailed me back in February about payroll software."))
    )
    assert fields.first_contact_date is None


def test_an_inquiry_date_is_the_first_contact() -> None:
    fields = extract(dictation("宁波甬兴的外贸部 上周二发的询盘 想要一台六千瓦的激光切割机"))
    assert fields.first_contact_date == date(2026, 5, 12)


def test_zh_summary_names_a_topic_said_only_in_the_intro() -> None:
    text = (
        "那个常州精锻的MES项目 是我们在江苏政府采购网上看到的招标公告 预算四百二十万 今天去参加了答疑会 "
        "他们生产部长讲了现在排产全靠Excel 一出插单就乱 我们这边在准备投标文件 下周三之前要把标书封好"
    )
    summary = extract(dictation(text)).summary
    assert "MES" in summary
    assert "标书" in summary or "投标文件" in summary
    assert len(summary) <= ZH_MAX_CHARS


def test_en_summary_names_the_product_and_skips_content_free_turns() -> None:
    fields = extract(
        chat(
            ("customer", "Hi Tom, you cold-emailed me back in February about payroll software."),
            ("rep", "Hi Priya, how many people are on payroll today?"),
            ("customer", "About 600 temps across four states. We run it in spreadsheets."),
            ("rep", "Understood. I'll put together a proposal for 600 workers and send it by Friday."),
            ("customer", "Great."),
            ("customer", "I did."),
        )
    )
    summary = fields.summary
    assert "payroll" in summary.lower()
    assert "proposal" in summary
    assert "Great" not in summary and "I did" not in summary and "Understood" not in summary
    assert len(summary.split()) <= EN_MAX_WORDS


def test_a_name_is_not_taken_for_the_topic() -> None:
    text = (
        "Quick note on Ridgeline Plumbing. They run 45 vans and want fleet telematics to cut idle "
        "time. Their fuel card contract is up for renewal in June. Mark said the owner signs off. "
        "Booked a demo for next Tuesday."
    )
    summary = extract(dictation(text)).summary
    assert "telematics" in summary
    assert "demo" in summary


def test_a_noun_said_once_is_not_prefixed_as_the_topic() -> None:
    text = "好消息 嘉兴阳光屋顶那边合同今天盖好章寄回来了 预付款百分之三十下周一到 我确认款到了就排产"
    summary = extract(dictation(text)).summary
    assert "：" not in summary  # no topic named up front
    assert "预付款" in summary
