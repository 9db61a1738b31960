"""Org isolation, filters, reindex and the background queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from retrieval.queue import IndexQueue, IndexQueueFull
from retrieval.records import IndexRecord, SearchFilters
from retrieval.search import SearchEngine
from tests.retrieval.conftest import record


def test_org_never_sees_another_orgs_chunks(engine: SearchEngine) -> None:
    engine.index([record(1, "a1", "客户要求分三期付款"), record(2, "b1", "客户要求分三期付款")])
    engine.index([record(2, "b2", "违约金条款谈判")])
    assert [h.record_id for h in engine.search(1, "分三期付款")] == ["a1"]
    assert {h.record_id for h in engine.search(2, "分三期付款")} <= {"b1", "b2"}
    assert engine.search(1, "违约金条款") == [] or all(
        h.record_id == "a1" for h in engine.search(1, "违约金")
    )
    assert all(h.meta.get("org_id") == 2 for h in engine.search(2, "付款"))


def test_search_without_an_org_is_refused(engine: SearchEngine) -> None:
    with pytest.raises(TypeError):
        engine.search(None, "付款")  # type: ignore[arg-type]


def test_filters_narrow_by_customer_kind_rep_and_time(engine: SearchEngine) -> None:
    engine.index(
        [
            record(
                1, "a1", "讨论付款方式", customer_id="c1", kind="call", at=datetime(2026, 4, 1, tzinfo=UTC)
            ),
            record(1, "a2", "讨论付款方式", customer_id="c2", kind="visit", rep_id="r2"),
            record(
                1, "a3", "讨论付款方式", customer_id="c2", kind="call", at=datetime(2026, 6, 1, tzinfo=UTC)
            ),
        ]
    )

    def ids(filters: SearchFilters) -> set[str]:
        return {h.record_id for h in engine.search(1, "付款方式", filters)}

    assert ids(SearchFilters()) == {"a1", "a2", "a3"}
    assert ids(SearchFilters(customer_id="c2")) == {"a2", "a3"}
    assert ids(SearchFilters(kinds=("call",))) == {"a1", "a3"}
    assert ids(SearchFilters(rep_id="r2")) == {"a2"}
    since, until = datetime(2026, 4, 15, tzinfo=UTC), datetime(2026, 5, 15, tzinfo=UTC)
    assert ids(SearchFilters(since=since, until=until)) == {"a2"}


def test_reindex_replaces_the_org_and_reports_progress(engine: SearchEngine) -> None:
    engine.index([record(1, "old", "旧的记录 付款")])
    seen: list[tuple[int, int]] = []
    engine.reindex(
        1,
        [record(1, f"n{i}", f"新记录 付款 {i}") for i in range(5)],
        progress=lambda d, t: seen.append((d, t)),
        batch_size=2,
    )
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    found = {h.record_id for h in engine.search(1, "付款", limit=20)}
    assert "old" not in found and len(found) == 5


class FlakyIndexer:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.done: list[str] = []

    def __call__(self, records: Sequence[IndexRecord]) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("embedding server unavailable")
        self.done.extend(r.record_id for r in records)


def test_queue_retries_a_failing_embedder_then_succeeds() -> None:
    sleeps: list[float] = []
    indexer = FlakyIndexer(failures=2)
    q = IndexQueue(indexer, batch_size=10, max_attempts=4, backoff_s=0.1, sleep=sleeps.append)
    q.submit_many([record(1, f"a{i}", "x") for i in range(3)])
    q.flush()
    m = q.metrics
    q.close()
    assert indexer.done == ["a0", "a1", "a2"] or sorted(indexer.done) == ["a0", "a1", "a2"]
    assert (m.queued, m.indexed, m.failed) == (3, 3, 0) and m.retries == 2
    assert sleeps == [0.1, 0.2]


def test_queue_counts_failures_after_the_last_attempt_and_keeps_going() -> None:
    indexer = FlakyIndexer(failures=3)
    q = IndexQueue(indexer, batch_size=1, max_attempts=3, backoff_s=0.0, sleep=lambda _: None)
    q.submit(record(1, "bad", "x"))
    q.flush()
    q.submit(record(1, "good", "y"))
    q.flush()
    m = q.metrics
    q.close()
    assert (m.indexed, m.failed) == (1, 1) and indexer.done == ["good"]


def test_queue_is_bounded() -> None:
    import threading

    gate = threading.Event()
    q = IndexQueue(lambda records: gate.wait(5), maxsize=1, batch_size=1)
    q.submit(record(1, "a", "x"))  # taken by the worker, which then blocks
    deadline = datetime.now(UTC).timestamp() + 2
    while q.metrics.pending and datetime.now(UTC).timestamp() < deadline:
        pass
    q.submit(record(1, "b", "x"))
    with pytest.raises(IndexQueueFull):
        q.submit(record(1, "c", "x"))
    gate.set()
    q.close()


def test_a_record_list_filter_is_scored_exactly_and_keeps_the_org(engine: SearchEngine) -> None:
    engine.index([record(1, f"r{i}", f"付款方式 第{i}次", kind="call") for i in range(30)])
    engine.index([record(2, "r3", "付款方式 第3次")])  # the same record id in another org
    wanted = frozenset({"r3", "r7", "r11", "nope"})
    hits = engine.search(1, "付款方式", SearchFilters(record_ids=wanted), limit=10)
    assert {h.record_id for h in hits} == {"r3", "r7", "r11"}
    assert all(h.meta.get("org_id") == 1 for h in hits)
    assert engine.search(1, "付款方式", SearchFilters(record_ids=frozenset()), limit=10) == []
    assert engine.search(1, "付款方式", SearchFilters(record_ids=wanted, kinds=("visit",))) == []
