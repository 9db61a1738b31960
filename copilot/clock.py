"""The clock is passed in, never patched: services ask it for `now()`."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Protocol

from copilot.errors import InvalidInput

# the years a question may be asked about (as of, since, a day)
YEARS = (2000, 2100)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still (tests, evals, replays)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at


def in_zone(value: datetime | None, tz: tzinfo) -> datetime | None:
    """A time given without an offset means the team's time zone; one with an offset is kept.

    A time outside the years 2000 to 2100 is refused: every question looks days to months back or
    ahead of it, which would leave the calendar."""
    if value is None:
        return None
    check_years(value, "time")
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def check_years(value: date, what: str) -> None:
    """InvalidInput for a day or time outside YEARS."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise InvalidInput(f"{what} {value.isoformat()} is outside the years {YEARS[0]} to {YEARS[1]}")
