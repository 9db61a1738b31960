"""The customer's confirmation view: no account, an expiring token, three requirements, feedback
that reaches the rep and the customer's file."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.runtime import Runtime
from copilot import sharing
from copilot.access import authenticate
from copilot.rhythm.outbox import add_webhook
from copilot.store.models import Activity, OutboxMessage, ShareLink
from tests.conftest import NOW, Org
from tests.web.conftest import Browser, give_d1_a_contract


def _share(web: Browser, org: Org) -> str:
    web.sign_in(org.keys["r1"])
    page = web.post("/app/deals/d1/share", {"csrf": web.csrf()})
    assert page.status_code == 200, page.text
    m = re.search(r'value="(http[^"]+/c/([^"]+))"', page.text)
    assert m, page.text
    return m[2]


def test_the_customer_sees_three_requirements_and_our_response(
    web: Browser, client: TestClient, runtime: Runtime, acme: Org
) -> None:
    give_d1_a_contract(client, acme)
    token = _share(web, acme)
    with runtime.sessions() as s:
        assert s.scalar(select(ShareLink.token_hash)) != token  # only the hash is kept
    web.client.cookies.clear()  # the customer has no account
    page = web.get(f"/c/{token}")
    assert page.status_code == 200
    items = re.findall(r'<article class="item" id="item-(\d)">', page.text)
    assert items == ["0", "1", "2"]
    # the contract's reading is our response; nothing of the pipeline beyond the deal shows
    assert "合同约定" in page.text and "孙厂长" not in page.text
    # no other customer's id (the random token in the page's links may hold the letters "c3")
    assert re.search(r"(?<![\w-])c3(?![\w-])", page.text.replace(token, "")) is None
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_needs_adjustment_reaches_the_rep_and_the_file(
    web: Browser, client: TestClient, runtime: Runtime, acme: Org
) -> None:
    give_d1_a_contract(client, acme)
    with runtime.sessions.begin() as s:
        add_webhook(
            s, acme.id, name="team", kind="wecom", url="http://127.0.0.1:9/hook", jobs=["alerts"],
            secret=None, now=NOW,
        )  # fmt: skip
    token = _share(web, acme)
    web.client.cookies.clear()
    missing = web.post(f"/c/{token}/items/1", {"status": "needs_adjustment", "comment": " "})
    assert missing.status_code == 422 and "请写明需要调整的内容" in missing.text
    r = web.post(f"/c/{token}/items/1", {"status": "needs_adjustment", "comment": "交期要缩短到30天"})
    assert r.status_code == 303 and r.headers["location"] == f"/c/{token}?done=1"
    assert "交期要缩短到30天" in web.get(f"/c/{token}").text
    assert web.post(f"/c/{token}/items/7", {"status": "confirmed"}).status_code == 404
    with runtime.sessions() as s:
        note = s.scalar(select(Activity).where(Activity.kind == "feedback"))
        assert note is not None and "交期要缩短到30天" in note.text and note.actor_role == "customer"
        [message] = s.scalars(select(OutboxMessage).where(OutboxMessage.org_id == acme.id)).all()
        content = message.payload["markdown"]["content"]
        assert "需要调整" in content and "交期要缩短到30天" in content and "/app/customers/c1" in content
    web.sign_in(acme.keys["r1"])
    inbox = web.get("/app/followups/new").text
    assert "交期要缩短到30天" in inbox
    web.sign_in(acme.keys["r3"])  # another rep's customer: not in their inbox
    assert "交期要缩短到30天" not in web.get("/app/followups/new").text


def test_expired_and_unknown_links_show_nothing(
    web: Browser, client: TestClient, runtime: Runtime, acme: Org
) -> None:
    give_d1_a_contract(client, acme)
    with runtime.sessions.begin() as s:
        rep = authenticate(s, acme.keys["r1"], now=NOW)
        _, old = sharing.create_link(s, rep, "d1", now=NOW - timedelta(days=8), days=7)
    gone = web.get(f"/c/{old}")
    assert gone.status_code == 410 and 'id="gone"' in gone.text and "合同约定" not in gone.text
    assert web.post(f"/c/{old}/items/0", {"status": "confirmed"}).status_code == 410
    assert web.get("/c/not-a-token").status_code == 404


def test_a_deal_without_requirements_has_nothing_to_share(web: Browser, acme: Org) -> None:
    web.sign_in(acme.keys["r1"])
    r = web.post("/app/deals/d1/share", {"csrf": web.csrf()})
    assert r.status_code == 422 and "requirements" in r.text
    web.sign_in(acme.keys["r3"])
    assert web.post("/app/deals/d1/share", {"csrf": web.csrf()}).status_code == 404  # not their deal


def test_a_link_is_listed_on_the_file_and_can_be_revoked(
    web: Browser, client: TestClient, runtime: Runtime, acme: Org
) -> None:
    give_d1_a_contract(client, acme)
    token = _share(web, acme)
    page = web.get("/app/customers/c1").text
    m = re.search(r'action="/app/share-links/(\d+)/revoke"', page)
    assert m, "the open link is listed with a revoke button"
    web.sign_in(acme.keys["r3"])  # another rep cannot close it
    assert web.post(f"/app/share-links/{m[1]}/revoke", {"csrf": web.csrf()}).status_code == 404
    assert web.get(f"/c/{token}").status_code == 200
    web.sign_in(acme.keys["r1"])
    r = web.post(f"/app/share-links/{m[1]}/revoke", {"csrf": web.csrf()})
    assert r.status_code == 303 and r.headers["location"] == "/app/customers/c1#deals"
    assert web.get(f"/c/{token}").status_code == 410
    assert "/revoke" not in web.get("/app/customers/c1").text
