"""The shared call wrapper: retry only before the first chunk, timing, deadlines, SSE parsing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from orps_tui.llm.base import Chunk, ModelError, ModelErrorKind, Usage, collect
from orps_tui.llm.calls import LoopSemaphore, RetryPolicy, guarded_stream
from orps_tui.llm.openai_backend import parse_sse

FAST = RetryPolicy(retries=2, backoff_s=0.001)


def classify(exc: BaseException) -> ModelError:
    if isinstance(exc, ConnectionError):
        return ModelError(ModelErrorKind.UNREACHABLE, "down", "start it")
    return ModelError(ModelErrorKind.SERVER, str(exc), "")


def scripted(*attempts: list[object]):
    """Each attempt is a list of Chunks and/or exceptions, played in order."""
    calls = {"n": 0}

    def attempt() -> AsyncIterator[Chunk]:
        script = attempts[min(calls["n"], len(attempts) - 1)]
        calls["n"] += 1

        async def gen() -> AsyncIterator[Chunk]:
            for item in script:
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, float):
                    await asyncio.sleep(item)
                    continue
                yield item  # type: ignore[misc]

        return gen()

    return attempt, calls


def run(attempt, policy: RetryPolicy = FAST, timeout_s: float = 5.0) -> AsyncIterator[Chunk]:
    return guarded_stream(
        attempt,
        classify,
        label="test model",
        timeout_s=timeout_s,
        policy=policy,
        semaphore=LoopSemaphore(2),
    )


DONE = Chunk(done=True, usage=Usage(prompt_tokens=3, completion_tokens=2), finish_reason="stop")


async def test_transient_failures_before_the_first_chunk_are_retried() -> None:
    attempt, calls = scripted([ConnectionError()], [ConnectionError()], [Chunk(text="hi"), DONE])
    out = await collect(run(attempt))
    assert out.text == "hi" and calls["n"] == 3
    assert out.usage.prompt_tokens == 3 and out.usage.total_s >= out.usage.ttft_s > 0


async def test_gives_up_after_the_budget_with_the_count() -> None:
    attempt, calls = scripted([ConnectionError()])
    with pytest.raises(ModelError) as info:
        await collect(run(attempt))
    assert info.value.kind is ModelErrorKind.UNREACHABLE
    assert "gave up after 3 attempts" in info.value.message and calls["n"] == 3


async def test_non_retryable_errors_are_not_retried() -> None:
    bad = ModelError(ModelErrorKind.NOT_FOUND, "no such model", "pull it")
    attempt, calls = scripted([bad])
    with pytest.raises(ModelError) as info:
        await collect(run(attempt))
    assert info.value is bad and calls["n"] == 1


async def test_failure_after_a_chunk_is_retried_after_a_restart_chunk() -> None:
    attempt, calls = scripted([Chunk(text="a"), ConnectionError()], [Chunk(text="b"), DONE])
    seen = [(chunk.text, chunk.restart) async for chunk in run(attempt)]
    assert seen[:3] == [("a", False), ("", True), ("b", False)] and calls["n"] == 2


async def test_a_stream_cut_on_the_last_try_is_a_stream_cut_error() -> None:
    attempt, calls = scripted([Chunk(text="a"), ConnectionError()])
    with pytest.raises(ModelError) as info:
        await collect(run(attempt, RetryPolicy(retries=0)))
    assert calls["n"] == 1
    assert info.value.kind is ModelErrorKind.STREAM_CUT and info.value.retryable


async def test_a_stalled_stream_is_retried_after_its_deadline() -> None:
    attempt, calls = scripted([Chunk(text="a"), 5.0], [Chunk(text="b"), DONE])
    answer = await collect(run(attempt, timeout_s=0.05))
    assert answer.text == "b" and calls["n"] == 2  # the stalled attempt's "a" is dropped


async def test_a_stream_without_its_final_message_is_cut() -> None:
    attempt, _ = scripted([Chunk(text="a")])
    with pytest.raises(ModelError) as info:
        await collect(run(attempt))
    assert info.value.kind is ModelErrorKind.STREAM_CUT


async def test_deadline_applies_to_each_attempt() -> None:
    attempt, calls = scripted([5.0])
    with pytest.raises(ModelError) as info:
        await collect(run(attempt, RetryPolicy(retries=1, backoff_s=0.001), timeout_s=0.05))
    assert info.value.kind is ModelErrorKind.TIMEOUT and calls["n"] == 2
    assert (
        "no answer after 0.0" in info.value.message or "no answer after 0.1" in info.value.message
    )


async def test_raw_exceptions_never_escape() -> None:
    attempt, _ = scripted([KeyError("choices")])
    with pytest.raises(ModelError):
        await collect(run(attempt, RetryPolicy(retries=0)))


async def test_closing_the_consumer_early_closes_the_attempt() -> None:
    closed = asyncio.Event()

    def attempt() -> AsyncIterator[Chunk]:
        async def gen() -> AsyncIterator[Chunk]:
            try:
                for i in range(100):
                    yield Chunk(text=str(i))
            finally:
                closed.set()

        return gen()

    stream = run(attempt)
    async for _ in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert closed.is_set()


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(retries=5, backoff_s=1.0, max_backoff_s=4.0)
    for retry, top in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 4.0)]:
        delays = [policy.delay(retry) for _ in range(50)]
        assert all(top / 2 <= d <= top for d in delays)


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_sse_parser_reads_deltas_usage_and_done() -> None:
    stream = _lines(
        'data: {"choices":[{"delta":{"role":"assistant","content":null}}]}',
        "",
        ": keep-alive comment",
        'data: {"choices":[{"delta":{"reasoning_content":"think"}}]}',
        'data: {"choices":[{"delta":{"content":"Hi"}}]}',
        'data: {"choices":[{"delta":{},"finish_reason":"length"}]}',
        'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
        "data: [DONE]",
    )
    chunks = [c async for c in parse_sse(stream)]
    assert [(c.text, c.thinking) for c in chunks[:-1]] == [("", "think"), ("Hi", "")]
    assert chunks[-1].done and chunks[-1].finish_reason == "length"
    assert chunks[-1].usage == Usage(prompt_tokens=5, completion_tokens=2)


async def test_sse_parser_without_done_or_finish_ends_without_a_final_chunk() -> None:
    chunks = [c async for c in parse_sse(_lines('data: {"choices":[{"delta":{"content":"x"}}]}'))]
    assert [c.done for c in chunks] == [False]


async def test_sse_error_event_raises() -> None:
    with pytest.raises(ModelError) as info:
        [c async for c in parse_sse(_lines('data: {"error":{"message":"context too long"}}'))]
    assert "context too long" in info.value.message
