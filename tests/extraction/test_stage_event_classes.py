"""Stage read from the class of event a note reports, in words of this file's own: a payment made,
an order being issued, a decision not to buy, a named rival chosen, a price moved to a figure, a
contract revised on the customer's comments, English price and clause trading, the customer coming
to see us, the customer's own project. Each case fails if its class goes."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import call, chat, dictation, extract

EN_REF = "2026-05-20T10:00:00-04:00"


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (dictation("宏泰建材今天转了百分之三十的预付款 四十二万 下周安排排产"), Stage.WON),
        (dictation("今天对方财务付了第一笔定金 我让仓库备货"), Stage.WON),
        (
            chat(
                ("rep", "Did the board sign off on the scanner rollout?"),
                ("customer", "They did. I'm sending the PO over this afternoon."),
                ref=EN_REF,
            ),
            Stage.WON,
        ),
        (
            chat(
                ("customer", "我们内部讨论了一下 还是不换了 老设备再用两年"),
                ("rep", "理解 有需要随时找我"),
            ),
            Stage.LOST,
        ),
        (
            dictation(
                "Called the plant manager at the bottling site. They've gone with Vostrand for the "
                "labeller, cheaper and local. Nothing booked.",
                ref=EN_REF,
            ),
            Stage.LOST,
        ),
        (
            call(
                (0, 8, "customer", "你们一套一万二 太贵了 别人一万就做"),
                (8, 16, "rep", "一次订二十套的话 我们可以给到一万零八百"),
                (16, 20, "customer", "我再跟领导商量一下"),
            ),
            Stage.NEGOTIATION,
        ),
        (
            chat(
                ("rep", "胡总 合同已经按您上周提的意见修改了 验收期改成三十天"),
                ("customer", "好 我让法务再看一遍"),
            ),
            Stage.NEGOTIATION,
        ),
        (
            call(
                (0, 10, "customer", "If you can come down twelve percent we have a deal on the chillers."),
                (10, 18, "rep", "I can do eight percent if you commit to both sites."),
                ref=EN_REF,
            ),
            Stage.NEGOTIATION,
        ),
        (
            chat(
                ("rep", "Our counsel's comments on the service agreement are attached."),
                ("customer", "Thanks, we'll go through them Friday."),
                ref=EN_REF,
            ),
            Stage.NEGOTIATION,
        ),
        (dictation("客户厂长说想先来我们昆山的工厂参观一下 下周四过来"), Stage.INTENT),
        (
            call(
                (0, 9, "customer", "我们明年准备新上两台注塑机 想了解一下你们的机械手"),
                (9, 15, "rep", "好的 您这边是做什么产品的"),
            ),
            Stage.INTENT,
        ),
        (
            chat(
                ("rep", "物业系统的服务合同下月到期 续约合同发您看看？"),
                ("customer", "今年不续了 集团统一换平台"),
            ),
            Stage.LOST,
        ),
        (
            chat(
                ("rep", "Following up on the pump quote, any questions?"),
                ("customer", "Thanks, but we already placed the order with a local distributor."),
                ref=EN_REF,
            ),
            Stage.LOST,
        ),
        (
            call(
                (0, 6, "customer", "Hi, the PO for the flow meters is signed, my assistant just emailed it."),
                (6, 10, "rep", "Thank you! We'll ship next week."),
                ref=EN_REF,
            ),
            Stage.WON,
        ),
        (
            call(
                (0, 6, "customer", "设备款的百分之四十财务今天已经付了 你查一下"),
                (6, 9, "rep", "到账了 谢谢"),
            ),
            Stage.WON,
        ),
        (dictation("今天下午合同盖章回传了 预付款下周付"), Stage.WON),
        (chat(("customer", "看了 贵"), ("customer", "再便宜3个点就定")), Stage.NEGOTIATION),
        (
            chat(
                ("customer", "We chose your panels, but another quote is 6% lower."),
                ("customer", "If you match the price, we sign this week."),
                ref=EN_REF,
            ),
            Stage.NEGOTIATION,
        ),
        (
            chat(
                ("rep", "For the three new chillers we can move 3% on price."),
                ("customer", "5% and balance by LC at 60 days."),
                ref=EN_REF,
            ),
            Stage.NEGOTIATION,
        ),
        # a lost cue put as the alternative to our offer is a condition, not a decision
        (
            dictation("报价上周发了 今天总经理说要九折 不然就不考虑了 我答应他月底前给最终价格"),
            Stage.NEGOTIATION,
        ),
        (
            call(
                (
                    0,
                    8,
                    "customer",
                    "We are going to replace the gate valves on the east main, about ninety units.",
                ),
                (8, 12, "rep", "Great. Can I bring samples over?"),
                ref=EN_REF,
            ),
            Stage.INTENT,
        ),
    ],
)
def test_an_event_class_sets_the_stage(interaction: object, stage: Stage) -> None:
    assert extract(interaction).stage is stage  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "interaction",
    [
        # project phases are no payment instalments
        chat(
            ("customer", "方案我们看了 希望分两期实施 先做一号车间"),
            ("rep", "好的 我调整一下方案 周五发您"),
        ),
        # a time target squeezed is no price
        dictation("客户要求把冷冻时间压到二十分钟以内 我周五把方案改好发过去"),
    ],
)
def test_phases_and_time_targets_negotiate_nothing(interaction: object) -> None:
    assert extract(interaction).stage is Stage.PROPOSAL  # type: ignore[arg-type]
