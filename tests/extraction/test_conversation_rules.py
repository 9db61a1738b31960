"""Rules read from a conversation's structure: a slot proposed and answered, and a customer who told
us a problem and took a next step. The wording is this file's own; each case fails if the rule goes."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.domain import Channel, CustomerContext, Stage
from tests.extraction.builders import call, chat, dictation, extract

REF = "2026-05-20T10:00:00+08:00"  # a Wednesday: next Mon 25, Tue 26, Thu 28 (this week), Fri 22


@pytest.mark.parametrize(
    ("messages", "due"),
    [
        # the customer turns the proposed day down and names another: the new day is the visit's
        (
            [("rep", "下周一上午我带工程师过去看看产线？"), ("customer", "下周一我在外地，改到下周二吧")],
            date(2026, 5, 26),
        ),
        (
            [
                ("rep", "Shall we walk through the pilot plan on Friday?"),
                ("customer", "Friday is tight. Tuesday?"),
            ],
            date(2026, 5, 26),
        ),
        # a span and a repeated weekday in the answer name no other day
        (
            [("rep", "交付培训定在6月1号可以吗？"), ("customer", "6月上旬我们在盘点，改到6月8号周一吧")],
            date(2026, 6, 8),
        ),
        # a choice between two days: the one picked
        ([("rep", "评审会您看25号还是26号？"), ("customer", "26号吧，下午")], date(2026, 5, 26)),
        # only the hour is added to the proposed day: the day stands
        (
            [("rep", "Could we do the demo next Tuesday?"), ("customer", "Tuesday works. 3pm.")],
            date(2026, 5, 26),
        ),
        # the proposed day accepted beside a later, other date: the proposed day is the next touchpoint
        (
            [("rep", "周五电话过一下新报价？月底前能签吗？"), ("customer", "周五电话可以，28号老板回来签")],
            date(2026, 5, 22),
        ),
    ],
)
def test_a_proposed_slot_is_settled_by_the_answer(messages: list[tuple[str, str]], due: date) -> None:
    assert extract(chat(*messages, ref=REF)).next_follow_up_date == due


def test_a_day_in_a_question_about_today_is_no_slot_to_answer() -> None:
    interaction = call(
        (0, 8, "rep", "How do you track scrap today, and what happens when a mould cracks?"),
        (9, 60, "customer", "Paper logs. Last Monday a mould cracked and we lost a full shift of output."),
        (61, 66, "rep", "Could we book a call next Tuesday to go through it?"),
        (67, 70, "customer", "Next Tuesday is fine."),
        ref=REF,
    )
    assert extract(interaction).next_follow_up_date == date(2026, 5, 26)


@pytest.mark.parametrize(
    "interaction",
    [
        chat(
            ("rep", "王经理您好，现在仓库盘点是怎么做的？"),
            ("customer", "全靠人工，每个月盘一次账都对不上"),
            ("rep", "下周二我过去看看现场？"),
            ("customer", "可以，下午来"),
            ref=REF,
        ),
        dictation("今天电话聊了一下他们车间的空压机老是突然停 约了下周二上门看看", ref=REF),
        call(
            (0, 5, "rep", "What made you reach out?"),
            (6, 30, "customer", "Our dispatch is manual and drivers are late to half the stores."),
            (31, 35, "rep", "Can I show you the routing module on Thursday?"),
            (36, 38, "customer", "Thursday is good."),
            ref=REF,
        ),
    ],
)
def test_a_stated_problem_and_an_agreed_step_is_an_intent(interaction) -> None:  # type: ignore[no-untyped-def]
    fields = extract(interaction)
    assert fields.stage is Stage.INTENT
    assert fields.evidence["stage"].quote  # the customer's problem is the evidence


def test_a_problem_without_a_step_or_a_step_without_a_problem_stays_a_lead() -> None:
    assert extract(dictation("他说仓库盘点老是对不上 不过今年没预算", ref=REF)).stage is Stage.LEAD
    assert extract(dictation("加了微信 约了下周二再打个电话", ref=REF)).stage is Stage.LEAD


def test_a_later_stage_in_the_crm_is_kept() -> None:
    crm = CustomerContext(current_stage=Stage.PROPOSAL)
    note = dictation("客户说仓库盘点老是对不上 约了下周二上门", ref=REF)
    assert extract(note, crm).stage is Stage.PROPOSAL


@pytest.mark.parametrize(
    "text",
    [
        "方案已经做好了 周四给他们讲",
        "两版细化方案发过去了 客户说倾向第二版",
        "投标文件今天用顺丰寄出",
        "[文件] 智能仓储改造方案V2.pdf",
        "our bid went in this morning through the council portal",
    ],
)
def test_a_proposal_being_made_sent_or_weighed_is_a_proposal(text: str) -> None:
    assert extract(dictation(text, ref=REF)).stage is Stage.PROPOSAL


def test_a_reported_question_ends_where_the_customers_answer_starts() -> None:
    note = dictation("我问了他们现在仓库几个人一年盘几次他说确实要上系统约了下周二上门", ref=REF)
    [asked] = extract(note).quality.discovery_questions
    assert asked.quote.endswith("一年盘几次") and "他说" not in asked.quote


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (chat(("rep", "合同终版发您了"), ("customer", "[图片] 盖好了，原件明天寄"), ref=REF), Stage.WON),
        (dictation("客户采购订单走完了 PO号PO-2026-0518 发我邮箱了", ref=REF), Stage.WON),
        (chat(("customer", "The agreement was e-signed by our CFO last night."), ref=REF), Stage.WON),
        (dictation("他们技术部最后决定自研 不买外面的了", ref=REF), Stage.LOST),
        (dictation("最后还是用了原来的供应商 说切换太麻烦", ref=REF), Stage.LOST),
        (
            chat(("customer", "Honestly it's not happening this year, the plant is closing."), ref=REF),
            Stage.LOST,
        ),
        (dictation("第一版报价三十万 今天直接让到二十七万", ref=REF), Stage.NEGOTIATION),
        (chat(("customer", "涨价15%接受不了"), ("rep", "最多只涨8%"), ref=REF), Stage.NEGOTIATION),
        (
            chat(("customer", "If you can move ten percent we have a deal to discuss."), ref=REF),
            Stage.NEGOTIATION,
        ),
    ],
)
def test_outcomes_and_haggling_in_other_words(interaction, stage: Stage) -> None:  # type: ignore[no-untyped-def]
    assert extract(interaction).stage is stage


def test_a_po_still_to_be_approved_is_no_order() -> None:
    note = chat(("customer", "We need 10% off to get the PO approved."), ref=REF)
    assert extract(note).stage is not Stage.WON


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (dictation("当初是打你们四百热线问的 现在要报价", ref=REF), Channel.WEBSITE),
        (dictation("他们在小红书信息流广告下面留的电话", ref=REF), Channel.ONLINE_ADS),
        (dictation("他们在小红书上看到我们的笔记", ref=REF), Channel.SOCIAL_MEDIA),
        (dictation("区财政局询价采购 我们报了第一轮", ref=REF), Channel.TENDER),
        (dictation("上个月线上研讨会报名进来的", ref=REF), Channel.OTHER),
        (chat(("rep", "Thanks again to Priya for connecting us."), ref=REF), Channel.REFERRAL),
        (chat(("rep", "Would you mind connecting us with IT?"), ref=REF), None),
        (
            chat(("customer", "Please quote the same spec as line 2 for the new hall."), ref=REF),
            Channel.EXISTING_CUSTOMER,
        ),
        (chat(("customer", "Legal wants the auto-renewal clause removed."), ref=REF), None),
        (
            call(
                (0, 6, "rep", "您好，请问是华森包装吗？我这边是做仓储软件的"),
                (7, 9, "customer", "你说"),
                ref=REF,
            ),
            Channel.COLD_OUTREACH,
        ),
    ],
)
def test_channels_read_as_classes(interaction, channel: Channel | None) -> None:  # type: ignore[no-untyped-def]
    assert extract(interaction).source_channel == channel


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (
            chat(("customer", "老样子 洗衣液再来三百箱"), ("rep", "好的 订单已下 周五送到"), ref=REF),
            Stage.WON,
        ),
        (dictation("续签合同流程走完了 款也付了", ref=REF), Stage.WON),
        (dictation("盖章版的合同扫描件下午发过来了", ref=REF), Stage.WON),
        (dictation("注塑机的保价昨天发过去了 他们在比另外两家", ref=REF), Stage.PROPOSAL),
        (
            chat(("customer", "别家报到九十 你们能不能跟"), ("rep", "九十五 这是底线了"), ref=REF),
            Stage.NEGOTIATION,
        ),
        (dictation("采购今天一直在压价 说预算就这么多", ref=REF), Stage.NEGOTIATION),
    ],
)
def test_chinese_outcomes_and_haggling_as_classes(interaction, stage: Stage) -> None:  # type: ignore[no-untyped-def]
    assert extract(interaction).stage is stage


def test_a_declared_value_on_a_parcel_is_no_quote() -> None:
    from copilot.nlp.homophones import repair_homophones

    assert repair_homophones("样品寄顺丰 保价一万") == "样品寄顺丰 保价一万"
    assert repair_homophones("维保价格今年涨了") == "维保价格今年涨了"
    assert repair_homophones("阀门的保价您看了吗") == "阀门的报价您看了吗"


def test_wanting_more_is_no_order_placed() -> None:
    assert extract(chat(("customer", "今年还想再要两台 价格能按去年吗"), ref=REF)).stage is not Stage.WON


@pytest.mark.parametrize(
    ("messages", "due"),
    [
        # the customer's own dated promises, said without a subject or through a colleague
        ([("rep", "报价您看了吗"), ("customer", "技术在核 周五之前给你意见")], date(2026, 5, 22)),
        ([("rep", "合同改好了"), ("customer", "我们下周一前把审批流程走完")], date(2026, 5, 25)),
        ([("rep", "首付款什么时候安排"), ("customer", "财务说下周二付")], date(2026, 5, 26)),
        ([("customer", "可以 下周一开始试用吧"), ("rep", "好的")], date(2026, 5, 25)),
        ([("customer", "标书本周五前交 别晚了"), ("rep", "明白")], date(2026, 5, 22)),
    ],
)
def test_dated_promises_and_starts_are_the_next_touchpoint(
    messages: list[tuple[str, str]], due: date
) -> None:
    assert extract(chat(*messages, ref=REF)).next_follow_up_date == due


def test_a_question_about_when_they_start_is_no_commitment() -> None:
    note = chat(("rep", "你们今年什么时候开始用？"), ("customer", "还没定"), ref=REF)
    assert extract(note).next_follow_up_date is None


@pytest.mark.parametrize(
    ("interaction", "stage"),
    [
        (chat(("rep", "伺服电机的报价您看了吗"), ("customer", "看了 还在比"), ref=REF), Stage.PROPOSAL),
        (dictation("他们新建的冷库确实需要一套温控 需求很明确 约了下周去现场", ref=REF), Stage.INTENT),
        (chat(("customer", "想看看样品 你下周带过来"), ref=REF), Stage.INTENT),
        (dictation("那批叉车没拿下 选了别家", ref=REF), Stage.LOST),
        (chat(("customer", "评标结果出来了 你们没有入围"), ref=REF), Stage.LOST),
        (dictation("集团统一采购 换成了华远的系统 明年就不用我们的了", ref=REF), Stage.LOST),
        # a part of the design swapped for another is no rival chosen
        (chat(("customer", "输送线换成了滚筒式的 你们改一下方案再发"), ref=REF), Stage.PROPOSAL),
        (
            chat(("customer", "[文件] 采购合同-盖章版.pdf"), ("customer", "合同盖章版扫描件发你了"), ref=REF),
            Stage.WON,
        ),
    ],
)
def test_more_stage_classes_in_chinese(interaction, stage: Stage) -> None:  # type: ignore[no-untyped-def]
    assert extract(interaction).stage is stage


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("下周二第一批货 我跟调度去现场盯一下装车", date(2026, 5, 26)),
        ("夏礼拜五发货 到时候我跟一下物流", date(2026, 5, 29)),
        # the next clause has its own day: it is its own action
        ("月底合同到期 我说两周内带样品过去", date(2026, 6, 3)),
    ],
)
def test_a_day_then_the_reps_action_on_it(text: str, due: date) -> None:
    assert extract(dictation(text, ref=REF)).next_follow_up_date == due


def test_on_a_call_today_is_the_call_itself_unless_later_today() -> None:
    talk = call(
        (0, 6, "rep", "今天想跟您细聊一下仓库的情况"),
        (7, 20, "customer", "行 你说"),
        (21, 30, "rep", "那下周二我带工程师过去看看"),
        (31, 33, "customer", "下周二可以"),
        ref=REF,
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 26)
    tonight = call((0, 6, "rep", "我今天晚上把报价单发您微信"), (7, 9, "customer", "好的"), ref=REF)
    assert extract(tonight).next_follow_up_date == date(2026, 5, 20)


def test_an_hour_beside_a_named_day_is_that_days_hour() -> None:
    note = chat(("rep", "Kickoff call Tuesday?"), ("customer", "Tuesday works, 11am."), ref=REF)
    assert extract(note).next_follow_up_date == date(2026, 5, 26)


@pytest.mark.parametrize(
    "text",
    ["Our finance director wants to see the payback first.", "The contract was signed by our MD on Friday."],
)
def test_a_director_or_managing_director_is_a_decision_maker(text: str) -> None:
    from copilot.domain import Signal

    signals = {s.signal for s in extract(chat(("customer", text), ref=REF)).signals}
    assert Signal.DECISION_MAKER in signals


def test_a_sign_off_or_a_cost_line_over_budget_negotiates_nothing() -> None:
    note = chat(
        ("customer", "Scrap is our problem. Our GM would sign off on any tool."),
        ("customer", "My boss asks why the energy line is over budget every month."),
        ref=REF,
    )
    assert extract(note).stage is not Stage.NEGOTIATION
    offer = chat(("customer", "3.2M is over our budget."), ref=REF)
    assert extract(offer).stage is Stage.NEGOTIATION


def test_equipment_failures_are_pain_talk() -> None:
    note = chat(
        ("customer", "Two moulds cracked last quarter and the press broke down twice."),
        ("rep", "Could we do a video call Tuesday?"),
        ("customer", "Tuesday works."),
        ref=REF,
    )
    fields = extract(note)
    assert fields.quality.pain_evidence and fields.stage is Stage.INTENT


def test_the_summary_keeps_the_clause_naming_what_the_deal_document_is_for() -> None:
    note = chat(
        ("customer", "钱总 贴牌加工合同我们看了 定金四成太多了 能不能两成 尾款要月结九十天"),
        ("rep", "周总 合作这么久了 定金三成可以考虑 月结九十天有点长 我们一般是六十天"),
        ("customer", "那就六十天 但是要开专票"),
        ("rep", "好的 发票没问题 那合同这两处我们改一下"),
        ("customer", "你们改好发过来 我这边下周一前把盖章流程走完"),
        ref=REF,
    )
    assert "贴牌" in extract(note).summary


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("The service agreement is stamped by both sides, please send the invoice.", Stage.WON),
        ("Units shipped this morning, tracking number in your inbox.", Stage.WON),
        ("Not for us. Please take me off your list.", Stage.LOST),
        ("Bid result: you ranked second, the order goes to another supplier.", Stage.LOST),
    ],
)
def test_english_outcomes_as_classes(text: str, stage: Stage) -> None:
    assert extract(chat(("customer", text), ref=REF)).stage is stage


def test_goods_to_be_shipped_later_are_no_sale_yet() -> None:
    assert (
        extract(chat(("customer", "Can the machine be shipped by Friday if we order?"), ref=REF)).stage
        is not Stage.WON
    )


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (dictation("they found us through a trade directory listing years ago", ref=REF), Channel.OTHER),
        (
            chat(
                ("customer", "We came to you through Harbourline Automation, they are in the next meeting."),
                ref=REF,
            ),
            Channel.PARTNER,
        ),
        (
            call(
                (0, 5, "rep", "Hello, could I speak to whoever looks after the boilers?"),
                (6, 8, "customer", "That's Jo, she's out today."),
                ref=REF,
            ),
            Channel.COLD_OUTREACH,
        ),
    ],
)
def test_english_origins_as_classes(interaction, channel: Channel) -> None:  # type: ignore[no-untyped-def]
    assert extract(interaction).source_channel == channel
