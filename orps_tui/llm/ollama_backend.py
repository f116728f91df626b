"""Ollama through the official `ollama` client (`AsyncClient`).

The client raises three unrelated families of errors (the built-in `ConnectionError`,
`httpx.TransportError` subclasses when a stream is iterated, `ollama.ResponseError`
for HTTP statuses and in-stream errors) and pydantic's `ValidationError` on odd
input; `_classify` turns every one of them into a `ModelError` the user can act on.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pydantic

from orps_tui.config import ModelSettings, ollama_address
from orps_tui.llm.base import (
    Chunk,
    GenOptions,
    Health,
    HealthState,
    Message,
    ModelError,
    ModelErrorKind,
    ModelInfo,
    Usage,
)
from orps_tui.llm.calls import LoopSemaphore, RetryPolicy, guarded_stream, web_page_summary


def _evaluated(final: Any) -> int | None:
    """Prompt tokens the server evaluated: Ollama >= 0.30 counts the whole prompt in
    `prompt_eval_count` and what came from its cache in `prompt_eval_cached_count`. Older
    servers send no cached count (and their `prompt_eval_count` is not the whole prompt):
    unknown then."""
    cached = getattr(final, "prompt_eval_cached_count", None)
    if cached is None:
        cached = (final.model_extra or {}).get("prompt_eval_cached_count")
    if not isinstance(cached, int) or isinstance(cached, bool) or final.prompt_eval_count is None:
        return None
    return max(0, final.prompt_eval_count - cached)


def _keep_cached_count(ollama: Any) -> None:
    """The client (0.6.x) has no `prompt_eval_cached_count` field and drops unknown fields:
    let its chat response keep extra fields (read back through `model_extra`)."""
    response = ollama.ChatResponse
    if "prompt_eval_cached_count" not in response.model_fields and \
            response.model_config.get("extra") != "allow":
        response.model_config["extra"] = "allow"
        response.model_rebuild(force=True)


def _import_ollama() -> Any:
    """`import ollama` builds a module-level client from OLLAMA_HOST and raises ValueError
    when that is malformed. orps always passes the host itself (checked, see
    `config.ollama_address`), so the variable is hidden while the library loads."""
    saved = os.environ.pop("OLLAMA_HOST", None)
    try:
        import ollama as module
    finally:
        if saved is not None:
            os.environ["OLLAMA_HOST"] = saved
    return module


ollama = _import_ollama()
_keep_cached_count(ollama)

HEALTH_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class PullProgress:
    status: str
    completed: int | None = None
    total: int | None = None
    digest: str | None = None


@dataclass(frozen=True)
class ModelDetails:
    info: ModelInfo
    capabilities: tuple[str, ...] = ()
    context_length: int | None = None


def same_model(a: str, b: str) -> bool:
    """Ollama treats `llama3` and `llama3:latest` as one model."""

    def norm(name: str) -> str:
        return name if ":" in name else f"{name}:latest"

    return norm(a) == norm(b)


class OllamaModel:
    """One Ollama model; safe to call concurrently from one event loop."""

    backend = "ollama"

    def __init__(
        self,
        name: str,
        settings: ModelSettings | None = None,
        *,
        host: str | None = None,
        backoff_s: float = 0.5,
    ):
        if not name or not name.strip():
            raise ModelError(
                ModelErrorKind.BAD_REQUEST,
                "no Ollama model name given",
                "e.g. ollama:qwen2.5-coder:7b",
            )
        self.settings = settings or ModelSettings()
        self.name = name.strip()
        self.uri = f"ollama:{self.name}"
        try:
            self.host = ollama_address(host or self.settings.ollama_host)
        except ValueError as exc:
            raise ModelError(
                ModelErrorKind.BAD_REQUEST,
                f"bad Ollama address {host or self.settings.ollama_host!r}: {exc}",
                "set OLLAMA_HOST or model.ollama_host",
            ) from None
        self.policy = RetryPolicy(retries=max(0, self.settings.retries), backoff_s=backoff_s)
        self._limit = LoopSemaphore(self.settings.concurrency)
        self._client = ollama.AsyncClient(
            host=self.host,
            timeout=httpx.Timeout(self.settings.timeout_s, connect=CONNECT_TIMEOUT_S),
        )
        self._label = f"ollama:{self.name} at {self.host}"

    # -- chat ---------------------------------------------------------------------------

    def stream_chat(
        self,
        messages: Sequence[Message],
        options: GenOptions,
        *,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[Chunk]:
        payload = [{"role": m.role, "content": m.content} for m in messages]
        opts: dict[str, Any] = {
            "temperature": options.temperature,
            "num_predict": options.max_tokens,
            "num_ctx": options.num_ctx or self.settings.num_ctx,
        }
        if options.top_p is not None:
            opts["top_p"] = options.top_p
        if options.seed is not None:
            opts["seed"] = options.seed
        if options.stop:
            opts["stop"] = list(options.stop)

        async def attempt() -> AsyncIterator[Chunk]:
            stream = await self._client.chat(
                model=self.name,
                messages=payload,
                stream=True,
                format=json_schema,
                options=opts,
                keep_alive=self.settings.keep_alive,
            )
            try:
                async for part in stream:
                    message = part.message
                    text = (message.content or "") if message else ""
                    thinking = (message.thinking or "") if message else ""
                    if part.done:
                        yield Chunk(
                            text=text,
                            thinking=thinking,
                            done=True,
                            usage=Usage(
                                prompt_tokens=part.prompt_eval_count or 0,
                                completion_tokens=part.eval_count or 0,
                                prompt_evaluated=_evaluated(part),
                            ),
                            finish_reason=part.done_reason or "stop",
                        )
                        return
                    if text or thinking:
                        yield Chunk(text=text, thinking=thinking)
            finally:
                await stream.aclose()  # release the HTTP stream now, not at GC

        return guarded_stream(
            attempt,
            self._classify,
            label=self._label,
            timeout_s=options.timeout_s,
            policy=self.policy,
            semaphore=self._limit,
        )

    # -- model management ---------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        response = await self._call(self._client.list())
        return [
            ModelInfo(
                name=m.model or "?",
                backend=self.backend,
                size_bytes=int(m.size) if m.size is not None else None,
                family=m.details.family if m.details else None,
                quantization=m.details.quantization_level if m.details else None,
                parameters=m.details.parameter_size if m.details else None,
            )
            for m in response.models
        ]

    async def show(self, name: str | None = None) -> ModelDetails:
        name = name or self.name
        response = await self._call(self._client.show(name))
        details = response.details
        context = None
        for key, value in (response.modelinfo or {}).items():
            if key.endswith(".context_length") and isinstance(value, int):
                context = value
        return ModelDetails(
            info=ModelInfo(
                name=name,
                backend=self.backend,
                family=details.family if details else None,
                quantization=details.quantization_level if details else None,
                parameters=details.parameter_size if details else None,
            ),
            capabilities=tuple(response.capabilities or ()),
            context_length=context,
        )

    async def running(self) -> list[ModelInfo]:
        """Models Ollama has loaded now (`/api/ps`)."""
        response = await self._call(self._client.ps())
        return [
            ModelInfo(
                name=m.model or m.name or "?",
                backend=self.backend,
                size_bytes=int(m.size) if m.size is not None else None,
                family=m.details.family if m.details else None,
                quantization=m.details.quantization_level if m.details else None,
                parameters=m.details.parameter_size if m.details else None,
                note=f"context {m.context_length}" if m.context_length else "",
            )
            for m in response.models
        ]

    async def pull(self, progress: Callable[[PullProgress], None] | None = None) -> None:
        """Download this model into Ollama, reporting progress as it goes."""
        try:
            stream = await self._client.pull(self.name, stream=True)
            async for part in stream:
                if progress is not None:
                    progress(
                        PullProgress(part.status or "", part.completed, part.total, part.digest)
                    )
        except ModelError:
            raise
        except Exception as exc:  # every client failure becomes a ModelError
            error = self._classify(exc)
            if error.kind is ModelErrorKind.NOT_FOUND or "does not exist" in error.message:
                raise ModelError(
                    ModelErrorKind.NOT_FOUND,
                    f"Ollama has no model called {self.name!r} to pull",
                    "check the name at https://ollama.com/library",
                ) from exc
            raise error from exc

    async def health(self) -> Health:
        try:
            models = await self._call(self._client.list(), timeout_s=HEALTH_TIMEOUT_S)
        except ModelError as exc:
            state = (
                HealthState.UNREACHABLE
                if exc.kind is ModelErrorKind.UNREACHABLE
                else HealthState.ERROR
            )
            return Health(state, exc.message, exc.fix)
        for m in models.models:
            if m.model and same_model(m.model, self.name):
                extra = (
                    ", ".join(
                        x for x in (m.details.parameter_size, m.details.quantization_level) if x
                    )
                    if m.details
                    else ""
                )
                detail = f" ({extra})" if extra else ""
                return Health(HealthState.OK, f"Ollama at {self.host} has {self.name}{detail}")
        return Health(
            HealthState.MODEL_MISSING,
            f"model {self.name} is not pulled into Ollama at {self.host}",
            f"ollama pull {self.name}   (or: orps models pull ollama:{self.name})",
        )

    async def aclose(self) -> None:
        await self._client.close()

    # -- errors -------------------------------------------------------------------------

    async def _call(self, coro: Any, timeout_s: float | None = None) -> Any:
        try:
            async with asyncio.timeout(timeout_s or self.settings.timeout_s):
                return await coro
        except TimeoutError as exc:
            raise ModelError(
                ModelErrorKind.TIMEOUT,
                f"Ollama at {self.host} did not answer within {timeout_s or self.settings.timeout_s:g} s",
                "check that `ollama serve` is healthy",
            ) from exc
        except ModelError:
            raise
        except Exception as exc:  # every client failure becomes a ModelError
            raise self._classify(exc) from exc

    def _not_ollama(self, evidence: str) -> ModelError:
        return ModelError(
            ModelErrorKind.BAD_REQUEST,
            f"the server at {self.host} is not Ollama ({evidence})",
            "point OLLAMA_HOST or model.ollama_host at Ollama (default http://127.0.0.1:11434)",
        )

    def _classify(self, exc: BaseException) -> ModelError:
        if isinstance(exc, ollama.ResponseError):
            status = exc.status_code
            detail = str(exc.error).strip()
            page = web_page_summary(detail)
            if page is not None:
                # Ollama answers in JSON; a web page means another server holds the port.
                return self._not_ollama(f"HTTP {status} with a web page: {page}")
            lowered = detail.lower()
            if "model" in lowered and "not found" in lowered:
                return ModelError(
                    ModelErrorKind.NOT_FOUND,
                    f"model {self.name} is not pulled into Ollama at {self.host}",
                    f"ollama pull {self.name}   (or: orps models pull ollama:{self.name})",
                )
            if status == 404:
                # Ollama names the model in every 404 it sends; a bare 404 (even to
                # /api/tags, which Ollama always serves) comes from some other server.
                return self._not_ollama(f"HTTP 404{': ' + detail[:80] if detail else ''}")
            if status >= 500:
                return ModelError(
                    ModelErrorKind.SERVER,
                    f"Ollama at {self.host} failed with HTTP {status}: {detail}",
                    "see the Ollama server log (`journalctl -u ollama` or the `ollama serve` terminal)",
                )
            if status == -1:
                # An error sent inside a 200 stream: Ollama failed mid-generation.
                return ModelError(
                    ModelErrorKind.SERVER,
                    f"Ollama reported: {detail}",
                    "retry, or check the server log",
                )
            return ModelError(
                ModelErrorKind.BAD_REQUEST,
                f"Ollama at {self.host} rejected the request (HTTP {status}): {detail}",
                "check the model name and options",
            )
        if isinstance(exc, ConnectionError | httpx.ConnectError | httpx.ConnectTimeout):
            return ModelError(
                ModelErrorKind.UNREACHABLE,
                f"Ollama is not running at {self.host}",
                "start it with `ollama serve` (or set OLLAMA_HOST / model.ollama_host to where it runs)",
            )
        if isinstance(exc, httpx.TimeoutException):
            return ModelError(
                ModelErrorKind.TIMEOUT,
                f"Ollama at {self.host} stopped answering ({type(exc).__name__})",
                "raise `model.timeout_s`, or check the server",
            )
        if isinstance(exc, httpx.TransportError):
            return ModelError(
                ModelErrorKind.STREAM_CUT,
                f"the connection to Ollama at {self.host} broke: {exc or type(exc).__name__}",
                "retry; if it persists, check the Ollama server log",
            )
        if isinstance(
            exc, pydantic.ValidationError | json.JSONDecodeError | ValueError | TypeError
        ):
            return ModelError(
                ModelErrorKind.SERVER,
                f"Ollama at {self.host} sent something unexpected: {str(exc).splitlines()[0]}",
                "check the Ollama version (0.6 or newer is expected)",
            )
        return ModelError(
            ModelErrorKind.SERVER, f"Ollama call failed: {type(exc).__name__}: {exc}", ""
        )
