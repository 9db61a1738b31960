"""Every risk rule at its boundary, and the records each risk names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from copilot.domain import Stage
from copilot.policies import Policy, RiskRules
from copilot.risks.rules import evaluate
from tests.risks.builders import AS_OF, ago, deal, pipeline, snapshot_of


def _found(data: dict, rules: RiskRules | None = None, as_of=AS_OF) -> dict[str, list[str]]:
    snap = snapshot_of(data)
    out: dict[str, list[str]] = {}
    for r in evaluate(snap, as_of, {c.idx for c in snap.customers}, rules or Policy().risk_rules):
        out.setdefault(r.rule, []).append(
            snap.deals[r.deal].ext if r.deal is not None else snap.customers[r.customer].ext
        )
    return out


@pytest.mark.parametrize(("idle", "stale"), [({"hours": 71, "minutes": 59}, False), ({"hours": 72}, True)])
def test_stale_at_72_hours(idle: dict, stale: bool) -> None:
    data = pipeline(
        [{"id": "c1", "name": "甲"}],
        [deal("d1", "c1", ("intent", ago(days=10)))],
        [{"customer_id": "c1", "deal_id": "d1", "at": ago(**idle)}],
    )
    assert ("c1" in _found(data).get("stale_customer", [])) is stale


def test_stale_needs_an_open_deal_at_intent_or_later() -> None:
    data = pipeline(
        [{"id": "c1", "name": "线索"}, {"id": "c2", "name": "赢了"}, {"id": "c3", "name": "没记录"}],
        [
            deal("d1", "c1", ("lead", ago(days=20))),
            deal("d2", "c2", ("won", ago(days=20))),
            deal("d3", "c3", ("proposal", ago(days=5))),
        ],
        [{"customer_id": "c1", "at": ago(days=9)}, {"customer_id": "c2", "at": ago(days=9)}],
    )
    found = _found(data)
    assert found["stale_customer"] == ["c3"]  # never contacted since it opened: stale too
    policy = Policy().risk_rules.model_copy(deep=True)
    policy.stale_customer.min_stage = Stage.LEAD
    assert sorted(_found(data, policy)["stale_customer"]) == ["c1", "c3"]


@pytest.mark.parametrize(("days", "stuck"), [(15, False), (16, True)])
def test_negotiation_stuck_after_15_days(days: int, stuck: bool) -> None:
    data = pipeline(
        [{"id": "c1", "name": "甲"}],
        [deal("d1", "c1", ("intent", ago(days=40)), ("negotiation", ago(days=days)))],
    )
    assert ("d1" in _found(data).get("stuck_deal", [])) is stuck


@pytest.mark.parametrize(("stage", "limit"), [("proposal", 21), ("intent", 30)])
def test_each_stage_has_its_own_limit(stage: str, limit: int) -> None:
    at_limit = pipeline([{"id": "c1", "name": "甲"}], [deal("d1", "c1", (stage, ago(days=limit)))])
    past = pipeline([{"id": "c1", "name": "甲"}], [deal("d1", "c1", (stage, ago(days=limit, minutes=1)))])
    assert "stuck_deal" not in _found(at_limit)
    assert _found(past)["stuck_deal"] == ["d1"]


def test_stuck_limits_are_configurable() -> None:
    data = pipeline([{"id": "c1", "name": "甲"}], [deal("d1", "c1", ("negotiation", ago(days=12)))])
    rules = RiskRules.model_validate({"stuck_deal": {"limits": {"negotiation": 10}}})
    assert _found(data, rules)["stuck_deal"] == ["d1"]
    rules = RiskRules.model_validate({"stuck_deal": {"enabled": False}})
    assert "stuck_deal" not in _found(data, rules)


def test_decision_maker_letters_and_legal_finance() -> None:
    complete = "确认函：付款方式：预付30%。交付周期：30日内交货。验收标准：按清单逐项验收。"
    data = pipeline(
        [
            {"id": "c1", "name": "有决策人", "contacts": [{"name": "李总", "role": "decision_maker"}]},
            {"id": "c2", "name": "没决策人", "contacts": [{"name": "小王", "role": "user"}]},
        ],
        [
            deal("d1", "c1", ("negotiation", ago(days=3))),
            deal("d2", "c2", ("negotiation", ago(days=3))),
        ],
        [
            {
                "customer_id": "c1",
                "deal_id": "d1",
                "actor_id": "l1",
                "actor_role": "legal",
                "at": ago(days=6, hours=23),
            },
            {
                "customer_id": "c2",
                "deal_id": "d2",
                "actor_id": "l1",
                "actor_role": "legal",
                "at": ago(days=7, hours=1),
            },
        ],
        [
            {
                "id": "doc1",
                "deal_id": "d1",
                "kind": "confirmation_letter",
                "at": ago(days=2),
                "text": complete,
            },
            {
                "id": "doc2",
                "deal_id": "d2",
                "kind": "confirmation_letter",
                "at": ago(days=2),
                "text": complete[:20],
            },
        ],
    )
    found = _found(data)
    assert found["missing_decision_maker"] == ["d2"]
    assert found["missing_confirmation_letter"] == ["d2"]
    assert found["no_legal_finance_activity"] == ["d2"]
    # as of before the letters existed, neither deal had one
    earlier = _found(data, as_of=AS_OF - timedelta(days=2, hours=1))
    assert sorted(earlier["missing_confirmation_letter"]) == ["d1", "d2"]


def test_a_risk_names_its_records_and_since_when() -> None:
    data = pipeline(
        [{"id": "c1", "name": "甲"}],
        [deal("d1", "c1", ("intent", ago(days=40)), ("proposal", ago(days=25)))],
        [{"id": "a9", "customer_id": "c1", "deal_id": "d1", "at": ago(days=4)}],
    )
    snap = snapshot_of(data)
    risks = {r.rule: r for r in evaluate(snap, AS_OF, {0}, Policy().risk_rules)}
    stuck = risks["stuck_deal"]
    assert stuck.since == AS_OF - timedelta(days=25) + timedelta(days=21)
    assert stuck.facts["days_in_stage"] == 25.0 and stuck.facts["limit_days"] == 21
    stale = risks["stale_customer"]
    assert stale.since == AS_OF - timedelta(days=4) + timedelta(hours=72)
    assert [(r.type, r.id) for r in stale.records] == [("customer", "c1"), ("deal", "d1"), ("activity", "a9")]
