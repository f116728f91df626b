"""What every HTTP backend shares around one streamed call.

`guarded_stream` wraps one backend attempt (an async iterator of `Chunk`s) with:
- a concurrency limit (the backend's semaphore, held for the whole call);
- a deadline per attempt (`GenOptions.timeout_s`), reported with the elapsed time;
- retries with exponential backoff of transient failures (a timeout included); a retry
  after chunks were yielded is announced by a `Chunk(restart=True)`, so the consumer drops
  the partial answer. This is the only layer that times out or retries a model call;
- timing: time to first token and total time go into the final chunk's `Usage`.
Every failure leaves as a `ModelError`; cancelling the consuming task closes the
underlying HTTP stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

from orps_tui.config import ModelSettings
from orps_tui.llm.base import Chunk, ModelError, ModelErrorKind, Usage

Attempt = Callable[[], AsyncIterator[Chunk]]
Classifier = Callable[[BaseException], ModelError]


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = ModelSettings.retries
    """Retries after the first attempt (so up to `retries + 1` attempts)."""
    backoff_s: float = 0.5
    """First delay; doubles per retry, capped at `max_backoff_s`, with jitter."""
    max_backoff_s: float = 8.0

    def delay(self, retry: int) -> float:
        base = min(self.max_backoff_s, self.backoff_s * (2**retry))
        return base * (0.5 + random.random() / 2)


class LoopSemaphore:
    """An asyncio.Semaphore per event loop (a backend object may outlive a loop in tests)."""

    def __init__(self, limit: int):
        self.limit = max(1, int(limit))
        self._by_loop: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]] = {}

    def get(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        entry = self._by_loop.get(id(loop))
        if entry is None or entry[0] is not loop:
            self._by_loop = {k: v for k, v in self._by_loop.items() if not v[0].is_closed()}
            entry = (loop, asyncio.Semaphore(self.limit))
            self._by_loop[id(loop)] = entry
        return entry[1]


async def guarded_stream(
    attempt: Attempt,
    classify: Classifier,
    *,
    label: str,
    timeout_s: float,
    policy: RetryPolicy,
    semaphore: LoopSemaphore,
) -> AsyncIterator[Chunk]:
    """Run `attempt()` under the limit, deadline and retry rules described above."""
    async with semaphore.get():
        start = time.perf_counter()
        first_token_at: float | None = None
        tries = 0
        while True:
            tries += 1
            attempt_start = time.perf_counter()
            deadline = asyncio.get_running_loop().time() + timeout_s
            yielded = 0
            stream = attempt()
            try:
                while True:
                    try:
                        async with asyncio.timeout_at(deadline):
                            chunk = await anext(stream)
                    except StopAsyncIteration:
                        break
                    if chunk.done:
                        now = time.perf_counter()
                        usage = chunk.usage or Usage()
                        usage.ttft_s = (first_token_at or now) - start
                        usage.total_s = now - start
                        yield replace(chunk, usage=usage)
                        return
                    if first_token_at is None and (chunk.text or chunk.thinking):
                        first_token_at = time.perf_counter()
                    yielded += 1
                    yield chunk
                # The server closed the stream without its final message.
                raise ModelError(
                    ModelErrorKind.STREAM_CUT,
                    f"{label}: the stream ended without its final message",
                    "retry; if it persists, check the server's log",
                )
            except Exception as exc:  # everything leaves as a ModelError
                error = _as_model_error(exc, classify, label, timeout_s, attempt_start, yielded)
                if not error.retryable or tries > policy.retries:
                    if tries > 1:
                        error = ModelError(
                            error.kind,
                            f"{error.message} (gave up after {tries} attempts)",
                            error.fix,
                        )
                    raise error from exc
                await _close(stream)
                if yielded:
                    first_token_at = None
                    yield Chunk(restart=True)
                await asyncio.sleep(policy.delay(tries - 1))
            finally:
                await _close(stream)


def _as_model_error(
    exc: Exception,
    classify: Classifier,
    label: str,
    timeout_s: float,
    attempt_start: float,
    yielded: int,
) -> ModelError:
    elapsed = time.perf_counter() - attempt_start
    if isinstance(exc, TimeoutError):
        if yielded:
            what = f"the stream stalled after {yielded} chunks, {elapsed:.1f} s in"
        else:
            what = f"no answer after {elapsed:.1f} s"
        return ModelError(
            ModelErrorKind.TIMEOUT,
            f"{label}: {what} (timeout {timeout_s:g} s)",
            "raise `model.timeout_s` in the config, or use a smaller or faster model",
        )
    error = exc if isinstance(exc, ModelError) else classify(exc)
    if yielded and error.kind in (ModelErrorKind.SERVER, ModelErrorKind.UNREACHABLE):
        return ModelError(
            ModelErrorKind.STREAM_CUT,
            f"{label}: the stream was cut after {yielded} chunks ({error.message})",
            "the call can be retried",
        )
    return error


async def _close(stream: AsyncIterator[Chunk]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is None:
        return
    # Closing a broken stream must not mask the real error.
    with contextlib.suppress(Exception):
        await aclose()


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def web_page_summary(body: str) -> str | None:
    """When an error body is an HTML page (a web server that is not the model server
    answered), a one-line summary of it: its title and first message; else None."""
    text = body.lstrip()
    if not text.lower().startswith(("<!doctype html", "<html", "<head", "<body")):
        return None
    title_match = _TITLE.search(text)
    title = " ".join(html.unescape(title_match.group(1)).split()) if title_match else ""
    words = " ".join(html.unescape(_TAG.sub(" ", _TITLE.sub(" ", text))).split())
    summary = title if not words.startswith(title) else ""
    summary = f"{summary}: {words}" if summary and words else summary or words
    return (summary[:80] + "…") if len(summary) > 80 else summary or "an HTML page"
