"""The profiler end to end, through the real sandbox runner (and one injected runner)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import replace

import pytest

from orps_tui.problems.model import (
    FunctionSpec,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)
from orps_tui.sandbox.judge import spec_for_test
from orps_tui.sandbox.profiler import ProfileReport, profile
from orps_tui.sandbox.report import TestResult, Verdict
from orps_tui.sandbox.runner import FRESH, RunOutcome, RunSpec, execute


def stdio_problem(time_s: float = 2.0) -> Problem:
    return Problem(
        id="sum-pairs",
        title="Sum of pairs",
        kind=ProblemKind.STDIO,
        source=Source(dataset="tests", license="MIT"),
        statement=Statement(text="Print the sum of f(i) * j over all pairs."),
        limits=Limits(time_s=time_s, memory_mb=256, output_kb=64),
        tests=(),
    )


def function_problem(setup: str = "import math") -> Problem:
    return Problem(
        id="squares",
        title="Sum of squares",
        kind=ProblemKind.FUNCTION,
        source=Source(dataset="tests", license="MIT"),
        statement=Statement(text="solve(n) = sum of i*i for i < n"),
        limits=Limits(time_s=2.0, memory_mb=256, output_kb=64),
        tests=(),
        function=FunctionSpec(name="solve", signature="def solve(n: int) -> int:", setup=setup),
    )


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def line_of(code: str, needle: str) -> int:
    return next(i for i, line in enumerate(code.splitlines(), 1) if needle in line)


def hits(report: ProfileReport) -> dict[int, int]:
    return {s.line: s.hits for s in report.lines}


NESTED = src(
    """
    import sys

    def f(x):
        return x * 2

    n = int(sys.stdin.readline())
    total = 0
    for i in range(n):
        for j in range(n):
            total += f(i) * j  # inner
    big = [0] * 2_000_000  # big allocation
    print(total)
    """
)


def test_stdio_nested_loop_counts_calls_and_allocations() -> None:
    n = 20
    expected = sum(2 * i * j for i in range(n) for j in range(n))
    test = TestCase(name="sample-1", public=True, input=f"{n}\n", output=f"{expected}\n")
    report = profile(stdio_problem(), NESTED, test)

    assert report.verdict is Verdict.AC, report.message
    assert report.stdout_head == f"{expected}\n"
    assert [p.name for p in report.passes] == ["run", "lines", "functions", "memory"]
    assert all(p.completed for p in report.passes) and not report.partial

    counts = hits(report)
    assert counts[line_of(NESTED, "# inner")] == n * n
    assert counts[line_of(NESTED, "for j in")] == n * (n + 1)  # one more: the loop's exit
    assert counts[line_of(NESTED, "return x * 2")] == n * n
    assert counts[line_of(NESTED, "n = int")] == 1
    assert sum(s.share for s in report.lines) == pytest.approx(1.0)
    assert all(0 <= s.time_s <= s.raw_time_s for s in report.lines)
    assert report.tracing_cost_s is not None and 0 <= report.tracing_cost_s < 1e-4

    by_name = {f.name: f for f in report.functions}
    assert by_name["f"].calls == n * n and by_name["f"].line == line_of(NESTED, "def f")
    assert by_name["<module>"].calls == 1
    assert by_name["<module>"].cumtime_s >= by_name["f"].cumtime_s
    assert all(f.file == "solution.py" for f in report.functions)
    assert any(e.name.endswith("builtins.print") for e in report.external)

    top = report.allocations[0]
    assert top.line == line_of(NESTED, "# big allocation")
    assert top.size_kb >= 2_000_000 * 8 / 1024
    assert report.traced_peak_kb is not None and report.traced_peak_kb >= top.size_kb
    assert report.peak_rss_mb > 10

    assert "inflated" in report.note
    json.dumps(report.to_dict())  # serialisable as is


def test_function_problem_counts_calls_from_the_test() -> None:
    code = src(
        """
        def solve(n):
            return sum(square(i) for i in range(n))

        def square(i):
            return i * i
        """
    )
    test = TestCase(name="t1", public=True, code="for _ in range(7):\n    assert solve(4) == 14\n")
    report = profile(function_problem(), code, test)
    assert report.verdict is Verdict.AC, report.message
    by_name = {f.name: f for f in report.functions}
    assert by_name["solve"].calls == 7
    assert by_name["square"].calls == 28
    assert "solve.<locals>.<genexpr>" in by_name
    assert hits(report)[line_of(code, "return i * i")] == 28


def test_function_problem_setup_that_imports_the_solution() -> None:
    """LBPP style: the setup imports the solution module itself (`from code import ...`)."""
    code = "import math\n\ndef solve(n):\n    return math.isqrt(n)\n"
    test = TestCase(name="t1", public=True, code="assert solve(17) == 4\nassert isqrt_of(17)\n")
    problem = function_problem(setup="from code import solve as isqrt_of")
    report = profile(problem, code, test)
    assert report.verdict is Verdict.AC, report.message


def test_function_problem_failed_assertion_is_wa() -> None:
    code = "def solve(n):\n    return n\n"
    test = TestCase(name="t1", public=True, code="assert solve(2) == 2\nassert solve(3) == 14\n")
    report = profile(function_problem(), code, test)
    assert report.verdict is Verdict.WA
    assert report.message == judged(function_problem(), code, test).message
    assert report.message == "test line 2: assert solve(3) == 14 - got 3"
    assert hits(report)[2] == 2  # still profiled: both calls


def test_syntax_error_gives_ce_and_runs_nothing() -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a CE must not reach the runner")

    test = TestCase(name="t", public=True, input="", output="")
    report = profile(stdio_problem(), "def f(:\n    pass\n", test, runner=refuse)  # type: ignore[arg-type]
    assert report.verdict is Verdict.CE
    assert report.syntax_errors and report.syntax_errors[0].line == 1
    assert report.message.startswith("line 1:")
    assert report.passes == [] and report.lines == []
    assert "does not compile" in report.note


def test_crash_is_re_with_traceback_and_partial_lines() -> None:
    code = "def f(x):\n    return 1 // x\n\nprint(f(2))\nprint(f(0))\nprint('never')\n"
    report = profile(stdio_problem(), code, TestCase(name="t", public=True, input="", output=""))
    assert report.verdict is Verdict.RE
    assert "ZeroDivisionError" in report.message
    assert "ZeroDivisionError" in report.stderr_tail and "line 2" in report.stderr_tail
    assert "harness" not in report.stderr_tail  # the runner's own frames are cut
    assert "instrument" not in report.stderr_tail
    assert hits(report)[2] == 2 and 6 not in hits(report)
    assert report.stdout_head == "0\n"


def test_exit_paths_match_a_normal_run() -> None:
    """`sys.exit(0)` and a flushed `os._exit(0)` end a stdio run normally; a non-zero
    status is a runtime error."""
    test = TestCase(name="t", public=True, input="", output="5\n")
    for code, verdict in [
        ("import sys\nprint(5)\nsys.exit(0)\n", Verdict.AC),
        ("import os\nprint(5, flush=True)\nos._exit(0)\n", Verdict.AC),
        ("import sys\nprint(5)\nsys.exit(3)\n", Verdict.RE),
    ]:
        report = profile(stdio_problem(), code, test, passes=("lines",))
        assert report.verdict is verdict, (code, report.message)


def test_endless_loop_is_tle_with_partial_figures() -> None:
    code = "i = 0\nwhile True:\n    i += 1\n"
    report = profile(
        stdio_problem(time_s=0.3), code, TestCase(name="t", public=True, input="", output="")
    )
    assert report.verdict is Verdict.TLE
    assert report.partial
    assert [p.stopped for p in report.passes] == ["limit", "budget", "budget", "budget"]
    assert hits(report)[3] > 1000  # the loop body, counted until the budget ran out
    assert "Stopped early" in report.note
    assert any(f.name == "<module>" for f in report.functions)


def test_slow_run_gets_a_larger_budget_and_a_slowdown_ratio() -> None:
    """Under a 0.4 s limit the plain run passes, but line tracing needs several times
    that: the instrumented passes get 10x the limit and still finish."""
    code = src(
        """
        total = 0
        for i in range(600_000):
            total += i % 7
        print(total)
        """
    )
    expected = sum(i % 7 for i in range(600_000))
    test = TestCase(name="t", public=True, input="", output=f"{expected}\n")
    report = profile(stdio_problem(time_s=0.4), code, test, passes=("lines",))
    assert report.verdict is Verdict.AC, report.message
    run, lines = report.passes
    assert run.wall_s >= 0.02  # long enough for a ratio
    assert lines.completed and lines.cpu_budget_s == pytest.approx(4.0)
    assert hits(report)[3] == 600_000
    assert lines.slowdown is not None and lines.slowdown > 1.5
    assert "Measured slowdown" in report.note and "lines" in report.note


def test_baseline_from_the_judge_supplies_the_verdict() -> None:
    baseline = TestResult(
        name="t", public=True, verdict=Verdict.WA, cpu_s=0.5, message="line 1: expected 5"
    )
    report = profile(
        stdio_problem(),
        "print(6)\n",
        TestCase(name="t", public=True, input="", output="5\n"),
        baseline=baseline,
        passes=(),
    )
    assert (report.verdict, report.message, report.cpu_s) == (Verdict.WA, "line 1: expected 5", 0.5)
    assert [p.name for p in report.passes] == ["run"]


def test_junk_on_the_side_channel_does_not_garble_the_report() -> None:
    code = src(
        """
        import os
        for fd in range(3, 40):
            try:
                os.write(fd, b"{junk")
            except OSError:
                pass
        print(1)
        """
    )
    report = profile(
        stdio_problem(),
        code,
        TestCase(name="t", public=True, input="", output="1\n"),
        passes=("lines",),
    )
    assert report.verdict is Verdict.AC
    assert hits(report)[line_of(code, "print(1)")] == 1


def test_threads_are_profiled() -> None:
    """The competitive-programming trick: recurse deeply in a thread with a big stack."""
    code = src(
        """
        import sys, threading
        sys.setrecursionlimit(10_000)
        threading.stack_size(1 << 26)
        def depth(k):
            return 0 if k == 0 else 1 + depth(k - 1)
        def main():
            print(depth(3000))
        t = threading.Thread(target=main)
        t.start()
        t.join()
        """
    )
    report = profile(
        stdio_problem(), code, TestCase(name="t", public=True, input="", output="3000\n")
    )
    assert report.verdict is Verdict.AC, report.message
    assert hits(report)[line_of(code, "return 0 if")] == 3001
    by_name = {f.name: f for f in report.functions}
    assert by_name["depth"].calls == 3001 and by_name["depth"].primitive_calls == 1


def test_every_pass_runs_the_judges_own_spec() -> None:
    """One child-side runner: the plain pass runs exactly the judge's spec for the test
    (job, stdin, files, limits); an instrumented pass adds only its probe and budget, so
    what the program sees cannot drift from what it sees when judged."""
    seen: list[RunSpec] = []

    def recording(spec: RunSpec) -> RunOutcome:
        seen.append(spec)
        return execute(spec, FRESH)

    code = "def solve(n):\n    return sum(i * i for i in range(n))\n"
    test = TestCase(name="t1", public=True, code="assert solve(4) == 14\n")
    report = profile(function_problem(), code, test, runner=recording)
    assert report.verdict is Verdict.AC, report.message
    judged_spec = spec_for_test(function_problem(), code, test)
    assert seen[0] == judged_spec
    modes = []
    for spec in seen[1:]:
        job = dict(spec.job)
        modes.append(job.pop("profile")["mode"])
        assert job == judged_spec.job
        assert (spec.stdin, spec.files) == (judged_spec.stdin, judged_spec.files)
    assert modes == ["lines", "functions", "memory"]
    assert hits(report)[2] >= 1


def test_a_failing_sandbox_still_gives_a_report() -> None:
    def broken(argv: Sequence[str], **_kwargs: object) -> None:
        raise OSError("no sandbox today")

    report = profile(
        stdio_problem(),
        "print(1)\n",
        TestCase(name="t", public=True, input="", output="1\n"),
        runner=broken,  # type: ignore[arg-type]
    )
    assert report.verdict is Verdict.UNAVAILABLE
    assert "no sandbox today" in report.message
    assert [(p.name, p.stopped) for p in report.passes] == [("run", "crash")]
    assert "Not profiled" in report.note


@pytest.mark.parametrize(
    ("problem", "test", "passes", "message"),
    [
        (
            function_problem(),
            TestCase(name="empty", public=True, code="  "),
            ("lines",),
            "has no code to run",
        ),
        (
            stdio_problem(),
            TestCase(name="t", public=True, input=""),
            ("heat",),
            "unknown profile pass",
        ),
    ],
)
def test_bad_requests_get_one_line_errors(
    problem: Problem, test: TestCase, passes: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as info:
        profile(problem, "print(1)\n", test, passes=passes)
    assert "\n" not in str(info.value)


# --- one classifier: the profiler's verdict is the judge's -------------------------------------
def judged(problem: Problem, code: str, test: TestCase) -> TestResult:
    from orps_tui.sandbox.judge import judge

    return judge(replace(problem, tests=(test,)), code).tests[0]


def test_a_performance_test_gets_the_judges_verdict_output_unchecked() -> None:
    """A performance input's output is never checked: the judge says AC; the profiler used
    to check it against an empty expected output and say WA."""
    test = TestCase(name="big", public=True, input="", performance=True)
    code = "print(6)\n"
    expected = judged(stdio_problem(), code, test)
    report = profile(stdio_problem(), code, test, passes=())
    assert expected.verdict is Verdict.AC
    assert report.verdict is expected.verdict, report.message
    assert report.message.startswith("performance input:")


def test_sys_exit_inside_a_function_solution_is_the_judges_re() -> None:
    """`sys.exit(0)` in a function solution stops the test's assertions: RE for the judge;
    the profiler's own rule used to take the clean exit for AC."""
    code = "import sys\n\ndef solve(n):\n    return sum(i * i for i in range(n))\n\nsys.exit(0)\n"
    test = TestCase(name="t1", public=True, code="assert solve(4) == 14\n")
    expected = judged(function_problem(), code, test)
    report = profile(function_problem(), code, test, passes=())
    assert expected.verdict is Verdict.RE
    assert (report.verdict, report.message) == (expected.verdict, expected.message)
