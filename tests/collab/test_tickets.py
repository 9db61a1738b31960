"""Cross-role tickets: who answers, points in time and late (the deadline exactly), lists, scope."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.collab.conftest import hours, new_ticket, ok, set_now
from tests.conftest import NOW, Org, auth


def _answer(client: TestClient, key: str, ticket_id: str, text: str = "可行，需要两周改造窗口"):
    return client.post(f"/v1/tickets/{ticket_id}/answer", headers=auth(key), json={"answer": text})


def _ids(body: dict) -> list[str]:
    return [t["id"] for t in body["items"]]


def _list(client: TestClient, key: str, path: str = "/v1/tickets", **params: str) -> dict:
    return ok(client.get(path, headers=auth(key), params=params))


def test_an_answer_at_the_deadline_earns_both_sides_two_points(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    t = new_ticket(client, acme.keys["r1"], deal_id="d1")
    assert t["status"] == "open" and t["requester"]["id"] == "r1" and t["assignee"] is None
    due = datetime.fromisoformat(t["due_at"])
    assert due == NOW + hours(48)
    # anyone of the role sees it as theirs to answer; legal does not, and may not answer
    assert _ids(_list(client, acme.keys["s1"], assignee="me")) == [t["id"]]
    assert _list(client, acme.keys["l1"], assignee="me")["total"] == 0
    r = _answer(client, acme.keys["l1"], t["id"])
    assert r.status_code == 404  # l1 neither sees c1 nor is named on the ticket
    assert _answer(client, acme.keys["r1"], t["id"]).status_code == 403  # the requester does not answer

    set_now(runtime, due)
    answered = ok(_answer(client, acme.keys["s2"], t["id"]))
    assert answered["status"] == "answered" and answered["in_time"] is True
    assert answered["answered_by"]["id"] == "s2" and answered["points"] == {"requester": 2, "answerer": 2}
    again = _answer(client, acme.keys["s1"], t["id"])
    assert again.status_code == 409 and "already answered" in again.json()["detail"]


def test_a_late_answer_earns_nothing(client: TestClient, acme: Org, runtime: Runtime) -> None:
    t = new_ticket(client, acme.keys["r1"], assignee_role="legal", assignee_id="l1", due_in_hours=4)
    due = NOW + hours(4)
    assert datetime.fromisoformat(t["due_at"]) == due and t["assignee"]["id"] == "l1"
    set_now(runtime, due + hours(1 / 3600))
    overdue = _list(client, acme.keys["r1"], status="overdue")
    assert _ids(overdue) == [t["id"]] and overdue["counts"]["overdue"] == 1
    mine = ok(
        client.get(
            "/v1/tickets", headers=auth(acme.keys["admin"]), params={"assignee": "l1", "status": "open"}
        )
    )
    assert mine["total"] == 0
    late = ok(_answer(client, acme.keys["l1"], t["id"]))
    assert (
        late["in_time"] is False
        and late["overdue"] is True
        and late["points"] == {"requester": 0, "answerer": 0}
    )
    answered = ok(
        client.get("/v1/customers/c1/tickets", headers=auth(acme.keys["r1"]), params={"status": "answered"})
    )
    assert _ids(answered) == [t["id"]]


def test_a_ticket_for_one_person_is_theirs_alone(client: TestClient, acme: Org) -> None:
    t = new_ticket(client, acme.keys["r1"], assignee_id="s2")
    assert _list(client, acme.keys["s1"], assignee="me")["total"] == 0
    assert _ids(_list(client, acme.keys["s2"], assignee="me")) == [t["id"]]
    assert _answer(client, acme.keys["s1"], t["id"]).status_code == 404
    # the supervisor sees it (r1's team) but only s2 answers
    r = _answer(client, acme.keys["supervisor"], t["id"])
    assert r.status_code == 403 and "s2" in r.json()["detail"]
    assert ok(_answer(client, acme.keys["s2"], t["id"]))["in_time"] is True
    listed = ok(client.get("/v1/tickets", headers=auth(acme.keys["admin"]), params={"requester": "r1"}))
    assert _ids(listed) == [t["id"]]


def test_ticket_scope(client: TestClient, acme: Org, globex: Org) -> None:
    t = new_ticket(client, acme.keys["r1"])
    assert client.get(f"/v1/tickets/{t['id']}", headers=auth(acme.keys["r3"])).status_code == 404
    assert client.get("/v1/customers/c1/tickets", headers=auth(acme.keys["r3"])).status_code == 404
    assert ok(client.get("/v1/tickets", headers=auth(acme.keys["r3"])))["total"] == 0
    assert client.get(f"/v1/tickets/{t['id']}", headers=auth(globex.keys["admin"])).status_code == 404
    assert _answer(client, globex.keys["admin"], t["id"]).status_code == 404
    assert ok(client.get("/v1/tickets", headers=auth(globex.keys["admin"])))["total"] == 0
    assert client.get(f"/v1/tickets/{t['id']}", headers=auth(acme.keys["s1"])).status_code == 200


def test_bad_ticket_input(client: TestClient, acme: Org) -> None:
    key = acme.keys["r1"]

    def post(**body: object):
        payload = {"title": "报价审核", "request": "请审核付款条款", "assignee_role": "legal", **body}
        return client.post("/v1/customers/c1/tickets", headers=auth(key), json=payload)

    r = post(assignee_role="finance")
    assert r.status_code == 422 and "assignee_role" in r.json()["detail"]
    r = post(assignee_id="s1")
    assert r.status_code == 422 and "s1" in r.json()["detail"] and "legal" in r.json()["detail"]
    assert post(assignee_id="nobody").status_code == 404
    r = post(due_at="2026-05-01T10:00:00+08:00")
    assert r.status_code == 422 and "not in the future" in r.json()["detail"]
    r = post(request="   ")
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    assert post(due_in_hours=-1).status_code == 422
    assert post(due_in_hours=2, due_at="2026-06-01T10:00:00+08:00").status_code == 422
    r = client.get("/v1/tickets", headers=auth(key), params={"status": "late"})
    assert r.status_code == 422 and "status" in r.json()["detail"]
    assert client.get("/v1/tickets", headers=auth(key), params={"assignee": "ghost"}).status_code == 404
    r = client.get("/v1/tickets", headers=auth(acme.keys["admin"]), params={"assignee": "me"})
    assert r.status_code == 422 and "me" in r.json()["detail"]
    t = new_ticket(client, key)
    r = _answer(client, acme.keys["s1"], t["id"], " ")
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    assert _answer(client, acme.keys["s1"], "tkt_nope").status_code == 404
