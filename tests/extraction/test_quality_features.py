"""Quality features: discovery questions, pain time by input kind, next step vs. vague promises."""

from __future__ import annotations

from tests.extraction.builders import call, chat, dictation, extract


def test_reported_questions_are_counted_until_the_answer() -> None:
    text = "我问了他们总共要多少个工位 预计几月份搬 预算大概多少 行政经理说一百二十个工位 她让我过几天再联系"
    q = extract(dictation(text)).quality.discovery_questions
    assert [e.quote for e in q] == ["问了他们总共要多少个工位", "预计几月份搬", "预算大概多少"]
    en = "today I asked how many samples they run a day, what's breaking and who signs off. she said ok"
    assert len(extract(dictation(en)).quality.discovery_questions) == 3


def test_chat_questions_exclude_logistics_and_identity_checks() -> None:
    it = chat(
        ("rep", "您好 请问是行政部的沈经理吗 方便聊几分钟吗"),
        ("rep", "咱们公司现在大概多少人？近期有没有搬迁的计划？"),
        ("rep", "明天下午3点我给您演示一下可以吗？"),
    )
    assert len(extract(it).quality.discovery_questions) == 2
    en = chat(
        ("rep", "Is this Dr. Osei? How many samples a week, and are there new programs? Want to come by?")
    )
    assert len(extract(en).quality.discovery_questions) == 2


def test_pain_time_for_calls_is_the_customer_problem_segments() -> None:
    it = call(
        (0, 5, "rep", "最近产线的情况怎么样？"),
        (5, 150, "customer", "伺服老是报警停机，一停线就是大半天，返工成本很高，很头疼"),
        (150, 200, "customer", "好的 那你们下周来吧"),
    )
    quality = extract(it).quality
    assert quality.pain_seconds == 145.0 and quality.pain_measured


def test_pain_time_for_chats_is_estimated_from_reading_speed() -> None:
    problem = "对账很头疼" + "数据老是对不上" * 57  # 5 + 399 Han characters
    seconds = extract(chat(("customer", problem))).quality.pain_seconds
    assert abs(seconds - (404 / 200 * 60)) < 0.2
    assert not extract(chat(("customer", problem))).quality.pain_measured


def test_pain_time_for_dictation_is_what_the_rep_reports() -> None:
    assert extract(dictation("客户讲了十来分钟电费太高的问题")).quality.pain_seconds == 600
    assert extract(dictation("讲了有五六分钟 老设备经常漏液")).quality.pain_seconds == 300
    # the whole meeting is not pain talk; no mention is zero
    assert extract(dictation("跟刘院长聊了一个多小时 主要谈价格")).quality.pain_seconds == 0
    assert extract(dictation("今天见了王总 聊了合同")).quality.pain_seconds == 0
    en = "she talked for like four or five minutes about payroll errors"
    assert extract(dictation(en)).quality.pain_seconds == 240


def test_next_step_needs_a_time_or_an_owner_not_a_vague_promise() -> None:
    assert extract(dictation("约了下周二带样机过去现场测")).quality.next_step is not None
    assert extract(dictation("我回去会准备方案发给他")).quality.next_step is not None
    for vague in (
        "那就先保持联系吧",
        "她让我过几天再联系",
        "回头再打给她吧",
        "he'll let me know if anything changes",
    ):
        assert extract(dictation(vague)).quality.next_step is None, vague
