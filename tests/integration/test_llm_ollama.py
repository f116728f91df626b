"""The Ollama backend through the real `ollama` client against a real local HTTP server."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterator

import pytest

from orps_tui.config import ModelSettings, load_settings
from orps_tui.llm.base import (
    ChatModel,
    GenOptions,
    HealthState,
    Message,
    ModelError,
    ModelErrorKind,
    collect,
)
from orps_tui.llm.ollama_backend import OllamaModel, PullProgress
from orps_tui.llm.registry import open_model
from tests.support.fake_ollama import FakeModel, FakeOllama, Reply, Request

MODEL = "qwen2.5-coder:7b"
ASK = [Message("system", "You write Python."), Message("user", "Add two numbers.")]


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama(
        models=[MODEL, FakeModel("deepseek-r1:8b", capabilities=("completion", "thinking"))]
    ) as srv:
        yield srv


def make(fake: FakeOllama, name: str = MODEL, **overrides: object) -> OllamaModel:
    settings = ModelSettings(ollama_host=fake.url, retries=2, concurrency=4, timeout_s=10.0)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return OllamaModel(name, settings, backoff_s=0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_streams_text_and_reports_usage(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(
        chunks=["def ", "add(a, b):", "\n    return a + b"], prompt_eval_count=21
    )
    model = make(fake)
    assert isinstance(model, ChatModel)
    chunks = [c async for c in model.stream_chat(ASK, GenOptions())]
    assert [c.text for c in chunks[:-1]] == ["def ", "add(a, b):", "\n    return a + b"]
    last = chunks[-1]
    assert last.done and last.finish_reason == "stop"
    assert last.usage is not None
    assert last.usage.prompt_tokens == 21
    assert last.usage.completion_tokens == 3
    assert 0 < last.usage.ttft_s <= last.usage.total_s
    assert last.usage.tokens_per_s > 0
    await model.aclose()


async def test_options_schema_and_keep_alive_reach_the_server(fake: FakeOllama) -> None:
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}
    model = make(fake, num_ctx=8192, keep_alive="3m")
    options = GenOptions(temperature=0.2, top_p=0.9, seed=7, max_tokens=99, stop=("```\n",))
    await collect(model.stream_chat(ASK, options, json_schema=schema))
    (request,) = fake.requests_to("/api/chat")
    assert request.model == MODEL
    assert request.options == {
        "temperature": 0.2,
        "top_p": 0.9,
        "seed": 7,
        "num_predict": 99,
        "num_ctx": 8192,
        "stop": ["```\n"],
    }
    assert request.body["format"] == schema
    assert request.body["keep_alive"] == "3m"
    assert request.body["stream"] is True
    assert request.messages == [
        {"role": "system", "content": "You write Python."},
        {"role": "user", "content": "Add two numbers."},
    ]
    # A per-call context size wins over the configured one.
    await collect(model.stream_chat(ASK, GenOptions(num_ctx=2048)))
    assert fake.requests_to("/api/chat")[-1].options["num_ctx"] == 2048


async def test_thinking_goes_to_chunk_thinking(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(thinking=["Let me", " think."], chunks=["42"])
    out = await collect(make(fake, "deepseek-r1:8b").stream_chat(ASK, GenOptions()))
    assert out.thinking == "Let me think."
    assert out.text == "42"


async def test_length_finish_reason(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=["a", "b"], done_reason="length")
    out = await collect(make(fake).stream_chat(ASK, GenOptions(max_tokens=2)))
    assert out.finish_reason == "length"


async def test_missing_model_says_how_to_pull_it(fake: FakeOllama) -> None:
    with pytest.raises(ModelError) as info:
        await collect(make(fake, "llama3").stream_chat(ASK, GenOptions()))
    err = info.value
    assert err.kind is ModelErrorKind.NOT_FOUND and not err.retryable
    assert "llama3 is not pulled" in err.message
    assert "ollama pull llama3" in err.fix
    assert len(fake.requests_to("/api/chat")) == 1  # not retried


async def test_server_errors_are_retried_then_succeed(fake: FakeOllama) -> None:
    calls = {"n": 0}

    def flaky(req: Request) -> Reply:
        calls["n"] += 1
        return Reply(status=503, error="busy") if calls["n"] <= 2 else Reply(chunks=["ok"])

    fake.reply = flaky
    out = await collect(make(fake, retries=2).stream_chat(ASK, GenOptions()))
    assert out.text == "ok"
    assert len(fake.requests_to("/api/chat")) == 3


async def test_server_errors_give_up_after_the_retry_budget(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(status=500, error="CUDA out of memory")
    with pytest.raises(ModelError) as info:
        await collect(make(fake, retries=2).stream_chat(ASK, GenOptions()))
    err = info.value
    assert err.kind is ModelErrorKind.SERVER
    assert "HTTP 500" in err.message and "CUDA out of memory" in err.message
    assert "gave up after 3 attempts" in err.message
    assert len(fake.requests_to("/api/chat")) == 3


async def test_stream_cut_midway_is_retried_after_a_restart_chunk(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=["one ", "two ", "three ", "four "], cut_after=2)
    seen: list[str] = []
    with pytest.raises(ModelError) as info:
        async for chunk in make(fake, retries=1).stream_chat(ASK, GenOptions()):
            seen.append("<restart>" if chunk.restart else chunk.text)
    assert seen == ["one ", "two ", "<restart>", "one ", "two "]
    assert info.value.kind is ModelErrorKind.STREAM_CUT and info.value.retryable
    assert len(fake.requests_to("/api/chat")) == 2


async def test_cut_before_the_first_chunk_is_retried(fake: FakeOllama) -> None:
    calls = {"n": 0}

    def cut_once(req: Request) -> Reply:
        calls["n"] += 1
        return Reply(chunks=["x"], cut_after=0) if calls["n"] == 1 else Reply(chunks=["fine"])

    fake.reply = cut_once
    out = await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert out.text == "fine"
    assert len(fake.requests_to("/api/chat")) == 2


async def test_error_line_inside_the_stream(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(
        chunks=["a", "b", "c"], stream_error_after=1, error="model runner crashed"
    )
    with pytest.raises(ModelError) as info:
        await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert info.value.kind is ModelErrorKind.STREAM_CUT
    assert "model runner crashed" in info.value.message


async def test_slow_server_times_out_with_the_elapsed_time(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(first_byte_delay_s=1.5)
    model = make(fake, retries=0)
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        await collect(model.stream_chat(ASK, GenOptions(timeout_s=0.3)))
    assert time.perf_counter() - start < 1.2
    err = info.value
    assert err.kind is ModelErrorKind.TIMEOUT
    assert re.search(r"no answer after 0\.\d s \(timeout 0\.3 s\)", err.message), err.message
    assert "timeout_s" in err.fix


async def test_a_stall_mid_stream_times_out(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=["a"] * 50, chunk_delay_s=0.1)
    with pytest.raises(ModelError) as info:
        await collect(make(fake, retries=1).stream_chat(ASK, GenOptions(timeout_s=0.45)))
    assert info.value.kind is ModelErrorKind.TIMEOUT
    assert "stalled after" in info.value.message and "gave up after 2 attempts" in info.value.message
    assert len(fake.requests_to("/api/chat")) == 2  # the stall was retried once


async def test_unreachable_server_says_to_start_ollama() -> None:
    host = f"http://127.0.0.1:{free_port()}"
    model = OllamaModel(MODEL, ModelSettings(ollama_host=host, retries=1), backoff_s=0.01)
    with pytest.raises(ModelError) as info:
        await collect(model.stream_chat(ASK, GenOptions()))
    err = info.value
    assert err.kind is ModelErrorKind.UNREACHABLE
    assert f"Ollama is not running at {host}" in err.message
    assert "ollama serve" in err.fix
    health = await model.health()
    assert health.state is HealthState.UNREACHABLE and "ollama serve" in health.fix
    with pytest.raises(ModelError) as listing:
        await model.list_models()
    assert listing.value.kind is ModelErrorKind.UNREACHABLE


async def test_cancelling_mid_stream_closes_the_connection(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=[f"t{i} " for i in range(200)], chunk_delay_s=0.02)
    model = make(fake)
    got: list[str] = []
    three = asyncio.Event()

    async def consume() -> None:
        async for chunk in model.stream_chat(ASK, GenOptions()):
            got.append(chunk.text)
            if len(got) == 3:
                three.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(three.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(fake.wait_for, lambda: fake.stats.disconnects == 1, 5.0)
    assert fake.stats.completed == 0
    assert len(got) < 200
    # The semaphore was released: the next call goes through.
    fake.reply = lambda req: Reply(chunks=["again"])
    assert (await collect(model.stream_chat(ASK, GenOptions()))).text == "again"


async def test_breaking_out_early_closes_the_connection(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=["x "] * 200, chunk_delay_s=0.01)
    model = make(fake, concurrency=1)
    stream = model.stream_chat(ASK, GenOptions())
    async for _chunk in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert await asyncio.to_thread(fake.wait_for, lambda: fake.stats.disconnects == 1, 5.0)
    fake.reply = lambda req: Reply(chunks=["next"])
    assert (await collect(model.stream_chat(ASK, GenOptions()))).text == "next"


async def test_generate_route_streams_for_other_clients(fake: FakeOllama) -> None:
    import ollama

    client = ollama.AsyncClient(host=fake.url, timeout=5)
    parts = [p async for p in await client.generate(model=MODEL, prompt="hi", stream=True)]
    assert "".join(p.response or "" for p in parts) == "Hello from fake Ollama."
    assert parts[-1].done and parts[-1].eval_count == 4
    assert fake.requests_to("/api/generate")[0].last_user == "hi"


async def test_concurrency_limit_is_respected(fake: FakeOllama) -> None:
    fake.reply = lambda req: Reply(chunks=["x"] * 5, chunk_delay_s=0.03)
    model = make(fake, concurrency=2)
    outs = await asyncio.gather(*(collect(model.stream_chat(ASK, GenOptions())) for _ in range(6)))
    assert all(o.text == "xxxxx" for o in outs)
    assert fake.stats.max_in_flight == 2
    assert fake.stats.completed == 6


async def test_list_show_ps_and_health(fake: FakeOllama) -> None:
    model = make(fake)
    listed = await model.list_models()
    assert [m.name for m in listed] == [MODEL, "deepseek-r1:8b"]
    assert listed[0].size_bytes == 4_683_087_332
    assert (listed[0].family, listed[0].parameters, listed[0].quantization) == (
        "qwen2",
        "7.6B",
        "Q4_K_M",
    )
    details = await make(fake, "deepseek-r1:8b").show()
    assert "thinking" in details.capabilities and details.context_length == 32768
    assert await model.running() == []
    await collect(model.stream_chat(ASK, GenOptions()))
    assert [m.name for m in await model.running()] == [MODEL]
    health = await model.health()
    assert health.ok and MODEL in health.message
    missing = await make(fake, "llama3").health()
    assert missing.state is HealthState.MODEL_MISSING
    assert missing.fix.startswith("ollama pull llama3")
    with pytest.raises(ModelError) as info:
        await make(fake, "llama3").show()
    assert info.value.kind is ModelErrorKind.NOT_FOUND


async def test_pull_reports_progress_then_the_model_is_there(fake: FakeOllama) -> None:
    model = make(fake, "qwen2.5-coder:1.5b")
    assert (await model.health()).state is HealthState.MODEL_MISSING
    events: list[PullProgress] = []
    await model.pull(events.append)
    assert events[0].status == "pulling manifest" and events[-1].status == "success"
    assert any(e.total == 1_000_000 and e.completed == 1_000_000 for e in events)
    assert (await model.health()).ok


async def test_pull_of_an_unknown_model_fails_clearly(fake: FakeOllama) -> None:
    with pytest.raises(ModelError) as info:
        await make(fake, "no-such-model").pull()
    assert info.value.kind is ModelErrorKind.NOT_FOUND
    assert "no-such-model" in info.value.message


async def test_open_model_uses_ollama_host_from_the_environment(
    fake: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", fake.url.removeprefix("http://"))
    model = open_model(f"ollama:{MODEL}", load_settings().model)
    assert isinstance(model, OllamaModel) and model.host == fake.url
    assert (await collect(model.stream_chat(ASK, GenOptions()))).text == "Hello from fake Ollama."


async def test_usage_says_what_the_server_served_from_its_cache() -> None:
    # Ollama >= 0.30 counts the whole prompt and, apart, what came from its cache; before,
    # no cached count: then what it evaluated is unknown, not "all of it"
    with FakeOllama(models=[MODEL], prefix_cache=True) as fake:
        model = make(fake)
        first = [c async for c in model.stream_chat(ASK, GenOptions())][-1].usage
        again = [c async for c in model.stream_chat(ASK, GenOptions())][-1].usage
        await model.aclose()
    assert first is not None and again is not None
    assert first.prompt_tokens == again.prompt_tokens > 0
    assert first.prompt_evaluated == first.prompt_tokens  # a cold cache
    assert again.prompt_evaluated == 0  # the same prompt again
    with FakeOllama(models=[MODEL]) as fake:
        model = make(fake)
        old = [c async for c in model.stream_chat(ASK, GenOptions())][-1].usage
        await model.aclose()
    assert old is not None and old.prompt_tokens == 12 and old.prompt_evaluated is None
