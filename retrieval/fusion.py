"""Combining ranked lists: weighted reciprocal-rank fusion and the per-query lexical weight."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.tokenize import cjk_share

FUSIONS = ("rrf", "rrf-script", "vector", "bm25")


@dataclass(frozen=True)
class Fused:
    """A key's fused score and which rankers contributed to it."""

    key: str
    score: float
    sources: tuple[str, ...]


def weighted_rrf(
    rankings: Mapping[str, Sequence[str]],
    weights: Mapping[str, float],
    k: float = 60.0,
    per_key: Mapping[str, Mapping[str, float]] | None = None,
) -> list[Fused]:
    """Sum of weight / (k + rank) over rankers (rank from 1); ties broken by key for determinism.

    `per_key[ranker][key]` optionally scales one ranker's vote for one key (missing means 1.0).
    """
    scores: dict[str, float] = {}
    sources: dict[str, list[str]] = {}
    for ranker, keys in rankings.items():
        weight = weights.get(ranker, 1.0)
        if weight <= 0:
            continue
        scale = (per_key or {}).get(ranker) or {}
        if not scale and k > -1:  # every vote unscaled (x 1.0) and positive: the same sums, faster
            for rank, key in enumerate(keys, start=1):
                vote = weight / (k + rank)
                if key in scores:
                    scores[key] += vote
                    sources[key].append(ranker)
                else:
                    scores[key] = vote
                    sources[key] = [ranker]
            continue
        for rank, key in enumerate(keys, start=1):
            vote = weight * scale.get(key, 1.0) / (k + rank)
            if vote <= 0:
                continue
            scores[key] = scores.get(key, 0.0) + vote
            sources.setdefault(key, []).append(ranker)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Fused(key, score, tuple(sources[key])) for key, score in ordered]


def script_overlap(query: str, doc: str) -> float:
    """1.0 when query and document are written in the same script, falling to 0.0 when disjoint."""
    q, d = cjk_share(query), cjk_share(doc)
    return 1.0 - abs(q - d)
