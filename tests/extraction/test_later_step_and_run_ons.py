"""Next follow-up and first contact, four mechanisms. Something done today followed by a later dated
step ('合同草稿今天发您，下周一我过去') leaves the later step as the next follow-up, unless the
today-promise came last. "以后" right after a clock time bounds the hour ('两点以后') and is no vague
"some day". An English dictation with no punctuation is cut into actions at each new subject, so
"we fixed a site survey on Friday" is read on its own. A day of the month spelled out after a date
word ('on the twelfth') is a day; "no wait" between two days keeps the second as the first contact.
A thousands comma ('$12,000') no longer ends a clause. The wording is this file's own. Without the
change, every case of the first three tests fails, and so do the spelled-day test and the summary
cut at a contracted subject ("they're", "we've"). Two more: a day of the month alone in an English plan
that has already passed this month ("I'll ring you on the 11th" said on the 30th) is next month's;
"有空…吗" asking whether the customer is free on a day proposes that day instead of being "when
free". Each of the last two tests fails without its change."""

from __future__ import annotations

from datetime import date

from copilot.nlp.times import find_times
from tests.extraction.builders import chat, dictation, extract, timed_chat

REF = "2026-05-20T10:00:00+08:00"  # a Wednesday
EN_REF = "2026-11-03T12:30:00+00:00"  # a Tuesday


def test_a_later_step_after_an_errand_for_today_is_the_next_follow_up() -> None:
    found = extract(
        timed_chat(
            ("2026-05-20T09:00:00+08:00", "customer", "合同条款法务看过了，你把盖章版寄过来吧"),
            ("2026-05-20T09:10:00+08:00", "rep", "好的，合同我今天寄出，下周二我带实施顾问过去开启动会"),
            ("2026-05-20T09:12:00+08:00", "customer", "行"),
            ref=REF,
        )
    )
    assert found.next_follow_up_date == date(2026, 5, 26)
    # ... but a promise for today said last is the next thing due
    found = extract(
        chat(
            ("customer", "90 days is fine if you confirm today. We'd sign tomorrow then."),
            ("rep", "Checking with finance now, will confirm by 5pm today."),
            ref="2026-05-20T10:00:00-04:00",
        )
    )
    assert found.next_follow_up_date == date(2026, 5, 20)


def test_after_a_clock_time_is_still_that_day() -> None:
    found = extract(
        chat(
            ("customer", "王经理这两天出差，你下周四下午三点以后打给他吧"),
            ("rep", "好的，那我下周四下午三点以后再打过去"),
            ref=REF,
        )
    )
    assert found.next_follow_up_date == date(2026, 5, 28)


def test_an_unpunctuated_english_dictation_is_read_action_by_action() -> None:
    text = (
        "call with the plant manager at a bottling firm he talked a long time about the compressors "
        "tripping every afternoon and the power bill going up I asked about their shift pattern the "
        "floor space and who signs off he said the owner decides anything over fifty thousand we "
        "booked a site survey on Friday"
    )
    assert extract(dictation(text, ref=EN_REF)).next_follow_up_date == date(2026, 11, 6)


def test_a_spelled_out_day_of_the_month_after_a_date_word() -> None:
    now = __import__("datetime").datetime(2026, 11, 3, 12, 0)
    spans = {("on the twelfth", date(2026, 11, 12)), ("by the eighteenth", date(2026, 11, 18))}
    for text, due in spans:
        found = find_times(f"I'm visiting their depot {text}", now)
        assert [(m.span.due) for m in found] == [due]
    # ordinals that count something are no day
    assert find_times("the fifth option suits them best", now) == []
    assert find_times("meet me on the second floor", now) == []


def test_a_corrected_first_contact_day_and_a_thousands_comma() -> None:
    text = (
        "met their buyer at the packaging expo on the ninth no wait the tenth of October "
        "today I sent the quote"
    )
    assert extract(dictation(text, ref=EN_REF)).first_contact_date == date(2026, 10, 10)
    text = "first contact was October 14th actually and today they asked for a quote"
    assert extract(dictation(text, ref=EN_REF)).first_contact_date == date(2026, 10, 14)
    found = extract(chat(("customer", "Down payment of $12,000 was wired this morning."), ref=EN_REF))
    assert found.evidence["stage"].quote == "Down payment of $12,000 was wired"


def test_a_summary_cuts_an_english_run_on_at_a_contracted_subject() -> None:
    from copilot.domain import Speaker
    from copilot.extraction.summary import _cut_run_on
    from copilot.extraction.text import Clause

    text = (
        "the clinic sent the purchase order this afternoon for two scanners they're paying on "
        "thirty day terms after installation we've pencilled the install for the twentieth"
    )
    parts = [p.text for p in _cut_run_on(Clause(0, len(text), text, 0, Speaker.REP, 0), zh=False)]
    assert parts[0] == "the clinic sent the purchase order this afternoon for two scanners"
    assert parts[1].startswith("they're paying") and parts[2].startswith("we've pencilled")


def test_a_past_day_of_the_month_in_a_plan_is_next_month() -> None:
    found = extract(
        chat(
            ("customer", "Deposit's gone through."),
            ("rep", "Thanks! I'll ring you on the 11th to confirm access for the van."),
            ref="2026-04-30T16:00:00+01:00",
        )
    )
    assert found.next_follow_up_date == date(2026, 5, 11)


def test_asking_whether_the_customer_is_free_on_a_day_proposes_that_day() -> None:
    found = extract(
        chat(
            ("rep", "您下周一下午有空来我们展厅看看样机吗？"),
            ("customer", "下周一下午可以，三点吧"),
            ref=REF,
        )
    )
    assert found.next_follow_up_date == date(2026, 5, 25)
