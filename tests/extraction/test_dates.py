"""First-contact and follow-up dates: which time expression means what."""

from __future__ import annotations

from datetime import date

from copilot.domain import CustomerContext
from tests.extraction.builders import chat, dictation, extract

REF = "2026-03-05T10:20:00+08:00"  # a Thursday


def test_follow_up_is_the_agreed_action_not_any_date() -> None:
    text = "开标是3月19号 家具必须3月10号前到位 我答应下周三前把技术偏离表发给孙老师确认"
    fields = extract(dictation(text, ref=REF))
    assert fields.next_follow_up_date == date(2026, 3, 11)
    assert "偏离表" in fields.evidence["next_follow_up_date"].quote


def test_rep_commitment_beats_customer_deadline() -> None:
    text = "对方说月底前要把合同定下来 我们法务下周二前给修改意见"
    assert extract(dictation(text, ref=REF)).next_follow_up_date == date(2026, 3, 10)


def test_vague_or_absent_follow_up_is_null() -> None:
    for text in ("她让我过几天再联系", "那就先保持联系吧", "今天去拜访了王总 聊得不错"):
        assert extract(dictation(text, ref=REF)).next_follow_up_date is None, text


def test_first_contact_stated_in_the_input_wins_over_crm() -> None:
    text = "这家是上个月12号在深圳工博会上认识的 今天去了他们工厂"
    fields = extract(dictation(text, ref=REF), CustomerContext(known_first_contact_date=date(2026, 2, 27)))
    assert fields.first_contact_date == date(2026, 2, 12)
    assert "认识" in fields.evidence["first_contact_date"].quote


def test_first_contact_from_crm_then_today() -> None:
    crm = extract(
        dictation("今天去了他们工厂", ref=REF), CustomerContext(known_first_contact_date=date(2026, 1, 2))
    )
    assert crm.first_contact_date == date(2026, 1, 2) and crm.provenance["first_contact_date"] == "crm"
    today = extract(dictation("今天第一次联系 她是看到官网留言的", ref=REF))
    assert today.first_contact_date == date(2026, 3, 5)
    assert today.provenance["first_contact_date"] == "interaction_date"
    inbound = extract(chat(("customer", "你好 我在小红书上看到你们的帖子 想了解一下"), ref=REF))
    assert inbound.first_contact_date == date(2026, 3, 5)


def test_first_contact_not_invented() -> None:
    assert extract(dictation("今天是第二次去 见了院长", ref=REF)).first_contact_date is None
    assert extract(dictation("上个月在电子展上聊过", ref=REF)).first_contact_date is None  # no day given


def test_the_reps_own_dated_plan_is_the_next_follow_up() -> None:
    # REF is Thursday 2026-03-05
    plan = "今天去现场答疑了 他们要求投标文件月底之前交 我这周六再去找设备科的刘科长确认一下参数"
    assert extract(dictation(plan, ref=REF)).next_follow_up_date == date(2026, 3, 7)
    assert extract(
        dictation("I'll come back to you Monday with the numbers", ref=REF)
    ).next_follow_up_date == (date(2026, 3, 9))
    said_before_subject = chat(("customer", "能不能再优惠点"), ("rep", "下周二我把优惠后的报价发您"), ref=REF)
    assert extract(said_before_subject).next_follow_up_date == date(2026, 3, 10)


def test_unpunctuated_voice_notes_split_into_actions() -> None:
    text = "他们说那月底前定下来就下单我后天把修改后的合同条款发给他们"
    assert extract(dictation(text, ref=REF)).next_follow_up_date == date(2026, 3, 7)


def test_a_time_taken_back_is_not_the_follow_up() -> None:
    text = "我说周一不对周二带测算表再过来"
    assert extract(dictation(text, ref=REF)).next_follow_up_date == date(2026, 3, 10)


def test_a_year_is_a_horizon_not_a_due_date() -> None:
    text = "他说明年要换系统 让我下周四带个演示环境过去"
    assert extract(dictation(text, ref=REF)).next_follow_up_date == date(2026, 3, 12)


def test_a_time_alone_between_commas_reads_with_its_neighbours() -> None:
    text = "他们确实想换系统，我们约了，下周三，给他们做个演示。"
    assert extract(dictation(text, ref=REF)).next_follow_up_date == date(2026, 3, 11)


def _timed_chat(ref: str, *messages: tuple[str, str, str]) -> object:
    from datetime import datetime

    from copilot.followups.interactions import build_interaction

    msgs = [{"at": at, "from": who, "text": text} for at, who, text in messages]
    return build_interaction({"kind": "chat", "messages": msgs}, datetime.fromisoformat(ref))


def test_a_chat_message_times_are_read_from_when_it_was_sent() -> None:
    from copilot.domain import Interaction

    talk = _timed_chat(
        "2026-03-12T19:00:00+08:00",
        ("2026-03-06T10:00:00+08:00", "rep", "收到款了，明天发顺丰"),  # that tomorrow is long past
        ("2026-03-07T10:00:00+08:00", "rep", "已发货，单号SF1520"),
        ("2026-03-12T18:00:00+08:00", "rep", "下周二我上门给您装好，顺便培训"),
    )
    assert isinstance(talk, Interaction)
    assert extract(talk).next_follow_up_date == date(2026, 3, 17)


def test_a_chat_opening_with_an_introduction_dates_the_first_contact() -> None:
    from copilot.domain import Interaction

    talk = _timed_chat(
        "2026-05-14T20:00:00+08:00",
        (
            "2026-05-11T10:00:00+08:00",
            "rep",
            "吴总您好，我是帆数ERP的郑楠，刚才冒昧给您打了个电话，加您微信发下资料",
        ),
        ("2026-05-11T10:05:00+08:00", "customer", "你好"),
        ("2026-05-14T19:00:00+08:00", "customer", "资料看了，下周再聊"),
    )
    assert isinstance(talk, Interaction)
    assert extract(talk).first_contact_date == date(2026, 5, 11)
    again = _timed_chat(
        "2026-05-14T20:00:00+08:00",
        ("2026-05-11T10:00:00+08:00", "rep", "吴总您好，我是帆数ERP的郑楠，上次展会上聊过，冒昧加您微信"),
    )
    assert isinstance(again, Interaction)
    assert extract(again).first_contact_date is None  # an earlier contact, date unknown
