"""An in-memory Okapi BM25 index over one organization's chunks, updatable in place."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from retrieval.tokenize import bm25_tokens


@dataclass
class _Doc:
    chunk_id: str
    meta: dict[str, object]
    text: str
    tf: Counter[str]
    length: int


class BM25Index:
    """BM25 (k1=1.2, b=0.75) with an inverted index; `add` replaces a chunk id already present."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, tokenizer: Callable[[str], list[str]] = bm25_tokens):
        self.k1 = k1
        self.b = b
        self._tokenize = tokenizer
        self._docs: dict[str, _Doc] = {}
        self._postings: dict[str, set[str]] = {}
        self._total_len = 0
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, items: Iterable[tuple[str, str, dict[str, object]]]) -> None:
        """Index `(chunk_id, text, metadata)` triples."""
        with self._lock:
            for chunk_id, text, meta in items:
                self._remove(chunk_id)
                tf = Counter(self._tokenize(text))
                doc = _Doc(chunk_id, meta, text, tf, sum(tf.values()))
                self._docs[chunk_id] = doc
                self._total_len += doc.length
                for token in tf:
                    self._postings.setdefault(token, set()).add(chunk_id)

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget chunks (unknown ids are ignored)."""
        with self._lock:
            for chunk_id in chunk_ids:
                self._remove(chunk_id)

    def _remove(self, chunk_id: str) -> None:
        doc = self._docs.pop(chunk_id, None)
        if doc is None:
            return
        self._total_len -= doc.length
        for token in doc.tf:
            ids = self._postings.get(token)
            if ids is not None:
                ids.discard(chunk_id)
                if not ids:
                    del self._postings[token]

    def chunk_ids_where(self, predicate: Callable[[dict[str, object]], bool]) -> list[str]:
        """Ids of the chunks whose metadata passes `predicate`."""
        with self._lock:
            return [cid for cid, doc in self._docs.items() if predicate(doc.meta)]

    def doc(self, chunk_id: str) -> tuple[str, dict[str, object]] | None:
        """The stored text and metadata of a chunk."""
        found = self._docs.get(chunk_id)
        return (found.text, found.meta) if found else None

    def search(
        self,
        query: str,
        limit: int,
        accept: Callable[[dict[str, object]], bool] | None = None,
    ) -> list[tuple[str, float]]:
        """Best `(chunk_id, score)` pairs for the query among chunks `accept` lets through."""
        terms = Counter(self._tokenize(query))
        with self._lock:
            n = len(self._docs)
            if not n or not terms:
                return []
            avg_len = self._total_len / n or 1.0
            scores: dict[str, float] = {}
            for term, q_tf in terms.items():
                ids = self._postings.get(term)
                if not ids:
                    continue
                # the "+1" form of idf never goes negative, so very common words still count a little
                idf = math.log(1.0 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
                for chunk_id in ids:
                    doc = self._docs[chunk_id]
                    tf = doc.tf[term]
                    norm = tf + self.k1 * (1.0 - self.b + self.b * doc.length / avg_len)
                    scores[chunk_id] = scores.get(chunk_id, 0.0) + q_tf * idf * tf * (self.k1 + 1.0) / norm
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            if accept is not None:
                ranked = [kv for kv in ranked if accept(self._docs[kv[0]].meta)]
            return ranked[:limit]
