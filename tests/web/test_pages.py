"""The workspace's pages over HTTP: sign-in, scope, the follow-up form with corrections, the
customer's file, the brief and the ask box (the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.runtime import Runtime
from copilot.access import authenticate, revoke_api_key
from copilot.store.models import Activity, Correction, Customer, Deal
from tests.conftest import NOW, Org
from tests.web.conftest import Browser, csrf_of, give_d1_a_contract, hidden_fields, input_value, selected

NOTE = "今天跟孙厂长聊了价格，他说要分三期付款，下周三前给答复，我周四带技术去车间看一下"


def test_a_page_sends_strangers_to_sign_in_and_back(web: Browser, acme: Org) -> None:
    r = web.get("/app/customers/c1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/login?next=%2Fapp%2Fcustomers%2Fc1"
    r = web.sign_in(acme.keys["r1"], "/app/customers/c1")
    assert r.status_code == 303 and r.headers["location"] == "/app/customers/c1"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert acme.keys["r1"] not in cookie  # the cookie names the key, never holds it
    page = web.get("/app/customers/c1")
    assert page.status_code == 200 and "苏州恒远" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_only_people_with_valid_keys_sign_in(web: Browser, acme: Org) -> None:
    bad = web.sign_in("cpk_not-a-key")
    assert bad.status_code == 401 and 'role="alert"' in bad.text
    machine = web.sign_in(acme.keys["integration"])
    assert machine.status_code == 403 and "集成密钥" in machine.text
    # a redirect target outside the workspace is ignored (no open redirect)
    r = web.sign_in(acme.keys["r1"], "https://evil.example/x")
    assert r.headers["location"] == "/app"


def test_a_revoked_key_ends_its_sessions(web: Browser, runtime: Runtime, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    assert web.get("/app/customers").status_code == 200
    with runtime.sessions.begin() as s:
        key_id = authenticate(s, acme.keys["r1"], now=NOW).key_id
        revoke_api_key(s, key_id, now=NOW, org_id=acme.id, actor="test")
    r = web.get("/app/customers", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")


def test_posts_without_the_session_token_are_refused(web: Browser, runtime: Runtime, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    r = web.post(
        "/app/followups/preview", {"csrf": "forged", "customer": "c1", "kind": "dictation", "text": NOTE}
    )
    assert r.status_code == 403 and "<html" in r.text
    r = web.post("/app/logout", {"csrf": ""})
    assert r.status_code == 403  # not signed out by a cross-site post
    r = web.post("/app/logout", {"csrf": web.csrf()})
    assert r.status_code == 303 and web.get("/app/customers", follow_redirects=False).status_code == 303


def test_a_rep_sees_only_their_own_customers(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    listing = web.get("/app/customers").text
    assert "苏州恒远" in listing
    other = web.get("/app/customers/c3")
    assert other.status_code == 404 and "<html" in other.text and "c3" in other.text
    assert web.get("/app/brief").status_code == 403
    form = web.get("/app/followups/new").text
    assert 'value="c1"' in form and 'value="c3"' not in form
    assert web.get("/app", follow_redirects=False).headers["location"] == "/app/followups/new"


def test_the_note_is_read_then_corrected_and_confirmed(web: Browser, runtime: Runtime, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    token = csrf_of(web.get("/app/followups/new?customer=c1").text)
    review = web.post(
        "/app/followups/preview", {"csrf": token, "customer": "c1", "kind": "dictation", "text": NOTE}
    )
    assert review.status_code == 200, review.text
    page = review.text
    # pre-filled, each with its evidence marked in the text
    assert input_value(page, "next_follow_up_date") == "2026-05-21"  # 周四 after Wednesday 2026-05-20
    assert re.search(r'<mark[^>]*data-keys="[^"]*next_follow_up_date[^"]*">[^<]*周四', page)
    assert re.search(r'<mark[^>]*data-keys="[^"]*sig:payment[^"]*">', page)
    assert 'id="s-price" name="signals" value="price" checked' in page
    with runtime.sessions() as s:
        assert (
            s.scalar(select(Activity).where(Activity.text.contains("孙厂长聊了价格"))) is None
        )  # nothing stored yet

    form = hidden_fields(page)
    form.update(
        source_channel=selected(page, "source_channel") or "",
        first_contact_date=input_value(page, "first_contact_date"),
        stage="negotiation",
        summary="孙厂长谈价格和分三期付款，周四带技术看车间",
        next_follow_up_date="2026-05-27",  # the rep corrects the date
        q_next_step="1",
    )
    r = web.client.post(
        "/app/followups/confirm",
        data={**form, "signals": ["price", "payment", "decision_maker"]},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    followup_id = r.headers["location"].split("/app/followups/")[1].split("?")[0]
    again = web.client.post(
        "/app/followups/confirm", data={**form, "signals": ["price"]}, follow_redirects=False
    )
    assert again.headers["location"].startswith(
        f"/app/followups/{followup_id}"
    )  # a double post: one follow-up

    with runtime.sessions() as s:
        activity = s.scalar(select(Activity).where(Activity.external_id == followup_id))
        assert activity is not None and [e.engine for e in activity.extractions][-1] == "rep"
        engine_reading = activity.extractions[0]
        fixes = {
            c.field: c for c in s.scalars(select(Correction).where(Correction.activity_id == activity.id))
        }
        customer = s.scalar(select(Customer).where(Customer.external_id == "c1"))
        deal = s.scalar(select(Deal).where(Deal.external_id == "d1"))
    assert engine_reading.fields["next_follow_up_date"] == "2026-05-21"  # the engine's reading is kept
    assert fixes["next_follow_up_date"].original == "2026-05-21"
    assert fixes["next_follow_up_date"].corrected == "2026-05-27"
    assert "summary" in fixes
    assert customer is not None and str(customer.next_follow_up_date) == "2026-05-27"
    assert deal is not None and deal.stage == "negotiation"

    view = web.get(f"/app/followups/{followup_id}?saved=1&corrected={len(fixes)}")
    assert view.status_code == 200 and 'id="saved"' in view.text
    assert input_value(view.text, "next_follow_up_date") == "2026-05-27"


def test_a_pasted_chat_export_is_read_as_a_chat(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    chat = "周工 2026-05-20 09:10\n你们的报价能再便宜点吗？\n我 2026-05-20 09:12\n我明天把优惠方案发您"
    r = web.post(
        "/app/followups/preview",
        {"csrf": web.csrf(), "customer": "c1", "kind": "chat", "text": chat},
    )
    assert r.status_code == 200, r.text
    assert '"kind": "chat"' in hidden_fields(r.text)["payload"]
    assert input_value(r.text, "next_follow_up_date") == "2026-05-21"


def test_bad_notes_get_the_form_back_with_the_reason(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    empty = web.post("/app/followups/preview", {"csrf": web.csrf(), "customer": "c1", "text": "  "})
    assert empty.status_code == 422 and "内容是空的" in empty.text  # in the rep's language
    outside = web.post("/app/followups/preview", {"csrf": web.csrf(), "customer": "c3", "text": NOTE})
    assert outside.status_code == 404 and NOTE in outside.text  # the note is not lost
    chat = web.post(
        "/app/followups/preview", {"csrf": web.csrf(), "customer": "c1", "kind": "chat", "text": "hello"}
    )
    assert chat.status_code == 422 and "没有发言人" in chat.text
    web.get("/app/lang/en?next=/app")
    chat = web.post(
        "/app/followups/preview", {"csrf": web.csrf(), "customer": "c1", "kind": "chat", "text": "hello"}
    )
    assert chat.status_code == 422 and "names no speaker" in chat.text and "没有发言人" not in chat.text
    long = web.post("/app/followups/preview", {"csrf": web.csrf(), "customer": "c1", "text": "很长" * 40_000})
    assert long.status_code == 413 and "the limit is" in long.text


def test_a_logged_call_asks_only_for_stage_and_summary(web: Browser, runtime: Runtime, acme: Org) -> None:
    with runtime.sessions.begin() as s:
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.external_id == "c1"))
        assert customer is not None
        call = Activity(org_id=acme.id, external_id="call-9", customer_id=customer.id, deal_id=None)
        call.at, call.kind, call.text, call.status = (
            NOW - timedelta(hours=1),
            "call",
            "通话 6 分钟",
            "recorded",
        )
        call.input_kind, call.raw_input, call.created_at = None, None, NOW
        s.add(call)
    web.sign_in(acme.keys["r1"])
    assert 'href="/app/calls/call-9"' in web.get("/app/followups/new").text
    form = web.get("/app/calls/call-9").text
    assert set(re.findall(r'<(?:select|textarea|input)[^>]*name="(\w+)"', form)) == {
        "csrf",
        "stage",
        "summary",
    }
    r = web.post(
        "/app/calls/call-9", {"csrf": csrf_of(form), "stage": "proposal", "summary": "约了下周演示方案"}
    )
    assert r.status_code == 303
    with runtime.sessions() as s:
        done = s.scalar(select(Activity).where(Activity.external_id == "call-9"))
        assert done is not None and done.status == "extracted"
        assert done.extractions[-1].fields["summary"] == "约了下周演示方案"
    assert 'href="/app/calls/call-9"' not in web.get("/app/followups/new").text
    again = web.post("/app/calls/call-9", {"csrf": csrf_of(form), "stage": "won", "summary": "x"})
    assert again.status_code == 422


def test_the_customer_file_shows_the_diff_the_heat_map_and_next_actions(
    web: Browser, client: TestClient, acme: Org
) -> None:
    give_d1_a_contract(client, acme)
    web.sign_in(acme.keys["supervisor"])
    page = web.get("/app/customers/c1")
    assert page.status_code == 200
    text = page.text
    rows = re.findall(r'<tr class="(differs)?" data-field="(\w+)">', text)
    differing = {field for mark, field in rows if mark}
    assert len(rows) == 12 and {"delivery_period", "warranty_months"} <= differing
    assert "contract_amount" not in differing
    assert 'id="heatmap"' in text and 'id="heat-data"' in text and "/static/vendor/echarts.min.js" in text
    assert "商务谈判" not in text  # the radar belongs to the brief, not the file
    assert "孙厂长" in text and "decision_maker" in text  # the decision chain
    assert "待双签" in text  # the rep's requirement change waits for the solution owner
    day = web.get("/app/customers/c1/day/2026-05-12?role=sales")
    assert day.status_code == 200 and 'href="/app/followups/a1"' in day.text
    assert web.get("/app/customers/c1/day/2020-01-01").status_code == 404


def test_brief_numbers_and_the_ask_box_open_their_records(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["supervisor"])
    brief = web.get("/app/brief")
    assert brief.status_code == 200
    for number in ("new_quality_leads", "overdue_since_yesterday", "health_change"):
        assert f'href="/app/brief/{number}"' in brief.text
        assert web.get(f"/app/brief/{number}").status_code == 200
    assert 'href="/app/risks?rule=stale_customer"' in brief.text
    assert 'data-src="/app/radars?fragment=1"' in brief.text  # the radars load after the numbers
    radars = web.get("/app/radars?fragment=1").text
    assert "<html" not in radars and radars.count('data-radar="') == 2  # r1 and r3 (small pipeline)
    assert "商务谈判" in radars and "negotiation_rounds" in radars  # each score with its inputs
    board = web.get("/app/risks?rule=stale_customer").text
    assert 'href="/app/customers/c1"' in board and 'href="/app/followups/a1"' in board
    answer = web.get("/app/ask", params={"q": "哪些意向以上客户72小时没跟进？"}).text
    assert 'id="answer"' in answer and 'href="/app/customers/c1"' in answer
    assert 'href="/app/followups/a1"' in answer  # the record behind the answer


def test_english_is_one_click_away(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["supervisor"])
    r = web.get("/app/lang/en?next=/app/brief", follow_redirects=False)
    assert r.headers["location"] == "/app/brief"
    page = web.get("/app/brief").text
    assert '<html lang="en">' in page and "Daily brief" in page and "作战简报" not in page
    assert web.get("/app/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/app"


def test_unknown_records_render_a_page_not_json(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    r = web.get("/app/followups/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert (
        web.get("/v1/customers/nope", headers={"X-API-Key": acme.keys["r1"]}).json()["error"] == "not_found"
    )


def test_a_customer_met_for_the_first_time_is_logged_from_the_form(
    web: Browser, runtime: Runtime, acme: Org
) -> None:
    web.sign_in(acme.keys["r1"])
    note = "今天第一次拜访宁波海天，展会上认识的，他们想了解注塑机节能改造，下周二我发方案"
    both = web.post(
        "/app/followups/preview",
        {"csrf": web.csrf(), "customer": "c1", "new_customer": "宁波海天", "text": note},
    )
    assert both.status_code == 422  # one of the two, not both
    review = web.post(
        "/app/followups/preview", {"csrf": web.csrf(), "new_customer": "宁波海天", "text": note}
    )
    assert review.status_code == 200, review.text
    assert selected(review.text, "source_channel") == "trade_show"
    form = hidden_fields(review.text)
    form.update(
        source_channel="trade_show",
        first_contact_date=input_value(review.text, "first_contact_date"),
        stage="intent",
        summary="首次拜访宁波海天，了解注塑机节能改造，下周二发方案",
        next_follow_up_date=input_value(review.text, "next_follow_up_date"),
    )
    r = web.client.post("/app/followups/confirm", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.sessions() as s:
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.name == "宁波海天"))
        assert customer is not None and customer.source_channel == "trade_show"
        cid = customer.external_id
    assert "宁波海天" in web.get(f"/app/customers/{cid}").text  # the rep's own, at once


def test_the_links_in_webhook_messages_open_pages(web: Browser, acme: Org) -> None:
    """The brief, the patrol and the overdue-deal alerts sent to WeCom link to these pages."""
    web.sign_in(acme.keys["supervisor"])
    past = web.get("/app/brief?day=2026-05-19")
    assert past.status_code == 200 and "2026-05-19" in past.text
    patrol = web.get("/app/patrol?day=2026-05-20")
    assert patrol.status_code == 200 and 'href="/app/customers/c1"' in patrol.text
    r = web.get("/app/deals/d1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/customers/c1#deal-d1"
    web.sign_in(acme.keys["r3"])
    assert web.get("/app/deals/d1", follow_redirects=False).status_code == 404


def test_the_customer_search_matches_names_literally(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["supervisor"])
    assert "苏州恒远" in web.get("/app/customers", params={"q": "恒远"}).text
    assert "苏州恒远" not in web.get("/app/customers", params={"q": "%"}).text  # not a wildcard
    assert web.get("/app/customers", params={"q": "x" * 101}).status_code == 422


def test_signing_out_ends_the_session_even_for_a_copied_cookie(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    copied = dict(web.client.cookies)
    assert web.post("/app/logout", {"csrf": web.csrf()}).status_code == 303
    web.client.cookies.update(copied)  # the cookie, kept elsewhere, sent again
    r = web.get("/app/customers", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")
    web.sign_in(acme.keys["r1"])  # a new session works at once
    assert web.get("/app/customers").status_code == 200
