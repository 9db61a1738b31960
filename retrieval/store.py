"""Chroma as the vector store: one collection per organization and embedder, always org-filtered."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError

from retrieval.embedders import Embedder, Vectors
from retrieval.records import Chunk, SearchFilters
from retrieval.tokenize import mostly_chinese

log = logging.getLogger(__name__)

_NAME_OK = re.compile(r"[^a-zA-Z0-9_-]+")


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Our `Embedder` seen through Chroma's interface, so a collection never falls back to its
    default embedding function (which downloads an ONNX model)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_documents(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "sales-copilot"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._embedder.name, "dim": self._embedder.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        # the model is chosen by the application, never rebuilt from what a collection stored
        raise NotImplementedError("pass the embedder explicitly when opening a collection")

    def default_space(self) -> Any:
        return "cosine"


Hit = tuple[str, float, dict[str, object], Vectors | None]  # (chunk id, cosine distance, metadata, vector)


def _hit(
    org_id: int, chunk_id: str, distance: float, meta: Any, vector: Any, filters: SearchFilters | None
) -> Hit | None:
    """A stored chunk as a hit, or None when it is another org's (defence in depth: never leak
    another tenant's chunk) or fails `filters`."""
    meta_dict: dict[str, object] = dict(meta or {})
    if meta_dict.get("org_id") != org_id or (filters is not None and not filters.matches(meta_dict)):
        return None
    return (
        chunk_id,
        float(distance),
        meta_dict,
        None if vector is None else np.asarray(vector, dtype=np.float32),
    )


# what a Chroma server says while a fresh collection's vector index is not on disk yet, and how long
# to wait for it before scoring exactly
_UNWRITTEN = "Nothing found on disk"
_UNWRITTEN_RETRIES = (0.2, 0.5)
_UNWRITTEN_CAP = 5000  # chunks scored exactly meanwhile (a collection not yet written is young)


class StoreUnavailable(ValueError):
    """The configured Chroma server cannot be used (unreachable, or not a Chroma server)."""


def make_client(path: Path | str | None = None, url: str | None = None) -> ClientAPI:
    """An `HttpClient` when a server URL is configured, else the embedded `PersistentClient(path)`."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise ValueError(f"chroma url {url!r} has no host; use e.g. http://127.0.0.1:8001")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except ValueError as exc:
            # Chroma connects at once and reports any failure as a bare ValueError that names no
            # address: "Could not connect...", an empty message, or a whole HTML page from a non-Chroma server
            reason = " ".join(str(exc).split())[:200] or repr(exc.__context__ or exc)
            message = f"cannot use the Chroma server at {url} (COPILOT_CHROMA_URL): {reason}"
            raise StoreUnavailable(message) from exc
    if path is None:
        raise ValueError("chroma needs either a persistent path or a server url")
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """What is stored beside each vector: everything the filters need (None values are left out)."""
    record = chunk.record
    meta: dict[str, str | int] = {
        "org_id": record.org_id,
        "record_id": record.record_id,
        "kind": record.kind,
        "at": int(record.at.timestamp()),
        "seq": chunk.seq,
        # the chunk's script (1: mostly Chinese characters), for ranking within each script
        "cjk": int(mostly_chinese(chunk.text)),
    }
    for key in ("customer_id", "deal_id", "rep_id"):
        value = getattr(record, key)
        if value is not None:
            meta[key] = value
    return meta


def _where(org_id: int, filters: SearchFilters, org_condition: bool = True) -> dict[str, Any] | None:
    """Chroma `where` clause: the org is always the first condition.

    `org_condition=False` leaves it out, for queries on the org's own collection (whose hits are
    re-checked): Chroma turns every `where` into an allow-list of matching ids before the vector
    search, and "org_id == X" matches the whole collection, which cost 245 ms at 50k chunks
    against 18 ms without it. Returns None when nothing is left to filter on.
    """
    conditions: list[dict[str, Any]] = [{"org_id": {"$eq": org_id}}] if org_condition else []
    for key in ("customer_id", "deal_id", "rep_id"):
        value = getattr(filters, key)
        if value is not None:
            conditions.append({key: {"$eq": value}})
    if filters.record_ids is not None:
        conditions.append({"record_id": {"$in": sorted(filters.record_ids)}})
    if filters.kinds:
        conditions.append({"kind": {"$in": list(filters.kinds)}})
    if filters.since is not None:
        conditions.append({"at": {"$gte": int(filters.since.timestamp())}})
    if filters.until is not None:
        conditions.append({"at": {"$lte": int(filters.until.timestamp())}})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _check_org(org_id: int) -> int:
    # bool is an int subclass; None/str would silently widen the search to every tenant
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        raise TypeError(f"org_id must be an int, got {type(org_id).__name__}")
    return org_id


class ChromaStore:
    """Per-(org, embedder) collections; every read names the org, and results are re-checked."""

    def __init__(self, client: ClientAPI, embedder: Embedder, prefix: str = "copilot") -> None:
        self._client = client
        self._embedder = embedder
        self._ef = ChromaEmbedding(embedder)
        self._prefix = prefix
        self._collections: dict[int, Collection] = {}
        # org -> (chunk count, when read): `count()` costs ~10-20 ms at 100k chunks, and a query only
        # needs it to cap `n_results`; our own writes drop the entry, others' show within 30 s
        self._counts: dict[int, tuple[int, float]] = {}

    @property
    def embedder(self) -> Embedder:
        """The embedder whose vectors this store holds."""
        return self._embedder

    def collection_name(self, org_id: int) -> str:
        """`<prefix>-org<id>-<embedder>`, sanitised to Chroma's name rules."""
        name = f"{self._prefix}-org{_check_org(org_id)}-{self._embedder.name}"
        return _NAME_OK.sub("-", name)[:500].strip("-_")

    def _collection(self, org_id: int) -> Collection:
        found = self._collections.get(org_id)
        if found is None:
            found = self._client.get_or_create_collection(
                self.collection_name(org_id),
                embedding_function=self._ef,  # type: ignore[arg-type]  # Chroma's generic is invariant
                configuration={"hnsw": {"space": "cosine"}},
            )
            self._collections[org_id] = found
        return found

    def upsert(
        self,
        chunks: Sequence[Chunk],
        vectors: Vectors | None = None,
        extra: Sequence[Mapping[str, float]] | None = None,
    ) -> None:
        """Store chunks (all of one org); vectors are computed here when not given.

        `extra` optionally adds per-chunk numeric metadata (e.g. precomputed hubness scores).
        """
        if not chunks:
            return
        org_ids = {chunk.record.org_id for chunk in chunks}
        if len(org_ids) != 1:
            raise ValueError("upsert takes chunks of exactly one organization")
        org_id = _check_org(org_ids.pop())
        if vectors is None:
            vectors = self._embedder.embed_documents([c.text for c in chunks])
        metas: list[dict[str, str | int | float]] = [dict(chunk_metadata(c)) for c in chunks]
        if extra is not None:
            for meta, more in zip(metas, extra, strict=True):
                meta.update(more)
        self._counts.pop(org_id, None)
        self._collection(org_id).upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=cast(Any, np.asarray(vectors, dtype=np.float32)),
            documents=[c.text for c in chunks],
            metadatas=cast(Any, metas),
        )

    def delete_records(self, org_id: int, record_ids: Sequence[str]) -> None:
        """Remove every chunk of the given records."""
        self._counts.pop(org_id, None)
        if not record_ids:
            return
        collection = self._collection(org_id)
        # a record is stored iff its first chunk is: look those up by id (cheap), and run the
        # `where` delete (a scan of the collection's metadata) only for records that are there, so
        # indexing new records (an import) never pays for it
        present = collection.get(ids=[f"{rid}#0" for rid in record_ids], include=cast(Any, []))["ids"]
        if present:
            stored = [cid.rsplit("#", 1)[0] for cid in present]
            collection.delete(
                where=cast(Any, {"$and": [{"org_id": {"$eq": org_id}}, {"record_id": {"$in": stored}}]})
            )

    def drop_org(self, org_id: int) -> None:
        """Delete the org's whole collection (used by reindex)."""
        name = self.collection_name(org_id)
        self._collections.pop(org_id, None)
        self._counts.pop(org_id, None)
        if name in {c.name for c in self._client.list_collections()}:
            self._client.delete_collection(name)

    def count(self, org_id: int) -> int:
        """Number of chunks stored for the org."""
        total = int(self._collection(org_id).count())
        self._counts[org_id] = (total, time.monotonic())
        return total

    def _cached_count(self, org_id: int, max_age_s: float = 30.0) -> int:
        found = self._counts.get(org_id)
        if found is not None and time.monotonic() - found[1] < max_age_s:
            return found[0]
        return self.count(org_id)

    def query(
        self, org_id: int, query_vector: Vectors, limit: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float, dict[str, object]]]:
        """Nearest `(chunk_id, cosine distance, metadata)` within the org and filters."""
        return [
            (cid, dist, meta)
            for cid, dist, meta, _ in self.query_with_vectors(
                org_id, query_vector, limit, filters, with_vectors=False
            )
        ]

    def query_with_vectors(
        self,
        org_id: int,
        query_vector: Vectors,
        limit: int,
        filters: SearchFilters | None = None,
        with_vectors: bool = True,
        post_filter: int = 2,
        exact_cap: int = 5000,
        with_metadata: bool = True,
    ) -> list[Hit]:
        """Like `query`, plus each hit's stored vector (for neighbourhood statistics).

        `post_filter=0` and `exact_cap=0` always let Chroma apply the filters. `with_metadata=False`
        skips reading metadata where no filter needs it (an unfiltered query): the hits then carry
        `{}` (reading it costs about 0.1 ms a hit); they come from the org's own collection.

        A Chroma server answers a query on a collection whose vector index it has not written yet
        with "Nothing found on disk" (chroma-core/chroma#4212): the query is tried again briefly,
        then the collection's chunks are scored exactly instead (a young collection is small)."""
        args = (org_id, query_vector, limit, filters, with_vectors, post_filter, exact_cap, with_metadata)
        pauses = iter(_UNWRITTEN_RETRIES)
        while True:
            try:
                return self._query_index(*args)
            except InternalError as exc:
                if _UNWRITTEN not in str(exc):
                    raise
                pause = next(pauses, None)
                if pause is None:
                    log.warning("vector index of org %s not written yet: scoring exactly", org_id)
                    return self._query_exact(org_id, query_vector, limit, filters, with_vectors)
                time.sleep(pause)

    def _query_exact(
        self,
        org_id: int,
        query_vector: Vectors,
        limit: int,
        filters: SearchFilters | None,
        with_vectors: bool,
    ) -> list[Hit]:
        """The org's chunks (up to _UNWRITTEN_CAP) ranked by exact cosine distance, without the index."""
        include = cast(Any, ["embeddings", "metadatas"])
        got = self._collection(org_id).get(include=include, limit=_UNWRITTEN_CAP)
        query = np.asarray(query_vector, dtype=np.float32)
        return self._scored(org_id, got, query, limit, filters or SearchFilters(), with_vectors)

    def _query_index(
        self,
        org_id: int,
        query_vector: Vectors,
        limit: int,
        filters: SearchFilters | None,
        with_vectors: bool,
        post_filter: int,
        exact_cap: int,
        with_metadata: bool,
    ) -> list[Hit]:
        filters = filters or SearchFilters()
        collection = self._collection(org_id)
        total = self._cached_count(org_id)
        if total == 0:
            return []
        include = ["metadatas", "distances", *(["embeddings"] if with_vectors else [])]
        where = _where(org_id, filters, org_condition=False)
        query = np.asarray(query_vector, dtype=np.float32)
        if filters.record_ids is not None and not filters.record_ids:
            return []
        if filters.customer_id or filters.deal_id or filters.rep_id or filters.record_ids:
            # a customer/deal/rep filter, or a short list of records, usually matches few chunks:
            # fetching them and scoring exactly here took 11 ms at 100k chunks, against 111 ms for
            # Chroma's filtered query (400 records by id at 300k: 183 ms). Only these equality and
            # id-list conditions go to Chroma: a range on `at` costs seconds in its SQLite at scale,
            # so time and kinds are checked here on the fetched chunks.
            narrow = SearchFilters(
                customer_id=filters.customer_id,
                deal_id=filters.deal_id,
                rep_id=filters.rep_id,
                record_ids=filters.record_ids,
            )
            got = collection.get(
                where=cast(Any, _where(org_id, narrow, org_condition=False)),
                include=cast(Any, ["embeddings", "metadatas"]),
                limit=exact_cap,
            )
            if len(got["ids"]) < exact_cap:
                return self._scored(org_id, got, query, limit, filters, with_vectors)
        if where is not None and post_filter > 0:
            # Chroma evaluates `where` in SQLite into an allow-list before the vector search; for a
            # broad filter (a kind, a 60-day window) over 300k chunks that took 4-5 s. Instead take
            # the nearest ids unfiltered (no metadata: 20 ms for 600 at 300k, against 90 with it),
            # then read metadata by id in distance order, a page at a time, until enough pass the
            # filter; only a filter matching almost nothing falls through to Chroma's `where`.
            enough = max(1, limit // 4)
            picked: list[Hit] = []
            read: set[str] = set()
            for deeper, depth in enumerate((limit * post_filter, limit * post_filter * 4)):
                wide = collection.query(
                    query_embeddings=cast(Any, [query]),
                    n_results=min(depth, total),
                    include=cast(Any, ["distances"]),
                )
                # a deeper approximate search may order the first ids differently: skip by id
                fresh = [
                    (cid, d)
                    for cid, d in zip(wide["ids"][0], (wide.get("distances") or [[]])[0], strict=True)
                    if cid not in read
                ]
                for start in range(0, len(fresh), limit):
                    page = fresh[start : start + limit]
                    read.update(cid for cid, _ in page)
                    picked.extend(self._page_hits(org_id, collection, page, filters, with_vectors))
                    # the first depth is read whole (the nearest passing chunks, up to `limit`);
                    # deeper, reading stops as soon as there are enough
                    if len(picked) >= limit or (deeper and len(picked) >= enough):
                        return sorted(picked, key=lambda h: h[1])[:limit]
                if len(picked) >= enough or len(read) >= total:
                    return sorted(picked, key=lambda h: h[1])[:limit]
            if len(picked) >= 10:
                return sorted(picked, key=lambda h: h[1])[:limit]
        if where is None and not with_metadata:
            bare = collection.query(
                query_embeddings=cast(Any, [query]),
                n_results=min(limit, total),
                include=cast(Any, ["distances", *(["embeddings"] if with_vectors else [])]),
            )
            found = bare.get("embeddings")
            rows: list[Any] = list(found[0]) if found is not None else [None] * len(bare["ids"][0])
            return [
                (cid, float(d), {}, None if v is None else np.asarray(v, dtype=np.float32))
                for cid, d, v in zip(bare["ids"][0], (bare.get("distances") or [[]])[0], rows, strict=True)
            ]
        result = collection.query(
            query_embeddings=cast(Any, [query]),
            n_results=min(limit, total),
            where=cast(Any, where),
            include=cast(Any, include),
        )
        return self._hits(org_id, result)

    @staticmethod
    def _page_hits(
        org_id: int,
        collection: Collection,
        page: Sequence[tuple[str, float]],
        filters: SearchFilters,
        with_vectors: bool,
    ) -> list[Hit]:
        """The chunks of `page` (`(id, distance)`) of the org that pass `filters`, in page order;
        metadata read by id (no `where`: see `vectors`)."""
        include = ["metadatas", *(["embeddings"] if with_vectors else [])]
        got = collection.get(ids=[cid for cid, _ in page], include=cast(Any, include))
        metas = dict(zip(got["ids"], got.get("metadatas") or [], strict=True))
        embeddings = got.get("embeddings")
        vectors = dict(zip(got["ids"], list(embeddings), strict=True)) if embeddings is not None else {}
        found = (
            _hit(org_id, cid, distance, metas[cid], vectors.get(cid), filters)
            for cid, distance in page
            if cid in metas
        )
        return [hit for hit in found if hit is not None]

    @staticmethod
    def _scored(
        org_id: int, got: Any, query: Vectors, limit: int, filters: SearchFilters, with_vectors: bool
    ) -> list[Hit]:
        """Chunks fetched by their filter, ranked by exact cosine distance to the query."""
        embeddings = got.get("embeddings")
        if not got["ids"] or embeddings is None:
            return []
        matrix = np.asarray(embeddings, dtype=np.float32)
        distances = 1.0 - matrix @ query
        hits: list[Hit] = []
        for i in np.argsort(distances, kind="stable"):
            vector = matrix[i] if with_vectors else None
            hit = _hit(org_id, got["ids"][i], distances[i], got["metadatas"][i], vector, filters)
            if hit is not None:
                hits.append(hit)
                if len(hits) >= limit:
                    break
        return hits

    @staticmethod
    def _hits(org_id: int, result: Any) -> list[Hit]:
        """A query result (filtered by Chroma) as hits of the org."""
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        metas = (result.get("metadatas") or [[]])[0]
        raw_vectors = result.get("embeddings")
        vectors: list[Any] = list(raw_vectors[0]) if raw_vectors is not None else [None] * len(ids)
        found = (
            _hit(org_id, cid, distance, meta, vector, None)
            for cid, distance, meta, vector in zip(ids, distances, metas, vectors, strict=True)
        )
        return [hit for hit in found if hit is not None]

    def neighbours(
        self, org_id: int, vectors: Sequence[Vectors] | Vectors, k: int
    ) -> list[list[tuple[str, float, dict[str, object]]]]:
        """For each vector, its `k + 1` nearest chunks of the org as `(chunk_id, cosine sim, metadata)`.

        One more than `k` because a stored vector finds itself; callers drop it by id.
        """
        if len(vectors) == 0:
            return []
        collection = self._collection(org_id)
        n = min(k + 1, collection.count())
        if n < 1:
            return [[] for _ in vectors]
        result = collection.query(
            query_embeddings=cast(Any, [np.asarray(v, dtype=np.float32) for v in vectors]),
            n_results=n,
            include=cast(Any, ["distances", "metadatas"]),
        )
        out: list[list[tuple[str, float, dict[str, object]]]] = []
        all_metas = result.get("metadatas") or [[] for _ in result["ids"]]
        all_distances = result.get("distances") or []
        for ids, distances, metas in zip(result["ids"], all_distances, all_metas, strict=True):
            row = [
                (cid, 1.0 - float(d), cast(dict[str, object], dict(m or {})))
                for cid, d, m in zip(ids, distances, metas, strict=True)
                if (m or {}).get("org_id") == org_id
            ]
            out.append(row)
        return out

    def neighbour_similarity(self, org_id: int, vectors: Sequence[Vectors], k: int) -> list[float]:
        """For each stored vector, the mean cosine similarity to its k nearest other chunks of the org."""
        out: list[float] = []
        for row in self.neighbours(org_id, vectors, k):
            # the nearest hit is the chunk itself (distance ~0): drop it
            sims = sorted((s for _, s, _ in row), reverse=True)[1:]
            out.append(sum(sims) / len(sims) if sims else 0.0)
        return out

    def vectors(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, Vectors]:
        """Stored vectors of the given chunks of the org (missing ids are left out)."""
        if not chunk_ids:
            return {}
        # by id only, the org checked on the result: a `where` beside `ids` made Chroma scan the
        # whole collection's metadata (105 ms for 10 ids at 30k chunks)
        got = self._collection(org_id).get(
            ids=list(chunk_ids), include=cast(Any, ["embeddings", "metadatas"])
        )
        embeddings = got.get("embeddings")
        if embeddings is None:
            return {}
        metas = got.get("metadatas") or []
        return {
            cid: np.asarray(v, dtype=np.float32)
            for cid, v, meta in zip(got["ids"], list(embeddings), metas, strict=True)
            if (meta or {}).get("org_id") == org_id
        }

    def update_metadata(self, org_id: int, updates: Mapping[str, Mapping[str, float]]) -> None:
        """Merge numeric metadata into stored chunks (keys not named are kept)."""
        if not updates:
            return
        ids = list(updates)
        self._collection(org_id).update(ids=ids, metadatas=cast(Any, [dict(updates[i]) for i in ids]))

    def pages(
        self, org_id: int, page: int = 2000
    ) -> Iterator[tuple[list[str], Vectors, list[dict[str, object]]]]:
        """Every stored chunk of the org as `(ids, vectors, metadatas)` pages (for periodic refreshes)."""
        collection = self._collection(org_id)
        offset = 0
        while True:
            got = collection.get(include=cast(Any, ["embeddings", "metadatas"]), limit=page, offset=offset)
            ids = list(got["ids"])
            if ids:
                embeddings = got.get("embeddings")
                matrix = np.asarray(embeddings if embeddings is not None else [], dtype=np.float32)
                metas = [cast(dict[str, object], dict(m or {})) for m in (got.get("metadatas") or [])]
                keep = [i for i, m in enumerate(metas) if m.get("org_id") == org_id]
                yield [ids[i] for i in keep], matrix[keep], [metas[i] for i in keep]
            if len(ids) < page:
                return
            offset += page

    def embeddings(self, org_id: int, chunk_ids: Sequence[str]) -> tuple[list[str], Vectors]:
        """Stored vectors of the given chunks, read by id from the org's own collection (no metadata
        read: the caller knows the ids are the org's); returns `(ids found, matrix)`."""
        if not chunk_ids:
            return [], np.zeros((0, self._embedder.dim), dtype=np.float32)
        got = self._collection(org_id).get(ids=list(chunk_ids), include=cast(Any, ["embeddings"]))
        found = got.get("embeddings")
        matrix = np.asarray(found if found is not None else [], dtype=np.float32)
        return list(got["ids"]), matrix.reshape(len(got["ids"]), -1)

    def all_embeddings(self, org_id: int, page: int = 5000) -> tuple[list[str], Vectors]:
        """Every stored vector of the org's collection, in the store's own order (the order in which
        `embeddings` returns any subset of them); returns `(ids, matrix)`."""
        collection = self._collection(org_id)
        ids: list[str] = []
        parts: list[Vectors] = []
        offset = 0
        while True:
            got = collection.get(include=cast(Any, ["embeddings"]), limit=page, offset=offset)
            found = got.get("embeddings")
            matrix = np.asarray(found if found is not None else [], dtype=np.float32)
            ids.extend(got["ids"])
            parts.append(matrix.reshape(len(got["ids"]), -1))
            if len(got["ids"]) < page:
                break
            offset += page
        if not ids:
            return [], np.zeros((0, self._embedder.dim), dtype=np.float32)
        return ids, np.concatenate(parts)

    def nearest(self, org_id: int, query_vector: Vectors, limit: int) -> list[tuple[str, float]]:
        """The org's `limit` nearest chunk ids and cosine distances (nothing else read)."""
        total = self._cached_count(org_id)
        if total == 0 or limit <= 0:
            return []
        got = self._collection(org_id).query(
            query_embeddings=cast(Any, [np.asarray(query_vector, dtype=np.float32)]),
            n_results=min(limit, total),
            include=cast(Any, ["distances"]),
        )
        return list(zip(got["ids"][0], map(float, (got.get("distances") or [[]])[0]), strict=True))

    def size(self, org_id: int) -> int:
        """The org's chunk count (cached for up to 30 s; own writes refresh it)."""
        return self._cached_count(org_id)

    def metadata(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, dict[str, object]]:
        """Stored metadata of the given chunks of the org (missing ids are left out)."""
        if not chunk_ids:
            return {}
        got = self._collection(org_id).get(ids=list(chunk_ids), include=cast(Any, ["metadatas"]))
        return {
            cid: dict(meta)
            for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=True)
            if meta and meta.get("org_id") == org_id
        }

    def metadata_pages(
        self, org_id: int, page: int = 5000
    ) -> Iterator[tuple[list[str], list[dict[str, object]]]]:
        """Every stored chunk's metadata of the org, as `(ids, metadatas)` pages."""
        collection = self._collection(org_id)
        offset = 0
        while True:
            got = collection.get(include=cast(Any, ["metadatas"]), limit=page, offset=offset)
            ids = list(got["ids"])
            metas = [cast(dict[str, object], dict(m or {})) for m in (got.get("metadatas") or [])]
            keep = [i for i, m in enumerate(metas) if m.get("org_id") == org_id]
            yield [ids[i] for i in keep], [metas[i] for i in keep]
            if len(ids) < page:
                return
            offset += page

    def records(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, object]]]:
        """Stored `(text, metadata)` of the given chunks of the org (missing ids are left out)."""
        if not chunk_ids:
            return {}
        got = self._collection(org_id).get(ids=list(chunk_ids), include=cast(Any, ["documents", "metadatas"]))
        return {
            cid: (text or "", dict(meta))
            for cid, text, meta in zip(
                got["ids"], got.get("documents") or [], got.get("metadatas") or [], strict=True
            )
            if meta and meta.get("org_id") == org_id
        }

    def texts(self, org_id: int, chunk_ids: Sequence[str]) -> dict[str, str]:
        """Stored text of the given chunks of the org (missing ids are left out)."""
        if not chunk_ids:
            return {}
        # by id only, the org checked on the result (see `vectors`)
        got = self._collection(org_id).get(ids=list(chunk_ids), include=cast(Any, ["documents", "metadatas"]))
        return {
            cid: text or ""
            for cid, text, meta in zip(
                got["ids"], got.get("documents") or [], got.get("metadatas") or [], strict=True
            )
            if (meta or {}).get("org_id") == org_id
        }

    def documents(self, org_id: int, page: int = 5000) -> list[tuple[str, str, dict[str, object]]]:
        """Every stored `(chunk_id, text, metadata)` of the org, paged (to rebuild BM25 lazily)."""
        collection = self._collection(org_id)
        out: list[tuple[str, str, dict[str, object]]] = []
        offset = 0
        while True:
            got = collection.get(
                where=cast(Any, {"org_id": {"$eq": org_id}}),
                include=cast(Any, ["documents", "metadatas"]),
                limit=page,
                offset=offset,
            )
            docs = got.get("documents") or []
            metas = got.get("metadatas") or []
            for chunk_id, text, meta in zip(got["ids"], docs, metas, strict=True):
                out.append((chunk_id, text or "", dict(meta or {})))
            if len(got["ids"]) < page:
                return out
            offset += page
