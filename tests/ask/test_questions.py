"""Questions in managers' words become plans that give the right records; what cannot be answered
is said so; every answer stays within the caller's scope."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import AccessRole
from copilot.ask.service import AskService
from copilot.ask.validate import PlanInvalid, PlanOutOfScope
from tests.ask.conftest import AS_OF, admin, rep

Demo = tuple[AskService, sessionmaker[Session], int]


def _ask(demo: Demo, question: str, **kw: object) -> dict:
    service, _, org_id = demo
    return service.ask(kw.pop("principal", admin(org_id)), question, as_of=AS_OF, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question",
    [
        "谈判阶段超过15天还没推进的商机有哪些？",
        "谈判的单子里哪些卡了半个月以上",
        "Which deals have been sitting in negotiation for more than 15 days?",
    ],
)
def test_the_same_question_in_other_words(demo: Demo, question: str) -> None:
    answer = _ask(demo, question)
    assert answer["result"] == {"deal_ids": ["d5", "d17", "d28"]}


def test_an_answer_shows_its_plan_and_the_records_behind_it(demo: Demo) -> None:
    answer = _ask(demo, "哪个销售名下三天没跟进的意向以上客户最多？")
    assert answer["result"] == {"rep_ids": ["r4"]}
    assert answer["plan"]["entity"] == "rep" and answer["plan"]["result"]["kind"] == "top"
    (row,) = answer["drilldown"]
    assert row["id"] == "r4" and row["value"] == 4
    customers = {r["id"] for r in row["records"] if r["type"] == "customer"}
    assert customers == {"c14", "c15", "c17", "c27"}
    assert answer["answer"].startswith("r4（陈静）")
    service, _, org_id = demo
    again = service.ask(admin(org_id), plan=answer["plan"], as_of=AS_OF)  # a returned plan runs as it is
    assert again["result"] == answer["result"]


def test_counts_and_sums_drill_down_to_the_deals(demo: Demo) -> None:
    answer = _ask(demo, "所有未结商机按客户健康度加权后的金额合计是多少？")
    assert answer["result"] == {"value": 20546500.0}
    assert answer["drilldown_total"] == 23
    assert sum(row["value"] for row in answer["drilldown"]) == pytest.approx(20546500.0)
    assert "合计" in answer["answer"]


def test_english_questions_get_english_answers(demo: Demo) -> None:
    answer = _ask(demo, "How many deals are in the negotiation stage right now?")
    assert answer["result"] == {"count": 7} and answer["answer"] == "7 deals."


def test_as_of_an_earlier_time(demo: Demo) -> None:
    service, _, org_id = demo
    earlier = AS_OF.replace(month=4, day=20)
    answer = service.ask(
        admin(org_id), "How many deals are in the negotiation stage right now?", as_of=earlier
    )
    assert answer["result"]["count"] < 7


def test_prioritising_travel_says_how_it_ranked(demo: Demo) -> None:
    answer = _ask(demo, "如果下季度砍掉20%差旅预算，哪些客户应该优先保？")
    assert answer["plan"]["result"]["kind"] == "prioritise"
    kept = answer["result"]["customer_ids"]
    assert 0 < len(kept) < 30
    assert "拜访" in answer["answer"] and "加权" in answer["answer"]
    assert all(row["value"] > 0 for row in answer["drilldown"])


@pytest.mark.parametrize(
    "question", ["下季度利润率能到多少？", "Why did we lose the Hangzhou deal?", "今天天气怎么样"]
)
def test_an_unanswerable_question_is_answered_honestly(demo: Demo, question: str) -> None:
    answer = _ask(demo, question)
    assert answer["answerable"] is False and answer["result"] is None
    assert len(answer["suggestions"]) == 3
    assert "无法回答" in answer["answer"] or "can't answer" in answer["answer"]


def test_a_rep_asking_about_the_team_sees_only_their_own(demo: Demo) -> None:
    service, sessions, org_id = demo
    li_na = rep(sessions, org_id, "r2")
    mine = service.ask(li_na, "华东一组名下未结商机有哪些？", as_of=AS_OF)
    everyone = service.ask(admin(org_id), "华东一组名下未结商机有哪些？", as_of=AS_OF)
    assert set(mine["result"]["deal_ids"]) < set(everyone["result"]["deal_ids"])
    assert {row["rep_id"] for row in mine["drilldown"]} == {"r2"}
    with pytest.raises(PlanOutOfScope):
        service.ask(li_na, "陈静名下有哪些商机？", as_of=AS_OF)
    supervisor = rep(sessions, org_id, "r6", AccessRole.SUPERVISOR)  # 华东一组's manager
    team = service.ask(supervisor, "Which reps have at least one stale customer?", as_of=AS_OF)
    assert set(team["result"]["rep_ids"]) <= {"r1", "r2"}


def test_the_validator_refuses_unknown_fields_and_other_scopes(demo: Demo) -> None:
    service, sessions, org_id = demo
    with pytest.raises(PlanInvalid, match="no field 'colour'"):
        service.ask(
            admin(org_id),
            plan={"entity": "deal", "where": [{"kind": "in", "field": "colour", "values": ["red"]}]},
        )
    with pytest.raises(PlanInvalid):
        service.ask(
            admin(org_id), plan={"entity": "deal", "where": [{"kind": "sql", "query": "DROP TABLE deals"}]}
        )
    with pytest.raises(PlanInvalid, match="no rep 'r99'"):
        service.ask(
            admin(org_id),
            plan={"entity": "deal", "where": [{"kind": "in", "field": "rep", "values": ["r99"]}]},
        )
    with pytest.raises(PlanOutOfScope):
        service.ask(
            rep(sessions, org_id, "r1"),
            plan={"entity": "deal", "where": [{"kind": "in", "field": "customer", "values": ["c4"]}]},
        )
    other = admin(org_id + 1)  # another organization's admin: the customer id means nothing there
    with pytest.raises(PlanInvalid, match="no customer 'c4'"):
        service.ask(
            other, plan={"entity": "deal", "where": [{"kind": "in", "field": "customer", "values": ["c4"]}]}
        )
    ok = service.ask(
        admin(org_id),
        plan={
            "entity": "deal",
            "where": [{"kind": "in", "field": "stage", "values": ["won"]}],
            "result": {"kind": "count"},
        },
    )
    assert ok["result"] == {"count": 7} and ok["engine"] == "plan"


def test_bad_questions_are_refused(demo: Demo) -> None:
    from copilot.errors import InputTooLarge, InvalidInput

    with pytest.raises(InvalidInput):
        _ask(demo, "   ")
    with pytest.raises(InputTooLarge):
        _ask(demo, "哪些商机" * 200)
