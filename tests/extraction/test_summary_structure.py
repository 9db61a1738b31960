"""Summary rules read from structure: the thing a speaker points at is the deal's object, turns that
carry nothing never fill the sentence, and a run-on dictation is cut where a new action starts. The
wording is this file's own; each case fails if its rule goes."""

from __future__ import annotations

from collections import Counter

from copilot.extraction.summary import ZH_MAX_CHARS, _zh_head_nouns, _zh_pointed_object
from tests.extraction.builders import call, chat, dictation, extract


def test_a_product_pointed_at_once_is_named_in_the_summary() -> None:
    # said once, with a demonstrative ('那套'), and never repeated: the outcome turns are longer
    interaction = chat(
        ("rep", "孟主任 上回聊的那套污泥脱水机 方案您那边讨论得怎么样了"),
        (
            "customer",
            "不好意思 厂里今年技改资金全部冻结了 集团刚下的通知 所有新项目先停了 等明年预算下来看情况再说",
        ),
        ("rep", "明白 那我们保持联系 明年一季度我再来拜访您 到时候把最新的运行数据和案例带上"),
    )
    summary = extract(interaction).summary
    assert "污泥脱水机" in summary
    assert "冻结" in summary or "停" in summary
    assert len(summary) <= ZH_MAX_CHARS


def test_a_quantity_of_goods_points_at_the_product() -> None:
    interaction = chat(
        ("rep", "杭经理 上周说的三百卷防静电地板革 您这边定了吗"),
        ("customer", "价格我们领导觉得偏高 别家同样规格报得比你们低 能不能再让两个点 账期也想放到六十天"),
        ("rep", "价格我回去跟领导申请一下 账期六十天应该没问题 明天上午给您答复"),
    )
    assert "地板革" in extract(interaction).summary


def test_an_address_or_a_thanks_never_fills_the_summary() -> None:
    interaction = chat(
        ("rep", "段科长"),
        ("customer", "在的"),
        ("rep", "谢谢段科长"),
        ("customer", "采购订单已经盖章发你邮箱了 二十台超声清洗机 下月中旬前到货"),
        ("rep", "好的 收到 我们安排排产"),
    )
    summary = extract(interaction).summary
    assert "段科长" not in summary
    assert "订单" in summary


def test_an_unpunctuated_dictation_keeps_its_closing_action() -> None:
    # one run-on clause longer than the summary: the agreed step at its end must not be cut off
    note = (
        "今天上午去了趟城北那家做电缆桥架的厂子他们车间主任带着看了一圈现在焊接全靠老师傅手工"
        "一个班下来合格率也就八成多然后他们说今年想上两台焊接机器人先试一条线我问了他们预算和谁拍板"
        "他说预算大概八十万要厂长点头我跟他约了下周三带应用工程师去现场打样"
    )
    summary = extract(dictation(note)).summary
    assert "打样" in summary
    assert len(summary) <= ZH_MAX_CHARS


def test_an_english_run_on_keeps_what_was_agreed() -> None:
    note = (
        "so I finally got through to the facilities lead at a cold storage outfit in the valley they run "
        "about forty reefer doors and the seals keep failing every winter which costs them a fortune in "
        "energy and he said their budget resets in April and I told him I would send over a quote for the "
        "door seal retrofit by Friday and book a site survey the week after"
    )
    summary = extract(dictation(note, ref="2026-05-20T10:00:00-05:00")).summary
    assert "quote" in summary.lower()
    assert len(summary.split()) <= 40


def test_more_ways_of_pointing_at_the_product() -> None:
    # 'what we talked about last time', 'our such-and-such', 'X那块', and what the seller does
    cases = [
        (
            chat(
                ("rep", "祁老师 上次说的那台全自动生化分析仪 院里流程走完了吗"),
                (
                    "customer",
                    "走完了 今天上午采购订单已经在系统里下了 一共三台 设备科让你们两周内到货 到货后安排工程师"
                    "上门安装调试 发票要开专票",
                ),
                ("rep", "收到 我明天把开票信息表发您确认 到货前一天跟您约时间"),
            ),
            "生化分析仪",
        ),
        (
            dictation(
                "滨江印染那边 今天他们采购打电话来压价 我们那个活性染料 报的是每吨两万三 他们说别家给到两万一"
                " 最少也得降到两万二 我说我回去申请 明天上午给他回复"
            ),
            "活性染料",
        ),
        (
            call(
                (0, 10, "rep", "您好 我是恒测科技的小潘 我们做仓储的温湿度在线监测 今天第一次给您打电话"),
                (10, 20, "customer", "我们今年确实要上一套 去年夏天因为温度超标赔了一批货 损失了四十多万"),
                (20, 30, "rep", "那我下周二带方案过去给您详细讲一下 您看上午还是下午方便"),
                (30, 36, "customer", "下午吧 两点以后"),
            ),
            "温湿度",
        ),
    ]
    for interaction, product in cases:
        summary = extract(interaction).summary
        assert product in summary, summary
        assert len(summary) <= ZH_MAX_CHARS


def test_a_document_qualifier_or_a_spec_is_no_product() -> None:
    text = "初步方案已经发您了 两台负二十度的冷库机组 技术方案里都写了"
    found = _zh_pointed_object(text, Counter())
    assert found is not None
    assert found[1] == "冷库机组"


def test_english_product_frames_of_paperwork_and_of_what_we_supplied() -> None:
    ref = "2026-05-20T10:00:00-05:00"
    signed = call(
        (0, 6, "rep", "Hi Dana, checking you received the final paperwork for the dock leveller retrofit."),
        (
            6,
            14,
            "customer",
            "We did, and finance approved it yesterday. I'm sending the PO this morning for both sites.",
        ),
        (
            14,
            20,
            "rep",
            "Wonderful. We'll schedule the crews; does the second week of June suit the first site?",
        ),
        (20, 26, "customer", "June works, but not the week of the 8th, we have an audit on site that week."),
        (26, 30, "rep", "Noted. I'll send a draft installation plan by Friday."),
        ref=ref,
    )
    assert "dock leveller" in extract(signed).summary.lower()
    more = chat(
        (
            "customer",
            "Hi Omar, the boiler controllers you installed in buildings A and B have paid off already.",
        ),
        ("customer", "Our board approved doing the other four buildings this year if the price holds."),
        ("rep", "Great news! I'll come by on the 27th to survey buildings C to F, if that suits."),
        ("customer", "The 27th is fine, I'm in all day."),
        ref=ref,
    )
    assert "boiler controllers" in extract(more).summary.lower()


def test_a_noun_of_a_product_class_names_the_deal() -> None:
    # said once, in no pointing frame, and every later clause carries a signal or the next step
    note = (
        "今天去污水处理厂谈三台潜水排污泵的合同细节，我坚持要百分之三十预付款不然排不了产，"
        "合同里违约金他们写的千分之五每天我也提了太高，交期他们要四十天，最后说好了预付款比例他们财务周五给个答复"
    )
    summary = extract(dictation(note)).summary
    assert "排污泵" in summary, summary
    assert len(summary) <= ZH_MAX_CHARS


def test_thanks_to_a_supervisor_is_no_content() -> None:
    interaction = chat(
        ("rep", "滕主管 续费的合同发您了 还是按去年的价格"),
        ("customer", "合同已经走完流程了 款也付了 你查一下"),
        ("rep", "查到了 谢谢滕主管 明年继续合作愉快 有问题随时找我 我们售后也会定期回访"),
    )
    summary = extract(interaction).summary
    assert "谢谢滕主管" not in summary
    assert "付了" in summary


def test_an_english_compound_ending_in_a_product_noun_names_the_deal() -> None:
    note = (
        "Visited the brewery today, their old rotary labellers jam twice a shift and the night crew "
        "hates them. "
        "The plant manager wants pricing for two replacements with a changeover kit, and the owner signs off "
        "on anything over fifty thousand. I'll send the quote by Friday and call him Monday."
    )
    summary = extract(dictation(note, ref="2026-05-20T10:00:00+01:00")).summary
    assert "labellers" in summary.lower(), summary
    assert len(summary.split()) <= 40


def test_product_names_keep_words_made_of_function_characters() -> None:
    found = [phrase for _, phrase in _zh_head_nouns("演示看了 你们的能源管理系统 还有那套智能门锁")]
    assert found == ["能源管理系统", "智能门锁"]


def test_naming_the_product_never_drops_every_clause() -> None:
    # found by fuzzing: the product named up front used to push out every clause, and the summary
    # of no clause raised; the best clause now always stays
    text = (
        "6台报台然次批前 上之p经给yl就有呢A就源还款统p '签上i让器pl前要n是所a呢Oyl7底呢n"
        "再吗所吗三过泵订上1l货和b然到B合然c I次都8单s说周m给会价"
    )
    summary = extract(call((0, 4, "customer", text))).summary
    assert len(summary) > 10
    assert len(summary) <= ZH_MAX_CHARS + 1
