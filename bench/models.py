"""Embedded model speed, and what `ChatModel.stream_chat` costs over the raw runtime.

Three ways to run the same request (prompt, seed, token count) against the same
in-process llama.cpp server, interleaved in rotating order, `--reps` times each:

  direct     xllamacpp's own Python API, `Server.handle_chat_completions(body, callback)`
  raw-http   a bare httpx stream to the server's `/v1/chat/completions`, minimal SSE parsing
  interface  `open_model(uri).stream_chat(...)` (retries, deadlines, semaphore, Chunk objects)

Reported: medians of time to first token, generation tokens/s and wall time per call,
and the interface's overhead on wall time relative to each baseline (goal: <= 5 %).
On a shared machine wall time is noisy, so the client thread's CPU time is also
reported: the interface's extra CPU over raw http is its cost, free of that noise.
Usage:  .venv/bin/python bench/models.py [--uri embedded] [--reps 5] [--tokens 128] [--json]

`--grid` measures instead what the embedded defaults should be: aggregate generation
tokens/s (all tokens of all calls / wall time) with C calls in flight (C = 1, 2, 4, each on
its own slot) and T llama.cpp threads (T = 1, 2), first on a quiet machine, then with the
judge busy beside it (a thread judging a CPU-heavy solution over and over, as a search
does between model calls). Run it on an otherwise idle machine; it prints the load average.
  .venv/bin/python bench/models.py --grid [--uri embedded:coder] [--tokens 96]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from orps_tui.config import ModelSettings  # noqa: E402
from orps_tui.llm.base import GenOptions, Message, collect  # noqa: E402
from orps_tui.llm.embedded import EmbeddedModel  # noqa: E402
from orps_tui.llm.embedded_runtime import RUNTIME, cpu_threads  # noqa: E402
from orps_tui.llm.registry import open_model  # noqa: E402
from orps_tui.problems.model import Limits, Problem, ProblemKind, Source, Statement, TestCase  # noqa: E402

PROMPT = [
    Message("system", "You are a helpful programming assistant."),
    Message(
        "user",
        "Explain, step by step and at length, how merge sort works, then write it in Python.",
    ),
]


@dataclass
class Run:
    method: str
    ttft_s: float
    total_s: float
    tokens: int
    client_cpu_s: float
    """CPU time of the calling thread (the event loop, or the direct API's worker thread):
    the client-side cost, free of the noise other processes add to wall time."""

    @property
    def tokens_per_s(self) -> float:
        gen = self.total_s - self.ttft_s
        return (self.tokens - 1) / gen if gen > 0 and self.tokens > 1 else 0.0


async def run_interface(model: EmbeddedModel, options: GenOptions) -> Run:
    cpu = time.thread_time()
    start = time.perf_counter()
    first = None
    tokens = 0
    async for chunk in model.stream_chat(PROMPT, options):
        if first is None and chunk.text:
            first = time.perf_counter()
        if chunk.done and chunk.usage:
            tokens = chunk.usage.completion_tokens
    end = time.perf_counter()
    return Run("interface", (first or end) - start, end - start, tokens, time.thread_time() - cpu)


async def run_raw_http(client: httpx.AsyncClient, url: str, body: dict) -> Run:
    cpu = time.thread_time()
    start = time.perf_counter()
    first = None
    tokens = 0
    async with client.stream("POST", url, json=body) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            choices = event.get("choices") or []
            if first is None and choices and choices[0].get("delta", {}).get("content"):
                first = time.perf_counter()
            if event.get("usage"):
                tokens = event["usage"]["completion_tokens"]
    end = time.perf_counter()
    return Run("raw-http", (first or end) - start, end - start, tokens, time.thread_time() - cpu)


def run_direct(body: dict) -> Run:
    server = RUNTIME._server  # the live xllamacpp.Server
    state: dict[str, float | int | None] = {"first": None, "tokens": 0}

    def on_chunk(event: dict) -> None:
        choices = event.get("choices") or []
        if state["first"] is None and choices and choices[0].get("delta", {}).get("content"):
            state["first"] = time.perf_counter()
        if event.get("usage"):
            state["tokens"] = event["usage"]["completion_tokens"]

    cpu = time.thread_time()
    start = time.perf_counter()
    server.handle_chat_completions(dict(body), on_chunk)
    end = time.perf_counter()
    first = state["first"] or end
    tokens = int(state["tokens"] or 0)
    return Run("direct", float(first) - start, end - start, tokens, time.thread_time() - cpu)


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


async def bench(uri: str, reps: int, tokens: int) -> dict:
    settings = ModelSettings(concurrency=1, num_ctx=4096, retries=0)
    model = open_model(uri, settings)
    if not isinstance(model, EmbeddedModel):
        raise SystemExit(
            "bench/models.py measures embedded models: use --uri embedded or embedded:coder"
        )
    health = await model.health()
    if not health.ok:
        raise SystemExit(f"{health.message} (fix: {health.fix})")
    options = GenOptions(temperature=0.7, seed=42, max_tokens=tokens, timeout_s=600)

    t0 = time.perf_counter()
    cold = await collect(
        model.stream_chat([Message("user", "Say hello.")], GenOptions(max_tokens=4, seed=1))
    )
    load_and_first_s = time.perf_counter() - t0
    loaded = RUNTIME.loaded
    assert loaded is not None
    body = (await model._client_for(loaded)).request_body(PROMPT, options, None)
    url = loaded.base_url + "/chat/completions"

    # Warm-up: the same prompt once, so every measured call finds it in the prompt cache.
    await run_interface(model, options)

    runs: dict[str, list[Run]] = {"direct": [], "raw-http": [], "interface": []}
    order = list(runs)
    async with httpx.AsyncClient(timeout=600) as client:
        for rep in range(reps):
            for method in order[rep % 3 :] + order[: rep % 3]:
                if method == "direct":
                    runs[method].append(await asyncio.to_thread(run_direct, body))
                elif method == "raw-http":
                    runs[method].append(await run_raw_http(client, url, body))
                else:
                    runs[method].append(await run_interface(model, options))
    await model.aclose()

    summary = {
        method: {
            "ttft_s": round(median(rs, "ttft_s"), 4),
            "tokens_per_s": round(median(rs, "tokens_per_s"), 1),
            "total_s": round(median(rs, "total_s"), 4),
            "client_cpu_ms": round(1000 * median(rs, "client_cpu_s"), 2),
            "tokens": sorted({r.tokens for r in rs}),
        }
        for method, rs in runs.items()
    }
    interface_total = summary["interface"]["total_s"]
    extra_cpu_ms = summary["interface"]["client_cpu_ms"] - summary["raw-http"]["client_cpu_ms"]
    return {
        "uri": uri,
        "threads": cpu_threads(),
        "cpu_count": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "reps": reps,
        "max_tokens": tokens,
        "load_and_first_call_s": round(load_and_first_s, 3),
        "cold_call_tokens": cold.usage.completion_tokens,
        "methods": summary,
        "overhead_vs_direct_pct": round(
            100 * (interface_total / summary["direct"]["total_s"] - 1), 2
        ),
        "overhead_vs_raw_http_pct": round(
            100 * (interface_total / summary["raw-http"]["total_s"] - 1), 2
        ),
        "interface_extra_cpu_ms": round(extra_cpu_ms, 2),
        "interface_extra_cpu_pct_of_direct_wall": round(
            100 * extra_cpu_ms / 1000 / summary["direct"]["total_s"], 2
        ),
        "runs": {m: [asdict(r) for r in rs] for m, rs in runs.items()},
    }


JUDGE_LOAD = "s = 0\nfor i in range(3_000_000):\n    s += i * i\nprint(s % 7)\n"
"""A solution that keeps one core busy for about a second per test."""


class BusyJudge:
    """Judges `JUDGE_LOAD` in a loop in a thread (its runs are sandboxed child processes),
    so the model competes for the CPU as it does in a search."""

    def __init__(self) -> None:
        import threading

        from orps_tui.sandbox.judge import Judge

        problem = Problem("busy", "busy", ProblemKind.STDIO, Source("bench", "MIT"),
                          Statement("print something"), Limits(time_s=5.0),
                          (TestCase("t", True, input="", output="0\n"),))
        self._judge = Judge(problem)
        self._stop = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._judge.run(JUDGE_LOAD, "public")
            self.runs += 1

    def __enter__(self) -> BusyJudge:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._judge.close()


async def aggregate(uri: str, threads: int, concurrency: int, tokens: int) -> dict:
    """C calls at once on a server with C slots and `threads` threads: tokens/s overall."""
    os.environ["ORPS_EMBEDDED_THREADS"] = str(threads)
    model = open_model(uri, ModelSettings(concurrency=concurrency, num_ctx=2048, retries=0))
    assert isinstance(model, EmbeddedModel)
    await collect(model.stream_chat([Message("user", "Hi.")], GenOptions(max_tokens=2, seed=1)))
    started = time.perf_counter()
    done = await asyncio.gather(*(
        collect(model.stream_chat(PROMPT, GenOptions(temperature=0.7, seed=100 + i,
                                                     max_tokens=tokens, timeout_s=900)))
        for i in range(concurrency)))
    wall = time.perf_counter() - started
    await model.aclose()
    generated = sum(d.usage.completion_tokens for d in done)
    return {"threads": threads, "concurrency": concurrency, "tokens": generated,
            "wall_s": round(wall, 2), "tokens_per_s": round(generated / wall, 1)}


async def grid(uri: str, tokens: int) -> dict:
    rows = []
    for busy in (False, True):
        for threads in (1, 2):
            for concurrency in (1, 2, 4):
                if busy:
                    with BusyJudge() as judge:
                        row = await aggregate(uri, threads, concurrency, tokens)
                    row["judge_runs"] = judge.runs
                else:
                    row = await aggregate(uri, threads, concurrency, tokens)
                row["judge"] = busy
                rows.append(row)
                print(f"judge {'busy' if busy else 'idle'}  threads {threads}  "
                      f"concurrency {concurrency}:  {row['tokens_per_s']:6.1f} tokens/s "
                      f"({row['tokens']} tokens in {row['wall_s']} s)", flush=True)
    return {"uri": uri, "cpu_count": os.cpu_count(),
            "load_avg": [round(x, 2) for x in os.getloadavg()], "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uri", default="embedded")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--grid", action="store_true",
                        help="aggregate tokens/s by threads and calls in flight, quiet and "
                             "beside a busy judge")
    args = parser.parse_args()
    if args.grid:
        result = asyncio.run(grid(args.uri, args.tokens))
        print(f"load average at the end: {result['load_avg']}")
        if args.json:
            print(json.dumps(result, indent=2))
        return
    result = asyncio.run(bench(args.uri, args.reps, args.tokens))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['uri']}: {result['threads']} thread(s), load average {result['load_avg']}")
    print(f"load + first call: {result['load_and_first_call_s']:.2f} s")
    print(
        f"{'method':<10} {'ttft (s)':>9} {'tok/s':>7} {'wall (s)':>9} {'client CPU (ms)':>16}  tokens"
    )
    for method, s in result["methods"].items():
        print(
            f"{method:<10} {s['ttft_s']:>9.3f} {s['tokens_per_s']:>7.1f} {s['total_s']:>9.3f} "
            f"{s['client_cpu_ms']:>16.1f}  {s['tokens']}"
        )
    print(
        f"interface overhead on wall time: {result['overhead_vs_direct_pct']:+.2f} % vs direct, "
        f"{result['overhead_vs_raw_http_pct']:+.2f} % vs raw http  (medians of {result['reps']})"
    )
    print(
        f"interface client CPU beyond raw http: {result['interface_extra_cpu_ms']:+.1f} ms per call "
        f"= {result['interface_extra_cpu_pct_of_direct_wall']:+.2f} % of a direct call's wall time"
    )


if __name__ == "__main__":
    main()
