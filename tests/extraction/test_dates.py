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
