"""Deterministic ChatModel test doubles.

`ScriptedModel` answers from a function `(messages, options) -> str` or a list of replies,
streams the answer in small chunks (optionally with a delay per chunk), tells programmer
calls from critic calls, records every call (each retry is a call of its own), and can
inject errors: a `ModelError` of a given kind on call N, before any chunk or after K chunks
(a cut stream). Like every real backend, it runs each call through `llm.calls.guarded_stream`,
so deadlines and retries are the real ones (`retries` of them, almost without backoff).

`FixedLatencyModel` takes a fixed time per call, for the engine benchmark.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

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
from orps_tui.llm.calls import LoopSemaphore, RetryPolicy, guarded_stream
from orps_tui.problems.model import Limits, Problem, Source, Statement, TestCase
from orps_tui.sandbox.report import (
    IsolationStatus,
    JudgeReport,
    StaticMetrics,
    SyntaxIssue,
    TestResult,
    Verdict,
)
from orps_tui.search.prompts import role_of
from tests.support.sandbox_problems import function_problem

Reply = Callable[[Sequence[Message], GenOptions], str]




def critic_json(score: int = 4, critique: str = "Looks reasonable.", finished: bool = False) -> str:
    return json.dumps({"critique": critique, "score": score, "finished": finished})


def code_reply(code: str, reasoning: str = "Plan: do it directly.") -> str:
    return f"{reasoning}\n\n```python\n{code.strip()}\n```\n"


def made_new(reply: str, n: int) -> str:
    """`reply` with a trailing `ATTEMPT = n` line in its last code block, so that it is a
    program no earlier answer had (the engine stops a child that repeats an ancestor)."""
    fence = reply.rfind("\n```")
    if fence < 0 or "```python" not in reply[:fence]:
        return reply
    return f"{reply[:fence]}\n\nATTEMPT = {n}{reply[fence:]}"


def program_of(code: str) -> str:
    """`code` without the lines `made_new` added: the program as the script wrote it."""
    return re.sub(r"(\n\nATTEMPT = \d+)+$", "", code.rstrip("\n"))


@dataclass(frozen=True)
class Fault:
    kind: ModelErrorKind
    after_chunks: int = 0
    """0: fail before the first chunk; K: stream K chunks, then fail (a cut stream)."""


@dataclass
class CallRecord:
    index: int
    role: str
    messages: list[Message]
    options: GenOptions
    json_schema: dict[str, Any] | None
    cancelled: bool = False
    failed: ModelErrorKind | None = None
    reply: str = ""


def _unexpected(exc: BaseException) -> ModelError:
    return ModelError(ModelErrorKind.SERVER, f"{type(exc).__name__}: {exc}")


class ScriptedModel:
    """A scripted, deterministic ChatModel (see module docstring)."""

    def __init__(
        self,
        programmer: Reply | Sequence[str] | str | None = None,
        critic: Reply | Sequence[str] | str | None = None,
        *,
        chunk_chars: int = 12,
        chunk_delay_s: float = 0.0,
        faults: dict[int, Fault] | None = None,
        fault_when: Callable[[CallRecord], Fault | None] | None = None,
        reject_json_schema: bool = False,
        uri: str = "scripted:test",
        retries: int = 3,
        new_programs: bool = False,
    ) -> None:
        """`new_programs`: every programmer answer is made a new program (`made_new`), as a
        working model's would be, however often the script repeats a reply."""
        self.uri = uri
        self.policy = RetryPolicy(retries=retries, backoff_s=0.001)
        self._limit = LoopSemaphore(1_000)
        self._programmer = programmer if programmer is not None else code_reply("print(0)")
        self._critic = critic if critic is not None else critic_json()
        self.chunk_chars = chunk_chars
        self.chunk_delay_s = chunk_delay_s
        self.faults = dict(faults or {})
        self.fault_when = fault_when
        self.reject_json_schema = reject_json_schema
        self.new_programs = new_programs
        self.calls: list[CallRecord] = []
        self._counts = {"programmer": 0, "critic": 0}
        self.in_flight = 0
        self.max_in_flight = 0
        self.closed = False
        # A test that must see a reply mid-stream sets `pause_after` (a chunk count): every
        # reply stops there until `resume` is set.
        self.pause_after: int | None = None
        self.resume = asyncio.Event()

    def _reply(self, role: str, messages: Sequence[Message], options: GenOptions) -> str:
        source = self._programmer if role == "programmer" else self._critic
        n = self._counts[role]
        self._counts[role] += 1
        if isinstance(source, str):
            reply = source
        elif callable(source):
            reply = source(messages, options)
        else:
            reply = source[min(n, len(source) - 1)]
        return made_new(reply, n + 1) if self.new_programs and role == "programmer" else reply

    def stream_chat(self, messages: Sequence[Message], options: GenOptions, *,
                    json_schema: dict[str, Any] | None = None) -> AsyncIterator[Chunk]:
        def attempt() -> AsyncIterator[Chunk]:
            record = CallRecord(len(self.calls), role_of(messages), list(messages), options,
                                json_schema)
            self.calls.append(record)
            return self._stream(record)

        return guarded_stream(attempt, _unexpected, label=self.uri, timeout_s=options.timeout_s,
                              policy=self.policy, semaphore=self._limit)

    async def _stream(self, record: CallRecord) -> AsyncIterator[Chunk]:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)
            if self.reject_json_schema and record.json_schema is not None:
                record.failed = ModelErrorKind.BAD_REQUEST
                raise ModelError(ModelErrorKind.BAD_REQUEST, "format: schema not supported")
            fault = self.faults.get(record.index)
            if fault is None and self.fault_when is not None:
                fault = self.fault_when(record)
            text = self._reply(record.role, record.messages, record.options)
            record.reply = text
            pieces = [text[i:i + self.chunk_chars] for i in range(0, len(text), self.chunk_chars)]
            for k, piece in enumerate(pieces):
                if fault is not None and k == fault.after_chunks:
                    record.failed = fault.kind
                    raise ModelError(fault.kind, f"injected {fault.kind} on call {record.index}")
                if k == self.pause_after:
                    await self.resume.wait()
                if self.chunk_delay_s:
                    await asyncio.sleep(self.chunk_delay_s)
                yield Chunk(text=piece)
            if fault is not None and fault.after_chunks >= len(pieces):
                record.failed = fault.kind
                raise ModelError(fault.kind, f"injected {fault.kind} on call {record.index}")
            usage = Usage(prompt_tokens=sum(len(m.content) for m in record.messages) // 4,
                          completion_tokens=max(1, len(text) // 4))
            yield Chunk(done=True, usage=usage, finish_reason="stop")
        except asyncio.CancelledError:
            record.cancelled = True
            raise
        finally:
            self.in_flight -= 1

    def calls_by(self, role: str) -> list[CallRecord]:
        return [c for c in self.calls if c.role == role]

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(self.uri, "scripted")]

    async def health(self) -> Health:
        return Health(HealthState.OK, "scripted model")

    async def aclose(self) -> None:
        self.closed = True


@dataclass
class FixedLatencyModel:
    """Every call takes `latency_s` (split over `chunks` chunks) and returns `reply(role)`."""

    latency_s: float = 0.1
    chunks: int = 10
    programmer: str = field(default_factory=lambda: code_reply("print(sum(map(int, input().split())))"))
    critic: str = field(default_factory=critic_json)
    uri: str = "simulated:fixed-latency"

    def stream_chat(self, messages: Sequence[Message], options: GenOptions, *,
                    json_schema: dict[str, Any] | None = None) -> AsyncIterator[Chunk]:
        return self._stream(role_of(messages))

    async def _stream(self, role: str) -> AsyncIterator[Chunk]:
        text = self.programmer if role == "programmer" else self.critic
        step = max(1, len(text) // self.chunks + 1)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for k, i in enumerate(range(0, len(text), step)):
            # sleep to an absolute schedule so per-chunk overheads do not add up
            await asyncio.sleep(max(0.0, start + self.latency_s * (k + 1) / self.chunks - loop.time()))
            yield Chunk(text=text[i:i + step])
        await asyncio.sleep(max(0.0, start + self.latency_s - loop.time()))
        yield Chunk(done=True, usage=Usage(100, len(text) // 4), finish_reason="stop")

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(self.uri, "simulated")]

    async def health(self) -> Health:
        return Health(HealthState.OK, "simulated model")

    async def aclose(self) -> None:
        return None


# ---- a judge double and a sample problem for engine tests ---------------------------------


def sample_problem(reference: str | None = "def add(a, b):\n    return a + b\n") -> Problem:
    """A small function-kind problem with 2 public and 2 hidden tests."""
    problem = function_problem([
        ("p1", "assert add(1, 2) == 3", True),
        ("p2", "assert add(-1, 1) == 0", True),
        ("h1", "assert add(10, 20) == 30  # HIDDEN-TEST-MARKER", False),
        ("h2", "assert add(2, 2) == 4  # HIDDEN-TEST-MARKER", False),
    ])
    return replace(problem, id="add-two", title="Add two numbers",
                   source=Source("tests", "MIT"), statement=Statement("Return the sum of a and b."),
                   limits=Limits(), reference=reference)


class FakeJudge:
    """Runs function-kind problems in-process (trusted test code only), optionally after a
    delay, or asks `verdict(code, test)`. Records every call as (code, which)."""

    def __init__(self, problem: Problem, verdict: Callable[[str, TestCase], Verdict] | None = None,
                 delay_s: float = 0.0, cpu_s: Callable[[str], float] | None = None) -> None:
        self.problem = problem
        self.verdict = verdict
        self.delay_s = delay_s
        self.cpu_s = cpu_s
        self.calls: list[tuple[str, str]] = []

    async def arun(self, code: str, which: str = "public") -> JudgeReport:
        self.calls.append((code, which))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return self.run(code, which)

    def run(self, code: str, which: str) -> JudgeReport:
        tests = self.problem.select_tests(which)
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            issue = SyntaxIssue(exc.lineno or 1, exc.offset or 1, exc.msg)
            return JudgeReport(Verdict.CE, 0, len(tests),
                               [TestResult(t.name, t.public, Verdict.SKIPPED) for t in tests],
                               StaticMetrics(syntax_errors=[issue]), IsolationStatus(), issue)
        cpu = self.cpu_s(code) if self.cpu_s else 0.01
        results = []
        for test in tests:
            verdict = self.verdict(code, test) if self.verdict else self._exec(code, test)
            results.append(TestResult(test.name, test.public, verdict, cpu_s=cpu, wall_s=cpu,
                                      peak_rss_mb=10.0))
        passed = sum(r.verdict.passed for r in results)
        overall = Verdict.AC if passed == len(results) else next(
            r.verdict for r in results if not r.verdict.passed)
        static = StaticMetrics(loc=len([ln for ln in code.splitlines() if ln.strip()]),
                               ast_nodes=sum(1 for _ in ast.walk(tree)), cyclomatic=1)
        return JudgeReport(overall, passed, len(results), results, static, IsolationStatus())

    def _exec(self, code: str, test: TestCase) -> Verdict:
        namespace: dict[str, Any] = {}
        try:
            exec(compile(code, "<solution>", "exec"), namespace)
            exec(compile(test.code or "", "<test>", "exec"), namespace)
        except AssertionError:
            return Verdict.WA
        except Exception:
            return Verdict.RE
        return Verdict.AC


class InstantJudge:
    """Accepts everything at once, for measuring the engine's own overhead."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    async def arun(self, code: str, which: str = "public") -> JudgeReport:
        tests = self.problem.select_tests(which)
        results = [TestResult(t.name, t.public, Verdict.AC, cpu_s=0.001, wall_s=0.001)
                   for t in tests]
        return JudgeReport(Verdict.AC, len(results), len(results), results,
                           StaticMetrics(loc=3, ast_nodes=20), IsolationStatus())
