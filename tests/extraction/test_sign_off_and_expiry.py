"""A call that ends "好 那先这样" has still agreed what it agreed: the sign-off cancels no dated step.
A day a term runs out (合同月底到期) is no follow-up. The wording is this file's own; both cases fail
without the change."""

from __future__ import annotations

from datetime import date

from tests.extraction.builders import call, extract

# the builders' reference day is Wednesday 20 May 2026


def test_a_sign_off_keeps_the_agreed_step() -> None:
    talk = call(
        (0, 10, "customer", "方案我们看过了 下周一你们带工程师过来再对一下细节"),
        (10, 15, "rep", "好的 下周一上午到"),
        (15, 20, "rep", "好 那先这样 谢谢您"),
        (20, 22, "customer", "好 再见"),
    )
    assert extract(talk).next_follow_up_date == date(2026, 5, 25)


def test_a_term_running_out_is_no_follow_up() -> None:
    talk = call(
        (0, 10, "rep", "王经理 我们的保洁外包合同这个月底到期 续约的事想跟您确认一下"),
        (10, 20, "customer", "不续了 已经换了一家本地的"),
    )
    assert extract(talk).next_follow_up_date is None
