"""The scheduler's timing with an injected clock: Friday 15:00 in Asia/Shanghai, daylight-saving
changes elsewhere, and a missed run caught up once after downtime."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from api.runtime import Runtime
from copilot.clock import FixedClock
from copilot.policies import Rhythm
from copilot.rhythm.schedule import JobSchedule, due_slot, latest_slot, schedules
from copilot.store.models import JobRun
from tests.conftest import Org, auth

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
PATROL = JobSchedule("patrol", time(15, 0), weekday=4)


def test_the_patrol_is_due_at_friday_15_00_in_shanghai_and_not_before() -> None:
    friday = datetime(2026, 5, 22, 14, 59, tzinfo=SHANGHAI)
    assert latest_slot(PATROL, friday, SHANGHAI) == datetime(2026, 5, 15, 15, 0, tzinfo=SHANGHAI)
    assert due_slot(PATROL, friday, SHANGHAI, done=set()) is None  # last week's is over 24 h old
    at_three = datetime(2026, 5, 22, 15, 0, tzinfo=SHANGHAI)
    slot = due_slot(PATROL, at_three, SHANGHAI, done=set())
    assert slot == datetime(2026, 5, 22, 7, 0, tzinfo=UTC)
    assert due_slot(PATROL, at_three + timedelta(minutes=5), SHANGHAI, done={slot}) is None
    assert due_slot(PATROL, datetime(2026, 5, 25, 15, 0, tzinfo=SHANGHAI), SHANGHAI, done={slot}) is None


def test_daylight_saving_moves_the_instant_not_the_wall_clock_time() -> None:
    brief = JobSchedule("brief", time(8, 30))
    before = latest_slot(brief, datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK), NEW_YORK)
    after = latest_slot(brief, datetime(2026, 3, 9, 9, 0, tzinfo=NEW_YORK), NEW_YORK)
    assert before == datetime(2026, 3, 7, 13, 30, tzinfo=UTC)  # EST, UTC-5
    assert after == datetime(2026, 3, 9, 12, 30, tzinfo=UTC)  # EDT, UTC-4
    autumn = latest_slot(brief, datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK), NEW_YORK)
    assert autumn == datetime(2026, 11, 2, 13, 30, tzinfo=UTC)
    # 02:30 does not exist on 8 March in New York: it runs once, an hour later on the clock
    early = JobSchedule("alerts", time(2, 30))
    gap = latest_slot(early, datetime(2026, 3, 8, 12, 0, tzinfo=NEW_YORK), NEW_YORK)
    assert gap == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert gap.astimezone(NEW_YORK).hour == 3


def test_the_rhythm_settings_name_the_jobs() -> None:
    named = {s.job: s for s in schedules(Rhythm(brief_time="07:45", patrol_weekday=3))}
    assert named["brief"].at == time(7, 45) and named["brief"].weekday is None
    assert named["patrol"].weekday == 3 and named["alerts"].at == time(9, 0)


def test_a_missed_patrol_is_caught_up_once_after_downtime(
    client: TestClient, runtime: Runtime, acme: Org
) -> None:
    key = auth(acme.keys["admin"])
    body = {"name": "群", "kind": "wecom", "url": "http://127.0.0.1:9/send?key=k", "jobs": ["patrol"]}
    assert client.post("/v1/webhooks", headers=key, json=body).status_code == 201
    assert isinstance(runtime.clock, FixedClock)
    # down over Friday 15:00; back at 18:20
    back = datetime(2026, 5, 22, 18, 20, tzinfo=SHANGHAI)
    runs = runtime.rhythm.tick(back)
    assert [(r["job"], r["trigger"]) for r in runs] == [("patrol", "catch_up")]
    assert runtime.rhythm.tick(back + timedelta(minutes=1)) == []
    assert runtime.rhythm.tick(datetime(2026, 5, 23, 15, 0, tzinfo=SHANGHAI)) == []  # Saturday
    on_time = runtime.rhythm.tick(datetime(2026, 5, 29, 15, 0, 20, tzinfo=SHANGHAI))
    assert [(r["job"], r["trigger"]) for r in on_time] == [("patrol", "schedule")]
    # down for more than a day past the slot: no stale patrol is sent on restart
    assert runtime.rhythm.tick(datetime(2026, 6, 6, 16, 0, tzinfo=SHANGHAI)) == []
    with runtime.sessions() as s:
        slots = [r.slot for r in s.query(JobRun).order_by(JobRun.slot)]
    assert slots == [datetime(2026, 5, 22, 7, 0, tzinfo=UTC), datetime(2026, 5, 29, 7, 0, tzinfo=UTC)]


def test_the_teams_own_time_zone_sets_the_slot(client: TestClient, runtime: Runtime, acme: Org) -> None:
    key = auth(acme.keys["admin"])
    client.post(
        "/v1/webhooks",
        headers=key,
        json={"name": "g", "kind": "wecom", "url": "http://127.0.0.1:9/x", "jobs": ["brief"]},
    )
    r = client.patch(
        "/v1/policy", headers=key, json={"rhythm": {"timezone": "America/New_York", "brief_time": "08:30"}}
    )
    assert r.status_code == 200, r.text
    # yesterday's slot (12:30 UTC on 19 May) came before the webhook existed: it is not caught up
    assert runtime.rhythm.tick(runtime.clock.now() + timedelta(minutes=1)) == []
    # the first tick catches up yesterday's 08:30 EDT (12:30 UTC) brief, made after the webhook
    (caught,) = runtime.rhythm.tick(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert caught["trigger"] == "catch_up"
    assert runtime.rhythm.tick(datetime(2026, 6, 1, 12, 29, tzinfo=UTC)) == []
    (run,) = runtime.rhythm.tick(datetime(2026, 6, 1, 12, 30, tzinfo=UTC))
    assert run["job"] == "brief" and run["trigger"] == "schedule"
    with runtime.sessions() as s:
        slots = sorted(r.slot for r in s.query(JobRun))
    assert slots == [datetime(2026, 5, 31, 12, 30, tzinfo=UTC), datetime(2026, 6, 1, 12, 30, tzinfo=UTC)]
    bad = client.patch("/v1/policy", headers=key, json={"rhythm": {"timezone": "Mars/Olympus"}})
    assert bad.status_code == 422


def test_two_processes_ticking_at_once_run_a_slot_once(
    client: TestClient, runtime: Runtime, acme: Org, settings: object
) -> None:
    from api.runtime import build_runtime
    from copilot.config import Settings

    assert isinstance(settings, Settings)
    client.post(
        "/v1/webhooks",
        headers=auth(acme.keys["admin"]),
        json={"name": "g", "kind": "wecom", "url": "http://127.0.0.1:9/x", "jobs": ["brief"]},
    )
    other = build_runtime(settings, clock=FixedClock(runtime.clock.now()))
    at = datetime(2026, 5, 20, 8, 31, tzinfo=SHANGHAI)
    slot = datetime(2026, 5, 20, 0, 30, tzinfo=UTC)
    try:
        first = runtime.rhythm.run_job(acme.id, "brief", now=at, slot=slot, trigger="schedule")
        second = other.rhythm.run_job(acme.id, "brief", now=at, slot=slot, trigger="schedule")
    finally:
        other.close()
    assert first is not None and second is None
