"""Performance tests in the real sandbox: output never checked, limits and exit as usual,
counted among the public tests, and flagged in the report."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest

from orps_tui.problems.model import Checker, CheckerType, Problem, TestCase
from orps_tui.sandbox.judge import Judge
from orps_tui.sandbox.report import JudgeReport, Verdict
from tests.support.sandbox_problems import function_problem, stdio_problem

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)

SUM = "print(sum(map(int, input().split())))\n"
ADD = "def add(a, b):\n    return a + b\n"
PERF_INPUT = " ".join(["7"] * 20_000) + "\n"


@pytest.fixture(params=[False, True], ids=["fresh", "warm"])
def warm(request: pytest.FixtureRequest) -> bool:
    return request.param


def with_perf(problem: Problem, perf: TestCase) -> Problem:
    """`problem` with `perf` between its public and its hidden tests."""
    return dataclasses.replace(
        problem, tests=(*problem.public_tests, perf, *problem.hidden_tests)
    )


def stdio_with_perf(**limits: object) -> Problem:
    perf = TestCase(name="perf-max", public=True, performance=True, input=PERF_INPUT)
    return with_perf(stdio_problem(**limits), perf)  # type: ignore[arg-type]


def function_with_perf(**limits: object) -> Problem:
    perf = TestCase(
        name="perf-max",
        public=True,
        performance=True,
        code="for i in range(2000):\n    add(i, i)\n",
        call="add(<2,000 calls>)",
    )
    return with_perf(function_problem(**limits), perf)  # type: ignore[arg-type]


def run(problem: Problem, code: str, warm: bool, which: str = "public") -> JudgeReport:
    with Judge(problem, jobs=2, warm=warm) as j:
        return j.run(code, which)


def perf_result(report: JudgeReport):
    return next(t for t in report.tests if t.name == "perf-max")


class TestStdio:
    def test_any_output_is_accepted_and_the_time_is_reported(self, warm: bool) -> None:
        report = run(stdio_with_perf(), SUM, warm)
        assert [t.name for t in report.tests] == ["sample", "perf-max"]
        assert report.verdict is Verdict.AC and report.passed == report.total == 2
        perf = perf_result(report)
        assert perf.performance and perf.public and perf.verdict is Verdict.AC
        assert perf.output_head == "140000\n" and perf.expected_head == ""
        assert perf.message.startswith("performance input: ")
        assert f"{perf.cpu_s:.2f} s of 1 s CPU" in perf.message
        assert not report.tests[0].performance

    def test_a_wrong_answer_on_the_performance_input_is_not_checked(self, warm: bool) -> None:
        code = "s = sum(map(int, input().split()))\nprint(s if s < 10 else 'nonsense')\n"
        report = run(stdio_with_perf(), code, warm)
        assert [t.verdict for t in report.tests] == [Verdict.AC, Verdict.AC]

    def test_quadratic_code_gets_tle_on_it_only(self, warm: bool) -> None:
        slow = (
            "xs = list(map(int, input().split()))\n"
            "print(sum(1 for a in xs for b in xs if a <= b) and sum(xs))\n"
        )
        report = run(stdio_with_perf(time_s=0.3), slow, warm)
        assert [t.verdict for t in report.tests] == [Verdict.AC, Verdict.TLE]
        assert report.verdict is Verdict.TLE and report.passed == 1 and report.total == 2
        assert perf_result(report).performance

    def test_crash_mle_and_ole_are_judged_as_usual(self, warm: bool) -> None:
        crash = "xs = input().split()\nif len(xs) > 100:\n    raise ValueError('big')\nprint(6)\n"
        report = run(stdio_with_perf(), crash, warm)
        perf = perf_result(report)
        assert perf.verdict is Verdict.RE and "ValueError: big" in perf.stderr_tail
        exits = "import sys\nxs = input().split()\nprint(1)\nsys.exit(3 if len(xs) > 9 else 0)\n"
        assert perf_result(run(stdio_with_perf(), exits, warm)).verdict is Verdict.RE
        hog = "xs = input().split()\nif len(xs) > 100:\n    b = bytearray(300 * 2**20)\nprint(6)\n"
        assert perf_result(run(stdio_with_perf(memory_mb=64), hog, warm)).verdict is Verdict.MLE
        flood = "xs = input().split()\nprint('x' * (9000 if len(xs) > 100 else 1))\n"
        assert perf_result(run(stdio_with_perf(output_kb=1), flood, warm)).verdict is Verdict.OLE

    def test_a_custom_checker_is_not_asked(self, warm: bool, tmp_path) -> None:
        (tmp_path / "check.py").write_text("import sys\nsys.exit(1)\n")  # rejects everything
        problem = dataclasses.replace(
            stdio_with_perf(),
            tests=(stdio_with_perf().performance_tests[0],),
            checker=Checker(type=CheckerType.CUSTOM, program="check.py"),
            path=tmp_path / "problem.toml",
        )
        assert run(problem, SUM, warm).verdict is Verdict.AC

    def test_selection_public_all_hidden(self) -> None:
        problem = stdio_with_perf()
        assert [t.name for t in run(problem, SUM, True, "all").tests] == [
            "sample",
            "perf-max",
            "hidden",
        ]
        assert [t.name for t in run(problem, SUM, True, "hidden").tests] == ["hidden"]

    def test_skipped_on_a_compile_error_keeps_the_flag(self) -> None:
        report = run(stdio_with_perf(), "if x\n", False)
        assert report.verdict is Verdict.CE
        assert [t.performance for t in report.tests] == [False, True]

    def test_the_flag_is_in_the_report_dict(self) -> None:
        report = run(stdio_with_perf(), SUM, False)
        data = json.loads(json.dumps(report.to_dict()))
        assert [t["performance"] for t in data["tests"]] == [False, True]
        from orps_tui.cli.judge import report_json  # what `orps judge --json` prints

        assert [t["performance"] for t in report_json(report)["tests"]] == [False, True]


class TestFunction:
    def test_a_call_without_assertions_is_ac(self, warm: bool) -> None:
        report = run(function_with_perf(), ADD, warm)
        assert report.verdict is Verdict.AC and report.passed == report.total == 2
        perf = perf_result(report)
        assert perf.performance and perf.message.startswith("performance input: ")

    def test_the_result_is_not_checked(self, warm: bool) -> None:
        wrong = "def add(a, b):\n    return a - b if a > 5 else a + b\n"
        assert [t.verdict for t in run(function_with_perf(), wrong, warm).tests] == [
            Verdict.AC,
            Verdict.AC,
        ]

    def test_slow_code_gets_tle(self, warm: bool) -> None:
        slow = "def add(a, b):\n    return sum(1 for _ in range(a * 3000)) * 0 + a + b\n"
        report = run(function_with_perf(time_s=0.3), slow, warm)
        assert [t.verdict for t in report.tests] == [Verdict.AC, Verdict.TLE]

    def test_an_assertion_in_the_solution_is_a_runtime_error(self, warm: bool) -> None:
        code = "def add(a, b):\n    assert a < 100, 'too big'\n    return a + b\n"
        perf = perf_result(run(function_with_perf(), code, warm))
        assert perf.verdict is Verdict.RE and "AssertionError" in perf.message

    def test_leaving_early_is_never_a_pass(self, warm: bool) -> None:
        code = "def add(a, b):\n    import os\n    os._exit(0)\n"
        assert perf_result(run(function_with_perf(), code, warm)).verdict is Verdict.RE

    def test_exception_mle(self, warm: bool) -> None:
        code = "def add(a, b):\n    return a / (b - 7)\n"
        perf = perf_result(run(function_with_perf(), code, warm))
        assert perf.verdict is Verdict.RE and "ZeroDivisionError" in perf.message
        hog = "def add(a, b):\n    return len(bytearray(400 * 2**20)) if a > 5 else a + b\n"
        assert perf_result(run(function_with_perf(memory_mb=64), hog, warm)).verdict is Verdict.MLE
