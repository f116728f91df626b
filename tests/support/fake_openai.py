"""A real HTTP server on 127.0.0.1 (random port) speaking the OpenAI chat API the way vLLM
and llama.cpp do: `GET /v1/models`, `POST /v1/chat/completions` streamed as server-sent
events (`data: {...}` lines, a usage event, then `data: [DONE]`).

Scriptable like `fake_ollama`: `reply(request)` returns a `Reply` (or a plain string)
that can inject an HTTP status, a cut after N chunks, delays, or an error event.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback_http import LoopbackServer


@dataclass
class Reply:
    chunks: Sequence[str] = ("Hello", " from", " fake", " OpenAI.")
    reasoning: Sequence[str] = ()
    status: int = 200
    error: str = "internal error"
    cut_after: int | None = None
    chunk_delay_s: float = 0.0
    first_byte_delay_s: float = 0.0
    finish_reason: str = "stop"
    send_usage: bool = True
    prompt_tokens: int = 17
    cached_tokens: int | None = None
    """Sent as `usage.prompt_tokens_details.cached_tokens` (llama.cpp, vLLM, SGLang)."""
    prompt_n: int | None = None
    """Sent as llama.cpp's `timings.prompt_n` (tokens evaluated)."""


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeOpenAI(LoopbackServer):
    models: Sequence[str] = ("qwen",)
    reply: Callable[[Recorded], Reply | str] = field(default=lambda req: Reply())
    api_key: str | None = None
    """When set, requests without `Authorization: Bearer <api_key>` get HTTP 401."""
    requests: list[Recorded] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def chat_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"
    _counted = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.fake.api_key is None:
            return True
        if self.headers.get("Authorization") == f"Bearer {self.fake.api_key}":
            return True
        self._json(401, {"error": {"message": "Invalid API key", "type": "auth"}})
        return False

    def _record(self, body: dict[str, Any]) -> None:
        with self.fake._lock:
            self.fake.requests.append(Recorded(self.path, body, dict(self.headers.items())))

    def do_GET(self) -> None:
        self._record({})
        if not self._authorised():
            return
        if self.path == "/v1/models":
            self._json(
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": m, "object": "model", "owned_by": "fake"} for m in self.fake.models
                    ],
                },
            )
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._record(body)
        if not self._authorised():
            return
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        if body.get("model") not in self.fake.models:
            self._json(
                404, {"error": {"message": f"The model `{body.get('model')}` does not exist."}}
            )
            return
        answer = self.fake.reply(Recorded(self.path, body, dict(self.headers.items())))
        reply = Reply(chunks=answer.split(" ")) if isinstance(answer, str) else answer
        if reply.first_byte_delay_s:
            time.sleep(reply.first_byte_delay_s)
        if reply.status >= 400:
            self._json(reply.status, {"error": {"message": reply.error}})
            return
        with self.fake._lock:
            self.fake.in_flight += 1
            self.fake.max_in_flight = max(self.fake.max_in_flight, self.fake.in_flight)
        self._counted = True
        try:
            self._stream(body, reply)
        except OSError:
            self.close_connection = True
        finally:
            self._uncount()

    def _uncount(self) -> None:
        if self._counted:
            self._counted = False
            with self.fake._lock:
                self.fake.in_flight -= 1

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        model = body["model"]

        def event(payload: dict[str, Any] | str) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            data = f"data: {text}\n\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        event(chunk({"role": "assistant", "content": None}))
        pieces = [{"reasoning_content": r} for r in reply.reasoning] + [
            {"content": c} for c in reply.chunks
        ]
        for sent, delta in enumerate(pieces):
            if reply.cut_after is not None and sent >= reply.cut_after:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if reply.chunk_delay_s:
                time.sleep(reply.chunk_delay_s)
            event(chunk(delta))
        # Off the in-flight count before the client can see the end of its call.
        self._uncount()
        event(chunk({}, reply.finish_reason))
        if reply.send_usage:
            usage: dict[str, Any] = {"prompt_tokens": reply.prompt_tokens,
                                     "completion_tokens": len(pieces)}
            if reply.cached_tokens is not None:
                usage["prompt_tokens_details"] = {"cached_tokens": reply.cached_tokens}
            final: dict[str, Any] = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": model,
                "choices": [],
                "usage": usage,
            }
            if reply.prompt_n is not None:
                final["timings"] = {"prompt_n": reply.prompt_n, "cache_n": 0}
            event(final)
        event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


FakeOpenAI.handler_base = _Handler
