"""Risks, the policy and the scores over HTTP, within each key's scope."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Org, auth


def _risks(client: TestClient, key: str, **params: str) -> dict:
    r = client.get("/v1/risks", headers=auth(key), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _pairs(body: dict) -> set[tuple[str, str]]:
    return {(i["rule"], i["deal_id"] or i["customer_id"]) for i in body["items"]}


def test_risks_within_each_scope(client: TestClient, acme: Org) -> None:
    admin = _risks(client, acme.keys["admin"])
    # c1: negotiation since 05-12 with a complete letter, no legal/finance activity; idle since 05-12
    # c3: intent since 04-01 (49 days > 30), idle since 05-10
    assert _pairs(admin) == {
        ("stale_customer", "c1"),
        ("no_legal_finance_activity", "d1"),
        ("stale_customer", "c3"),
        ("stuck_deal", "d3"),
    }
    assert admin["counts"] == {"stale_customer": 2, "no_legal_finance_activity": 1, "stuck_deal": 1}
    stuck = next(i for i in admin["items"] if i["rule"] == "stuck_deal")
    assert stuck["rep_id"] == "r3" and stuck["since"].startswith("2026-05-01")
    assert {r["type"] for r in stuck["records"]} == {"deal", "stage_change"}
    # a rep sees their own customers; the supervisor of 华东一组 sees r1's and r2's, not r3's
    assert {i["customer_id"] for i in _risks(client, acme.keys["r1"])["items"]} == {"c1"}
    assert {i["customer_id"] for i in _risks(client, acme.keys["supervisor"])["items"]} == {"c1"}
    assert {i["customer_id"] for i in _risks(client, acme.keys["r3"])["items"]} == {"c3"}


def test_risk_filters_and_bad_filters(client: TestClient, acme: Org) -> None:
    key = acme.keys["admin"]
    assert _pairs(_risks(client, key, rule="stuck_deal")) == {("stuck_deal", "d3")}
    assert {i["customer_id"] for i in _risks(client, key, rep_id="r1")["items"]} == {"c1"}
    assert {i["customer_id"] for i in _risks(client, key, team="华南组")["items"]} == {"c3"}
    assert {i["customer_id"] for i in _risks(client, key, customer_id="c3")["items"]} == {"c3"}
    # as of an earlier time, d3 was not yet past its limit
    early = _risks(client, key, as_of="2026-04-20T10:00:00", customer_id="c3", rule="stuck_deal")
    assert early["total"] == 0
    assert client.get("/v1/risks", headers=auth(key), params={"rule": "late"}).status_code == 422
    assert client.get("/v1/risks", headers=auth(key), params={"rep_id": "nobody"}).status_code == 404
    r = client.get("/v1/risks", headers=auth(acme.keys["r1"]), params={"rep_id": "r3"})
    assert r.status_code == 403
    r = client.get("/v1/risks", headers=auth(acme.keys["r1"]), params={"customer_id": "c3"})
    assert r.status_code == 404


def test_the_policy_changes_the_rules_and_only_admins_change_it(
    client: TestClient, acme: Org, globex: Org
) -> None:
    change = {"risk_rules": {"stuck_deal": {"limits": {"intent": 60}}}}
    assert client.patch("/v1/policy", json=change, headers=auth(acme.keys["supervisor"])).status_code == 403
    r = client.patch("/v1/policy", json=change, headers=auth(acme.keys["admin"]))
    assert r.status_code == 200
    assert r.json()["risk_rules"]["stuck_deal"]["limits"] == {
        "negotiation": 15.0,
        "proposal": 21.0,
        "intent": 60.0,
    }
    assert _risks(client, acme.keys["admin"], rule="stuck_deal")["total"] == 0
    # another organization keeps the defaults
    assert _risks(client, globex.keys["admin"], rule="stuck_deal")["total"] == 1
    bad = client.patch(
        "/v1/policy",
        json={"risk_rules": {"stuck_deal": {"limits": {"won": 3}}}},
        headers=auth(acme.keys["admin"]),
    )
    assert bad.status_code == 422 and "open stages" in bad.json()["detail"]
    unknown = client.patch(
        "/v1/policy", json={"risk_rules": {"late_rule": {}}}, headers=auth(acme.keys["admin"])
    )
    assert unknown.status_code == 422
    policy = client.get("/v1/policy", headers=auth(acme.keys["r1"])).json()
    assert policy["risk_rules"]["stuck_deal"]["limits"]["intent"] == 60.0


def test_weighted_pipeline_explains_each_factor(client: TestClient, acme: Org) -> None:
    body = client.get("/v1/scores/pipeline", headers=auth(acme.keys["admin"])).json()
    deals = {d["deal_id"]: d for d in body["deals"]}
    # d1: manufacturing, 2 years, budget 1.3M -> x1.2; d3: 4 years x1.3, budget exactly 500,000 x1.2
    assert deals["d1"]["weight"] == 1.2 and deals["d1"]["weighted_value"] == 1286000 * 1.2
    assert [f["name"] for f in deals["d1"]["factors"]] == ["budget"]
    assert deals["d3"]["weight"] == 1.56
    assert [f["name"] for f in deals["d3"]["factors"]] == ["relationship", "budget"]
    assert body["weighted_value"] == round(1286000 * 1.2 + 500000 * 1.56, 2)
    mine = client.get("/v1/scores/pipeline", headers=auth(acme.keys["r1"])).json()
    assert [d["deal_id"] for d in mine["deals"]] == ["d1"]


def test_lost_reasons_and_funnel_over_http(client: TestClient, acme: Org) -> None:
    client.patch("/v1/deals/d3", json={"stage": "lost"}, headers=auth(acme.keys["r3"]))
    lost = client.get("/v1/scores/lost-reasons", headers=auth(acme.keys["admin"])).json()
    assert lost["lost"] == 1 and lost["categories"][0]["deals"][0]["deal_id"] == "d3"
    funnel = client.get(
        "/v1/scores/funnel", headers=auth(acme.keys["r1"]), params={"day": "2026-05-20"}
    ).json()
    assert [r["rep_id"] for r in funnel["reps"]] == ["r1"]
    assert (
        client.get("/v1/scores/funnel", headers=auth(acme.keys["r1"]), params={"rep_id": "r3"}).status_code
        == 403
    )
    for edge in ("0001-01-01", "9999-12-31"):  # the window before the day would leave the calendar
        r = client.get("/v1/scores/funnel", headers=auth(acme.keys["r1"]), params={"day": edge})
        assert r.status_code == 422 and "2000 to 2100" in r.json()["detail"], edge


def test_a_time_outside_the_calendar_is_refused_not_a_crash(client: TestClient, acme: Org) -> None:
    for path in ("/v1/risks", "/v1/brief", "/v1/patrol", "/v1/scores/lost-reasons"):
        r = client.get(path, headers=auth(acme.keys["admin"]), params={"as_of": "0001-01-01T00:00:00Z"})
        assert r.status_code == 422 and "outside the years" in r.json()["detail"], path
