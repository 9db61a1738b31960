"""Failed sign-ins counted per client address, so a key cannot be guessed at speed from one place."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=10)
MAX_FAILURES = 10  # per address within the window; then sign-ins from there wait
_MAX_ADDRESSES = 10_000  # memory bound: the oldest addresses are forgotten first


class SignInThrottle:
    """In-process (each web worker keeps its own count): a brake on guessing, not an account lock.

    A success does not clear the count, so a valid key cannot be used to reset it between guesses."""

    def __init__(self, window: timedelta = WINDOW, max_failures: int = MAX_FAILURES) -> None:
        self.window = window
        self.max_failures = max_failures
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: datetime) -> deque[datetime]:
        times = self._failures.get(address, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def blocked(self, address: str, now: datetime) -> bool:
        """Whether this address has failed too often within the window."""
        with self._lock:
            return len(self._recent(address, now)) >= self.max_failures

    def failed(self, address: str, now: datetime) -> None:
        """Count one failed sign-in."""
        with self._lock:
            times = self._recent(address, now)
            times.append(now)
            self._failures.pop(address, None)
            self._failures[address] = times  # most recent last
            while len(self._failures) > _MAX_ADDRESSES:
                self._failures.pop(next(iter(self._failures)))
