"""When the daily jobs are due, in the team's time zone.

A job's slot is a wall-clock time in the organization's zone (the brief every day at 08:30, the
patrol on Fridays at 15:00), turned into an instant with that day's UTC offset, so daylight-saving
changes move the instant, not the wall-clock time. A time that does not exist on a spring-forward
day runs at the same offset as before the change (an hour later on the clock).

The latest slot at or before now is due when it has not run yet and is at most `CATCH_UP` old:
after downtime each job catches up once (its latest missed slot), never once per missed slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from copilot.policies import Rhythm

CATCH_UP = timedelta(hours=24)


@dataclass(frozen=True)
class JobSchedule:
    job: str
    at: time
    weekday: int | None = None  # None: every day


def schedules(rhythm: Rhythm) -> list[JobSchedule]:
    def hhmm(value: str) -> time:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    return [
        JobSchedule("brief", hhmm(rhythm.brief_time)),
        JobSchedule("alerts", hhmm(rhythm.alerts_time)),
        JobSchedule("patrol", hhmm(rhythm.patrol_time), rhythm.patrol_weekday),
    ]


def local_instant(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant of a wall-clock time on a day in `tz`."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def latest_slot(schedule: JobSchedule, now: datetime, tz: tzinfo) -> datetime:
    """The job's latest slot at or before `now` (UTC)."""
    today = now.astimezone(tz).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if schedule.weekday is not None and day.weekday() != schedule.weekday:
            continue
        slot = local_instant(day, schedule.at, tz)
        if slot <= now:
            return slot
    raise AssertionError("a weekly slot exists within eight days")  # pragma: no cover


def due_slot(schedule: JobSchedule, now: datetime, tz: tzinfo, done: set[datetime]) -> datetime | None:
    """The slot to run now, if any: the latest one, when it has not run and is not too old."""
    slot = latest_slot(schedule, now, tz)
    if slot in done or now - slot > CATCH_UP:
        return None
    return slot
