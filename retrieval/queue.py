"""Indexing off the request path: a bounded queue drained by one background worker with retries."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.records import IndexRecord

log = logging.getLogger(__name__)

IndexFn = Callable[[Sequence[IndexRecord]], object]


class IndexQueueFull(Exception):
    """The queue is at capacity; the caller decides whether to drop, wait or reindex later."""


@dataclass(frozen=True)
class QueueMetrics:
    """Counters since the queue started (records, not chunks)."""

    queued: int
    indexed: int
    failed: int
    retries: int
    pending: int
    dropped: int = 0  # refused because the queue was full: searchable again after a reindex


class IndexQueue:
    """Background indexing: `submit` returns at once; a worker thread embeds and stores in batches.

    A failing batch is retried with exponential backoff (`backoff_s`, doubling, `max_attempts` in
    all); after the last attempt its records are counted as failed and logged, and the worker moves
    on, so one bad record never blocks the ones behind it.
    """

    def __init__(
        self,
        index: IndexFn,
        maxsize: int = 10_000,
        batch_size: int = 32,
        max_attempts: int = 4,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._index = index
        self._queue: queue.Queue[IndexRecord | None] = queue.Queue(maxsize=maxsize)
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._sleep = sleep
        self._lock = threading.Lock()
        self._queued = self._indexed = self._failed = self._retries = self._dropped = 0
        self._waiting: dict[int, int] = {}  # org -> records submitted and not yet processed
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="index-queue", daemon=True)
        self._worker.start()

    def submit(self, record: IndexRecord, timeout_s: float | None = 0.0) -> None:
        """Enqueue one record; raises `IndexQueueFull` if no slot frees up within `timeout_s`."""
        if self._closed:
            raise RuntimeError("index queue is closed")
        with self._lock:  # counted before the worker can see it, so the count never goes below 0
            self._waiting[record.org_id] = self._waiting.get(record.org_id, 0) + 1
        try:
            if timeout_s == 0.0:
                self._queue.put_nowait(record)
            else:
                self._queue.put(record, timeout=timeout_s)
        except queue.Full as exc:
            with self._lock:
                self._dropped += 1
                self._done_waiting([record])
            raise IndexQueueFull(f"index queue full ({self._queue.maxsize} records)") from exc
        with self._lock:
            self._queued += 1

    def _done_waiting(self, records: Sequence[IndexRecord]) -> None:
        """Records no longer waiting (call with the lock held)."""
        for record in records:
            left = self._waiting.get(record.org_id, 0) - 1
            if left > 0:
                self._waiting[record.org_id] = left
            else:
                self._waiting.pop(record.org_id, None)

    def waiting(self, org_id: int) -> int:
        """Records of the org submitted and not yet indexed or failed; `-1`: of every org."""
        with self._lock:
            return sum(self._waiting.values()) if org_id == -1 else self._waiting.get(org_id, 0)

    def submit_many(self, records: Sequence[IndexRecord], timeout_s: float | None = None) -> None:
        """Enqueue several records, waiting for room (`None` waits as long as needed)."""
        for record in records:
            self.submit(record, timeout_s=timeout_s)

    def flush(self) -> None:
        """Block until every record submitted so far is indexed or counted as failed."""
        self._queue.join()

    def close(self, timeout_s: float | None = None) -> None:
        """Finish the queued work, then stop the worker."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._worker.join(timeout_s)

    @property
    def metrics(self) -> QueueMetrics:
        """A consistent snapshot of the counters."""
        with self._lock:
            return QueueMetrics(
                self._queued, self._indexed, self._failed, self._retries, self._queue.qsize(), self._dropped
            )

    def _take_batch(self) -> tuple[list[IndexRecord], bool]:
        """Up to `batch_size` records (blocking for the first); True when the stop marker was seen."""
        first = self._queue.get()
        if first is None:
            self._queue.task_done()
            return [], True
        batch = [first]
        stop = False
        while len(batch) < self._batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.task_done()
                stop = True
                break
            batch.append(item)
        return batch, stop

    def _run(self) -> None:
        while True:
            batch, stop = self._take_batch()
            if batch:
                self._process(batch)
                with self._lock:
                    self._done_waiting(batch)
                for _ in batch:
                    self._queue.task_done()
            if stop:
                return

    def _process(self, batch: list[IndexRecord]) -> None:
        delay = self._backoff_s
        for attempt in range(1, self._max_attempts + 1):
            try:
                self._index(batch)
            # The embedder and the store raise many unrelated types (HTTP, ctypes, Chroma); the
            # worker must survive all of them, and each failure is logged and counted, never hidden.
            except Exception as exc:
                if attempt == self._max_attempts:
                    log.error(
                        "index_batch_failed",
                        extra={
                            "records": [r.record_id for r in batch],
                            "attempts": attempt,
                            "error": repr(exc),
                        },
                    )
                    with self._lock:
                        self._failed += len(batch)
                    return
                log.warning("index_batch_retry", extra={"attempt": attempt, "error": repr(exc)})
                with self._lock:
                    self._retries += 1
                self._sleep(delay)
                delay *= 2
            else:
                with self._lock:
                    self._indexed += len(batch)
                return
