"""Next actions over HTTP: rules first, then what the records and news ask for; evidence, scope,
and actions retired once done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.clock import FixedClock
from copilot.suggest.cues import CueKind, news_category, read_cues
from tests.conftest import Org, auth, ingest_dictation


def _actions(client: TestClient, key: str, customer: str, **params: str) -> dict[str, dict[str, Any]]:
    r = client.get(f"/v1/customers/{customer}/suggestions", headers=auth(key), params=params)
    assert r.status_code == 200, r.text
    return {a["type"]: a for a in r.json()["items"]}


def test_a_stale_negotiation_customer_gets_a_call_with_its_last_record_as_evidence(
    client: TestClient, acme: Org
) -> None:
    actions = _actions(client, acme.keys["r1"], "c1")
    call = actions["follow_up_call"]
    assert call["rule"] == "stale_customer" and call["due_date"] == "2026-05-20"
    assert "186" in call["reason"]  # idle since 2026-05-12 16:00: 7 days and 18 hours
    assert {"type": "activity", "id": "a1"}.items() <= next(
        e for e in call["evidence"] if e["type"] == "activity"
    ).items()
    # a complete confirmation letter and a decision maker: neither is asked for
    assert "request_confirmation_letter" not in actions and "identify_decision_maker" not in actions


def test_a_quote_request_is_suggested_with_its_quote_and_retired_once_the_quote_is_sent(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    ingest_dictation(
        client, acme.keys["r1"], "c1", "刚和孙总通电话，他说请尽快把正式报价和价格明细发过来，下周上会。"
    )
    send = _actions(client, acme.keys["r1"], "c1")["send_quote"]
    quoted = [e for e in send["evidence"] if e["type"] == "activity"]
    assert quoted and "正式报价" in quoted[0]["quote"]
    assert "follow_up_call" not in _actions(client, acme.keys["r1"], "c1")  # just talked: not stale
    assert isinstance(runtime.clock, FixedClock)
    runtime.clock.at += timedelta(hours=2)
    ingest_dictation(client, acme.keys["r1"], "c1", "已把正式报价单发给孙总，等他们上会。")
    assert "send_quote" not in _actions(client, acme.keys["r1"], "c1")


def test_english_records_are_read_and_answered_in_the_requested_language(
    client: TestClient, acme: Org
) -> None:
    ingest_dictation(
        client,
        acme.keys["r1"],
        "c1",
        "Call with Mr. Sun: they are not happy with the proposal, the layout misses their throughput target.",
    )
    actions = _actions(client, acme.keys["r1"], "c1", lang="en")
    revise = actions["revise_proposal"]
    assert revise["text"].startswith("Revise the proposal") and "not happy" in revise["reason"]


def test_news_of_an_expansion_turns_into_congratulations_until_someone_congratulates(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    r = client.post(
        "/v1/customers/c1/news",
        headers=auth(acme.keys["integration"]),
        json={
            "id": "pr-1",
            "source": "press_release",
            "title": "客户苏州二期新工厂正式投产",
            "text": "产能翻倍。",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["category"] == "expansion"
    again = client.post(
        "/v1/customers/c1/news", headers=auth(acme.keys["integration"]), json={"id": "pr-1", "title": "重复"}
    )
    assert again.status_code == 409
    congratulate = _actions(client, acme.keys["r1"], "c1")["congratulate"]
    assert congratulate["evidence"][0] == {
        "type": "news",
        "id": "pr-1",
        "at": congratulate["evidence"][0]["at"],
        "quote": "客户苏州二期新工厂正式投产\n产能翻倍。",
    }
    assert isinstance(runtime.clock, FixedClock)
    runtime.clock.at += timedelta(hours=1)
    ingest_dictation(client, acme.keys["r1"], "c1", "给孙总发微信恭喜新工厂投产，顺便约了下周拜访。")
    assert "congratulate" not in _actions(client, acme.keys["r1"], "c1")


def test_tender_news_asks_for_a_call(client: TestClient, acme: Org) -> None:
    client.post(
        "/v1/customers/c3/news",
        headers=auth(acme.keys["admin"]),
        json={"source": "tender_notice", "title": "仓储自动化改造项目招标公告", "text": "投标截止6月10日。"},
    )
    call = _actions(client, acme.keys["admin"], "c3")["follow_up_call"]
    # the customer is stale too; the stale rule comes first and the news is added as evidence
    assert any(e["type"] == "news" for e in call["evidence"])


def test_bad_news_input_is_refused_with_a_message(client: TestClient, acme: Org) -> None:
    key = auth(acme.keys["admin"])
    assert client.post("/v1/customers/c1/news", headers=key, json={"title": ""}).status_code == 422
    bad_source = client.post("/v1/customers/c1/news", headers=key, json={"title": "x", "source": "rumour"})
    assert bad_source.status_code == 422 and "source" in bad_source.json()["detail"]
    assert (
        client.post("/v1/customers/c1/news", headers=key, json={"title": "x", "extra": 1}).status_code == 422
    )
    assert client.post("/v1/customers/nope/news", headers=key, json={"title": "x"}).status_code == 404


def test_suggestions_stay_inside_the_callers_scope(client: TestClient, acme: Org, globex: Org) -> None:
    assert client.get("/v1/customers/c3/suggestions", headers=auth(acme.keys["r1"])).status_code == 404
    assert client.get("/v1/customers/c1/suggestions", headers=auth(globex.keys["r1"])).status_code == 200
    r = client.get("/v1/suggestions", headers=auth(acme.keys["r1"]))
    assert {a["customer_id"] for a in r.json()["items"]} == {"c1"}
    assert (
        client.get("/v1/suggestions", headers=auth(acme.keys["r1"]), params={"rep_id": "r3"}).status_code
        == 403
    )


def test_the_scope_list_pages_and_filters_by_due_day_and_type(client: TestClient, acme: Org) -> None:
    key = auth(acme.keys["supervisor"])
    everything = client.get("/v1/suggestions", headers=key).json()
    assert everything["total"] >= 2 and sum(everything["counts"].values()) == everything["total"]
    days = [a["due_date"] for a in everything["items"]]
    assert days == sorted(days)
    page = client.get("/v1/suggestions", headers=key, params={"limit": 1, "offset": 1}).json()
    assert page["items"] == everything["items"][1:2]
    early = client.get("/v1/suggestions", headers=key, params={"due_before": "2026-05-19"}).json()
    assert early["total"] == 0
    calls = client.get("/v1/suggestions", headers=key, params={"type": "follow_up_call"}).json()
    assert calls["items"] and {a["type"] for a in calls["items"]} == {"follow_up_call"}
    assert client.get("/v1/suggestions", headers=key, params={"type": "dance"}).status_code == 422


def test_cues_pair_a_topic_with_an_act_in_one_sentence() -> None:
    def kinds(text: str) -> set[CueKind]:
        return {c.kind for c in read_cues(text)}

    assert CueKind.QUOTE_REQUEST in kinds("王总说请把报价发一份过来")
    assert CueKind.QUOTE_REQUEST not in kinds("上门沟通了价格和折扣。")  # the price discussed, nothing asked
    assert CueKind.QUOTE_REQUEST not in kinds("已把正式报价单发给孙总。")  # our answer, not their request
    assert CueKind.QUOTE_REQUEST in kinds("Could you send us a formal quote by Friday?")
    assert CueKind.PROPOSAL_OBJECTION not in kinds(
        "根据客户意见修改了方案细节。"
    )  # our revision, not an objection
    assert CueKind.REQUIREMENT_CHANGE in kinds("客户把工位从120个增加到150个")
    assert CueKind.MATERIAL_REQUEST not in kinds("客户说暂时不需要资料")
    assert news_category("Acme signed a strategic partnership with our competitor") == "competitor"
    assert news_category("某某医院信息化项目招标公告") == "tender"
    assert news_category("第二家门店开业") == "expansion"
