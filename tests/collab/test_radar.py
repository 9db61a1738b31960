"""The capability radar: inputs move scores the expected way, every score shows its inputs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.collab.conftest import add_activity, hours, new_minutes, new_ticket, ok, set_now
from tests.conftest import NOW, Org, auth

DIMENSIONS = [
    "negotiation",
    "needs_diagnosis",
    "solution_presentation",
    "follow_up_discipline",
    "collaboration",
    "customer_success",
]


def _radar(client: TestClient, key: str, rep: str = "r1", month: str = "2026-05") -> dict[str, Any]:
    return ok(client.get(f"/v1/reps/{rep}/radar", headers=auth(key), params={"month": month}))


def _inputs(body: dict[str, Any], key: str) -> dict[str, Any]:
    dim = next(d for d in body["dimensions"] if d["key"] == key)
    return {i["name"]: i["value"] for i in dim["inputs"]}


def test_every_dimension_shows_its_score_inputs_and_formula(client: TestClient, acme: Org) -> None:
    body = _radar(client, acme.keys["r1"])
    assert body["rep"]["id"] == "r1" and body["month"] == "2026-05" and body["complete"] is False
    assert [d["key"] for d in body["dimensions"]] == DIMENSIONS
    for d in body["dimensions"]:
        assert 0 <= d["score"] <= 100 and d["formula"] and d["inputs"] and d["name"]
        assert all({"name", "value", "description"} <= set(i) for i in d["inputs"])
    # a1 (05-12, d1 entered negotiation at that moment) is a negotiation round
    assert _inputs(body, "negotiation")["negotiation_rounds"] == 1
    assert body["scores"]["negotiation"] == 8  # 100 x 1/12


def test_quotes_and_rounds_raise_negotiation(client: TestClient, acme: Org, runtime: Runtime) -> None:
    before = _radar(client, acme.keys["r1"])["scores"]["negotiation"]
    for n in range(3):
        add_activity(runtime, acme, f"q{n}", customer="c1", deal="d1", kind="quote", at=NOW - hours(10 + n))
    after = _radar(client, acme.keys["r1"])
    assert _inputs(after, "negotiation")["quote_revisions"] == 2
    assert _inputs(after, "negotiation")["negotiation_rounds"] == 4
    assert after["scores"]["negotiation"] > before
    # a quote before the deal reached negotiation is no round; one in April is not this month
    add_activity(runtime, acme, "q9", customer="c1", deal="d1", kind="quote", at=NOW - timedelta(days=30))
    assert _inputs(_radar(client, acme.keys["r1"]), "negotiation")["negotiation_rounds"] == 4


def test_discovery_questions_raise_needs_diagnosis(client: TestClient, acme: Org, runtime: Runtime) -> None:
    weak = {"discovery_questions": [{"quote": "预算多少"}], "verdict": {"discovery_3plus": False}}
    add_activity(runtime, acme, "f1", customer="c1", at=NOW - hours(30), quality=weak)
    one = _radar(client, acme.keys["r1"])
    strong = {
        "discovery_questions": [{"quote": q} for q in ("预算多少", "谁来拍板", "何时上线")],
        "verdict": {"discovery_3plus": True, "high_quality": True},
    }
    add_activity(runtime, acme, "f2", customer="c1", at=NOW - hours(20), quality=strong)
    two = _radar(client, acme.keys["r1"])
    assert (
        _inputs(two, "needs_diagnosis")["followups"] == 2
        and _inputs(two, "needs_diagnosis")["discovery_3plus"] == 1
    )
    assert two["scores"]["needs_diagnosis"] > one["scores"]["needs_diagnosis"] > 0
    assert _inputs(two, "customer_success")["high_quality_followups"] == 1
    assert two["scores"]["customer_success"] > one["scores"]["customer_success"]


def test_regular_contact_raises_follow_up_discipline(client: TestClient, acme: Org, runtime: Runtime) -> None:
    before = _radar(client, acme.keys["r1"])
    assert _inputs(before, "follow_up_discipline")["silent_customers"] == 1  # c1: nothing since 05-12
    for n, h in enumerate((100, 80, 60, 40, 20, 2)):
        add_activity(runtime, acme, f"c{n}", customer="c1", deal="d1", at=NOW - hours(h))
    after = _radar(client, acme.keys["r1"])
    inputs = _inputs(after, "follow_up_discipline")
    assert inputs["silent_customers"] == 0 and inputs["median_gap_hours"] == 20.0
    assert after["scores"]["follow_up_discipline"] > before["scores"]["follow_up_discipline"]


def test_tickets_and_minutes_move_collaboration(client: TestClient, acme: Org, runtime: Runtime) -> None:
    base = _radar(client, acme.keys["r1"])["scores"]["collaboration"]
    t = new_ticket(client, acme.keys["r1"])
    ok(client.post(f"/v1/tickets/{t['id']}/answer", headers=auth(acme.keys["s1"]), json={"answer": "可行"}))
    up = _radar(client, acme.keys["r1"])
    assert _inputs(up, "collaboration")["ticket_points"] == 2 and up["scores"]["collaboration"] > base
    # the answerer earns the same
    assert _inputs(_radar(client, acme.keys["admin"], "s1"), "collaboration")["tickets_answered_in_time"] == 1
    # a block r1 leaves empty past its 2 hours counts against r1
    new_minutes(client, acme.keys["r1"], meeting_at=(NOW - hours(3)).isoformat())
    down = _radar(client, acme.keys["r1"])
    assert _inputs(down, "collaboration")["blocks_overdue"] == 1
    assert down["scores"]["collaboration"] < up["scores"]["collaboration"]


def test_a_kickoff_prepared_on_time_raises_customer_success(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    # d2 (r2's) was won 05-15: due 05-22; look at the month from 05-23
    parts = {"participants": ["李总"], "goals": "上线", "deliverables": "计划"}
    set_now(runtime, NOW + timedelta(days=3))
    late = _radar(client, acme.keys["admin"], "r2")
    assert (
        _inputs(late, "customer_success")["kickoffs_late"] == 1
        and _inputs(late, "customer_success")["won_deals"] == 1
    )
    set_now(runtime, NOW)
    ok(client.put("/v1/deals/d2/kickoff", headers=auth(acme.keys["r2"]), json=parts))
    set_now(runtime, NOW + timedelta(days=3))
    on_time = _radar(client, acme.keys["admin"], "r2")
    assert _inputs(on_time, "customer_success")["kickoffs_on_time"] == 1
    assert on_time["scores"]["customer_success"] > late["scores"]["customer_success"]


def test_radar_scope_and_bad_input(client: TestClient, acme: Org, globex: Org) -> None:
    assert client.get("/v1/reps/r3/radar", headers=auth(acme.keys["r1"])).status_code == 403
    assert client.get("/v1/reps/r1/radar", headers=auth(acme.keys["supervisor"])).status_code == 200
    r = client.get("/v1/reps/r3/radar", headers=auth(acme.keys["supervisor"]))
    assert r.status_code == 403 and "r3" in r.json()["detail"]
    assert client.get("/v1/reps/nobody/radar", headers=auth(acme.keys["admin"])).status_code == 404
    assert client.get("/v1/reps/r1/radar", headers=auth(acme.keys["r1"])).json()["month"] == "2026-05"
    for month in ("2026-13", "May", "2026-5", "2030-01"):
        r = client.get("/v1/reps/r1/radar", headers=auth(acme.keys["r1"]), params={"month": month})
        assert r.status_code == 422 and "month" in r.json()["detail"], month
    # a past month is complete; another organization reads its own r1
    assert _radar(client, acme.keys["r1"], month="2026-04")["complete"] is True
    assert _inputs(_radar(client, globex.keys["admin"]), "collaboration")["ticket_points"] == 0
