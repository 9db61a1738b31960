"""Hubness scores computed at index time: each chunk's mean similarity to its k nearest neighbours.

Templated notes ("电话沟通：讲解方案并收集反馈") sit close to everything; search subtracts
`alpha x hub` from a chunk's query similarity. The score is stored in the chunk's Chroma metadata
(`hub`, plus `hub_kth`, the similarity of its k-th neighbour) so a query needs no neighbour search.

Freshness: a new chunk gets an exact score, and the existing chunks it enters the k-nearest lists
of (those whose `hub_kth` it beats, among its own k nearest) are re-scored at once. Two things are
left approximate until the next `refresh`: chunks that gained the new one as a neighbour without
being among its own k nearest (kNN is not symmetric), and neighbours of deleted or replaced chunks
(their score stays slightly high). `SearchEngine.reindex` ends with a full refresh; a periodic
`SearchEngine.refresh_hubness(org_id)` (e.g. nightly) bounds the drift in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrieval.embedders import Vectors
from retrieval.store import ChromaStore

HUB = "hub"
HUB_KTH = "hub_kth"
_QUERY_BATCH = 256


def _score(row: Sequence[tuple[str, float, dict[str, object]]], self_id: str, k: int) -> dict[str, float]:
    """`hub` = mean similarity to the k nearest other chunks; `hub_kth` = the k-th one's (-1: < k)."""
    sims = sorted((sim for cid, sim, _ in row if cid != self_id), reverse=True)[:k]
    if not sims:
        return {HUB: 0.0, HUB_KTH: -1.0}
    return {HUB: sum(sims) / len(sims), HUB_KTH: sims[-1] if len(sims) >= k else -1.0}


def _neighbour_rows(
    store: ChromaStore, org_id: int, vectors: Sequence[Vectors] | Vectors, k: int
) -> list[list[tuple[str, float, dict[str, object]]]]:
    rows: list[list[tuple[str, float, dict[str, object]]]] = []
    for start in range(0, len(vectors), _QUERY_BATCH):
        rows.extend(store.neighbours(org_id, vectors[start : start + _QUERY_BATCH], k))
    return rows


def stored_hub(meta: Mapping[str, object]) -> float | None:
    """The precomputed score in a chunk's metadata, or None for chunks indexed without one."""
    value = meta.get(HUB)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def score_new(
    store: ChromaStore,
    org_id: int,
    chunk_ids: Sequence[str],
    vectors: Vectors,
    k: int,
    update_neighbours: bool = True,
    changed: set[str] | None = None,
) -> int:
    """Score chunks just stored in `store` (and re-score affected neighbours); returns chunks written
    (their ids are added to `changed` when given)."""
    if not chunk_ids:
        return 0
    new = set(chunk_ids)
    updates: dict[str, dict[str, float]] = {}
    affected: set[str] = set()
    for chunk_id, row in zip(chunk_ids, _neighbour_rows(store, org_id, vectors, k), strict=True):
        updates[chunk_id] = _score(row, chunk_id, k)
        if not update_neighbours:
            continue
        for other, sim, meta in row:
            kth = meta.get(HUB_KTH)
            if other not in new and (not isinstance(kth, int | float) or sim > kth):
                affected.add(other)
    if affected:
        found = store.vectors(org_id, sorted(affected))
        ids = list(found)
        rows = _neighbour_rows(store, org_id, [found[i] for i in ids], k)
        updates.update((cid, _score(row, cid, k)) for cid, row in zip(ids, rows, strict=True))
    store.update_metadata(org_id, updates)
    if changed is not None:
        changed.update(updates)
    return len(updates)


def refresh(store: ChromaStore, org_id: int, k: int, page: int = 2000) -> int:
    """Recompute every chunk's score of the org from scratch; returns the number of chunks."""
    done = 0
    for ids, vectors, _ in store.pages(org_id, page):
        rows = _neighbour_rows(store, org_id, vectors, k)
        store.update_metadata(org_id, {cid: _score(row, cid, k) for cid, row in zip(ids, rows, strict=True)})
        done += len(ids)
    return done
