"""The summary spends its 80 characters on facts: a point said twice is kept once, hedges and
pointers take no room, and a pointer that belongs to a quantity stays. The wording is this file's
own; each case fails if its rule goes."""

from __future__ import annotations

from copilot.extraction.summary import ZH_MAX_CHARS, _repeats
from tests.extraction.builders import chat, dictation, extract


def test_a_time_confirmed_back_is_kept_once_and_leaves_room_for_the_new_offer() -> None:
    interaction = chat(
        ("rep", "庞经理 那批不锈钢法兰的报价您看了吗"),
        ("customer", "看了 价格还行 就是交期要四十天太长了 我们月底就要用"),
        ("rep", "交期我去跟工厂协调一下 争取压到二十五天 周四下午三点我给您电话确认"),
        ("customer", "好 周四下午三点电话确认 你们那个质保是几年"),
        ("rep", "好的 周四下午三点我打给您 质保两年"),
    )
    summary = extract(interaction).summary
    assert summary.count("周四下午三点") == 1
    assert "二十五天" in summary
    assert len(summary) <= ZH_MAX_CHARS


def test_hedges_and_pointers_take_no_room_but_dates_keep_their_words() -> None:
    note = "我们这边其实就是想先看一下那个方案 下周一下午我把方案和报价一起发过去 他们那边基本上月底就能定"
    summary = extract(dictation(note)).summary
    for slack in ("这边", "其实", "看一下", "那个", "基本上"):
        assert slack not in summary
    assert "下周一下午" in summary  # '一下' inside a date is no hedge
    assert "月底" in summary


def test_a_pointer_before_a_measure_word_is_not_a_filler() -> None:
    interaction = chat(
        ("customer", "那批镀锌管下周能到吗"),
        ("rep", "能 周二发车 周三上午到您仓库"),
    )
    assert "那批镀锌管" in extract(interaction).summary


def test_repeats_measures_content_already_chosen() -> None:
    assert _repeats("周四下午三点电话确认", ["周四下午三点我给您电话确认"], zh=True)
    assert not _repeats("质保两年", ["周四下午三点我给您电话确认"], zh=True)
    assert _repeats("Send the revised quote Friday", ["I will send the revised quote by Friday"], zh=False)
    assert not _repeats("anything", [], zh=False)


def test_what_the_customer_asked_about_is_the_product() -> None:
    # named once, inside the how-we-met clause, and never again
    interaction = chat(
        ("rep", "甘总 您上个月在网站上留言咨询的彩钢瓦 报价单上周发您了 您看了吗"),
        ("customer", "看了 不好意思 我们老板的同学也做这个 已经交给他做了"),
        ("rep", "理解 以后有需要再联系"),
    )
    assert "彩钢瓦" in extract(interaction).summary


def test_a_bare_want_closing_its_clause_names_the_product() -> None:
    interaction = chat(
        ("customer", "你好 在路边广告上看到你们电话 我们有个厂房扩建 要钢结构平台，大概三百平"),
        ("rep", "好的 麻烦发一下图纸 我们算下用量"),
        ("customer", "[图片] 图纸在这 月底要进场"),
        ("rep", "收到 明天下班前把报价和施工方案发您"),
    )
    assert "钢结构平台" in extract(interaction).summary


def test_the_product_a_bid_is_for_is_named() -> None:
    note = (
        "华城路桥公司螺纹钢的标上个月入围了 现在在谈合同条款 今天物资部提了三条 一个是价格按周均价浮动 "
        "一个是付款 货到三个月再付 还有违约金 千分之五一天 违约金这个我觉得太高了 约了周五再过一遍合同"
    )
    assert "螺纹钢" in extract(dictation(note)).summary
