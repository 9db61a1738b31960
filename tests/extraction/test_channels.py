"""Source channel: one cue per channel, precedence between cues, CRM fallback, never invented."""

from __future__ import annotations

import pytest

from copilot.domain import Channel, CustomerContext
from tests.extraction.builders import chat, dictation, extract


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("客户是在官网留言进来的 今天回了电话", Channel.WEBSITE),
        ("他们采购打的我们400热线 转到我这", Channel.WEBSITE),
        ("上个月在深圳工博会上认识的", Channel.TRADE_SHOW),
        ("是老客户陈总介绍过来的", Channel.REFERRAL),
        ("电话陌拜 今天第一次打", Channel.COLD_OUTREACH),
        ("看到我们百度推广加的企业微信", Channel.ONLINE_ADS),
        ("刷到我们抖音直播来咨询的", Channel.SOCIAL_MEDIA),
        ("这个项目是我们浙江的代理商推过来的", Channel.PARTNER),
        ("老客户了 这次是增购 再加三十套", Channel.EXISTING_CUSTOMER),
        ("在政府采购网上看到的招标公告", Channel.TENDER),
        ("是上周五在高铁上碰到的", Channel.OTHER),
        ("she found us through a Google ad", Channel.ONLINE_ADS),
        ("this one started as a cold email I sent", Channel.COLD_OUTREACH),
        ("we met at the Freight and Logistics Expo", Channel.TRADE_SHOW),
        ("I connected with Claire on LinkedIn", Channel.SOCIAL_MEDIA),
        ("the deal came through our distributor", Channel.PARTNER),
    ],
)
def test_each_channel_cue(text: str, channel: Channel) -> None:
    fields = extract(dictation(text))
    assert fields.source_channel is channel
    ev = fields.evidence["source_channel"]
    assert ev.quote and ev.quote in text


def test_more_specific_origin_wins() -> None:
    # a tender published on the customer's own website is a tender, not a website lead
    assert extract(dictation("他们官网发的招标公告 我们中标了")).source_channel is Channel.TENDER
    # a partner company's recommendation is the partner
    assert extract(dictation("是合作的装修公司推荐过来的")).source_channel is Channel.PARTNER


def test_not_a_channel_sense() -> None:
    # '介绍一下我们的产品' is a pitch, not a referral; WeChat is a contact tool, not social media
    assert extract(dictation("今天给他介绍一下我们的产品 加了微信")).source_channel is None


def test_crm_fallback_and_nothing_invented() -> None:
    silent = chat(("customer", "报价收到了 我们内部先看一下"))
    assert extract(silent).source_channel is None
    fields = extract(silent, CustomerContext(known_source_channel=Channel.REFERRAL))
    assert fields.source_channel is Channel.REFERRAL and fields.provenance["source_channel"] == "crm"


@pytest.mark.parametrize(
    ("messages", "channel"),
    [
        ((("customer", "你好，在写字楼电梯里看到你们的广告，电子签章的，想了解下"),), Channel.OTHER),
        ((("customer", "你好，我们孙总在杂志上看到你们门禁的案例，让我加你了解一下"),), Channel.OTHER),
        ((("rep", "吴总您好，我是帆数的郑楠，刚才冒昧给您打了个电话简单介绍过"),), Channel.COLD_OUTREACH),
        (
            (("customer", "小汤，我们现在用你们的考勤模块挺顺的，听说你们有绩效模块？"),),
            Channel.EXISTING_CUSTOMER,
        ),
        ((("rep", "当初是鑫源周总介绍咱们认识的"),), Channel.REFERRAL),
        ((("rep", "潘总早，去年宁波智博会上聊的视觉检测项目，还有机会再碰一下吗？"),), Channel.TRADE_SHOW),
        ((("rep", "市图书馆设备的磋商文件我们已经领取了"),), Channel.TENDER),
    ],
)
def test_channels_named_in_conversations(messages: tuple[tuple[str, str], ...], channel: Channel) -> None:
    assert extract(chat(*messages)).source_channel is channel


def test_an_online_ad_is_still_online() -> None:
    assert extract(dictation("客户是看了我们百度的广告打过来的")).source_channel is Channel.ONLINE_ADS
