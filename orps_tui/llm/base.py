"""The one small async interface every model backend implements.

A backend is chosen by a model URI: `ollama:NAME`, `embedded`, `embedded:coder`,
`openai:BASE_URL#NAME`. Everything the search needs goes through `ChatModel`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable

from orps_tui.config import ModelSettings

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class GenOptions:
    temperature: float = ModelSettings.temperature
    top_p: float | None = None
    seed: int | None = None
    max_tokens: int = ModelSettings.max_tokens
    num_ctx: int | None = None
    stop: tuple[str, ...] = ()
    timeout_s: float = ModelSettings.timeout_s
    """Give up on a call after this long without finishing."""


@dataclass
class Usage:
    prompt_tokens: int = 0
    """Prompt tokens sent, as the server counted them (Ollama's `prompt_eval_count`: the
    whole prompt on Ollama >= 0.30, only the part it evaluated on older servers)."""
    completion_tokens: int = 0
    prompt_evaluated: int | None = None
    """Prompt tokens the server evaluated; the rest came from its prompt cache. None when
    the server does not say."""
    ttft_s: float = 0.0
    """Time to first token."""
    total_s: float = 0.0

    @property
    def tokens_per_s(self) -> float:
        gen = self.total_s - self.ttft_s
        return self.completion_tokens / gen if gen > 0 else 0.0


@dataclass(frozen=True)
class Chunk:
    """A piece of a streamed answer. The last chunk has `done=True` and carries `usage`."""

    text: str = ""
    thinking: str = ""
    done: bool = False
    usage: Usage | None = None
    finish_reason: str | None = None
    """`stop`, `length` (hit max_tokens) or None while streaming."""
    restart: bool = False
    """The call failed after some chunks and is being retried: drop what it streamed so far
    (the next chunks are the new attempt's). Only `llm.calls.guarded_stream` sends it."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    backend: str
    size_bytes: int | None = None
    family: str | None = None
    quantization: str | None = None
    parameters: str | None = None
    note: str = ""
    """Plain words for the user, e.g. `embedded: 135M params, fast, weak - for plumbing only`."""


class HealthState(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    MODEL_MISSING = "model_missing"
    NOT_INSTALLED = "not_installed"
    ERROR = "error"


@dataclass(frozen=True)
class Health:
    state: HealthState
    message: str
    fix: str = ""
    """A command or step the user can take, e.g. `ollama serve`."""

    @property
    def ok(self) -> bool:
        return self.state is HealthState.OK


class ModelErrorKind(StrEnum):
    UNREACHABLE = "unreachable"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"
    SERVER = "server"  # 5xx
    STREAM_CUT = "stream_cut"
    BAD_REQUEST = "bad_request"
    NOT_INSTALLED = "not_installed"


_RETRYABLE = {
    ModelErrorKind.UNREACHABLE,
    ModelErrorKind.TIMEOUT,
    ModelErrorKind.SERVER,
    ModelErrorKind.STREAM_CUT,
}


class ModelError(Exception):
    """A model call failed; `message` says what happened, `fix` what to do about it."""

    def __init__(self, kind: ModelErrorKind, message: str, fix: str = ""):
        self.kind = kind
        self.message = message
        self.fix = fix
        super().__init__(f"{message} ({fix})" if fix else message)

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


@runtime_checkable
class ChatModel(Protocol):
    """An async streaming chat model. Cancel a call by cancelling the task iterating it."""

    uri: str
    """The model URI this was opened from, e.g. `ollama:qwen2.5-coder:7b`."""

    def stream_chat(
        self,
        messages: Sequence[Message],
        options: GenOptions,
        *,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[Chunk]: ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def health(self) -> Health: ...

    async def aclose(self) -> None: ...


@dataclass
class Completion:
    """A whole answer, gathered from a stream."""

    text: str = ""
    thinking: str = ""
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None


async def collect(stream: AsyncIterator[Chunk]) -> Completion:
    parts: list[str] = []
    thinking: list[str] = []
    out = Completion()
    async for chunk in stream:
        if chunk.restart:  # a retry: what came before belongs to the failed attempt
            parts.clear()
            thinking.clear()
            continue
        parts.append(chunk.text)
        thinking.append(chunk.thinking)
        if chunk.done:
            out.usage = chunk.usage or Usage()
            out.finish_reason = chunk.finish_reason
    out.text = "".join(parts)
    out.thinking = "".join(thinking)
    return out
