"""A local HTTP receiver that imitates WeCom's group-robot API: it replies 200 with a JSON
`errcode` (0 on success), and can be told to fail the next requests in various ways."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    raw: bytes


@dataclass
class Receiver:
    url: str
    accepted: list[Received] = field(default_factory=list)
    attempts: int = 0
    # what to answer next, consumed in order: "errcode" (200 with errcode 93000), "http500", "ok"
    script: list[str] = field(default_factory=list)
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def wecom_receiver(script: list[str] | None = None, delay_s: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(url="", script=list(script or []), delay_s=delay_s)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if state.delay_s:
                time.sleep(state.delay_s)
            with state.lock:
                state.attempts += 1
                outcome = state.script.pop(0) if state.script else "ok"
                if outcome == "ok":
                    state.accepted.append(Received(json.loads(raw), dict(self.headers), raw))
            if outcome == "http500":
                self._reply(500, {"error": "internal"})
            elif outcome == "errcode":
                self._reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
            else:
                self._reply(200, {"errcode": 0, "errmsg": "ok"})

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test-key"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
