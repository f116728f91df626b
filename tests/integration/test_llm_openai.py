"""The OpenAI-compatible backend (httpx + SSE) against a real local HTTP server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from orps_tui.config import ModelSettings
from orps_tui.llm.base import GenOptions, HealthState, Message, ModelError, ModelErrorKind, collect
from orps_tui.llm.openai_backend import OpenAIModel
from orps_tui.llm.registry import open_model
from tests.support.fake_openai import FakeOpenAI, Recorded, Reply

ASK = [Message("user", "Add two numbers.")]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as srv:
        yield srv


def make(fake: FakeOpenAI, name: str = "qwen", **overrides: object) -> OpenAIModel:
    settings = ModelSettings(retries=2, concurrency=4, timeout_s=10.0)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return OpenAIModel(fake.base_url, name, settings, backoff_s=0.01)


async def test_streams_text_usage_and_reasoning(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(
        reasoning=["hmm"], chunks=["def", " f():", " pass"], prompt_tokens=30
    )
    model = open_model(f"openai:{fake.base_url}#qwen", ModelSettings(retries=0))
    out = await collect(model.stream_chat(ASK, GenOptions()))
    assert out.text == "def f(): pass" and out.thinking == "hmm"
    assert out.usage.prompt_tokens == 30 and out.usage.completion_tokens == 4
    assert out.finish_reason == "stop" and out.usage.ttft_s > 0
    await model.aclose()


async def test_request_carries_options_and_the_json_schema(fake: FakeOpenAI) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    await collect(
        make(fake).stream_chat(
            ASK,
            GenOptions(temperature=0.1, top_p=0.8, seed=9, max_tokens=77, stop=("END",)),
            json_schema=schema,
        )
    )
    (request,) = fake.chat_requests()
    body = request.body
    assert body["model"] == "qwen" and body["stream"] is True
    assert (body["temperature"], body["top_p"], body["seed"], body["max_tokens"], body["stop"]) == (
        0.1,
        0.8,
        9,
        77,
        ["END"],
    )
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema


async def test_usage_says_how_many_prompt_tokens_the_server_evaluated(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(prompt_tokens=900, cached_tokens=850)
    out = await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert out.usage.prompt_tokens == 900 and out.usage.prompt_evaluated == 50
    fake.reply = lambda req: Reply(prompt_tokens=900, cached_tokens=850, prompt_n=60)
    out = await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert out.usage.prompt_evaluated == 60  # llama.cpp's own count wins
    fake.reply = lambda req: Reply(prompt_tokens=900)
    out = await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert out.usage.prompt_evaluated is None  # the server did not say


async def test_a_llama_cpp_server_is_asked_to_keep_prompts_cached(fake: FakeOpenAI) -> None:
    llama = OpenAIModel(fake.base_url, "qwen", ModelSettings(retries=0), backoff_s=0.01,
                        llama_cpp=True)
    await collect(llama.stream_chat(ASK, GenOptions()))
    await collect(make(fake).stream_chat(ASK, GenOptions()))
    bodies = [r.body for r in fake.chat_requests()]
    assert [b.get("cache_prompt") for b in bodies] == [True, None]  # other servers: untouched
    assert not any("id_slot" in b for b in bodies)  # the server picks the most similar slot
    await llama.aclose()


async def test_usage_falls_back_to_counting_deltas(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(chunks=["a", "b", "c"], send_usage=False, finish_reason="length")
    out = await collect(make(fake).stream_chat(ASK, GenOptions()))
    assert out.usage.completion_tokens == 3 and out.finish_reason == "length"


async def test_api_key_comes_from_the_named_variable(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.api_key = "sekrit"
    with pytest.raises(ModelError) as info:
        await collect(make(fake, openai_api_key_env="MY_KEY").stream_chat(ASK, GenOptions()))
    assert info.value.kind is ModelErrorKind.BAD_REQUEST and "MY_KEY" in info.value.fix
    monkeypatch.setenv("MY_KEY", "sekrit")
    out = await collect(make(fake, openai_api_key_env="MY_KEY").stream_chat(ASK, GenOptions()))
    assert out.text == "Hello from fake OpenAI."


async def test_unknown_model_is_not_found(fake: FakeOpenAI) -> None:
    with pytest.raises(ModelError) as info:
        await collect(make(fake, "nope").stream_chat(ASK, GenOptions()))
    assert info.value.kind is ModelErrorKind.NOT_FOUND and "does not exist" in info.value.message
    health = await make(fake, "nope").health()
    assert health.state is HealthState.MODEL_MISSING and "#qwen" in health.fix


async def test_5xx_retried_then_succeeds(fake: FakeOpenAI) -> None:
    calls = {"n": 0}

    def flaky(req: Recorded) -> Reply:
        calls["n"] += 1
        return Reply(status=503) if calls["n"] == 1 else Reply(chunks=["ok"])

    fake.reply = flaky
    assert (await collect(make(fake).stream_chat(ASK, GenOptions()))).text == "ok"
    assert len(fake.chat_requests()) == 2


async def test_cut_mid_stream_raises_stream_cut(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(chunks=["a", "b", "c", "d"], cut_after=2)
    with pytest.raises(ModelError) as info:
        await collect(make(fake, retries=1).stream_chat(ASK, GenOptions()))
    assert info.value.kind is ModelErrorKind.STREAM_CUT
    assert len(fake.chat_requests()) == 2  # retried once, cut again


async def test_timeout_names_the_elapsed_time(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(first_byte_delay_s=1.0)
    with pytest.raises(ModelError) as info:
        await collect(make(fake, retries=0).stream_chat(ASK, GenOptions(timeout_s=0.25)))
    assert info.value.kind is ModelErrorKind.TIMEOUT and "no answer after 0." in info.value.message


async def test_unreachable_server() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = OpenAIModel(
        f"http://127.0.0.1:{port}/v1", "qwen", ModelSettings(retries=1), backoff_s=0.01
    )
    with pytest.raises(ModelError) as info:
        await collect(model.stream_chat(ASK, GenOptions()))
    assert (
        info.value.kind is ModelErrorKind.UNREACHABLE
        and "gave up after 2 attempts" in info.value.message
    )
    assert (await model.health()).state is HealthState.UNREACHABLE


async def test_concurrency_limit_and_listing(fake: FakeOpenAI) -> None:
    fake.reply = lambda req: Reply(chunks=["x"] * 4, chunk_delay_s=0.03)
    model = make(fake, concurrency=3)
    await asyncio.gather(*(collect(model.stream_chat(ASK, GenOptions())) for _ in range(7)))
    assert fake.max_in_flight == 3
    assert [m.name for m in await model.list_models()] == ["qwen"]
    assert (await model.health()).ok
