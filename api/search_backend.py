"""The retrieval package behind the domain's SearchBackend protocol, built lazily.

Embedders load on first use (indexing or a query), so an idle service does not pay for them; the
index queue's worker thread likewise starts with the first submission.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from api.embedding_process import EmbeddingProcess, ProcessEmbedder
from copilot.errors import ServiceUnavailable
from copilot.search.service import BackendHit, Progress, SearchDoc, SearchFilter
from retrieval.embedders import Embedder, build_embedder
from retrieval.queue import IndexQueue, IndexQueueFull, QueueMetrics
from retrieval.search import SearchConfig, SearchEngine
from retrieval.store import ChromaStore, StoreUnavailable, make_client

log = logging.getLogger(__name__)


class RetrievalBackend:
    """Chroma (embedded or a server) with the configured embedders and a background index queue."""

    def __init__(
        self,
        path: Path,
        url: str | None,
        embedders: Sequence[str],
        *,
        in_process: bool = False,
        openai_options: dict[str, Any] | None = None,
    ) -> None:
        self.openai_options = openai_options or {}
        self.path = path
        self.url = url
        self.embedder_names = list(embedders)
        # the neural embedders run in a child process unless told otherwise (tests, CLI batch jobs)
        self.process = None if in_process else EmbeddingProcess()
        self._engine: SearchEngine | None = None
        self._queue: IndexQueue | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> SearchEngine:
        with self._lock:
            if self._engine is None:
                try:
                    client = make_client(path=None if self.url else self.path, url=self.url)
                except StoreUnavailable as exc:
                    raise ServiceUnavailable(str(exc)) from exc
                stores = [ChromaStore(client, self._embedder(name)) for name in self.embedder_names]
                self._engine = SearchEngine(stores, SearchConfig())
            return self._engine

    @property
    def queue(self) -> IndexQueue:
        with self._lock:
            if self._queue is None:
                self._queue = IndexQueue(lambda records: self.engine.index(records))
            return self._queue

    def _embedder(self, name: str) -> Embedder:
        if name == "openai":  # a remote server does the work: nothing to move off this process
            if not self.openai_options.get("base_url"):
                raise ValueError(
                    "the openai embedder needs COPILOT_LLM_BASE_URL (an OpenAI-compatible server)"
                )
            return build_embedder(name, **self.openai_options)
        if self.process is None or name == "hashing":  # hashing is cheap: no reason to cross processes
            return build_embedder(name)
        return ProcessEmbedder(self.process, name)

    def submit(self, docs: Sequence[SearchDoc]) -> None:
        """Queue records for indexing without waiting; when the queue is full the rest are left out
        of the index (counted as `dropped`, logged) rather than slowing or failing the caller."""
        pending = list(docs)
        try:
            self.queue.submit_many(pending, timeout_s=0.0)
        except IndexQueueFull as exc:
            log.warning(
                "search index behind: %s; some records are not indexed until `copilot reindex --org %s`",
                exc,
                pending[0].org_id,
            )

    def search(self, org_id: int, query: str, filters: SearchFilter, limit: int) -> list[BackendHit]:
        hits = self.engine.search(org_id, query, filters, limit)
        return [
            BackendHit(record_id=h.record_id, score=h.score, text=h.text, meta=dict(h.meta)) for h in hits
        ]

    def reindex(self, org_id: int, docs: Sequence[SearchDoc], progress: Progress | None = None) -> int:
        return self.engine.reindex(org_id, list(docs), progress)

    def flush(self) -> None:
        """Wait until everything submitted so far is indexed (tests, CLI exit)."""
        if self._queue is not None:
            self._queue.flush()

    def metrics(self) -> QueueMetrics | None:
        return self._queue.metrics if self._queue is not None else None

    def close(self) -> None:
        if self._queue is not None:
            self._queue.close(timeout_s=30)
        if self._engine is not None:
            self._engine.close()
        if self.process is not None:
            self.process.close()
