"""Index-time hubness scores, glossary expansion, and org isolation on the fast query path."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval import hubness
from retrieval.embedders import HashingEmbedder
from retrieval.glossary import Glossary, Term, default_glossary
from retrieval.records import SearchFilters
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, make_client
from tests.retrieval.conftest import record

TEMPLATE = "电话沟通：讲解方案并收集反馈。"


def _metas(engine: SearchEngine, org_id: int) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for ids, _, metas in engine.stores[0].pages(org_id):
        out.update(zip(ids, metas, strict=True))
    return out


def test_index_stores_a_hub_score_with_every_chunk(engine: SearchEngine) -> None:
    engine.index([record(1, f"t{i}", TEMPLATE) for i in range(4)] + [record(1, "x", "客户要求分三期付款")])
    metas = _metas(engine, 1)
    assert len(metas) == 5
    assert all(isinstance(m.get(hubness.HUB), float) for m in metas.values())
    # identical templated notes are each other's nearest neighbours: they are the hubs
    assert float(metas["t0#0"][hubness.HUB]) > float(metas["x#0"][hubness.HUB])  # type: ignore[arg-type]


def test_incremental_index_rescores_displaced_neighbours(engine: SearchEngine) -> None:
    engine = SearchEngine(engine.stores, SearchConfig(fusion="rrf", hub_k=2))
    engine.index([record(1, "a", "付款方式"), record(1, "b", "交付时间安排"), record(1, "c", "违约金")])
    before = float(_metas(engine, 1)["a#0"][hubness.HUB])  # type: ignore[arg-type]
    engine.index([record(1, "a2", "付款方式")])  # an exact twin of a: a's neighbourhood got closer
    after = _metas(engine, 1)
    assert float(after["a#0"][hubness.HUB]) > before  # type: ignore[arg-type]
    assert float(after["a2#0"][hubness.HUB]) == pytest.approx(float(after["a#0"][hubness.HUB]), abs=1e-3)  # type: ignore[arg-type]


def test_search_uses_stored_scores_without_any_neighbour_query(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = [record(1, f"t{i}", f"{TEMPLATE} 付款") for i in range(6)]
    engine.index([*templates, record(1, "p", "讨论付款方式")])

    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError("a search must not run neighbour queries when scores are stored")

    monkeypatch.setattr(engine.stores[0], "neighbours", fail)
    monkeypatch.setattr(engine.stores[0], "neighbour_similarity", fail)
    assert engine.search(1, "付款")[0].record_id == "p"


def test_stored_scores_change_the_ranking(engine: SearchEngine) -> None:
    engine.index([record(1, f"t{i}", TEMPLATE) for i in range(6)] + [record(1, "s", "讲解方案")])
    ids = engine.stores[0].pages(1)
    assert ids  # populated
    store = engine.stores[0]
    # an absurd score on the specific note pushes it below the templates: the score is what ranks
    store.update_metadata(1, {"s#0": {hubness.HUB: 5.0}})
    assert engine.search(1, "讲解方案", limit=10)[-1].record_id == "s"


def test_chunks_without_a_stored_score_fall_back_to_a_lazy_one(tmp_path: Path) -> None:
    store = ChromaStore(make_client(path=tmp_path / "c"), HashingEmbedder(dim=64))
    engine = SearchEngine(store, SearchConfig(fusion="vector"))
    engine.index([record(1, "a", "付款方式"), record(1, "b", "交付")], hub_mode="defer")
    assert all(hubness.stored_hub(m) is None for m in _metas(engine, 1).values())
    assert engine.search(1, "付款方式")[0].record_id == "a"
    assert engine.refresh_hubness(1) == 2
    assert all(hubness.stored_hub(m) is not None for m in _metas(engine, 1).values())


def test_reindex_ends_with_exact_scores(engine: SearchEngine) -> None:
    engine.reindex(1, [record(1, f"n{i}", f"新记录 付款 {i}") for i in range(5)], batch_size=2)
    assert all(hubness.stored_hub(m) is not None for m in _metas(engine, 1).values())


def test_org_isolation_on_the_fast_path(engine: SearchEngine) -> None:
    engine.index([record(1, "a1", "客户要求分三期付款", customer_id="c1")])
    engine.index([record(2, f"b{i}", "客户要求分三期付款", customer_id="c1") for i in range(5)])
    for org in (1, 2):
        hits = engine.search(org, "分三期付款", limit=20)
        assert hits and all(h.meta.get("org_id") == org for h in hits)
    assert [h.record_id for h in engine.search(1, "分三期付款", limit=20)] == ["a1"]
    assert engine.search(3, "分三期付款") == []


def test_glossary_translates_english_sales_terms_to_chinese_and_back() -> None:
    g = default_glossary()
    assert {"分期付款"} <= set(g.translations("customer asked for installment payment"))
    assert {"竞品"} <= set(g.translations("deals lost to a competitor"))
    assert "decision maker" in g.translations("谁来拍板")
    assert g.translations("谁来拍板", to="zh") == []  # Chinese wording is left alone when only to-zh
    assert g.expand("hello world") == "hello world"
    assert len(g.terms) >= 100


def test_glossary_matches_whole_stemmed_phrases_only(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"terms": [{"zh": ["验收"], "en": ["acceptance test"]}]}), encoding="utf-8")
    g = Glossary.load(path)
    assert g.translations("acceptance tests passed") == ["验收"]
    assert g.translations("test of acceptance") == []


def test_expanded_queries_reach_the_chinese_note(tmp_path: Path) -> None:
    store = ChromaStore(make_client(path=tmp_path / "c"), HashingEmbedder(dim=256))
    records = [record(1, "zh", "客户要求分期付款"), record(1, "other", "交付时间安排确认")]
    plain = SearchEngine(store, SearchConfig(fusion="vector"))
    plain.index(records)
    expanded = SearchEngine(store, SearchConfig(fusion="vector", expand=frozenset({"hashing"})))
    assert expanded.search(1, "installment payment")[0].record_id == "zh"


def test_post_filtered_query_matches_chromas_where(engine: SearchEngine) -> None:
    kinds = ("call", "visit", "chat", "note", "email")
    engine.index([record(1, f"r{i}", f"付款方式 讨论 第{i}次", kind=kinds[i % 5]) for i in range(60)])
    engine.index([record(2, "other", "付款方式 讨论", kind="call")])
    store = engine.stores[0]
    vector = store.embedder.embed_query("付款方式")
    for filters in (SearchFilters(kinds=("call", "visit")), SearchFilters(customer_id="nobody")):
        fast = store.query_with_vectors(1, vector, 8, filters, with_vectors=False, post_filter=4)
        slow = store.query_with_vectors(1, vector, 8, filters, with_vectors=False, post_filter=0)
        # the same top hits by distance (equal-distance ties may come in another order); the
        # post-filter may stop short of the limit once a quarter of it passed (an approximate index
        # on a Chroma server can leave one of these near-tied chunks out of the first depth read)
        assert len(fast) >= min(len(slow), 8 // 4)
        assert [round(h[1], 5) for h in fast] == [round(h[1], 5) for h in slow][: len(fast)]
        assert all(h[2]["org_id"] == 1 and filters.matches(h[2]) for h in fast)


def test_exactly_scored_customer_filter_matches_chromas_where(engine: SearchEngine) -> None:
    engine.index([record(1, f"r{i}", f"付款方式 第{i}次 交付", customer_id=f"c{i % 3}") for i in range(30)])
    engine.index([record(2, "other", "付款方式", customer_id="c1")])
    store = engine.stores[0]
    vector = store.embedder.embed_query("付款方式 交付")
    filters = SearchFilters(customer_id="c1")
    fast = store.query_with_vectors(1, vector, 5, filters, with_vectors=False)
    slow = store.query_with_vectors(1, vector, 5, filters, with_vectors=False, post_filter=0, exact_cap=0)
    assert [round(h[1], 4) for h in fast] == [round(h[1], 4) for h in slow]
    assert len(fast) == 5 and all(h[2]["org_id"] == 1 and h[2]["customer_id"] == "c1" for h in fast)


def test_glossary_concepts_are_language_neutral() -> None:
    g = default_glossary()
    deposit = g.concepts("has the deposit been received?")
    assert deposit and deposit <= g.concepts("客户说定金下周到账") | g.concepts("预付款已到")
    assert g.concepts("定金") == g.concepts("down payment")
    assert g.concepts("天气不错") == frozenset()
    # every wording the text contains counts: inside another (付款 in 预付款) or overlapping it (款项)
    terms = [Term(("预付款",), ("deposit",)), Term(("付款",), ("payment",)), Term(("款项",), ("funds",))]
    small = Glossary(terms)
    assert small.concepts("客户的预付款项已到") == {0, 1, 2}
    assert small.matches("funds and a deposit") == [terms[0], terms[2]]


def test_concept_ranker_lifts_the_chinese_note_an_english_query_means(tmp_path: Path) -> None:
    # the hashing embedder cannot bridge languages: only the concept ranker can find the answer
    store = ChromaStore(make_client(path=tmp_path / "c"), HashingEmbedder(dim=256))
    records = [
        record(1, "dep", "客户确认定金下周到账"),
        *(record(1, f"n{i}", f"交付时间安排确认 第{i}次") for i in range(8)),
        record(2, "other-org", "定金已到账"),
    ]
    off = SearchEngine(store, SearchConfig(fusion="rrf", expand=frozenset(), concept_weight=0.0))
    off.index(records)
    on = SearchEngine(store, SearchConfig(fusion="rrf", expand=frozenset(), concept_weight=0.5))
    assert "concept" not in [s for h in off.search(1, "deposit received") for s in h.sources]
    hits = on.search(1, "deposit received")
    assert hits[0].record_id == "dep" and "concept" in hits[0].sources
    assert all(h.meta.get("org_id") == 1 for h in hits)
    # filters still hold: the concept ranker only re-ranks the embedders' filtered candidates
    assert [h.record_id for h in on.search(1, "deposit", SearchFilters(customer_id="nobody"))] == []
    # a Chinese query gets no concept vote for Chinese notes (it lowered Chinese recall on the dev
    # sets), and none at all when cross-script votes are off
    assert all("concept" not in h.sources for h in on.search(1, "定金"))


def test_concept_ranker_lifts_the_english_note_a_chinese_query_means(tmp_path: Path) -> None:
    store = ChromaStore(make_client(path=tmp_path / "c"), HashingEmbedder(dim=256))
    records = [
        record(1, "dep-en", "The customer confirmed the deposit will arrive next week."),
        record(1, "dep-zh", "客户确认定金下周到账"),
        *(record(1, f"n{i}", f"Delivery schedule confirmed, round {i}.") for i in range(8)),
        *(record(1, f"z{i}", f"交付时间安排确认 第{i}次") for i in range(8)),
    ]
    base = SearchConfig(fusion="rrf", expand=frozenset(), concept_weight=0.5)
    off = SearchEngine(store, replace(base, concept_cross=0.0))
    off.index(records)
    on = SearchEngine(store, base)
    query = "哪个客户的定金到了"
    assert all("concept" not in h.sources for h in off.search(1, query))
    ranked = on.search(1, query)
    ids = [h.record_id for h in ranked]
    # the English note is found through the glossary and ranks above every unrelated note...
    assert ids.index("dep-en") < min(ids.index(f"n{i}") for i in range(8))
    assert "concept" in ranked[ids.index("dep-en")].sources
    # ... while the Chinese note, which the embedder already matches, gets no concept vote
    assert "concept" not in ranked[ids.index("dep-zh")].sources
    assert ids.index("dep-en") < [h.record_id for h in off.search(1, query)].index("dep-en")


def test_post_filter_reads_deeper_pages_once_and_keeps_distance_order(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    day = lambda n: start + timedelta(days=n)  # noqa: E731
    # 30 exact matches of the query outside the window are the nearest; the window's 40 records
    # come next; 130 unrelated records outside the window are the furthest
    engine.index(
        [record(1, f"exact{i}", "付款方式 交付", at=day(i)) for i in range(30)]
        + [record(1, f"near{i}", f"付款方式 交付 第{i}次", at=day(50 + i)) for i in range(40)]
        + [record(1, f"far{i}", f"天气 不错 第{i}次", at=day(100 + i)) for i in range(130)]
    )
    store = engine.stores[0]
    vector = store.embedder.embed_query("付款方式 交付")
    window = SearchFilters(since=day(50), until=day(89))
    slow = store.query_with_vectors(1, vector, 8, window, with_vectors=True, post_filter=0)
    collection = store._collection(1)
    depths: list[int] = []
    query = type(collection).query

    def counted(self: object, *args: object, **kwargs: object) -> object:
        assert "where" not in kwargs or kwargs["where"] is None, "fell through to Chroma's where"
        depths.append(int(kwargs["n_results"]))  # type: ignore[call-overload]
        return query(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(collection), "query", counted)
    # post_filter=1: the 8 nearest hold none of the window (enough is 2), so the deeper 32 are
    # read, page by page (their first ids must not be counted twice), and hold 2 of it
    fast = store.query_with_vectors(1, vector, 8, window, with_vectors=True, post_filter=1)
    assert depths == [8, 32]
    ids = [h[0] for h in fast]
    assert len(ids) >= 2 and len(set(ids)) == len(ids)
    assert all(window.matches(h[2]) and h[2]["org_id"] == 1 for h in fast)
    # the passing chunks among the nearest are the nearest passing ones: a prefix of Chroma's answer
    assert [round(h[1], 5) for h in fast] == [round(h[1], 5) for h in slow][: len(fast)]
    assert all(h[3] is not None and len(h[3]) == store.embedder.dim for h in fast)
