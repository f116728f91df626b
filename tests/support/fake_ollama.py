"""A real HTTP server on 127.0.0.1 (random port) that speaks enough of the Ollama API for
the official `ollama` client: `/api/tags`, `/api/show`, `/api/ps`, `/api/chat`,
`/api/generate` and `/api/pull`, streaming NDJSON (one JSON object per line, chunked
transfer encoding, as Ollama does).

Scriptable: `reply` (a callback) chooses each chat/generate answer from the request, and
a `Reply` can inject faults: an HTTP status, a cut after N chunks, a delay per chunk, a
slow first byte, an error line inside the stream. The server records every request and
counts concurrent generations and dropped connections.

    with FakeOllama(models=["qwen2.5-coder:7b"], reply=lambda req: "def f(): pass") as srv:
        settings.ollama_host = srv.url
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
    """One scripted answer to `/api/chat` or `/api/generate`."""

    chunks: Sequence[str] = ("Hello", " from", " fake", " Ollama.")
    thinking: Sequence[str] = ()
    """Sent before the text, in `message.thinking`."""
    status: int = 200
    """Anything >= 400 answers `{"error": error}` with this status and no stream."""
    error: str = "internal error"
    cut_after: int | None = None
    """Close the connection after this many chunks (no final message, no chunk trailer)."""
    stream_error_after: int | None = None
    """Send `{"error": error}` as a stream line after this many chunks."""
    chunk_delay_s: float = 0.0
    first_byte_delay_s: float = 0.0
    """Wait before sending the response headers."""
    done_reason: str = "stop"
    prompt_eval_count: int = 12
    """Ignored when the server has `prefix_cache` on."""


@dataclass
class Request:
    path: str
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def options(self) -> dict[str, Any]:
        return self.body.get("options") or {}

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages") or []

    @property
    def is_critic(self) -> bool:
        """Whether the engine sent this as a critic call (the task heading it ends with)."""
        from orps_tui.llm.base import Message
        from orps_tui.search.prompts import Role, role_of

        return role_of([Message(str(m.get("role", "")), str(m.get("content", "")))
                        for m in self.messages]) is Role.CRITIC

    @property
    def last_user(self) -> str:
        users = [m.get("content", "") for m in self.messages if m.get("role") == "user"]
        return users[-1] if users else str(self.body.get("prompt", ""))


ReplyFn = Callable[[Request], "Reply | str"]


@dataclass
class FakeModel:
    name: str
    size: int = 4_683_087_332
    family: str = "qwen2"
    parameter_size: str = "7.6B"
    quantization: str = "Q4_K_M"
    context_length: int = 32768
    capabilities: Sequence[str] = ("completion",)


@dataclass
class Stats:
    in_flight: int = 0
    max_in_flight: int = 0
    disconnects: int = 0
    """Generations whose client went away before the stream ended."""
    completed: int = 0
    requests: list[Request] = field(default_factory=list)


def text_reply(text: str) -> Reply:
    """Split `text` into word-ish chunks, spaces kept, like a token stream."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() and word and not word.isspace():
            pieces.append(word)
            word = ""
        word += ch
    if word:
        pieces.append(word)
    return Reply(chunks=pieces or [""])


class FakeOllama(LoopbackServer):
    def __init__(
        self,
        models: Sequence[str | FakeModel] = ("qwen2.5-coder:7b",),
        reply: ReplyFn | None = None,
        pullable: Sequence[str] = ("qwen2.5-coder:1.5b",),
        prefix_cache: bool = False,
    ):
        """`prefix_cache`: answer like Ollama >= 0.30 with one cache slot. A prompt is its
        messages' words (a word = a token); `prompt_eval_count` is all of them and
        `prompt_eval_cached_count` the ones it shares, from the start, with the prompt
        before it."""
        self.prefix_cache = prefix_cache
        self._cached_prompt: list[str] = []
        self.models = [m if isinstance(m, FakeModel) else FakeModel(m) for m in models]
        self.reply: ReplyFn = reply or (lambda _req: Reply())
        self.pullable = list(pullable)
        self.loaded: list[str] = []
        self.stats = Stats()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.origin

    # -- inspection ---------------------------------------------------------------------

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.stats.requests if r.path == path]

    def wait_for(self, condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if condition():
                return True
            time.sleep(0.01)
        return condition()

    def find(self, name: str) -> FakeModel | None:
        full = name if ":" in name else f"{name}:latest"
        for m in self.models:
            if m.name in (name, full):
                return m
        return None

    # -- bookkeeping used by the handler ------------------------------------------------

    def _record(self, request: Request) -> None:
        with self._lock:
            self.stats.requests.append(request)

    def _prompt_counts(self, request: Request) -> dict[str, int]:
        """The prompt fields of the final line (see `prefix_cache`)."""
        words = [w for m in request.body.get("messages") or [{"content": request.body.get(
            "prompt", "")}] for w in [f"<{m.get('role', '')}>", *str(m.get("content", "")).split()]]
        with self._lock:
            shared = 0
            for mine, cached in zip(words, self._cached_prompt, strict=False):
                if mine != cached:
                    break
                shared += 1
            self._cached_prompt = words
        return {"prompt_eval_count": len(words), "prompt_eval_cached_count": shared}

    def _enter(self) -> None:
        with self._lock:
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)

    def _leave(self, *, dropped: bool) -> None:
        with self._lock:
            self.stats.in_flight -= 1
            if dropped:
                self.stats.disconnects += 1
            else:
                self.stats.completed += 1


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOllama
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    # -- plumbing -----------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            data = {}
        return data if isinstance(data, dict) else {}

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _line(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode() + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _cut(self) -> None:
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(2)

    # -- routes -------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.fake._record(Request(self.path, {}))
        if self.path == "/api/tags":
            self._json(200, {"models": [_tag(m) for m in self.fake.models]})
        elif self.path == "/api/ps":
            loaded = [m for m in self.fake.models if m.name in self.fake.loaded]
            self._json(200, {"models": [_ps(m) for m in loaded]})
        elif self.path == "/api/version":
            self._json(200, {"version": "0.12.0-fake"})
        elif self.path == "/":
            body = b"Ollama is running"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self._json(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        body = self._body()
        request = Request(self.path, body)
        self.fake._record(request)
        if self.path == "/api/show":
            self._show(request)
        elif self.path in ("/api/chat", "/api/generate"):
            self._generate(request)
        elif self.path == "/api/pull":
            self._pull(request)
        else:
            self._json(404, {"error": f"no route {self.path}"})

    def _show(self, request: Request) -> None:
        model = self.fake.find(request.model)
        if model is None:
            self._json(404, {"error": f"model '{request.model}' not found"})
            return
        self._json(
            200,
            {
                "modelfile": f"FROM {model.name}",
                "parameters": "",
                "template": "{{ .Prompt }}",
                "details": _details(model),
                "model_info": {
                    "general.architecture": model.family,
                    f"{model.family}.context_length": model.context_length,
                },
                "capabilities": list(model.capabilities),
            },
        )

    def _generate(self, request: Request) -> None:
        model = self.fake.find(request.model)
        if model is None:
            self._json(404, {"error": f'model "{request.model}" not found, try pulling it first'})
            return
        answer = self.fake.reply(request)
        reply = text_reply(answer) if isinstance(answer, str) else answer
        if reply.first_byte_delay_s:
            time.sleep(reply.first_byte_delay_s)
        if reply.status >= 400:
            self._json(reply.status, {"error": reply.error})
            return
        chat = request.path == "/api/chat"
        if model.name not in self.fake.loaded:
            self.fake.loaded.append(model.name)
        self.fake._enter()
        dropped: bool | None = True
        try:
            self._start_stream()
            pieces = [("thinking", t) for t in reply.thinking] + [
                ("content", c) for c in reply.chunks
            ]
            for sent, (kind, piece) in enumerate(pieces):
                if reply.cut_after is not None and sent >= reply.cut_after:
                    dropped = False  # the server hung up, not the client
                    self._cut()
                    return
                if reply.stream_error_after is not None and sent >= reply.stream_error_after:
                    self._line({"error": reply.error})
                    self._end_stream()
                    dropped = False
                    return
                if reply.chunk_delay_s:
                    time.sleep(reply.chunk_delay_s)
                self._line(_piece(model.name, chat, kind, piece))
            final = _piece(model.name, chat, "content", "")
            final.update(
                done=True,
                done_reason=reply.done_reason,
                total_duration=1_000_000,
                load_duration=1_000,
                prompt_eval_count=reply.prompt_eval_count,
                prompt_eval_duration=1_000,
                eval_count=len(pieces),
                eval_duration=1_000_000,
            )
            if self.fake.prefix_cache:
                final.update(self.fake._prompt_counts(request))
            # Book the generation as finished before the client can see the final line,
            # so a test that reads the counters right after its call sees them settled.
            dropped = None
            self.fake._leave(dropped=False)
            self._line(final)
            self._end_stream()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            if dropped is not None:
                self.fake._leave(dropped=dropped)

    def _pull(self, request: Request) -> None:
        name = request.model
        known = [m.name for m in self.fake.models]
        self._start_stream()
        self._line({"status": "pulling manifest"})
        if name not in self.fake.pullable and self.fake.find(name) is None:
            self._line({"error": "pull model manifest: file does not exist"})
            self._end_stream()
            return
        total = 1_000_000
        for done in range(0, total + 1, 250_000):
            self._line(
                {
                    "status": "pulling abc123",
                    "digest": "sha256:abc123",
                    "total": total,
                    "completed": done,
                }
            )
        self._line({"status": "verifying sha256 digest"})
        self._line({"status": "writing manifest"})
        self._line({"status": "success"})
        self._end_stream()
        if name not in known:
            self.fake.models.append(FakeModel(name))


def _details(m: FakeModel) -> dict[str, Any]:
    return {
        "parent_model": "",
        "format": "gguf",
        "family": m.family,
        "families": [m.family],
        "parameter_size": m.parameter_size,
        "quantization_level": m.quantization,
    }


def _tag(m: FakeModel) -> dict[str, Any]:
    return {
        "name": m.name,
        "model": m.name,
        "modified_at": "2026-01-01T00:00:00Z",
        "size": m.size,
        "digest": "0" * 64,
        "details": _details(m),
    }


def _ps(m: FakeModel) -> dict[str, Any]:
    return {**_tag(m), "expires_at": "2026-01-01T00:10:00Z", "size_vram": 0, "context_length": 4096}


def _piece(model: str, chat: bool, kind: str, text: str) -> dict[str, Any]:
    base: dict[str, Any] = {"model": model, "created_at": "2026-01-01T00:00:00Z", "done": False}
    if chat:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": text if kind == "content" else "",
        }
        if kind == "thinking":
            message["thinking"] = text
        base["message"] = message
    elif kind == "thinking":
        base.update(response="", thinking=text)
    else:
        base["response"] = text
    return base


FakeOllama.handler_base = _Handler
