"""The retrieval package behind the domain's SearchBackend protocol, built lazily.

Embedders load on first use (indexing or a query), so an idle service does not pay for them; the
index queue's worker thread likewise starts with the first submission.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from api.embedding_process import EmbeddingProcess, ProcessEmbedder
from api.embedding_server import RemoteEmbedder
from copilot.errors import ServiceUnavailable
from copilot.search.docs import SearchDoc
from copilot.search.service import BackendHit, Progress, SearchFilter
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
        remote: tuple[str, str] | None = None,
        prefix: str = "copilot",
    ) -> None:
        self.prefix = prefix
        self.openai_options = openai_options or {}
        self.path = path
        self.url = url
        self.embedder_names = list(embedders)
        # the neural embedders run in child processes unless told otherwise (tests, CLI batch jobs):
        # one per model, so that a search's two query embeddings (and an indexing batch's two
        # embeddings) run at the same time on the two cores instead of one after the other
        self.in_process = in_process
        self.processes: dict[str, EmbeddingProcess] = {}
        # (url, token) of the `copilot worker`'s embedding server: a web worker embeds queries there
        # and reads a store another process writes (no in-memory metadata table)
        self.remote = remote
        self._remotes: list[RemoteEmbedder] = []
        self._engine: SearchEngine | None = None
        self._queue: IndexQueue | None = None
        self._lock = threading.Lock()
        self._lock_file: IO[str] | None = None
        # told which records the in-memory queue indexed (the runtime clears their live queue rows)
        self.on_indexed: Callable[[Sequence[SearchDoc]], None] | None = None

    @property
    def engine(self) -> SearchEngine:
        with self._lock:
            if self._engine is None:
                try:
                    client = make_client(path=None if self.url else self.path, url=self.url)
                except StoreUnavailable as exc:
                    raise ServiceUnavailable(str(exc)) from exc
                stores = [
                    ChromaStore(client, self._embedder(name), self.prefix) for name in self.embedder_names
                ]
                self._engine = SearchEngine(stores, SearchConfig(memory_table=self.remote is None))
            return self._engine

    @property
    def queue(self) -> IndexQueue:
        with self._lock:
            if self._queue is None:
                self._queue = IndexQueue(self._index_batch)
            return self._queue

    def _index_batch(self, records: Sequence[SearchDoc]) -> int:
        count = self.engine.index(list(records))
        if self.on_indexed is not None:
            try:
                self.on_indexed(records)
            # the records are searchable; a failure to note it only means they are indexed again
            # later by the queue's recovery, so it is logged and not retried here
            except Exception:
                log.exception("could not mark indexed records done")
        return count

    def embedder(self, name: str) -> Embedder:
        """The configured embedder `name` as this process runs it (in a child process, usually)."""
        return self._embedder(name)

    def _embedder(self, name: str) -> Embedder:
        if name == "openai":  # a remote server does the work: nothing to move off this process
            if not self.openai_options.get("base_url"):
                raise ValueError(
                    "the openai embedder needs COPILOT_LLM_BASE_URL (an OpenAI-compatible server)"
                )
            return build_embedder(name, **self.openai_options)
        if self.in_process or name == "hashing":  # hashing is cheap: no reason to cross processes
            return build_embedder(name)
        if self.remote is not None:
            remote = RemoteEmbedder(*self.remote, model=name)
            self._remotes.append(remote)
            return remote
        process = self.processes.setdefault(name, EmbeddingProcess())
        return ProcessEmbedder(process, name)

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

    def index_now(
        self, org_id: int, docs: Sequence[SearchDoc], removed: Sequence[str], phase: str = "all"
    ) -> int:
        """Index a batch in this thread: what the background indexer does with queued records. New
        chunks get hubness scores of their own; `settle` refreshes the neighbours' afterwards.
        `phase` `first` / `rest`: the fast embedders' stores, or the others (`two_phase`)."""
        if any(d.org_id != org_id for d in docs):
            raise ValueError("index_now got a record of another organization")
        split = self.engine.first_pass()
        stores = None
        if phase != "all" and split is not None:
            stores = split[0] if phase == "first" else split[1]
        self.engine.remove(org_id, removed)
        return self.engine.index(list(docs), hub_mode="new-only", stores=stores) if docs else 0

    @property
    def two_phase(self) -> bool:
        return self.engine.first_pass() is not None

    def settle(self, org_id: int) -> None:
        self.engine.refresh_hubness(org_id)

    def queued(self, org_id: int) -> int:
        return self._queue.waiting(org_id) if self._queue is not None else 0

    # ---- one indexer per index ---------------------------------------------------------------
    # An embedded Chroma keeps each collection's HNSW index in the memory of the process that
    # opened it: another process's writes are not seen by its queries (and two writers would
    # overwrite each other's files). So one process at a time indexes: the one holding this lock
    # (the service while it runs, else `copilot index run` / `copilot import --wait`).

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".indexer.lock")

    def try_lock(self) -> bool:
        """Take the indexer lock without waiting; True when this backend holds it."""
        with self._lock:
            if self._lock_file is not None:
                return True
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.lock_path.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._lock_file = handle
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            return True

    def unlock(self) -> None:
        with self._lock:
            handle, self._lock_file = self._lock_file, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def indexer_elsewhere(self) -> bool:
        """Whether another process (or backend) holds the indexer lock now."""
        if self._lock_file is not None:
            return False
        if not self.try_lock():
            return True
        self.unlock()
        return False

    def reload(self) -> None:
        """Reopen the store, to see what another process indexed while this one had it open."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()

    @property
    def engine_open(self) -> bool:
        return self._engine is not None

    def flush(self) -> None:
        """Wait until everything submitted so far is indexed (tests, CLI exit)."""
        if self._queue is not None:
            self._queue.flush()

    def metrics(self) -> QueueMetrics | None:
        return self._queue.metrics if self._queue is not None else None

    def close(self) -> None:
        self.unlock()
        if self._queue is not None:
            self._queue.close(timeout_s=30)
        if self._engine is not None:
            self._engine.close()
        for process in self.processes.values():
            process.close()
        for remote in self._remotes:
            remote.close()


class BackgroundIndexer:
    """The service's indexer: takes the indexer lock (waiting while `copilot index run` holds it),
    then drains queued records (`SearchService.drain`) whenever there are some, polling every
    `interval_s`; stopped by `stop()`."""

    def __init__(
        self,
        backend: RetrievalBackend,
        drain: Callable[[Callable[[], bool]], int],
        interval_s: float = 2.0,
    ) -> None:
        self._backend = backend
        self._drain = drain
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)
        self._backend.unlock()

    def _run(self) -> None:
        waited = False
        while not self._stop.is_set():
            if self._backend.try_lock():
                break
            waited = True  # `copilot index run` is writing: wait for it to finish
            self._stop.wait(self._interval_s)
        else:
            return
        if waited and self._backend.engine_open:  # searched while another process was writing
            self._backend.reload()
        while not self._stop.is_set():
            try:
                self._drain(self._stop.is_set)
            # a database or store error must not end the indexer: it is logged and tried again
            except Exception:
                log.exception("search indexer pass failed")
            self._stop.wait(self._interval_s)
