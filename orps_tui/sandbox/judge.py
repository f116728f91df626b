"""The judge: one problem + one solution -> a JudgeReport (docs/architecture.md, docs/judge.md).

`Judge(problem)` keeps a warm fork server and a thread pool for the problem, so the
search engine can call `arun(code, "public")` for every candidate cheaply; `judge(...)`
is the one-shot form. Neither raises on hostile code: every outcome is a report.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from orps_tui.problems.model import CheckerType, Problem, ProblemKind, TestCase
from orps_tui.sandbox import checkers
from orps_tui.sandbox.isolation import detect, merge_applied
from orps_tui.sandbox.report import (
    JudgeReport,
    Mismatch,
    StaticMetrics,
    SyntaxIssue,
    TestResult,
    Verdict,
)
from orps_tui.sandbox.runner import FRESH, RunOutcome, RunSpec, Spawner, execute

if TYPE_CHECKING:
    from orps_tui.config import JudgeSettings

HEAD_CHARS = 2000
TAIL_CHARS = 1000


def static_metrics(code: str) -> StaticMetrics:
    """Tree-sitter metrics (static_metrics.analyze), CPython being the authority on CE."""
    try:
        from orps_tui.sandbox.static_metrics import analyze
    except ImportError:
        return _compile_only(code)
    try:
        return analyze(code)
    except Exception:  # noqa: BLE001 - metrics are advisory; CE must still be decided
        return _compile_only(code)


def _compile_only(code: str) -> StaticMetrics:
    metrics = StaticMetrics(loc=sum(1 for line in code.splitlines() if line.strip()))
    try:
        compile(code, "solution.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        metrics.syntax_errors.append(
            SyntaxIssue(
                line=exc.lineno or 1, column=exc.offset or 1, message=exc.msg or "invalid syntax"
            )
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        metrics.syntax_errors.append(
            SyntaxIssue(line=1, column=1, message=str(exc) or type(exc).__name__)
        )
    return metrics


def _default_settings() -> JudgeSettings:
    from orps_tui.config import JudgeSettings

    return JudgeSettings()


class Judge:
    """Judges solutions of one problem; thread-safe; use as a context manager or close()."""

    def __init__(
        self,
        problem: Problem,
        *,
        jobs: int = 0,
        warm: bool = True,
        settings: JudgeSettings | None = None,
    ):
        self.problem = problem
        self.settings = settings or _default_settings()
        self.jobs = jobs or self.settings.jobs or os.cpu_count() or 1
        self.warm = warm and self.settings.warm
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="orps-judge")
        self._server: Any = None
        self._server_lock = threading.Lock()
        self._closed = False

    # --- public API --------------------------------------------------------------------------
    def run(self, code: str, which: str = "all") -> JudgeReport:
        """Judge `code` on the selected tests (public first); blocking, thread-safe."""
        tests = self.problem.select_tests(which)
        static = static_metrics(code)
        isolation = detect()
        if static.syntax_errors:
            error = static.syntax_errors[0]
            results = [
                TestResult(
                    name=t.name,
                    public=t.public,
                    verdict=Verdict.SKIPPED,
                    message=f"not run: line {error.line}, column {error.column}: {error.message}",
                    performance=t.performance,
                )
                for t in tests
            ]
            return JudgeReport(
                verdict=Verdict.CE,
                passed=0,
                total=len(tests),
                tests=results,
                static=static,
                isolation=isolation,
                compile_error=error,
            )
        futures = [self._pool.submit(self._run_test_safely, code, t) for t in tests]
        pairs = [f.result() for f in futures]
        results = [r for r, _ in pairs]
        isolation = merge_applied(
            isolation, [o.record.get("layers") for _, o in pairs if o and o.record]
        )
        verdict = next((r.verdict for r in results if not r.verdict.passed), Verdict.AC)
        return JudgeReport(
            verdict=verdict,
            passed=sum(r.verdict.passed for r in results),
            total=len(results),
            tests=results,
            static=static,
            isolation=isolation,
        )

    async def arun(self, code: str, which: str = "public") -> JudgeReport:
        """`run` off the event loop (in a thread)."""
        return await asyncio.to_thread(self.run, code, which)

    def profile(self, code: str, test_name: str) -> Any:
        """A profiled re-run of one test (labelled as such), by the profiler module."""
        from orps_tui.sandbox import profiler
        from orps_tui.sandbox.runner import run_isolated

        test = next((t for t in self.problem.tests if t.name == test_name), None)
        if test is None:
            names = ", ".join(t.name for t in self.problem.tests)
            raise ValueError(f"no test named {test_name!r} in {self.problem.id} (tests: {names})")
        return profiler.profile(self.problem, code, test, runner=run_isolated)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._server_lock:
            if self._server is not None:
                self._server.stop()
                self._server = None

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one test ----------------------------------------------------------------------------
    def _spawner(self) -> Spawner:
        if not self.warm:
            return FRESH
        with self._server_lock:
            if self._server is None:
                from orps_tui.sandbox.forkserver import ForkServer

                self._server = ForkServer()
            return self._server

    def _run_test_safely(self, code: str, test: TestCase) -> tuple[TestResult, RunOutcome | None]:
        try:
            outcome = self._execute(self._spec(code, test))
            return self._classify(test, outcome), outcome
        except Exception as exc:  # noqa: BLE001 - the judge always returns a report
            return (
                TestResult(
                    name=test.name,
                    public=test.public,
                    verdict=Verdict.RE,
                    message=f"internal judge error: {type(exc).__name__}: {exc}",
                    performance=test.performance,
                ),
                None,
            )

    def _execute(self, spec: RunSpec) -> RunOutcome:
        spawner = self._spawner()
        if spawner is FRESH:
            return execute(spec, FRESH)
        from orps_tui.sandbox.forkserver import ServerDied

        for _attempt in range(2):
            with contextlib.suppress(ServerDied):  # the server restarts on the next start()
                return execute(spec, spawner)
        return execute(spec, FRESH)  # the server keeps dying: fall back, never hang

    def _spec(self, code: str, test: TestCase) -> RunSpec:
        problem = self.problem
        files = {"solution.py": code.encode("utf-8", "surrogatepass")}
        if problem.kind is ProblemKind.FUNCTION:
            fn = problem.function
            job = {
                "mode": "function",
                "code": code,
                "setup": fn.setup if fn else "",
                "test_code": test.code or "",
                "test_name": test.name,
                "call": test.call,
                "expected": test.expected,
            }
            stdin = b""
        else:
            job = {"mode": "stdio", "code": code}
            stdin = (test.input or "").encode("utf-8")
        return RunSpec(
            job=job,
            limits=problem.limits,
            stdin=stdin,
            files=files,
            wall_factor=self.settings.wall_factor,
        )

    def _classify(self, test: TestCase, outcome: RunOutcome) -> TestResult:
        verdict, message, mismatch = classify(self.problem, test, outcome)
        stdout = outcome.stdout.decode("utf-8", "replace")
        return TestResult(
            name=test.name,
            public=test.public,
            verdict=verdict,
            cpu_s=round(outcome.solution_cpu_s, 6),
            wall_s=round(outcome.wall_s, 6),
            peak_rss_mb=outcome.peak_rss_mb,
            stderr_tail=outcome.stderr.decode("utf-8", "replace")[-TAIL_CHARS:],
            output_head=stdout[:HEAD_CHARS],
            expected_head=(test.output or "")[:HEAD_CHARS],
            message=message,
            exit_code=outcome.exit_code,
            performance=test.performance,
            mismatch=mismatch,
        )


class Classified(NamedTuple):
    verdict: Verdict
    message: str
    mismatch: Mismatch | None = None
    """The checker's first difference, for a stdio wrong answer."""


def classify(problem: Problem, test: TestCase, outcome: RunOutcome) -> Classified:
    """The verdict for one run, from what the kernel and the parent saw first and the
    child's verified record second; stdout is only ever compared, never interpreted."""
    result = _classify_run(problem, test, outcome)
    return result if isinstance(result, Classified) else Classified(*result)


def _classify_run(
    problem: Problem, test: TestCase, outcome: RunOutcome
) -> tuple[Verdict, str] | Classified:
    limits = problem.limits
    record = outcome.record or {}
    status = record.get("status")
    if outcome.output_exceeded:
        # the size seen is where the cap stopped it, not what it would have printed
        return Verdict.OLE, f"printed more than the {_kb_text(limits.output_kb)} output limit"
    if outcome.disk_exceeded:
        return Verdict.OLE, "wrote too much to the work dir"
    if outcome.wall_timed_out:
        return Verdict.TLE, "still running when the wall-clock guard fired"
    if outcome.timed_out:
        return Verdict.TLE, f"CPU time over the limit of {limits.time_s:g} s"
    if outcome.memory_exceeded:
        return Verdict.MLE, f"ran out of memory (limit {limits.memory_mb} MB)"
    if outcome.tampered:
        return Verdict.RE, "the solution wrote to the judge's report channel"
    how = _how_it_ended(outcome)
    if test.performance:
        return _performance_verdict(problem, outcome, how)
    if problem.kind is ProblemKind.FUNCTION:
        if not outcome.record:
            return Verdict.RE, f"the process ended ({how}) before the test's assertions finished"
        message = str(record.get("message", ""))
        if status == "ok" and outcome.exit_code == 0:
            return Verdict.AC, "all assertions passed"
        if status == "assert":
            return Verdict.WA, message
        if status == "unavailable":
            return Verdict.UNAVAILABLE, message
        return Verdict.RE, message or how
    if outcome.signal is not None or outcome.exit_code != 0:
        detail = record.get("message") if status in ("exception", "harness_error") else ""
        return Verdict.RE, f"{how}: {detail}" if detail else how
    if test.output is None and problem.checker.type is not CheckerType.CUSTOM:
        return Verdict.AC, "no expected output: any output is accepted"
    checked = checkers.check(
        problem.checker,
        input=test.input or "",
        expected=test.output or "",
        actual=outcome.stdout.decode("utf-8", "replace"),
        base_dir=problem.base_dir,
    )
    return Classified(Verdict.AC if checked.ok else Verdict.WA, checked.message, checked.mismatch)


def _performance_verdict(problem: Problem, outcome: RunOutcome, how: str) -> tuple[Verdict, str]:
    """A performance input within the limits: AC if the run ended normally, whatever it
    printed or returned (its output is never checked); RE otherwise."""
    record = outcome.record or {}
    status = record.get("status")
    if problem.kind is ProblemKind.FUNCTION:
        if status == "unavailable":
            return Verdict.UNAVAILABLE, str(record.get("message", ""))
        ended_normally = status == "ok" and outcome.exit_code == 0
    else:
        ended_normally = outcome.signal is None and outcome.exit_code == 0
    if ended_normally:
        return Verdict.AC, (
            f"performance input: {outcome.solution_cpu_s:.2f} s of "
            f"{problem.limits.time_s:g} s CPU; output not checked"
        )
    detail = record.get("message") if status not in (None, "ok") else ""
    return Verdict.RE, f"{how}: {detail}" if detail else how


def _how_it_ended(outcome: RunOutcome) -> str:
    if outcome.signal is not None:
        try:
            name = signal.Signals(outcome.signal).name
        except ValueError:
            name = str(outcome.signal)
        return f"killed by {name}"
    return f"exit code {outcome.exit_code}"


def judge(
    problem: Problem,
    code: str,
    which: str = "all",
    jobs: int = 0,
    warm: bool = False,
    settings: JudgeSettings | None = None,
) -> JudgeReport:
    """One-shot judging (fresh interpreters unless `warm`)."""
    with Judge(problem, jobs=jobs, warm=warm, settings=settings) as j:
        return j.run(code, which)


def with_limits(problem: Problem, **changes: Any) -> Problem:
    """A copy of `problem` with some limits changed (tests, benchmarks)."""
    return replace(problem, limits=replace(problem.limits, **changes))


def _kb_text(kb: int) -> str:
    """`16 MiB`, `512 KB`."""
    return f"{kb // 1024} MiB" if kb >= 1024 and kb % 1024 == 0 else f"{kb} KB"
