"""The same code on PostgreSQL: migrations, import, ingestion and isolation on a throwaway database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from api.runtime import Runtime, build_runtime
from copilot.access import authenticate
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.errors import NotFound
from copilot.schemas import FollowUpCreate
from tests.conftest import NOW, load_fixture, make_org


@pytest.fixture
def pg_runtime(new_postgres_database: Callable[[], str]) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(database_url=new_postgres_database()), clock=FixedClock(NOW))
    try:
        yield runtime
    finally:
        runtime.close()


def test_followup_round_trip_on_postgres(pg_runtime: Runtime) -> None:
    pipeline = load_fixture("pipeline", "small.json")
    acme = make_org(pg_runtime, "acme", pipeline)
    globex = make_org(pg_runtime, "globex", pipeline)
    with pg_runtime.sessions() as s:
        acme_rep = authenticate(s, acme.keys["r1"])
        globex_admin = authenticate(s, globex.keys["admin"])
    text = "孙厂长说价格还得再商量 想分三期付款 下周三前我把方案发过去"
    fu = pg_runtime.followups.submit(
        acme_rep, FollowUpCreate(customer_id="c1", input={"kind": "dictation", "text": text})
    )
    assert fu.status == "extracted"
    assert fu.fields is not None and fu.fields.next_follow_up_date is not None
    assert fu.fields.next_follow_up_date.isoformat() == "2026-05-27"
    with pytest.raises(NotFound):
        pg_runtime.followups.get(globex_admin, fu.id)
    assert pg_runtime.followups.get(acme_rep, fu.id).id == fu.id
