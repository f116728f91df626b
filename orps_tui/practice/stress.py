"""Stress testing: a generator makes inputs, the solution and a brute force both answer,
and the problem's checker compares them, until the first disagreement.

Every program (generator, brute force, solution) runs in the sandbox, in any language the
judge accepts (sandbox/languages.py; function problems: the solution and the brute force
in Python). The generator gets a seed as its first argument and prints one input; for
function problems it prints a Python literal tuple of arguments. Python runs go through
one warm fork server, so an iteration costs three forks rather than three interpreter
start-ups; a compiled program is compiled once, at the start of `run()`.

Who is to blame matters: a generator that crashes or a brute force that fails is reported
as such (the tools are broken), while a solution that crashes, runs out of time or answers
differently on a generated input is a found bug.
"""

from __future__ import annotations

import ast
import random
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from orps_tui.problems.model import Checker, Limits, Problem, ProblemKind, TestCase
from orps_tui.sandbox.compile import Build, binary_run_spec, compile_solution
from orps_tui.sandbox.judge import classify
from orps_tui.sandbox.languages import Language, UnsupportedLanguage, check_language
from orps_tui.sandbox.report import Verdict
from orps_tui.sandbox.runner import FRESH, RunOutcome, RunSpec, Spawner, execute, run_isolated

GENERATOR_LIMITS = Limits(time_s=5.0, memory_mb=512, output_kb=4096)
RESULT_MARK = "\x1eORPS-STRESS-RESULT\x1e"
"""Precedes the repr of a function's return value on stdout (the solution may print too)."""
SHOW_CHARS = 4000


class StressStatus(StrEnum):
    AGREED = "agreed"
    """Every generated input: the solution agreed with the brute force."""
    FOUND = "found"
    """The solution disagreed, crashed or ran out of limits on a generated input."""
    GENERATOR_FAILED = "generator-failed"
    BRUTE_FAILED = "brute-failed"
    CANCELLED = "cancelled"


EXIT_CODES = {
    StressStatus.AGREED: 0,
    StressStatus.FOUND: 1,
    StressStatus.GENERATOR_FAILED: 3,
    StressStatus.BRUTE_FAILED: 3,
    StressStatus.CANCELLED: 130,
}
"""`orps stress` exit statuses (2 is a usage error, raised before anything runs)."""


class StressSetupError(ValueError):
    """The stress run cannot start (no brute force, unsupported problem): one line."""


@dataclass(frozen=True)
class StressResult:
    status: StressStatus
    iterations: int
    """Inputs tried (the failing one included)."""
    elapsed_s: float
    seed: int | None = None
    """The generator seed of the last input tried."""
    input: str = ""
    """The generated input (function problems: the argument tuple's literal)."""
    solution_output: str = ""
    brute_output: str = ""
    verdict: Verdict | None = None
    """The solution's verdict on the failing input (WA, RE, TLE, ...)."""
    message: str = ""

    @property
    def per_s(self) -> float:
        return self.iterations / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def custom_test(self, problem: Problem) -> tuple[str, str | None]:
        """(input, expected) for the custom-test store: the failing input with the brute
        force's answer (function problems: an assertion)."""
        if problem.kind is ProblemKind.FUNCTION:
            name = problem.function.name if problem.function else "solve"
            return f"assert {name}(*{self.input}) == {self.brute_output}\n", None
        return self.input, self.brute_output


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed_s: float

    @property
    def per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(frozen=True)
class _Answer:
    outcome: RunOutcome
    verdict: Verdict
    message: str
    output: str


class StressRunner:
    """One stress run: `run()` blocks (use a thread from a UI); `cancel()` from anywhere."""

    def __init__(
        self,
        problem: Problem,
        solution: str,
        generator: str,
        brute: str | None = None,
        *,
        n: int = 500,
        seed: int | None = None,
        warm: bool = True,
        parallel: bool = True,
        progress: Callable[[Progress], None] | None = None,
        languages: dict[str, Language] | None = None,
    ):
        """`languages`: "solution", "brute" and "generator" to a Language (default Python)."""
        self.languages = {role: Language.PYTHON for role in ("solution", "brute", "generator")}
        self.languages.update(languages or {})
        if brute is None:
            if not problem.reference:
                raise StressSetupError(
                    f"problem {problem.id} has no [reference] solution: give a brute force "
                    "(--brute BRUTE.py)"
                )
            brute = problem.reference
        if n < 1:
            raise StressSetupError(f"the iteration count must be at least 1, got {n}")
        if problem.kind is ProblemKind.FUNCTION and problem.function is None:
            raise StressSetupError(f"problem {problem.id} is a function problem with no [function]")
        for role in ("solution", "brute"):
            try:
                check_language(problem, self.languages[role])
            except UnsupportedLanguage as exc:
                raise StressSetupError(str(exc)) from None
        for what, code, role in (("solution", solution, "solution"),
                                 ("brute force", brute, "brute"),
                                 ("generator", generator, "generator")):
            if self.languages[role] is not Language.PYTHON:
                continue  # compiled at the start of run()
            try:
                compile(code, what, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", None)
                where = f" (line {line})" if line else ""
                raise StressSetupError(f"the {what} does not compile{where}: "
                                       f"{getattr(exc, 'msg', exc)}") from None
        self.problem = problem
        self.solution = solution
        self.generator = generator
        self.brute = brute
        self.n = n
        self.seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.warm = warm
        self.parallel = parallel
        """Run the solution beside the brute force (stdio problems)."""
        self._pool: ThreadPoolExecutor | None = None
        self.progress = progress
        self._cancel = threading.Event()
        self._builds: dict[str, Build] = {}
        # The brute force is slow by design: give it more time than the solution.
        self._brute_problem = replace(
            problem, limits=replace(problem.limits, time_s=max(problem.limits.time_s * 5, 10.0)))

    def cancel(self) -> None:
        self._cancel.set()

    def _compile(self) -> StressResult | None:
        """Compile the programs not in Python, once; a failure is the tool's (or, for the
        solution, a found bug: CE)."""
        codes = {"solution": self.solution, "brute": self.brute, "generator": self.generator}
        for role, language in self.languages.items():
            if language is Language.PYTHON:
                continue
            try:
                build = compile_solution(language, codes[role])
            except UnsupportedLanguage as exc:
                build = Build(language, None, str(exc))
            if not build.ok:
                first = build.error.splitlines()[0] if build.error else ""
                message = f"the {role} does not compile ({language.label}): {first}"
                status = {"solution": StressStatus.FOUND, "brute": StressStatus.BRUTE_FAILED,
                          "generator": StressStatus.GENERATOR_FAILED}[role]
                verdict = Verdict.CE if role == "solution" else None
                return StressResult(status, 0, 0.0, self.seed, verdict=verdict, message=message)
            self._builds[role] = build
        return None

    def run(self) -> StressResult:
        failed = self._compile()
        if failed is not None:
            return failed
        spawner: Any = FRESH
        server = None
        if self.warm:
            from orps_tui.sandbox.forkserver import ForkServer

            server = spawner = ForkServer()
        started = time.monotonic()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orps-stress") \
            if self.parallel else None
        try:
            return self._loop(spawner, started)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            if server is not None:
                server.stop()

    def _loop(self, spawner: Spawner, started: float) -> StressResult:
        done = 0
        seed = self.seed
        for i in range(self.n):
            if self._cancel.is_set():
                return StressResult(StressStatus.CANCELLED, done, time.monotonic() - started,
                                    seed, message="cancelled")
            seed = self.seed + i
            result = self._one(spawner, seed, done + 1, started)
            done += 1
            if result is not None:
                return result
            if self.progress is not None:
                self.progress(Progress(done, self.n, time.monotonic() - started))
        return StressResult(StressStatus.AGREED, done, time.monotonic() - started, seed,
                            message=f"the solution agreed with the brute force on {done} inputs")

    def _one(self, spawner: Spawner, seed: int, count: int, started: float) -> StressResult | None:
        def result(status: StressStatus, **values: Any) -> StressResult:
            return StressResult(status, count, time.monotonic() - started, seed, **values)

        generated = self._generate(spawner, seed)
        if isinstance(generated, str) and generated.startswith("\0"):
            return result(StressStatus.GENERATOR_FAILED, message=generated[1:])
        text, test = self._test_for(generated)
        if test is None:
            return result(StressStatus.GENERATOR_FAILED, input=generated, message=text)
        # The solution's run starts at once, beside the brute force's; it is compared
        # only once the brute force's answer is known.
        mine_future = self._pool.submit(self._answer, spawner, self.problem, self.solution, test,
                                        "solution") \
            if self._pool is not None and self.problem.kind is not ProblemKind.FUNCTION else None
        brute = self._answer(spawner, self._brute_problem, self.brute, test, "brute")
        if brute.verdict is not Verdict.AC:
            return result(StressStatus.BRUTE_FAILED, input=text, brute_output=brute.output,
                          verdict=brute.verdict,
                          message=f"the brute force failed ({brute.verdict}): {brute.message}")
        if self.problem.kind is ProblemKind.FUNCTION:
            test = replace(test, expected=brute.output)
        else:
            test = replace(test, output=brute.output)
        if mine_future is not None:
            mine = self._recheck(mine_future.result(), test)
        else:
            mine = self._answer(spawner, self.problem, self.solution, test, "solution")
        if mine.verdict is Verdict.AC and self.problem.kind is ProblemKind.FUNCTION \
                and mine.output != brute.output:
            mine = replace(mine, verdict=Verdict.WA,
                           message=f"returned {_clip(mine.output, 200)}, "
                                   f"the brute force {_clip(brute.output, 200)}")
        if mine.verdict is Verdict.AC:
            return None
        return result(StressStatus.FOUND, input=text, solution_output=mine.output,
                      brute_output=brute.output, verdict=mine.verdict,
                      message=f"{mine.verdict}: {mine.message}")

    def _recheck(self, answer: _Answer, test: TestCase) -> _Answer:
        """Classify a run made before the expected output was known."""
        verdict, message, _ = classify(self.problem, test, answer.outcome)
        if verdict is Verdict.RE:
            message = _with_stderr(message, answer.outcome.stderr)
        return replace(answer, verdict=verdict, message=message)

    def _generate(self, spawner: Spawner, seed: int) -> str:
        """The generated input, or "\\0" + why the generator failed."""
        build = self._builds.get("generator")
        if build is not None:
            outcome = execute(binary_run_spec(build, GENERATOR_LIMITS, b"", wall_factor=3.0,
                                              args=(str(seed),)), FRESH)
        else:
            outcome = run_isolated([sys.executable, "gen.py", str(seed)], limits=GENERATOR_LIMITS,
                                   files={"gen.py": self.generator.encode("utf-8")},
                                   spawner=spawner)
        where = f"the generator failed on seed {seed}"
        if outcome.timed_out:
            return f"\0{where}: it ran out of time ({GENERATOR_LIMITS.time_s:g} s)"
        if outcome.output_exceeded:
            return f"\0{where}: it printed more than {GENERATOR_LIMITS.output_kb} KB"
        if outcome.memory_exceeded:
            return f"\0{where}: it ran out of memory"
        if outcome.exit_code != 0:
            detail = (outcome.record or {}).get("message") or _last_line(outcome.stderr)
            return f"\0{where} (exit {outcome.exit_code}): {detail}"
        text = outcome.stdout.decode("utf-8", "replace")
        if not text.strip():
            return f"\0{where}: it printed nothing"
        return text

    def _test_for(self, generated: str) -> tuple[str, TestCase | None]:
        if self.problem.kind is not ProblemKind.FUNCTION:
            return generated, TestCase("stress", True, input=generated)
        try:
            args = ast.literal_eval(generated.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return (f"the generator must print a Python literal tuple of arguments, got "
                    f"{_clip(generated.strip(), 80)}", None)
        if not isinstance(args, tuple):
            args = (args,)
        literal = repr(args)
        assert self.problem.function is not None
        call = f"{self.problem.function.name}(*{literal})"
        code = f"print({RESULT_MARK!r} + repr({call}))\n"
        return literal, TestCase("stress", True, code=code, call=call)

    def _answer(self, spawner: Spawner, problem: Problem, code: str, test: TestCase,
                role: str) -> _Answer:
        build = self._builds.get(role)
        if build is not None:  # stdio only (function problems are Python's)
            spec = binary_run_spec(build, problem.limits, (test.input or "").encode("utf-8"),
                                   wall_factor=3.0)
            outcome = execute(spec, FRESH)
            return self._answered(problem, test, outcome)
        if problem.kind is ProblemKind.FUNCTION:
            fn = problem.function
            job = {"mode": "function", "code": code, "setup": fn.setup if fn else "",
                   "test_code": test.code or "", "test_name": test.name, "call": test.call,
                   "expected": None}
            stdin = b""
        else:
            job = {"mode": "stdio", "code": code}
            stdin = (test.input or "").encode("utf-8")
        spec = RunSpec(job=job, limits=problem.limits, stdin=stdin,
                       files={"solution.py": code.encode("utf-8", "surrogatepass")})
        return self._answered(problem, test, _execute(spec, spawner))

    def _answered(self, problem: Problem, test: TestCase, outcome: RunOutcome) -> _Answer:
        if problem.kind is not ProblemKind.FUNCTION and test.output is None:
            # The brute force: only crashes and limits fail it, whatever the checker.
            problem = replace(problem, checker=Checker())
        verdict, message, _ = classify(problem, test, outcome)
        output = outcome.stdout.decode("utf-8", "replace")
        if problem.kind is ProblemKind.FUNCTION:
            _, mark, value = output.rpartition(RESULT_MARK)
            output = value.strip() if mark else ""
        if verdict is Verdict.RE:
            message = _with_stderr(message, outcome.stderr)
        return _Answer(outcome, verdict, message, output)


def _execute(spec: RunSpec, spawner: Spawner) -> RunOutcome:
    if spawner is FRESH:
        return execute(spec, FRESH)
    from orps_tui.sandbox.forkserver import ServerDied

    try:
        return execute(spec, spawner)
    except ServerDied:
        return execute(spec, FRESH)


def _with_stderr(message: str, stderr: bytes) -> str:
    last = _last_line(stderr)
    return f"{message}\n{last}" if last and last not in message else message


def _last_line(data: bytes) -> str:
    lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _clip(text: str, limit: int = SHOW_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"
