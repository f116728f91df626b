"""Embedded models: a small GGUF served in-process by xllamacpp, driven over HTTP by
the same OpenAI-compatible client as remote servers (`openai_backend.OpenAIModel`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

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
)
from orps_tui.llm.embedded_models import CATALOGUE, EmbeddedSpec, runtime_installed
from orps_tui.llm.embedded_runtime import LOAD, RUNTIME, Loaded, ServerSpec, cpu_threads
from orps_tui.llm.openai_backend import OpenAIModel

BUSY_POLL_S = 0.05


class EmbeddedModel:
    backend = "embedded"

    def __init__(self, key: str, settings: ModelSettings | None = None, *, backoff_s: float = 0.5):
        if key not in CATALOGUE:
            raise ModelError(
                ModelErrorKind.BAD_REQUEST,
                f"unknown embedded model {key!r}",
                "use `embedded` or `embedded:coder`",
            )
        self.spec: EmbeddedSpec = CATALOGUE[key]
        self.settings = settings or ModelSettings()
        self.uri = self.spec.uri
        self._backoff_s = backoff_s
        self._client: OpenAIModel | None = None

    # -- the ChatModel protocol ---------------------------------------------------------

    def stream_chat(
        self,
        messages: Sequence[Message],
        options: GenOptions,
        *,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[Chunk]:
        return self._stream(messages, options, json_schema)

    async def _stream(
        self, messages: Sequence[Message], options: GenOptions, json_schema: dict[str, Any] | None
    ) -> AsyncIterator[Chunk]:
        loaded = await self._lease(options.timeout_s)
        try:
            client = await self._client_for(loaded)
            inner = client.stream_chat(messages, options, json_schema=json_schema)
            try:
                async for chunk in inner:
                    yield chunk
            finally:
                # Close now (not at garbage collection) when the consumer stops early,
                # so the HTTP stream and the client's semaphore are released at once.
                await inner.aclose()  # type: ignore[attr-defined]
        finally:
            RUNTIME.release()

    async def list_models(self) -> list[ModelInfo]:
        out = []
        for spec in CATALOGUE.values():
            present = spec.path() is not None
            note = spec.note if present else f"not installed: {spec.install_fix}"
            out.append(
                ModelInfo(
                    name=spec.uri,
                    backend=self.backend,
                    size_bytes=spec.size_bytes,
                    family=spec.family,
                    quantization=spec.quantization,
                    parameters=spec.parameters,
                    note=note,
                )
            )
        return out

    def _unavailable(self) -> tuple[HealthState, ModelError] | None:
        """Why this model cannot run here (runtime or file missing), with the fix."""
        if not runtime_installed():
            return HealthState.NOT_INSTALLED, ModelError(
                ModelErrorKind.NOT_INSTALLED,
                "the embedded runtime (xllamacpp) is not installed",
                "pip install xllamacpp",
            )
        if self.spec.path() is None:
            return HealthState.MODEL_MISSING, ModelError(
                ModelErrorKind.NOT_INSTALLED,
                f"the {self.spec.title} file is missing ({self.spec.expected_path()})",
                self.spec.install_fix,
            )
        return None

    async def health(self) -> Health:
        missing = self._unavailable()
        if missing is not None:
            state, error = missing
            return Health(state, error.message, error.fix)
        path = self.spec.path()
        assert path is not None  # _unavailable() checked it
        size = path.stat().st_size
        if size != self.spec.size_bytes:
            return Health(
                HealthState.ERROR,
                f"{path} has {size:,} bytes, expected {self.spec.size_bytes:,}",
                self.spec.install_fix,
            )
        return Health(HealthState.OK, f"{self.spec.title} ready ({path})")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- the shared runtime -------------------------------------------------------------

    def server_spec(self) -> ServerSpec:
        """What this model asks of the runtime: fails with the fix when it cannot run."""
        missing = self._unavailable()
        if missing is not None:
            raise missing[1]
        path = self.spec.path()
        assert path is not None  # _unavailable() checked it
        slots = max(1, self.settings.concurrency)
        per_slot = min(max(512, self.settings.num_ctx), self.spec.train_ctx)
        return ServerSpec(path, self.spec.alias, per_slot * slots, slots, cpu_threads())

    async def _lease(self, timeout_s: float) -> Loaded:
        spec = self.server_spec()
        start = time.perf_counter()
        while True:
            got = RUNTIME.try_lease(spec)
            if isinstance(got, Loaded):
                return got
            if got == LOAD:
                # A cancelled caller leaves the load to finish in its thread; no lease leaks.
                await asyncio.to_thread(RUNTIME.load, spec)
                continue
            if time.perf_counter() - start > timeout_s:
                current = RUNTIME.loaded
                busy = current.spec.alias if current else "another model"
                raise ModelError(
                    ModelErrorKind.TIMEOUT,
                    f"the embedded runtime stayed busy with {busy} for {timeout_s:g} s",
                    "one embedded model runs at a time: use one model per run",
                )
            await asyncio.sleep(BUSY_POLL_S)

    async def _client_for(self, loaded: Loaded) -> OpenAIModel:
        if self._client is None or self._client.base_url != loaded.base_url:
            if self._client is not None:
                # Its server is gone (swapped), so this client has nothing in flight.
                await self._client.aclose()
            self._client = _EmbeddedClient(
                self.spec,
                loaded.base_url,
                self.spec.alias,
                self.settings,
                uri=self.uri,
                label=f"embedded {self.spec.title}",
                unreachable_fix="the in-process model server stopped: restart orps",
                backoff_s=self._backoff_s,
                llama_cpp=True,
            )
        return self._client


class _EmbeddedClient(OpenAIModel):
    """The OpenAI-compatible client, plus the model's own sampling fields and answer cap."""

    def __init__(self, spec: EmbeddedSpec, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec

    def request_body(self, messages: Sequence[Message], options: GenOptions,
                     json_schema: dict[str, Any] | None) -> dict[str, Any]:
        if self.spec.max_tokens is not None and options.max_tokens > self.spec.max_tokens:
            options = replace(options, max_tokens=self.spec.max_tokens)
        body = super().request_body(messages, options, json_schema)
        body.update(self.spec.sampling)
        return body
