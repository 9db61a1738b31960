"""The embedders of the one background process, lent to the web workers over loopback HTTP.

With several web workers (`copilot serve --workers N`), each worker would otherwise load every model
for its search queries (about 240 MB per worker for e5). Instead the `copilot worker` process hosts
them once and answers `POST /embed` on 127.0.0.1; the workers use `RemoteEmbedder`. Vectors travel
as raw float32 bytes. A per-start token (the workers get it in their environment) keeps other local
users off the endpoint.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import numpy as np

from retrieval.embedders import Embedder, Vectors

log = logging.getLogger(__name__)

MAX_TEXTS = 512


class EmbeddingServer:
    """Serves `embedder_for(name)` on 127.0.0.1:`port` (0: any free port) in a thread."""

    def __init__(self, embedder_for: Callable[[str], Embedder], token: str, port: int = 0) -> None:
        self._embedder_for = embedder_for
        self._token = token
        self._cache: dict[str, Embedder] = {}
        self._lock = threading.Lock()
        handler = self._handler()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="embedding-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def embedder(self, name: str) -> Embedder:
        with self._lock:
            if name not in self._cache:
                self._cache[name] = self._embedder_for(name)
            return self._cache[name]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # requests carry note text
                return

            def _fail(self, code: int, message: str) -> None:
                body = json.dumps({"error": message}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                given = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if not hmac.compare_digest(given, server._token):
                    return self._fail(401, "bad token")
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    payload = json.loads(self.rfile.read(length))
                    name, kind, texts = payload["model"], payload["kind"], payload["texts"]
                    if kind not in ("query", "documents", "describe") or not isinstance(texts, list):
                        raise ValueError("kind must be query, documents or describe")
                    if len(texts) > MAX_TEXTS or not all(isinstance(t, str) for t in texts):
                        raise ValueError(f"texts must be at most {MAX_TEXTS} strings")
                except (ValueError, KeyError, TypeError) as exc:
                    return self._fail(400, str(exc))
                try:
                    embedder = server.embedder(str(name))
                    if kind == "describe" or not texts:
                        vectors = np.zeros((0, embedder.dim), dtype=np.float32)
                    elif kind == "query":
                        vectors = np.stack([embedder.embed_query(t) for t in texts])
                    else:
                        vectors = embedder.embed_documents(texts)
                except Exception as exc:  # a model failure is the caller's 503, logged by type only
                    log.error("embedding failed", extra={"error": type(exc).__name__})
                    return self._fail(503, type(exc).__name__)
                data = np.ascontiguousarray(vectors, dtype=np.float32).tobytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Embedder-Name", embedder.name)
                self.send_header("X-Embedder-Dim", str(embedder.dim))
                self.end_headers()
                self.wfile.write(data)
                return None

        return Handler


class RemoteEmbedder:
    """An Embedder whose work is done by an EmbeddingServer (a web worker's view of the models)."""

    def __init__(self, url: str, token: str, model: str, timeout_s: float = 30.0) -> None:
        self._model = model
        self._client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s
        )
        self._described: tuple[str, int] | None = None

    def _call(self, kind: str, texts: Sequence[str]) -> Vectors:
        r = self._client.post("/embed", json={"model": self._model, "kind": kind, "texts": list(texts)})
        if r.status_code != 200:
            raise RuntimeError(f"embedding server answered {r.status_code}: {r.text[:200]}")
        name, dim = r.headers["X-Embedder-Name"], int(r.headers["X-Embedder-Dim"])
        self._described = (name, dim)
        return np.frombuffer(r.content, dtype=np.float32).reshape(-1, dim)

    def _describe(self) -> tuple[str, int]:
        if self._described is None:
            self._call("describe", [])
        assert self._described is not None
        return self._described

    @property
    def name(self) -> str:
        return self._describe()[0]

    @property
    def dim(self) -> int:
        return self._describe()[1]

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._call("documents", texts)

    def embed_query(self, text: str) -> Vectors:
        vectors: Vectors = self._call("query", [text])[0]
        return vectors

    def close(self) -> None:
        self._client.close()
