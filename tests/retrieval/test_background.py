"""Pieces of background indexing: per-org waiting counts, removal, one indexer per index."""

from __future__ import annotations

import threading
from pathlib import Path

from api.search_backend import RetrievalBackend
from retrieval.queue import IndexQueue
from retrieval.search import SearchEngine
from tests.retrieval.conftest import record


def test_the_queue_counts_waiting_records_per_organization() -> None:
    gate = threading.Event()
    queue = IndexQueue(lambda records: gate.wait(10), batch_size=1)
    try:
        queue.submit_many([record(1, "a", "x"), record(1, "b", "y"), record(2, "c", "z")])
        assert queue.waiting(1) == 2 and queue.waiting(2) == 1 and queue.waiting(-1) == 3
        gate.set()
        queue.flush()
        assert queue.waiting(1) == 0 and queue.waiting(-1) == 0
    finally:
        gate.set()
        queue.close()


def test_remove_drops_a_record_from_its_org_only(engine: SearchEngine) -> None:
    engine.index([record(1, "a", "客户要求分三期付款"), record(2, "a", "客户要求分三期付款")])
    engine.remove(1, ["a"])
    assert engine.search(1, "分三期付款") == []
    assert [h.record_id for h in engine.search(2, "分三期付款")] == ["a"]


def test_one_indexer_at_a_time(tmp_path: Path) -> None:
    first = RetrievalBackend(tmp_path / "chroma", None, ["hashing"], in_process=True)
    second = RetrievalBackend(tmp_path / "chroma", None, ["hashing"], in_process=True)
    try:
        assert not second.indexer_elsewhere()
        assert first.try_lock() and first.try_lock()  # re-entrant for its holder
        assert second.indexer_elsewhere() and not second.try_lock()
        first.unlock()
        assert second.try_lock() and first.indexer_elsewhere()
    finally:
        first.close()
        second.close()


def test_cached_hubness_scores_follow_indexing(engine: SearchEngine) -> None:
    from retrieval.search import SearchConfig

    engine = SearchEngine(engine.stores, SearchConfig(fusion="rrf", hub_k=2, hub_alpha={"hashing": 1.0}))
    engine.index(
        [record(1, "a", "付款方式 分三期"), record(1, "b", "交付时间安排"), record(1, "c", "违约金")]
    )
    engine.search(1, "付款方式")  # fills the cache
    assert engine._hub_cache[(0, 1)]
    engine.index([record(1, "a2", "付款方式 分三期")])  # a's neighbourhood changed: its score too
    fresh = SearchEngine(engine.stores, engine.config)
    for query in ("付款方式", "交付", "违约金 付款"):
        assert [(h.record_id, h.score) for h in engine.search(1, query)] == [
            (h.record_id, h.score) for h in fresh.search(1, query)
        ]
    assert engine.warm_hub_cache(1) == 4


def test_the_metadata_table_filters_like_the_store(engine: SearchEngine) -> None:
    from datetime import UTC, datetime

    from retrieval.records import SearchFilters

    notes = ["客户要求分三期付款", "交付时间安排在六月", "违约金比例太高", "付款方式改成月结", "安装调试完成"]
    engine.index(
        [
            record(
                1,
                f"r{i}",
                f"{notes[i % 5]} 第{i}次",
                customer_id=f"c{i % 3}",
                kind=("call", "visit")[i % 2],
                at=datetime(2026, 1 + i % 5, 1, tzinfo=UTC),
            )
            for i in range(30)
        ]
        + [record(2, "secret", "客户要求分三期付款", customer_id="c0")]
    )
    store_path = SearchEngine(engine.stores, engine.config)  # no table: the store's own filtering
    assert engine.table(1, wait=True) is not None and len(engine.table(1) or []) == 30
    cases = [
        SearchFilters(customer_id="c1"),
        SearchFilters(kinds=("visit",)),
        SearchFilters(since=datetime(2026, 3, 1, tzinfo=UTC), until=datetime(2026, 4, 2, tzinfo=UTC)),
        SearchFilters(record_ids=frozenset({"r1", "r2", "r7"})),
        SearchFilters(customer_id="nobody"),
    ]
    for filters in cases:
        got = [h.record_id for h in engine.search(1, "付款", filters, limit=30)]
        assert got == [h.record_id for h in store_path.search(1, "付款", filters, limit=30)], filters
        assert "secret" not in got
    # writes reach the table: a replaced record moves customer, a removed one disappears
    engine.index([record(1, "r1", "客户要求分三期付款", customer_id="c2")])
    engine.remove(1, ["r4"])
    got = {h.record_id for h in engine.search(1, "付款", SearchFilters(customer_id="c1"), limit=30)}
    assert "r1" not in got and "r4" not in got and got
    assert "r1" in {h.record_id for h in engine.search(1, "付款", SearchFilters(customer_id="c2"), limit=30)}
