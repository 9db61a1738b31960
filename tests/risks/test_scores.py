"""Health weights, lost-reason categories and the per-rep funnel with its flagged drops."""

from __future__ import annotations

from datetime import date

from copilot.domain import lost_reason_category
from copilot.policies import FunnelSettings, HealthWeights, RiskRules
from copilot.risks.funnel import funnel_report
from copilot.risks.scores import deal_health, lost_reasons
from tests.risks.builders import AS_OF, TZ, ago, deal, pipeline, snapshot_of


def test_health_weight_multiplies_every_factor_that_applies() -> None:
    data = pipeline(
        [{"id": "c1", "name": "银行", "industry": "finance", "relationship_years": 3}],
        [
            deal("d1", "c1", ("intent", ago(days=3)), amount=1_000_000, budget=500_000),
            deal("d2", "c1", ("intent", ago(days=3)), amount=100_000, budget=499_999),
        ],
    )
    snap = snapshot_of(data)
    d1 = deal_health(snap, 0, HealthWeights())
    assert [f.name for f in d1.factors] == ["industry", "relationship", "budget"]
    assert d1.weight == round(1.5 * 1.3 * 1.2, 6) and d1.weighted_value == 2_340_000
    assert deal_health(snap, 1, HealthWeights()).weight == round(1.5 * 1.3, 6)
    custom = HealthWeights(industry_factors={"finance": 2.0}, relationship_years_min=5)
    assert deal_health(snap, 0, custom).weight == 2.4


def test_lost_reasons_group_by_their_label() -> None:
    assert lost_reason_category("竞品：华为中标，技术评分更高") == "竞品"
    assert lost_reason_category("Budget: frozen for the year") == "Budget"
    assert lost_reason_category(None) == "未填写 / not given"
    data = pipeline(
        [{"id": "c1", "name": "甲"}],
        [
            deal(
                "d1",
                "c1",
                ("intent", ago(days=30)),
                ("lost", ago(days=5)),
                lost_reason="竞品：价格低",
                amount=10,
            ),
            deal(
                "d2",
                "c1",
                ("intent", ago(days=30)),
                ("lost", ago(days=20)),
                lost_reason="竞品：关系",
                amount=5,
            ),
            deal(
                "d3",
                "c1",
                ("intent", ago(days=30)),
                ("lost", ago(days=2)),
                lost_reason="预算冻结：年度",
                amount=1,
            ),
        ],
    )
    snap = snapshot_of(data)
    report = lost_reasons(snap, AS_OF, {0})
    assert [(c["category"], c["count"], c["amount"]) for c in report["categories"]] == [
        ("竞品", 2, 15),
        ("预算冻结", 1, 1),
    ]
    assert lost_reasons(snap, AS_OF, {0}, since=AS_OF.replace(day=10))["lost"] == 2


def test_a_drop_of_ten_points_is_flagged_with_stalled_customers() -> None:
    # two deals reached intent long ago; a new lead today halves nothing but cuts lead->intent to 2/3
    data = pipeline(
        [{"id": f"c{n}", "name": f"客户{n}"} for n in (1, 2, 3)],
        [
            deal("d1", "c1", ("lead", ago(days=40)), ("intent", ago(days=35))),
            deal("d2", "c2", ("lead", ago(days=40)), ("intent", ago(days=10))),
            deal("d3", "c3", ("lead", ago(hours=2))),
        ],
    )
    snap = snapshot_of(data)
    r1 = snap.user_by_ext["r1"]
    report = funnel_report(snap, date(2026, 5, 20), TZ, FunnelSettings(), RiskRules(), {r1})[0]
    step = report["steps"][0]
    assert (step["step"], step["previous_pct"], step["conversion_pct"]) == ("lead->intent", 100.0, 66.7)
    assert step["flagged"] is True and report["flagged"] is True
    assert [c["customer_id"] for c in report["stalled_customers"]] == ["c1", "c2", "c3"]
    calm = funnel_report(snap, date(2026, 5, 19), TZ, FunnelSettings(), RiskRules(), {r1})[0]
    assert calm["flagged"] is False and calm["stalled_customers"] == []
