"""The clock is passed in, never patched: services ask it for `now()`."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Protocol


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
    """A time given without an offset means the team's time zone; one with an offset is kept."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=tz)
