"""A scripted OpenAI-compatible server on 127.0.0.1: the LLM path is tested and costed over real HTTP.

Tests queue replies; the server answers chat completions (JSON content, forced tool calls, SSE
streaming), embeddings and audio transcriptions, and records every request it received.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse


@dataclass
class Reply:
    """One scripted answer: `json` (a value to return), `raw` (text as is), or an HTTP `status`."""

    json: Any = None
    raw: str | None = None
    status: int = 200
    delay_s: float = 0.0
    prompt_tokens: int = 100
    completion_tokens: int = 50


@dataclass
class ScriptedOpenAI:
    replies: deque[Reply] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    transcript: str = ""
    url: str = ""
    # answers when the queue is empty (e.g. a fixed valid reply for cost measurements)
    responder: Callable[[dict[str, Any]], Reply] | None = None

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("_path") == "/v1/chat/completions"]


def _completion(body: dict[str, Any], reply: Reply, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    finish = "stop"
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
            ],
        }
        finish = "tool_calls"
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


def _sse(body: dict[str, Any], text: str) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(0, len(text), 8):
            chunk = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body.get("model", "scripted"),
                "choices": [{"index": 0, "delta": {"content": text[i : i + 8]}, "finish_reason": None}],
            }
            yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
        done = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body.get("model", "scripted"),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        yield f"data: {json.dumps(done)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return gen()


def _vector(text: str, dim: int = 16) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [b / 255.0 for b in digest[:dim]]


def build_app(state: ScriptedOpenAI) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.json()
        state.requests.append(
            {**body, "_path": "/v1/chat/completions", "_auth": request.headers.get("authorization")}
        )
        if state.replies:
            reply = state.replies.popleft()
        elif state.responder is not None:
            reply = state.responder(body)
        else:
            reply = Reply(status=500, raw="no scripted reply left")
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status != 200:
            return JSONResponse(
                {"error": {"message": reply.raw or "scripted error", "type": "scripted"}},
                status_code=reply.status,
            )
        text = reply.raw if reply.raw is not None else json.dumps(reply.json, ensure_ascii=False)
        if body.get("stream"):
            return StreamingResponse(_sse(body, text), media_type="text/event-stream")
        return JSONResponse(_completion(body, reply, text))

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Response:
        body = await request.json()
        state.requests.append({**body, "_path": "/v1/embeddings"})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(str(t))} for i, t in enumerate(inputs)
        ]
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body.get("model"),
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )

    @app.post("/v1/audio/transcriptions")
    async def transcriptions(request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        size = len(await upload.read()) if upload is not None and not isinstance(upload, str) else 0
        state.requests.append(
            {"_path": "/v1/audio/transcriptions", "model": form.get("model"), "bytes": size}
        )
        return JSONResponse({"text": state.transcript})

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve() -> Iterator[ScriptedOpenAI]:
    """Run the server in a thread for the duration of a `with` block."""
    state = ScriptedOpenAI()
    port = _free_port()
    config = uvicorn.Config(build_app(state), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("scripted OpenAI server did not start")
        time.sleep(0.01)
    state.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=5)
