"""The engine end to end: evidence always quotes the input, silence yields nothing, it is fast."""

from __future__ import annotations

from copilot.domain import CustomerContext, Stage
from copilot.extraction.offline import OfflineEngine
from copilot.followups.engine import FollowUpEngine
from tests.extraction.builders import assert_evidence_quotes_input, call, chat, dictation, extract

NOTE = (
    "嗯那个今天下午去了苏州恒拓精密 见了他们设备部的周工 这家是上个月12号在深圳工博会上认识的 "
    "他们产线上的伺服老是报警停机 周工讲了差不多十分钟 我问了他们一年大概要换多少台伺服 "
    "还问了今年的改造计划什么时候启动 最后问了下这个事谁拍板 他们明确说想先换两条线试试 "
    "我跟周工约好了下周二带样机过去现场测"
)


def test_engine_satisfies_the_protocol() -> None:
    engine: FollowUpEngine = OfflineEngine()
    assert engine.name == "offline" and engine.version


def test_every_value_quotes_the_input() -> None:
    for it in (
        dictation(NOTE),
        chat(("customer", "报价我们看了 比别家贵了不少 打个95折 月结30天"), ("rep", "明天中午前给您答复")),
        call((0, 5, "rep", "现在调度是怎么做的？"), (5, 60, "customer", "全靠电话 很头疼 经常出错")),
    ):
        fields = extract(it)
        assert_evidence_quotes_input(fields, it)


def test_summary_is_short_clean_and_about_the_deal() -> None:
    fields = extract(dictation(NOTE))
    assert len(fields.summary) <= 80
    assert "样机" in fields.summary and "嗯" not in fields.summary and not fields.summary.startswith("那个")
    en = extract(
        dictation(
            "um so they cancelled the line three upgrade, corporate froze all capex. nothing else agreed"
        )
    )
    assert (
        len(en.summary.split()) <= 40 and "cancel" in en.summary and not en.summary.lower().startswith("um")
    )


def test_silent_input_invents_nothing() -> None:
    it = chat(("customer", "好的 收到"))
    fields = extract(it, CustomerContext())
    assert fields.source_channel is None and fields.first_contact_date is None
    assert fields.next_follow_up_date is None and fields.signals == ()
    assert fields.stage is Stage.LEAD
    assert fields.quality.discovery_questions == () and fields.quality.next_step is None
