"""First contact: 'the first time' with any verb of contact (第一次聊, 第一次通电话, 这是第一次去) or
"I don't think we've spoken before" makes this interaction the first contact, when the CRM knows
none. A first meeting said to have been elsewhere stays what the text dates it to. The notes are
this file's own; the first three tests fail without the change."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import call, dictation, extract

EN_REF = "2026-06-25T11:00:00+01:00"


def test_first_chat_said_without_today_beside_it() -> None:
    note = "知乎 上 看到 我们 文章 的 一个 设计院 的 人 今天 私信 加了 微信 第一次 聊 问了问 软件 的 版本"
    assert extract(dictation(note)).first_contact_date == date(2026, 5, 20)


def test_first_visit_to_a_shop() -> None:
    note = "今天下午扫街 进了一家连锁超市的城南店 这是第一次去 店长说监控都是总部统一采购 我下周给总部打电话"
    assert extract(dictation(note)).first_contact_date == date(2026, 5, 20)


def test_i_dont_think_we_have_spoken_before() -> None:
    talk = call(
        (
            0.0,
            6.0,
            "rep",
            "Hi, is that Megan? This is Tom from Brightside Facilities, I don't think we've spoken before.",
        ),
        (6.0, 9.0, "customer", "No, I don't think so. Go on."),
        (9.0, 20.0, "rep", "We look after cleaning for offices around Leeds. Can I send you our rates?"),
        (20.0, 23.0, "customer", "Send them over, I'll have a look."),
        ref=EN_REF,
    )
    assert extract(talk).first_contact_date == date(2026, 6, 25)


def test_a_first_meeting_said_to_be_earlier_is_not_today() -> None:
    note = "第一次通电话是在三月份 今天又聊了一次 他们说下个月定"
    assert extract(dictation(note)).first_contact_date != date(2026, 5, 20)
