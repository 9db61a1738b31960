"""The service's background work: the search indexer, the resumption of interrupted follow-up
extractions, and the scheduler with the outbox.

One process runs it: `copilot serve` itself when it is a single process, or the one `copilot
worker` beside several web workers (`copilot serve --workers N`), so that models are loaded, index
writes made and scheduled jobs run once, not once per web worker.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from api.runtime import Runtime
from api.search_backend import BackgroundIndexer
from copilot.rhythm.service import Scheduler

log = logging.getLogger(__name__)

# A live index row (a follow-up indexed from memory by the process that stored it) older than this
# is taken as lost (that process died, or its full queue dropped the record) and indexed from the
# database instead.
LIVE_GRACE = timedelta(minutes=5)


class Recovery(threading.Thread):
    """Resumes follow-ups stored but never extracted (their process died mid-request) and returns
    lost live index rows to the queue; once at start and then every `interval_s`."""

    def __init__(self, runtime: Runtime, interval_s: float = 15.0, *, revive_live_now: bool = False) -> None:
        super().__init__(name="copilot-recovery", daemon=True)
        self.runtime = runtime
        self.interval_s = interval_s
        self.stopped = threading.Event()
        # at the start of a single-process service every live row is a dead process's
        self._revive_before = runtime.clock.now() if revive_live_now else None

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.pass_once()
            except Exception:  # a database hiccup must not end recovery: logged, tried again
                log.exception("recovery pass failed")
            self.stopped.wait(self.interval_s)

    def pass_once(self) -> tuple[int, int]:
        """One pass: (extractions resumed, index rows revived)."""
        now = self.runtime.clock.now()
        before = self._revive_before or now - LIVE_GRACE
        self._revive_before = None
        revived = self.runtime.search.revive(before)
        resumed = 0
        while not self.stopped.is_set():
            batch = self.runtime.followups.resume_interrupted()
            resumed += batch
            if batch == 0:
                break
        if revived:
            log.info("index rows returned to the queue", extra={"count": revived})
        return resumed, revived

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)


class BackgroundWork:
    """Starts and stops the background threads of the one process that runs them."""

    def __init__(self, runtime: Runtime, *, scheduler: bool, single_process: bool) -> None:
        self.runtime = runtime
        self.indexer = BackgroundIndexer(
            runtime.search_backend,
            lambda stop: runtime.search.drain(should_stop=stop),
            interval_s=1.0 if not single_process else 2.0,
        )
        self.recovery = Recovery(runtime, revive_live_now=single_process)
        self.scheduler = (
            Scheduler(runtime.rhythm, runtime.settings.scheduler_interval_s) if scheduler else None
        )

    def start(self) -> None:
        self.indexer.start()
        self.recovery.start()
        if self.scheduler is not None:
            self.scheduler.start()

    def stop(self) -> None:
        """Stops taking new work and lets the current batch finish (each thread waits for it)."""
        if self.scheduler is not None:
            self.scheduler.stop()
        self.recovery.stop()
        self.indexer.stop()
