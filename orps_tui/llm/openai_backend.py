"""OpenAI-compatible chat endpoints (vLLM, SGLang, llama.cpp server, LM Studio) over httpx.

Why not the `openai` package: we use two routes (`/chat/completions` streamed as SSE and
`/models`), need our own retry rule (retry only before the first chunk) where the
official client retries on its own, and want every failure as a `ModelError`; httpx
is already a dependency, so this costs no new package. The embedded backend drives
xllamacpp's in-process llama.cpp server with this same client.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from orps_tui.config import ModelSettings
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

HEALTH_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 10.0


class OpenAIModel:
    """One model behind an OpenAI-style `/v1` API; safe to call concurrently."""

    backend = "openai"

    def __init__(
        self,
        base_url: str,
        name: str,
        settings: ModelSettings | None = None,
        *,
        uri: str | None = None,
        label: str | None = None,
        unreachable_fix: str | None = None,
        backoff_s: float = 0.5,
        llama_cpp: bool = False,
    ):
        """`llama_cpp`: the server is llama.cpp: ask it to keep each prompt cached.

        Requests are not pinned to a slot (`id_slot`): llama.cpp gives a request the slot
        whose cached prompt it shares most with, and keeps other conversations in its RAM
        prompt cache. Pinning each branch to a slot by its root split the root siblings,
        which share the whole problem, over different slots: each re-read it."""
        self.settings = settings or ModelSettings()
        self.llama_cpp = llama_cpp
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.uri = uri or f"openai:{self.base_url}#{name}"
        self.label = label or f"{name} at {self.base_url}"
        self.unreachable_fix = unreachable_fix or (
            "start the server (e.g. `vllm serve MODEL`, `llama-server -m FILE`) or fix the URL"
        )
        self.policy = RetryPolicy(retries=max(0, self.settings.retries), backoff_s=backoff_s)
        self._limit = LoopSemaphore(self.settings.concurrency)
        headers = {"Accept": "application/json"}
        key_env = self.settings.openai_api_key_env
        self._key_env = key_env
        if key_env and os.environ.get(key_env):
            headers["Authorization"] = f"Bearer {os.environ[key_env]}"
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(self.settings.timeout_s, connect=CONNECT_TIMEOUT_S),
        )

    def request_body(
        self, messages: Sequence[Message], options: GenOptions, json_schema: dict[str, Any] | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.name,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": options.temperature,
            "max_tokens": options.max_tokens,
        }
        if options.top_p is not None:
            body["top_p"] = options.top_p
        if options.seed is not None:
            body["seed"] = options.seed
        if options.stop:
            body["stop"] = list(options.stop)
        if self.llama_cpp:
            body["cache_prompt"] = True
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": json_schema, "strict": True},
            }
        return body

    def stream_chat(
        self,
        messages: Sequence[Message],
        options: GenOptions,
        *,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[Chunk]:
        body = self.request_body(messages, options, json_schema)

        async def attempt() -> AsyncIterator[Chunk]:
            async with self._client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self._http_error(response)
                async for chunk in parse_sse(response.aiter_lines()):
                    yield chunk

        return guarded_stream(
            attempt,
            self._classify,
            label=self.label,
            timeout_s=options.timeout_s,
            policy=self.policy,
            semaphore=self._limit,
        )

    async def list_models(self) -> list[ModelInfo]:
        data = await self._get_json("/models", self.settings.timeout_s)
        return [
            ModelInfo(
                name=str(m.get("id", "?")), backend=self.backend, note=str(m.get("owned_by") or "")
            )
            for m in data.get("data", [])
            if isinstance(m, dict)
        ]

    async def health(self) -> Health:
        try:
            data = await self._get_json("/models", HEALTH_TIMEOUT_S)
        except ModelError as exc:
            state = (
                HealthState.UNREACHABLE
                if exc.kind is ModelErrorKind.UNREACHABLE
                else HealthState.ERROR
            )
            return Health(state, exc.message, exc.fix)
        names = [str(m.get("id")) for m in data.get("data", []) if isinstance(m, dict)]
        if names and self.name not in names:
            return Health(
                HealthState.MODEL_MISSING,
                f"{self.base_url} does not serve {self.name!r} (it serves: {', '.join(names[:5])})",
                f"use one of those names after `#`, e.g. openai:{self.base_url}#{names[0]}",
            )
        return Health(HealthState.OK, f"{self.base_url} serves {self.name}")

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- errors -------------------------------------------------------------------------

    async def _get_json(self, path: str, timeout_s: float) -> dict[str, Any]:
        try:
            async with asyncio.timeout(timeout_s):
                response = await self._client.get(path)
        except TimeoutError as exc:
            raise ModelError(
                ModelErrorKind.TIMEOUT,
                f"{self.label}: no answer to GET {path} within {timeout_s:g} s",
                "check that the server is healthy",
            ) from exc
        except Exception as exc:  # every client failure becomes a ModelError
            raise self._classify(exc) from exc
        if response.status_code >= 400:
            raise self._http_error(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise ModelError(
                ModelErrorKind.SERVER, f"{self.label}: GET {path} did not return JSON", ""
            ) from exc
        return data if isinstance(data, dict) else {}

    def _http_error(self, response: httpx.Response) -> ModelError:
        status = response.status_code
        page = web_page_summary(response.text)
        if page is not None:
            # The API answers errors in JSON; a web page means the URL is not the API root.
            return ModelError(
                ModelErrorKind.BAD_REQUEST,
                f"{self.label}: {self.base_url} is not an OpenAI-compatible API "
                f"(HTTP {status} with a web page: {page})",
                "use the API root as BASE_URL, often ending in /v1",
            )
        detail = _error_detail(response)
        if status in (401, 403):
            return ModelError(
                ModelErrorKind.BAD_REQUEST,
                f"{self.label} refused the API key (HTTP {status}): {detail}",
                f"put the key in the environment variable {self._key_env} "
                "(its name is `model.openai_api_key_env` in the config)",
            )
        if status == 404:
            return ModelError(
                ModelErrorKind.NOT_FOUND,
                f"{self.label}: not found (HTTP 404): {detail}",
                "check the model name after `#` and that the URL ends with the API root (often /v1)",
            )
        if status >= 500 or status == 429:
            return ModelError(
                ModelErrorKind.SERVER,
                f"{self.label} failed with HTTP {status}: {detail}",
                "see the server's log",
            )
        return ModelError(
            ModelErrorKind.BAD_REQUEST,
            f"{self.label} rejected the request (HTTP {status}): {detail}",
            "check the model name and options",
        )

    def _classify(self, exc: BaseException) -> ModelError:
        if isinstance(exc, ModelError):
            return exc
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | ConnectionRefusedError):
            return ModelError(
                ModelErrorKind.UNREACHABLE,
                f"nothing answers at {self.base_url} ({self.label})",
                self.unreachable_fix,
            )
        if isinstance(exc, httpx.TimeoutException):
            return ModelError(
                ModelErrorKind.TIMEOUT,
                f"{self.label} stopped answering ({type(exc).__name__})",
                "raise `model.timeout_s`",
            )
        if isinstance(exc, httpx.TransportError):
            return ModelError(
                ModelErrorKind.STREAM_CUT,
                f"the connection to {self.label} broke: {exc or type(exc).__name__}",
                "retry; if it persists, check the server's log",
            )
        if isinstance(exc, ValueError | KeyError | TypeError):
            return ModelError(
                ModelErrorKind.SERVER,
                f"{self.label} sent something unexpected: {exc}",
                "check the server version",
            )
        return ModelError(ModelErrorKind.SERVER, f"{self.label}: {type(exc).__name__}: {exc}", "")


def _error_detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason_phrase
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            return str(err.get("message") or err)[:200]
        return str(err)[:200]
    return str(data)[:200]


def _evaluated(usage: dict[str, Any], timings: Any) -> int | None:
    """Prompt tokens the server evaluated (not served from its cache): llama.cpp's
    `timings.prompt_n`, else prompt tokens less `prompt_tokens_details.cached_tokens`
    (vLLM, SGLang and llama.cpp all fill it); None when the server says neither."""
    if isinstance(timings, dict) and isinstance(timings.get("prompt_n"), int):
        return int(timings["prompt_n"])
    details = usage.get("prompt_tokens_details")
    if isinstance(details, dict) and isinstance(details.get("cached_tokens"), int):
        return max(0, int(usage.get("prompt_tokens") or 0) - int(details["cached_tokens"]))
    return None


async def parse_sse(lines: AsyncIterator[str]) -> AsyncIterator[Chunk]:
    """Turn the `data: {...}` lines of a streamed chat completion into Chunks.

    The last chunk is `done=True` with the usage the server reported (servers that do not
    report usage get the number of content deltas, one per token on llama.cpp and vLLM).
    """
    finish: str | None = None
    usage: Usage | None = None
    deltas = 0
    async for line in lines:
        if not line.startswith("data:"):
            continue  # blank separators, `event:` and `: ping` comments
        data = line[5:].strip()
        if data == "[DONE]":
            break
        event = json.loads(data)
        if err := event.get("error"):
            message = err.get("message", err) if isinstance(err, dict) else err
            raise ModelError(
                ModelErrorKind.SERVER, f"the server reported: {message}", "retry, or check its log"
            )
        if raw_usage := event.get("usage"):
            usage = Usage(
                prompt_tokens=int(raw_usage.get("prompt_tokens") or 0),
                completion_tokens=int(raw_usage.get("completion_tokens") or 0),
                prompt_evaluated=_evaluated(raw_usage, event.get("timings")),
            )
        for choice in event.get("choices") or ():
            delta = choice.get("delta") or {}
            text = delta.get("content") or ""
            thinking = delta.get("reasoning_content") or delta.get("reasoning") or ""
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
            if text or thinking:
                deltas += 1
                yield Chunk(text=text, thinking=thinking)
    else:
        # No [DONE]: the stream stopped early unless a finish reason arrived.
        if finish is None:
            return
    yield Chunk(
        done=True, usage=usage or Usage(completion_tokens=deltas), finish_reason=finish or "stop"
    )
