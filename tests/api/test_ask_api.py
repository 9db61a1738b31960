"""POST /v1/ask over HTTP: answers, refusals and errors in the project's error shape, per key."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Org, auth


def _ask(client: TestClient, key: str, body: dict) -> tuple[int, dict]:
    r = client.post("/v1/ask", json=body, headers=auth(key))
    return r.status_code, r.json()


def test_ask_within_each_keys_scope(client: TestClient, acme: Org) -> None:
    question = {"question": "哪些客户三天没跟进了？", "as_of": "2026-05-20T10:00:00"}
    status, admin = _ask(client, acme.keys["admin"], question)
    assert status == 200 and admin["answerable"] is True
    assert set(admin["result"]["customer_ids"]) == {"c1", "c3"}
    assert admin["as_of"].startswith("2026-05-20T10:00:00+08:00")
    _, mine = _ask(client, acme.keys["r1"], question)
    assert mine["result"]["customer_ids"] == ["c1"]
    status, refused = _ask(client, acme.keys["r1"], {"question": "王强名下有哪些商机？"})
    assert status == 403 and refused["error"] == "plan_out_of_scope"


def test_plans_errors_and_refusals(client: TestClient, acme: Org, globex: Org) -> None:
    key = acme.keys["admin"]
    status, body = _ask(
        client,
        key,
        {"plan": {"entity": "deal", "where": [{"kind": "in", "field": "colour", "values": ["x"]}]}},
    )
    assert status == 422 and body["error"] == "invalid_plan"
    status, body = _ask(client, key, {"question": "下个月的利润是多少"})
    assert status == 200 and body["answerable"] is False and body["suggestions"]
    status, body = _ask(client, key, {"question": ""})
    assert status == 422
    status, body = _ask(client, key, {"question": "哪些商机", "plan": {"entity": "deal"}})
    assert status == 422 and "either" in body["detail"]
    status, body = _ask(client, key, {"question": "谁", "engine": "llm"})
    assert status == 422 and "no model" in body["detail"]
    assert client.post("/v1/ask", json={"question": "哪些商机"}).status_code == 401
    # globex's admin sees globex's records only, even for the same ids
    status, body = _ask(
        client, globex.keys["admin"], {"plan": {"entity": "deal", "result": {"kind": "count"}}}
    )
    assert status == 200 and body["result"] == {"count": 2}


def test_answers_follow_new_records_at_once(client: TestClient, acme: Org) -> None:
    """The pipeline snapshot behind questions and risks is rebuilt when the organization's data changes."""
    body = {"question": "今天一共有多少条活动记录？", "as_of": "2026-05-20T18:00:00"}
    _, before = _ask(client, acme.keys["admin"], body)
    r = client.post(
        "/v1/followups",
        headers=auth(acme.keys["r1"]),
        json={
            "customer_id": "c1",
            "reference_time": "2026-05-20T09:00:00+08:00",
            "input": {"kind": "dictation", "text": "今天给孙厂长打电话 约了下周二上门演示"},
        },
    )
    assert r.status_code == 201
    _, after = _ask(client, acme.keys["admin"], body)
    assert after["result"]["count"] == before["result"]["count"] + 1
    risks = client.get("/v1/risks", headers=auth(acme.keys["admin"]), params={"customer_id": "c1"}).json()
    assert "stale_customer" not in risks["counts"]  # c1 was just contacted
