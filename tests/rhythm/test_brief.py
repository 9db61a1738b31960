"""The one-page brief, the patrol and the alerts over HTTP: numbers with the records behind them,
scope, and the messages as they arrive in WeCom."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.rhythm import messages
from tests.conftest import Org, auth, ingest_dictation

FIRST_VISIT = (
    "今天上午第一次拜访宁波瑞丰的设备部周工 是今天早上在展会上认识的 他们产线上的伺服老是报警停机 "
    "周工讲了差不多十分钟 说一停线就是大半天 返工成本很高 我问了他们一年大概要换多少台伺服 "
    "问了停一次线损失大概多少钱 还问了今年的改造计划什么时候启动 我跟周工约好了下周二带样机过去现场测"
)


def test_the_brief_counts_a_new_high_quality_lead_with_its_records(client: TestClient, acme: Org) -> None:
    followup = ingest_dictation(client, acme.keys["admin"], "c2", FIRST_VISIT)
    brief = client.get("/v1/brief", headers=auth(acme.keys["supervisor"])).json()
    assert brief["numbers"]["new_quality_leads"] == 1
    (lead,) = brief["new_quality_leads"]
    assert lead["customer_id"] == "c2" and lead["records"][0]["id"] == followup
    # the week: d1 (negotiation, 1.2 weight for its budget) and d3 are open all week: no change
    trend = brief["health_trend"]
    assert len(trend["points"]) == 7 and trend["change"] == 0.0 and trend["value"] > 0
    assert brief["day"] == "2026-05-20"


def test_a_rep_sees_only_their_own_customers_in_the_brief_and_patrol(client: TestClient, acme: Org) -> None:
    admin = client.get("/v1/patrol", headers=auth(acme.keys["admin"])).json()
    assert {c["customer_id"] for c in admin["customers"]} == {"c1", "c3"}
    r1 = client.get("/v1/patrol", headers=auth(acme.keys["r1"])).json()
    assert [c["customer_id"] for c in r1["customers"]] == ["c1"]
    c1 = r1["customers"][0]
    assert c1["stage"] == "negotiation" and "备注" not in c1["history"] and "拜访" in c1["history"]
    r3 = client.get("/v1/alerts", headers=auth(acme.keys["r3"])).json()
    assert [a["deal_id"] for a in r3["alerts"]] == ["d3"]  # intent since 1 April: over 30 days
    assert client.get("/v1/alerts", headers=auth(acme.keys["r1"])).json()["count"] == 0


def test_overdue_since_yesterday_names_the_deals_that_just_ran_over(client: TestClient, acme: Org) -> None:
    # d1 entered negotiation on 12 May 16:00; its 15-day limit runs out on 27 May 16:00
    before = client.get(
        "/v1/brief", headers=auth(acme.keys["admin"]), params={"as_of": "2026-05-27T15:00:00+08:00"}
    )
    after = client.get(
        "/v1/brief", headers=auth(acme.keys["admin"]), params={"as_of": "2026-05-27T17:00:00+08:00"}
    )
    assert before.json()["numbers"]["overdue_since_yesterday"] == 0
    found = after.json()["overdue_since_yesterday"]
    assert [x["deal_id"] for x in found] == ["d1"] and found[0]["why"] == "stage_limit"
    assert any(r["type"] == "stage_change" for r in found[0]["records"])
    next_day = client.get(
        "/v1/brief", headers=auth(acme.keys["admin"]), params={"as_of": "2026-05-28T17:00:00+08:00"}
    )
    assert next_day.json()["numbers"]["overdue_since_yesterday"] == 0


def test_the_messages_fit_wecom_and_name_what_they_count(runtime: Runtime, acme: Org) -> None:
    from copilot.access import AccessRole, Principal

    admin = Principal(org_id=acme.id, org_slug="acme", role=AccessRole.ADMIN, key_id=0)
    patrol = runtime.rhythm.patrol(admin)
    text = messages.patrol_markdown(patrol, "华东销售", "http://x/app/patrol")
    assert text.startswith("## 静默巡检 · 华东销售") and "苏州恒远精工机械有限公司" in text and "谈判" in text
    many = {**patrol, "customers": patrol["customers"] * 200, "count": 400}
    long = messages.patrol_markdown(many, "华东销售", "http://x/app/patrol")
    assert len(long.encode("utf-8")) <= messages.MARKDOWN_LIMIT and "未显示" in long
    english = messages.brief_markdown(runtime.rhythm.brief(admin), "East", "http://x/b", lang="en")
    assert english.startswith("## Daily brief · East") and "Deals overdue since yesterday" in english
