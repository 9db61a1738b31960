"""The engine's per-organization chunk cache (texts, metadata and glossary concepts of chunks read
by searches): dropped when the organization's index changes, and never shared between orgs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from retrieval.records import SearchFilters
from retrieval.search import SearchEngine
from tests.retrieval.conftest import record


def _texts(engine: SearchEngine, org_id: int, query: str) -> dict[str, str]:
    return {h.record_id: h.text for h in engine.search(org_id, query)}


def test_new_data_for_an_org_replaces_its_cached_chunks(engine: SearchEngine) -> None:
    engine.index([record(1, "a1", "客户同意先付定金 deposit"), record(1, "a2", "报价单已发")])
    assert _texts(engine, 1, "deposit")["a1"] == "客户同意先付定金 deposit"
    assert "a1#0" in engine._chunks[1] and "a1#0" in engine._concepts[1]  # cached by the search

    engine.index([record(1, "a1", "客户要求 deposit 退还", customer_id="c9")])  # a new version
    assert "a1#0" not in engine._chunks.get(1, {})
    hits = {h.record_id: h for h in engine.search(1, "deposit")}
    assert hits["a1"].text == "客户要求 deposit 退还"
    assert hits["a1"].meta["customer_id"] == "c9"

    engine.remove(1, ["a1"])
    assert 1 not in engine._chunks
    assert "a1" not in _texts(engine, 1, "deposit")

    engine.reindex(1, [record(1, "a3", "deposit 已到账")])
    assert set(_texts(engine, 1, "deposit")) == {"a3"}


def test_orgs_never_see_each_others_cached_chunks(engine: SearchEngine) -> None:
    # the same record id in two organizations, with different texts and customers
    engine.index([record(1, "x1", "org one: deposit 定金", customer_id="c1")])
    engine.index([record(2, "x1", "org two: deposit 保证金", customer_id="c2")])
    for _ in range(2):  # the second round is served from the caches
        one = engine.search(1, "deposit")
        two = engine.search(2, "deposit")
        assert [(h.text, h.meta["org_id"], h.meta["customer_id"]) for h in one] == [
            ("org one: deposit 定金", 1, "c1")
        ]
        assert [(h.text, h.meta["org_id"], h.meta["customer_id"]) for h in two] == [
            ("org two: deposit 保证金", 2, "c2")
        ]
    # a write to one org leaves the other's cache alone
    engine.index([record(1, "x2", "another deposit note")])
    assert 1 not in engine._chunks and "x1#0" in engine._chunks[2]
    assert _texts(engine, 2, "deposit") == {"x1": "org two: deposit 保证金"}


def test_a_read_that_raced_a_write_is_not_kept(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.index([record(1, "a1", "deposit 定金")])
    store = engine.stores[0]
    real = store.records

    def racing(org_id: int, chunk_ids: Sequence[str]) -> Any:
        found = real(org_id, chunk_ids)
        engine._forget_chunks(org_id)  # a write to the org finished while this read ran
        return found

    monkeypatch.setattr(store, "records", racing)
    assert _texts(engine, 1, "deposit") == {"a1": "deposit 定金"}
    assert not engine._chunks.get(1) and not engine._concepts.get(1)


def test_hubness_refresh_drops_the_cached_metadata(engine: SearchEngine) -> None:
    engine.index([record(1, "a1", "deposit 定金")])
    engine.search(1, "deposit")
    assert engine._chunks.get(1)
    engine.refresh_hubness(1)
    assert not engine._chunks.get(1)


def test_no_cache_where_another_process_writes_the_index(engine: SearchEngine) -> None:
    from dataclasses import replace

    engine.config = replace(engine.config, memory_table=False)
    engine.index([record(1, "a1", "deposit 定金")])
    assert _texts(engine, 1, "deposit") == {"a1": "deposit 定金"}
    assert not engine._chunks and not engine._concepts


def test_an_orgs_cached_vectors_follow_its_writes_and_stay_its_own(engine: SearchEngine) -> None:
    engine.index([record(1, "a1", "客户要求分三期付款", customer_id="c1")])
    engine.index([record(2, "a1", "违约金条款谈判", customer_id="c1")])  # same ids, another org
    for org in (1, 2):
        engine.table(org, wait=True)  # filters go through the in-memory table (and cached vectors)
    by_customer = SearchFilters(customer_id="c1")
    assert [h.text for h in engine.search(1, "分三期付款", by_customer)] == ["客户要求分三期付款"]
    assert [h.text for h in engine.search(2, "分三期付款", by_customer)] == ["违约金条款谈判"]
    one, two = engine._vectors[(0, 1)], engine._vectors[(0, 2)]
    assert one[1] == two[1] == ["a1#0"] and not np.array_equal(one[2], two[2])

    engine.index([record(1, "a2", "分三期付款的发票", customer_id="c1")])  # new data for org 1
    assert (0, 1) not in engine._vectors and (0, 2) in engine._vectors
    assert {h.record_id for h in engine.search(1, "分三期付款", by_customer)} == {"a1", "a2"}
    assert sorted(engine._vectors[(0, 1)][1]) == ["a1#0", "a2#0"]
    assert [h.record_id for h in engine.search(2, "分三期付款", by_customer)] == ["a1"]

    engine.remove(1, ["a1"])
    assert [h.record_id for h in engine.search(1, "分三期付款", by_customer)] == ["a2"]
