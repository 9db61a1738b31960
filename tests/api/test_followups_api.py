"""Follow-up ingestion over HTTP: the happy path, auth, organization isolation and error paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.runtime import Runtime, build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.domain import CustomerContext, FollowUpFields, Interaction
from copilot.store.models import Activity, Customer, Extraction, StageChange
from tests.conftest import NOW, Org, auth, load_fixture, make_org

DICTATION = (
    "嗯那个今天又跟苏州恒远聊了一下 孙厂长说价格还得再商量 想分三期付款 "
    "我问了他们一年停线几次 问了改造预算多少 还问了谁来拍板 下周三前我把分三期的方案发过去"
)


def post(client: TestClient, key: str, body: dict[str, Any]) -> Any:
    return client.post("/v1/followups", json=body, headers=auth(key))


def count(runtime: Runtime, model: Any) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_dictation_becomes_fields_with_evidence(client: TestClient, acme: Org, runtime: Runtime) -> None:
    r = post(
        client, acme.keys["r1"], {"customer_id": "c1", "input": {"kind": "dictation", "text": DICTATION}}
    )
    assert r.status_code == 201, r.text
    fu = r.json()
    assert fu["status"] == "extracted"
    assert fu["customer_id"] == "c1" and fu["deal_id"] == "d1"
    assert fu["fields"]["next_follow_up_date"] == "2026-05-27"  # 下周三前, reference 2026-05-20 (Wed)
    assert fu["fields"]["summary"]
    for ev in fu["evidence"].values():
        assert fu["text"][ev["start"] : ev["end"]] == ev["quote"]
    signals = {s["signal"] for s in fu["signals"]}
    assert {"price", "payment"} <= signals
    for s in fu["signals"]:
        assert fu["text"][s["start"] : s["end"]] == s["quote"]
    assert fu["engine"]["name"] == "offline"
    # the digital file reflects it
    cf = client.get("/v1/customers/c1", headers=auth(acme.keys["r1"])).json()
    assert cf["next_follow_up_date"] == "2026-05-27" and cf["next_follow_up_proposed"] is False
    assert cf["latest_followups"][0]["id"] == fu["id"]
    assert cf["first_contact_date"] == "2025-11-12"  # kept: earlier than anything the note says


def test_stage_change_is_appended_to_history(client: TestClient, acme: Org) -> None:
    text = "好消息 粤海物流的合同今天盖章签回来了 预付款下周一打过来"
    # the negotiation gate holds the deal until a complete confirmation letter is on file
    r = post(client, acme.keys["r3"], {"customer_id": "c3", "input": {"kind": "dictation", "text": text}})
    assert r.status_code == 201
    assert r.json()["fields"]["stage"] == "won"  # the reading is kept...
    assert "cannot enter won" in r.json()["engine"]["note"]
    deal = next(d for d in client.get("/v1/customers/c3", headers=auth(acme.keys["r3"])).json()["deals"])
    assert [h["stage"] for h in deal["stage_history"]] == ["intent"]  # ...the deal does not move
    letter = "确认函：付款方式：预付30%，验收后付70%。交付周期：30日内交货。验收标准：按清单逐项验收。"
    r = client.post(
        f"/v1/deals/{deal['id']}/confirmation-letters", data={"text": letter}, headers=auth(acme.keys["r3"])
    )
    assert r.status_code == 201 and r.json()["gate"]["open"] is True
    r = post(client, acme.keys["r3"], {"customer_id": "c3", "input": {"kind": "dictation", "text": text}})
    deal = next(d for d in client.get("/v1/customers/c3", headers=auth(acme.keys["r3"])).json()["deals"])
    assert [h["stage"] for h in deal["stage_history"]] == ["intent", "won"]
    assert deal["stage_history"][-1]["activity_id"] == r.json()["id"]
    assert deal["stage"] == "won"


def test_no_stated_date_gets_a_proposed_default(client: TestClient, acme: Org) -> None:
    text = "今天给杭州禾木的刘姐打了电话 她说还在比较 保持联系"
    r = post(client, acme.keys["admin"], {"customer_id": "c2", "input": {"kind": "dictation", "text": text}})
    fields = r.json()["fields"]
    assert fields["next_follow_up_date"] is None
    assert fields["proposed_next_follow_up_date"] is not None
    cf = client.get("/v1/customers/c2", headers=auth(acme.keys["admin"])).json()
    assert cf["next_follow_up_proposed"] is True
    assert cf["next_follow_up_date"] == fields["proposed_next_follow_up_date"]


def test_chat_and_call_inputs(client: TestClient, acme: Org) -> None:
    chat = {
        "kind": "chat",
        "messages": [
            {
                "at": "2026-05-20T09:00:00+08:00",
                "from": "rep",
                "name": "张伟",
                "text": "周工，报价单收到了吗？",
            },
            {
                "at": "2026-05-20T09:05:00+08:00",
                "from": "customer",
                "name": "周工",
                "text": "收到了，价格有点高，能便宜点吗",
            },
        ],
    }
    r = post(client, acme.keys["r1"], {"customer_id": "c1", "input": chat})
    assert r.status_code == 201 and r.json()["input_kind"] == "chat"
    assert "price" in {s["signal"] for s in r.json()["signals"]}
    call = {
        "kind": "call",
        "segments": [
            {"start_s": 0, "end_s": 5, "speaker": "rep", "text": "您好，最近产线的情况怎么样？"},
            {
                "start_s": 5,
                "end_s": 150,
                "speaker": "customer",
                "text": "伺服老是报警停机，一停线就是大半天，返工成本很高，很头疼",
            },
        ],
    }
    r = post(client, acme.keys["r1"], {"customer_id": "c1", "input": call})
    assert r.status_code == 201 and r.json()["input_kind"] == "call"
    assert r.json()["quality"]["pain_seconds"] >= 120


def test_new_customer_is_created_and_owned_by_the_rep(client: TestClient, acme: Org) -> None:
    text = "今天第一次电话联系宁波海天塑机 是官网留言进来的 明天把资料发过去"
    r = post(
        client,
        acme.keys["r1"],
        {"customer": {"name": "宁波海天塑机"}, "input": {"kind": "dictation", "text": text}},
    )
    assert r.status_code == 201, r.text
    cid = r.json()["customer_id"]
    cf = client.get(f"/v1/customers/{cid}", headers=auth(acme.keys["r1"])).json()
    assert cf["owner_id"] == "r1"
    assert cf["source_channel"] == "website"
    assert cf["first_contact_date"] == "2026-05-20"
    # another team's rep cannot see it
    assert client.get(f"/v1/customers/{cid}", headers=auth(acme.keys["r3"])).status_code == 404


def test_auth_is_required(client: TestClient, acme: Org) -> None:
    body = {"customer_id": "c1", "input": {"kind": "dictation", "text": DICTATION}}
    assert client.post("/v1/followups", json=body).status_code == 401
    r = client.post("/v1/followups", json=body, headers=auth("cpk_not-a-real-key"))
    assert r.status_code == 401 and "invalid" in r.json()["detail"]
    assert client.get("/v1/customers/c1", headers={"X-API-Key": acme.keys["admin"]}).status_code == 200


def test_one_organization_never_sees_another(
    client: TestClient, acme: Org, globex: Org, runtime: Runtime
) -> None:
    r = post(
        client, acme.keys["admin"], {"customer_id": "c1", "input": {"kind": "dictation", "text": DICTATION}}
    )
    fu_id = r.json()["id"]
    # globex has its own c1 (same external id): it must not see acme's follow-up
    assert client.get(f"/v1/followups/{fu_id}", headers=auth(globex.keys["admin"])).status_code == 404
    page = client.get("/v1/customers/c1/followups", headers=auth(globex.keys["admin"])).json()
    assert fu_id not in {f["id"] for f in page["items"]}
    assert client.get(f"/v1/followups/{fu_id}", headers=auth(acme.keys["admin"])).status_code == 200
    # and globex's customer file is untouched
    cf = client.get("/v1/customers/c1", headers=auth(globex.keys["integration"])).json()
    assert cf["next_follow_up_date"] is None


def test_reps_and_supervisors_see_their_scope(client: TestClient, acme: Org) -> None:
    assert client.get("/v1/customers/c3", headers=auth(acme.keys["r1"])).status_code == 404
    assert client.get("/v1/customers/c1", headers=auth(acme.keys["r1"])).status_code == 200
    sup = auth(acme.keys["supervisor"])  # m1 leads 华东一组: r1 and r2
    assert client.get("/v1/customers/c1", headers=sup).status_code == 200
    assert client.get("/v1/customers/c2", headers=sup).status_code == 200
    assert client.get("/v1/customers/c3", headers=sup).status_code == 404
    body = {"customer_id": "c3", "input": {"kind": "dictation", "text": DICTATION}}
    assert post(client, acme.keys["r1"], body).status_code == 404


def _nothing_stored(runtime: Runtime, before: int) -> None:
    assert count(runtime, Activity) == before


def test_bad_inputs_get_clear_errors_and_store_nothing(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    key = acme.keys["r1"]
    before = count(runtime, Activity)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"customer_id": "c1", "input": {"kind": "dictation", "text": "   "}}, 422, "empty"),
        ({"customer_id": "c1", "input": {"kind": "dictation", "text": "很" * 6000}}, 413, "5000"),
        ({"customer_id": "c1", "input": {"kind": "dictation", "text": 123}}, 422, "text"),
        ({"customer_id": "c1", "input": {"kind": "fax", "text": "hi"}}, 422, "kind"),
        ({"customer_id": "c1", "input": {"kind": "chat", "messages": [{"from": "rep"}]}}, 422, "text"),
        ({"customer_id": "c1", "input": {"kind": "call", "segments": "nope"}}, 422, "segments"),
        ({"customer_id": "nope", "input": {"kind": "dictation", "text": DICTATION}}, 404, "nope"),
        ({"input": {"kind": "dictation", "text": DICTATION}}, 422, "customer"),
        (
            {"customer_id": "c1", "deal_id": "d3", "input": {"kind": "dictation", "text": DICTATION}},
            404,
            "d3",
        ),
    ]
    for body, status, word in cases:
        r = post(client, key, body)
        assert r.status_code == status, (body, r.text)
        assert word in r.json()["detail"], r.json()
        _nothing_stored(runtime, before)
    r = client.post(
        "/v1/followups",
        content=b'{"customer_id": "c1", "input": {"kind": "dictation", "text": "'
        + "你好".encode("gbk")
        + b'"}}',
        headers={**auth(key), "Content-Type": "application/json"},
    )
    assert r.status_code in (400, 422) and "UTF-8" in r.json()["detail"]
    r = client.post(
        "/v1/followups", content=b"x" * 3_000_000, headers={**auth(key), "Content-Type": "application/json"}
    )
    assert r.status_code == 413
    _nothing_stored(runtime, before)


class ExplodingEngine:
    name = "exploding"
    version = "0"

    def extract_followup(self, interaction: Interaction, customer: CustomerContext) -> FollowUpFields:
        raise RuntimeError("model endpoint went away")


def test_failed_extraction_keeps_the_input(settings: Settings, tmp_path: Path) -> None:
    runtime = build_runtime(settings, clock=FixedClock(NOW), engine=ExplodingEngine())
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    with TestClient(create_app(runtime)) as client:
        r = post(
            client, org.keys["r1"], {"customer_id": "c1", "input": {"kind": "dictation", "text": DICTATION}}
        )
        assert r.status_code == 201
        fu = r.json()
        assert fu["status"] == "failed" and "model endpoint went away" in fu["error"]
        assert fu["text"] == DICTATION
        again = client.get(f"/v1/followups/{fu['id']}", headers=auth(org.keys["r1"])).json()
        assert again["status"] == "failed"
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Extraction)) == 0
        c1 = s.scalar(select(Customer).where(Customer.external_id == "c1"))
        assert c1 is not None and c1.next_follow_up_date is None
    runtime.close()


def test_resubmitting_the_same_id_is_a_no_op(client: TestClient, acme: Org, runtime: Runtime) -> None:
    body = {"id": "phone-123", "customer_id": "c1", "input": {"kind": "dictation", "text": DICTATION}}
    first = post(client, acme.keys["r1"], body)
    changes = count(runtime, StageChange)
    second = post(client, acme.keys["r1"], body)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] == "phone-123"
    assert count(runtime, Extraction) == 1 and count(runtime, StageChange) == changes
    other = {**body, "input": {"kind": "dictation", "text": "另一段完全不同的内容 明天再联系"}}
    assert post(client, acme.keys["r1"], other).status_code == 409


def test_pagination_of_a_customer_followups(client: TestClient, acme: Org) -> None:
    for day in range(1, 4):
        body = {
            "customer_id": "c1",
            "reference_time": f"2026-05-1{day}T10:00:00+08:00",
            "input": {"kind": "dictation", "text": f"第{day}次回访 明天再打电话"},
        }
        assert post(client, acme.keys["r1"], body).status_code == 201
    page = client.get("/v1/customers/c1/followups?limit=2", headers=auth(acme.keys["r1"])).json()
    assert page["total"] == 4 and len(page["items"]) == 2  # three new ones plus the imported a1
    assert page["items"][0]["at"] >= page["items"][1]["at"]
    assert client.get("/v1/customers/c1/followups?limit=0", headers=auth(acme.keys["r1"])).status_code == 422


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/followups" in spec["paths"] and "/v1/customers/{customer_id}" in spec["paths"]


def test_a_long_known_customer_reads_as_existing_without_rewriting_the_record(
    client: TestClient, acme: Org, runtime: Runtime
) -> None:
    with runtime.sessions() as s:
        customer = s.scalar(select(Customer).where(Customer.org_id == acme.id, Customer.external_id == "c1"))
        assert customer is not None
        customer.first_contact_date, customer.source_channel = date(2023, 4, 3), None
        s.commit()
    text = "孙厂长说三号线想上一套除尘设备 我下周二把报价发过去"
    r = post(client, acme.keys["r1"], {"customer_id": "c1", "input": {"kind": "dictation", "text": text}})
    assert r.status_code == 201, r.text
    fields = r.json()["fields"]
    assert fields["source_channel"] == "existing_customer"
    assert fields["provenance"]["source_channel"] == "crm_history"
    cf = client.get("/v1/customers/c1", headers=auth(acme.keys["r1"])).json()
    assert cf["source_channel"] is None  # derived from the record, not written back into it
