"""The judge: one problem + one solution -> a JudgeReport (docs/architecture.md, docs/judge.md).

`Judge(problem)` keeps a warm fork server and a thread pool for the problem, so the
search engine can call `arun(code, "public")` for every candidate cheaply; `judge(...)`
is the one-shot form. Neither raises on hostile code: every outcome is a report.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from orps_tui.problems.model import Problem, ProblemKind, TestCase
from orps_tui.sandbox.compile import Build, binary_run_spec, compile_solution
from orps_tui.sandbox.isolation import detect, merge_applied
from orps_tui.sandbox.languages import Language, check_language
from orps_tui.sandbox.report import (
    JudgeReport,
    StaticMetrics,
    SyntaxIssue,
    TestResult,
    Verdict,
)
from orps_tui.sandbox.runner import FRESH, RunOutcome, RunSpec, Spawner, execute
from orps_tui.sandbox.verdicts import classify

if TYPE_CHECKING:
    from orps_tui.config import JudgeSettings
    from orps_tui.sandbox.forkserver import ForkServer

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
        server: ForkServer | None = None,
    ):
        """`server`: a warm fork server shared with other judges (it serves any problem);
        its owner stops it. Judging many problems in a row (an import's reference check)
        then starts one server, not one a problem (~0.25 s each)."""
        self.problem = problem
        self.settings = settings or _default_settings()
        self.jobs = jobs or self.settings.jobs or os.cpu_count() or 1
        self.warm = warm and self.settings.warm
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="orps-judge")
        self._shared = server
        self._server: Any = None
        self._server_lock = threading.Lock()
        self._closed = False
        self._builds: dict[tuple[Language, str], Build] = {}

    # --- public API --------------------------------------------------------------------------
    def run(
        self, code: str, which: str = "all", language: Language = Language.PYTHON
    ) -> JudgeReport:
        """Judge `code` on the selected tests (public first); blocking, thread-safe.
        UnsupportedLanguage (one line) when the problem or this machine cannot take
        `language`."""
        tests = self.problem.select_tests(which)
        build: Build | None = None
        if language is Language.PYTHON:
            static = static_metrics(code)
        else:
            check_language(self.problem, language)
            static = StaticMetrics(loc=sum(1 for line in code.splitlines() if line.strip()))
            build = self._build(language, code)
            if not build.ok:
                static.syntax_errors.append(compile_issue(build.error))
        isolation = detect()
        if static.syntax_errors:
            error = static.syntax_errors[0]
            lines = error.message.splitlines()
            first = next((line for line in lines if "error" in line), lines[0] if lines else "")
            results = [
                TestResult(
                    name=t.name,
                    public=t.public,
                    verdict=Verdict.SKIPPED,
                    message=f"not run: line {error.line}, column {error.column}: {first}",
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
                language=language.value,
            )
        futures = [self._pool.submit(self._run_test_safely, code, t, build) for t in tests]
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
            language=language.value,
        )

    async def arun(
        self, code: str, which: str = "public", language: Language = Language.PYTHON
    ) -> JudgeReport:
        """`run` off the event loop (in a thread)."""
        return await asyncio.to_thread(self.run, code, which, language)

    def _build(self, language: Language, code: str) -> Build:
        """Compiled once per solution (the last few kept: practice re-judges the same file)."""
        key = (language, code)
        with self._server_lock:
            build = self._builds.get(key)
        if build is None:
            build = compile_solution(language, code, self.settings)
            with self._server_lock:
                self._builds[key] = build
                while len(self._builds) > BUILDS_KEPT:
                    self._builds.pop(next(iter(self._builds)))
        return build

    def profile(self, code: str, test_name: str) -> Any:
        """A profiled re-run of one test (labelled as such), by the profiler module."""
        from orps_tui.sandbox import profiler

        test = next((t for t in self.problem.tests if t.name == test_name), None)
        if test is None:
            names = ", ".join(t.name for t in self.problem.tests)
            raise ValueError(f"no test named {test_name!r} in {self.problem.id} (tests: {names})")
        return profiler.profile(self.problem, code, test, wall_factor=self.settings.wall_factor)

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
        if self._shared is not None:
            return self._shared
        with self._server_lock:
            if self._server is None:
                from orps_tui.sandbox.forkserver import ForkServer

                self._server = ForkServer()
            return self._server

    def _run_test_safely(
        self, code: str, test: TestCase, build: Build | None = None
    ) -> tuple[TestResult, RunOutcome | None]:
        try:
            if build is not None:  # a compiled solution: a fresh exec per test, no warm server
                spec = binary_run_spec(
                    build,
                    self.problem.limits,
                    (test.input or "").encode("utf-8"),
                    wall_factor=self.settings.wall_factor,
                )
                outcome = execute(spec, FRESH)
            else:
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
        return spec_for_test(self.problem, code, test, wall_factor=self.settings.wall_factor)

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


BUILDS_KEPT = 4


_LOCATION = re.compile(r":(\d+)(?::(\d+))?: (?:fatal )?error")


def compile_issue(text: str) -> SyntaxIssue:
    """A compiler's CE as the report's compile error: the first error's line and column
    (g++ `file:L:C: error`; javac `file:L: error`, column 1; rustc ` --> file:L:C`), the
    compiler's first lines as text."""
    m = _LOCATION.search(text) or re.search(r"--> [^:\n]+:(\d+):(\d+)", text)
    line, column = (int(m.group(1)), int(m.group(2) or 1)) if m else (1, 1)
    return SyntaxIssue(line=line, column=column, message=text)


def spec_for_test(
    problem: Problem, code: str, test: TestCase, *, wall_factor: float | None = None
) -> RunSpec:
    """The one way a test is run: what the solution sees (its file, stdin, argv, the
    function harness's job) and its limits. The profiler adds only its instrumentation.
    `wall_factor` defaults to the `[judge]` setting's default."""
    if wall_factor is None:
        wall_factor = _default_settings().wall_factor
    files = {"solution.py": code.encode("utf-8", "surrogatepass")}
    if problem.kind is ProblemKind.FUNCTION:
        fn = problem.function
        job: dict[str, Any] = {
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
        job=job, limits=problem.limits, stdin=stdin, files=files, wall_factor=wall_factor
    )


def judge(
    problem: Problem,
    code: str,
    which: str = "all",
    jobs: int = 0,
    warm: bool = False,
    settings: JudgeSettings | None = None,
    language: Language = Language.PYTHON,
) -> JudgeReport:
    """One-shot judging (fresh interpreters unless `warm`)."""
    with Judge(problem, jobs=jobs, warm=warm, settings=settings) as j:
        return j.run(code, which, language)


def with_limits(problem: Problem, **changes: Any) -> Problem:
    """A copy of `problem` with some limits changed (tests, benchmarks)."""
    return replace(problem, limits=replace(problem.limits, **changes))
