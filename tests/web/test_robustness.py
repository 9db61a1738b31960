"""What a real rep, customer or attacker does to the workspace: stale forms, second tabs, long
text with line breaks, double clicks, cross-site posts, markup in a comment."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.runtime import Runtime
from api.web.throttle import SignInThrottle
from copilot.clock import FixedClock
from copilot.rhythm.outbox import add_webhook
from copilot.store.models import Activity, Customer, OutboxMessage, ShareFeedback
from tests.conftest import NOW, Org
from tests.web.conftest import Browser, csrf_of, give_d1_a_contract, hidden_fields, input_value

NOTE = "今天跟孙厂长聊了价格，他说要分三期付款，我周四带技术去车间看一下"


def _review(web: Browser, text: str = NOTE, customer: str = "c1") -> str:
    r = web.post("/app/followups/preview", {"csrf": web.csrf(), "customer": customer, "text": text})
    assert r.status_code == 200, r.text
    return str(r.text)


def _confirm_form(page: str, **changes: str) -> dict[str, str]:
    form = hidden_fields(page)
    for name in ("first_contact_date", "next_follow_up_date", "summary"):
        form[name] = input_value(page, name)
    form.update(stage="negotiation", **changes)
    return form


def test_a_form_opened_before_signing_in_again_still_posts(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    token = web.csrf()
    web.sign_in(acme.keys["r1"])  # a second tab signs in: a new cookie
    r = web.post("/app/followups/preview", {"csrf": token, "customer": "c1", "text": NOTE})
    assert r.status_code == 200


def test_a_tampered_or_stale_review_is_refused_with_a_page(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    form = _confirm_form(_review(web))
    for bad in ({"payload": "null"}, {"payload": "{"}, {"reference_time": "2020-01-01T00:00:00+00:00"}):
        r = web.client.post("/app/followups/confirm", data={**form, **bad}, follow_redirects=False)
        assert r.status_code == 422 and "<html" in r.text, bad


def test_corrections_survive_a_refused_save(web: Browser, runtime: Runtime, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    form = _confirm_form(_review(web), summary="   ", next_follow_up_date="2026-05-29")
    r = web.client.post("/app/followups/confirm", data=form, follow_redirects=False)
    assert r.status_code == 422 and 'id="error"' in r.text
    assert input_value(r.text, "next_follow_up_date") == "2026-05-29"  # the rep's correction is back
    with runtime.sessions() as s:  # and the note itself was stored
        assert s.scalar(select(Activity.id).where(Activity.text.contains("孙厂长聊了价格"))) is not None


def test_confirming_twice_stores_one_reading(web: Browser, runtime: Runtime, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    form = _confirm_form(_review(web), summary="孙厂长谈分三期付款")
    first = web.client.post("/app/followups/confirm", data=form, follow_redirects=False)
    web.client.post("/app/followups/confirm", data=form, follow_redirects=False)
    followup_id = first.headers["location"].split("/app/followups/")[1].split("?")[0]
    with runtime.sessions() as s:
        activity = s.scalar(select(Activity).where(Activity.external_id == followup_id))
        assert activity is not None and [e.engine for e in activity.extractions] == ["offline", "rep"]


def test_correcting_an_older_note_does_not_move_the_next_follow_up_back(
    web: Browser, runtime: Runtime, acme: Org
) -> None:
    web.sign_in(acme.keys["r1"])
    older = (
        web.client.post("/app/followups/confirm", data=_confirm_form(_review(web)), follow_redirects=False)
        .headers["location"]
        .split("/app/followups/")[1]
        .split("?")[0]
    )
    with runtime.sessions.begin() as s:  # a later interaction sets the date
        activity = s.scalar(select(Activity).where(Activity.external_id == older))
        assert activity is not None
        activity.at = activity.at.replace(year=2026, month=5, day=1)
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.external_id == "c1"))
        assert customer is not None
        customer.next_follow_up_date = NOW.date().replace(day=28)
    page = web.get(f"/app/followups/{older}").text
    form = {"csrf": csrf_of(page), "summary": "改一下旧记录", "next_follow_up_date": "2026-05-22"}
    assert web.post(f"/app/followups/{older}/confirm", form).status_code == 303
    with runtime.sessions() as s:
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.external_id == "c1"))
        assert customer is not None and str(customer.next_follow_up_date) == "2026-05-28"


def test_line_breaks_count_once_in_a_call_summary(web: Browser, runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.external_id == "c1"))
        assert customer is not None
        call = Activity(org_id=acme.id, external_id="call-7", customer_id=customer.id, deal_id=None)
        call.at, call.kind, call.text, call.status = NOW, "call", "通话", "recorded"
        call.input_kind, call.raw_input, call.created_at = None, None, NOW
        s.add(call)
    web.sign_in(acme.keys["r1"])
    summary = "谈了价格\r\n" * 50  # 250 characters in the browser, 300 as posted
    r = web.post("/app/calls/call-7", {"csrf": web.csrf(), "stage": "proposal", "summary": summary})
    assert r.status_code == 303


def test_chat_lines_under_the_reps_own_name_are_the_reps(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    chat = "周工 09:10\n报价能便宜点吗？\n张伟 09:12\n我明天发新的方案给您"
    r = web.post(
        "/app/followups/preview", {"csrf": web.csrf(), "customer": "c1", "kind": "chat", "text": chat}
    )
    assert r.status_code == 200, r.text
    assert '"from": "rep", "name": "张伟"' in hidden_fields(r.text)["payload"]


def test_a_cross_site_sign_in_is_refused(web: Browser, acme: Org) -> None:
    r = web.client.post(
        "/app/login",
        data={"key": acme.keys["r1"], "next": "/app"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "set-cookie" not in r.headers


def test_share_links_use_the_public_address_and_answers_are_kept_once_and_plain(
    web: Browser, client: object, runtime: Runtime, acme: Org
) -> None:
    give_d1_a_contract(client, acme)  # type: ignore[arg-type]
    with runtime.sessions.begin() as s:
        add_webhook(
            s,
            acme.id,
            name="t",
            kind="wecom",
            url="http://127.0.0.1:9/h",
            jobs=["alerts"],
            secret=None,
            now=NOW,
        )
    web.sign_in(acme.keys["r1"])
    page = web.post("/app/deals/d1/share", {"csrf": web.csrf()}, headers={"Host": "evil.example"}).text
    assert "evil.example" not in page and runtime.settings.public_url in page
    token = page.split("/c/")[1].split('"')[0]
    comment = "[点此查看新报价](http://phish.example)"
    for _ in range(3):  # a double click and a reload
        web.post(f"/c/{token}/items/0", {"status": "needs_adjustment", "comment": comment})
    with runtime.sessions() as s:
        assert len(s.scalars(select(ShareFeedback)).all()) == 1
        [message] = s.scalars(select(OutboxMessage)).all()
        assert "](http://phish.example)" not in message.payload["markdown"]["content"]


def test_a_brief_far_in_the_past_is_refused_not_a_crash(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["supervisor"])
    assert web.get("/app/brief?day=0001-01-01").status_code == 422
    assert web.get("/app/patrol?day=0001-01-01").status_code == 422


def test_guessing_keys_is_slowed_per_address(web: Browser, runtime: Runtime, acme: Org) -> None:
    for i in range(10):
        assert web.sign_in(f"cpk_guess_{i}").status_code == 401
    # the eleventh try from the same address waits, even with a good key (no reset by a valid key)
    blocked = web.sign_in(acme.keys["r1"])
    assert blocked.status_code == 429 and "set-cookie" not in blocked.headers and "十分钟" in blocked.text
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    clock.at += timedelta(minutes=11)  # the window has passed
    assert web.sign_in(acme.keys["r1"]).status_code == 303


def test_the_throttle_counts_each_address_apart() -> None:
    throttle = SignInThrottle(window=timedelta(minutes=10), max_failures=2)
    at = NOW
    throttle.failed("10.0.0.1", at)
    throttle.failed("10.0.0.1", at)
    assert throttle.blocked("10.0.0.1", at) and not throttle.blocked("10.0.0.2", at)
    assert not throttle.blocked("10.0.0.1", at + timedelta(minutes=10))
