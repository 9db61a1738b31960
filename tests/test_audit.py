"""The audit log: an entry for each stage move, requirement change, acknowledgement, policy and
webhook change, naming the actor and ids but no personal data; readable by admins only; append-only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Executable, delete, select, text, update
from sqlalchemy.exc import DatabaseError

from api.runtime import Runtime
from copilot.access import get_organization
from copilot.domain import Stage
from copilot.pipeline.deals import change_stage
from copilot.store.models import AuditEntry, Contract, ContractDiff, Deal, User
from tests.conftest import NOW, Org, auth


def audit(client: TestClient, org: Org, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/v1/audit", headers=auth(org.keys["admin"]), params=params)
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()
    return entries


def add_contract_difference(runtime: Runtime, org: Org, deal_id: str) -> None:
    with runtime.sessions.begin() as s:
        deal = s.scalar(select(Deal).where(Deal.org_id == org.id, Deal.external_id == deal_id))
        assert deal is not None
        contract = Contract(
            org_id=org.id,
            external_id="ct-1",
            deal_id=deal.id,
            pages=1,
            engine="test",
            engine_version="1",
            fields={},
            evidence={},
            warnings=[],
            created_at=NOW,
        )
        contract.diffs = [
            ContractDiff(
                org_id=org.id,
                field="delivery_period",
                required={"days": 30},
                contract_value={"days": 42},
                reason="交付期限：要求 30 个工作日，合同 42 日",
                severity="high",
                contract_evidence=[],
                requirement_evidence="",
                status="open",
            )
        ]
        s.add(contract)


def test_stage_moves_are_audited_with_their_actor(client: TestClient, acme: Org, runtime: Runtime) -> None:
    r = client.patch("/v1/deals/d3", json={"stage": "proposal"}, headers=auth(acme.keys["r3"]))
    assert r.status_code == 200, r.text
    # a refused move (the contract difference locks `won`) leaves no entry
    add_contract_difference(runtime, acme, "d1")
    assert (
        client.patch("/v1/deals/d1", json={"stage": "won"}, headers=auth(acme.keys["r1"])).status_code == 409
    )
    # a move read from a follow-up names its source
    with runtime.sessions.begin() as s:
        deal = s.scalar(select(Deal).where(Deal.org_id == acme.id, Deal.external_id == "d3"))
        assert deal is not None
        change_stage(s, deal, Stage.LOST, at=NOW, now=NOW, source="followup")

    entries = audit(client, acme, action="stage.moved")
    assert [(e["target_id"], e["detail"]["from"], e["detail"]["to"], e["actor"]) for e in entries] == [
        ("d3", "proposal", "lost", "system:followup"),
        ("d3", "intent", "proposal", "user:r3"),
    ]
    assert entries[1]["target_type"] == "deal" and entries[1]["actor_key_id"] is not None
    assert entries[0]["detail"]["source"] == "followup" and entries[1]["detail"]["source"] == "api"


def test_requirement_changes_and_answers_are_audited_without_values(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    with runtime.sessions.begin() as s:
        org = get_organization(s, acme.slug)
        s.add(
            User(
                org_id=org.id, external_id="s1", name="方案周工", team="售前", role="solution", created_at=NOW
            )
        )
    body = {
        "requirements": {"warranty_months": 24, "delivery_period": {"days": 30}},
        "solution_owner_id": "s1",
    }
    r = client.put("/v1/deals/d1/requirements", json=body, headers=auth(acme.keys["r1"]))
    assert r.status_code == 200, r.text
    confirmation = r.json()["confirmations"][0]["id"]
    # the same requirements again change nothing and log nothing
    client.put("/v1/deals/d1/requirements", json=body, headers=auth(acme.keys["r1"]))
    answer = {"answer": "meeting_needed", "note": "周四和孙厂长（13800001111）开会"}
    r = client.post(
        f"/v1/deals/d1/requirements/confirmations/{confirmation}",
        json=answer,
        headers=auth(acme.keys["admin"]),
    )
    assert r.status_code == 200, r.text

    entries = audit(client, acme, target_type="deal", target_id="d1")
    assert [e["action"] for e in entries] == [
        "requirements.confirmation_answered",
        "requirements.changed",
        "deal.solution_owner_set",
    ]
    answered, changed, owner = entries
    assert changed["detail"] == {
        "version": 1,
        "fields": ["delivery_period", "warranty_months"],
        "confirmation_id": confirmation,
    }
    assert answered["detail"] == {"confirmation_id": confirmation, "answer": "meeting_needed"}
    assert owner["detail"] == {"solution_owner": "s1"} and owner["actor"] == "user:r1"
    logged = json.dumps(entries, ensure_ascii=False)
    assert (
        "13800001111" not in logged and "孙厂长" not in logged and "30" not in json.dumps(changed["detail"])
    )


def test_acknowledgements_policy_and_webhooks_are_audited(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    add_contract_difference(runtime, acme, "d1")
    r = client.post(
        "/v1/deals/d1/contract-diff/delivery_period/acknowledge",
        json={"decision": "accepted", "note": "客户同意"},
        headers=auth(acme.keys["supervisor"]),
    )
    assert r.status_code == 200, r.text
    change = {"risk_rules": {"stuck_deal": {"limits": {"negotiation": 20}}}}
    assert client.patch("/v1/policy", json=change, headers=auth(acme.keys["admin"])).status_code == 200
    hook = {
        "name": "华东群",
        "kind": "signed_json",
        "url": "https://crm.example.com/hook?token=s3cret",
        "secret": "hmac-secret-1",
    }
    r = client.post("/v1/webhooks", json=hook, headers=auth(acme.keys["admin"]))
    assert r.status_code == 201, r.text
    hook_id = r.json()["id"]
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=auth(acme.keys["admin"])).status_code == 204

    entries = {e["action"]: e for e in audit(client, acme)}
    ack = entries["contract_diff.acknowledged"]
    assert ack["target_id"] == "d1" and ack["detail"] == {
        "contract_id": "ct-1",
        "field": "delivery_period",
        "decision": "accepted",
    }
    assert ack["actor"].startswith("user:m1")
    assert entries["policy.updated"]["detail"] == {"settings": ["risk_rules.stuck_deal.limits.negotiation"]}
    assert entries["webhook.added"]["target_id"] == str(hook_id)
    assert entries["webhook.removed"]["target_id"] == str(hook_id)
    logged = json.dumps(list(entries.values()))
    assert "s3cret" not in logged and "hmac-secret-1" not in logged and "example.com" not in logged


def test_only_admins_read_the_log_and_only_their_own(client: TestClient, acme: Org, globex: Org) -> None:
    client.patch("/v1/deals/d3", json={"stage": "proposal"}, headers=auth(globex.keys["r3"]))
    for role in ("supervisor", "r1", "integration"):
        r = client.get("/v1/audit", headers=auth(acme.keys[role]))
        assert r.status_code == 403 and "admin" in r.json()["detail"], role
    assert client.get("/v1/audit").status_code == 401
    assert audit(client, acme, action="stage.moved") == []
    assert len(audit(client, globex, action="stage.moved")) == 1


def test_filters(client: TestClient, acme: Org) -> None:
    for stage in ("proposal", "lost"):
        client.patch("/v1/deals/d3", json={"stage": stage}, headers=auth(acme.keys["admin"]))
    everything = audit(client, acme)
    assert {e["action"] for e in everything} >= {"key.created", "stage.moved"}
    assert len(audit(client, acme, limit=1)) == 1
    assert len(audit(client, acme, action="stage.moved", target_id="d3")) == 2
    assert audit(client, acme, target_id="d1") == []
    assert audit(client, acme, since="2026-05-21T00:00:00") == []
    assert len(audit(client, acme, since="2026-05-20T10:00:00", action="stage.moved")) == 2


def test_the_log_is_append_only(runtime: Runtime, client: TestClient, acme: Org) -> None:
    client.patch("/v1/deals/d3", json={"stage": "proposal"}, headers=auth(acme.keys["admin"]))
    with runtime.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.org_id == acme.id)).first()
        assert entry is not None
        entry.actor = "someone else"
        with pytest.raises(DatabaseError, match="append-only"):
            s.commit()
    with runtime.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.org_id == acme.id)).first()
        s.delete(entry)
        with pytest.raises(DatabaseError, match="append-only"):
            s.commit()
    statements: list[Executable] = [
        update(AuditEntry).where(AuditEntry.org_id == acme.id).values(detail={}),
        delete(AuditEntry).where(AuditEntry.org_id == acme.id),
        text("DELETE FROM audit_log"),
        text("UPDATE audit_log SET action = 'nothing'"),
    ]
    for statement in statements:
        with runtime.sessions() as s:
            with pytest.raises(DatabaseError, match="append-only"):
                s.execute(statement)
            s.rollback()
    with runtime.sessions() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.org_id == acme.id)).all()
    assert "stage.moved" in actions and "nothing" not in actions
