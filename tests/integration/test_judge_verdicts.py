"""Every verdict, on stdio and function problems, in fresh and warm mode (real sandbox runs)."""

from __future__ import annotations

import sys

import pytest

from orps_tui.problems.model import Problem
from orps_tui.sandbox.judge import Judge, judge
from orps_tui.sandbox.report import JudgeReport, Verdict
from tests.support.sandbox_problems import function_problem, stdio_problem

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)

SUM = "print(sum(map(int, input().split())))\n"
ADD = "def add(a, b):\n    return a + b\n"


@pytest.fixture(params=[False, True], ids=["fresh", "warm"])
def warm(request: pytest.FixtureRequest) -> bool:
    return request.param


def run(problem: Problem, code: str, warm: bool, which: str = "all") -> JudgeReport:
    with Judge(problem, jobs=2, warm=warm) as j:
        return j.run(code, which)


def verdicts(report: JudgeReport) -> list[Verdict]:
    return [t.verdict for t in report.tests]


class TestStdio:
    def test_ac(self, warm: bool) -> None:
        report = run(stdio_problem(), SUM, warm)
        assert report.verdict is Verdict.AC and report.passed == report.total == 2
        for t in report.tests:
            assert 0 < t.cpu_s < 1 and t.peak_rss_mb > 1
        assert report.tests[0].output_head == "6\n"

    def test_wa_names_the_difference(self, warm: bool) -> None:
        report = run(stdio_problem(), "print(sum(map(int, input().split())) + 1)\n", warm)
        assert verdicts(report) == [Verdict.WA, Verdict.WA]
        assert "'6'" in report.tests[0].message and "'7'" in report.tests[0].message

    def test_first_failing_test_in_order_decides(self, warm: bool) -> None:
        code = "s = sum(map(int, input().split()))\nprint(s if s < 10 else 0)\n"
        report = run(stdio_problem(), code, warm)
        assert verdicts(report) == [Verdict.AC, Verdict.WA]
        assert report.verdict is Verdict.WA and report.passed == 1
        public = run(stdio_problem(), code, warm, "public")
        assert public.verdict is Verdict.AC and public.total == 1

    def test_tle_on_cpu(self, warm: bool) -> None:
        report = run(stdio_problem(time_s=0.3), "while True:\n    pass\n", warm, "public")
        assert report.verdict is Verdict.TLE
        assert 0.25 < report.tests[0].cpu_s < 2.0

    def test_tle_by_the_wall_guard(self, warm: bool) -> None:
        report = run(stdio_problem(time_s=0.2), "import time\ntime.sleep(60)\n", warm, "public")
        assert report.verdict is Verdict.TLE
        assert "wall" in report.tests[0].message
        assert report.tests[0].cpu_s < 0.2

    def test_mle(self, warm: bool) -> None:
        report = run(stdio_problem(memory_mb=64), "x = bytearray(300 * 2**20)\n", warm, "public")
        assert report.verdict is Verdict.MLE

    def test_re_exception_and_exit_code(self, warm: bool) -> None:
        report = run(stdio_problem(), "raise ValueError('boom')\n", warm, "public")
        assert report.verdict is Verdict.RE
        assert "ValueError: boom" in report.tests[0].stderr_tail
        assert "harness" not in report.tests[0].stderr_tail  # the judge's frames are cut
        report = run(stdio_problem(), "import sys\nprint(6)\nsys.exit(3)\n", warm, "public")
        assert report.verdict is Verdict.RE and report.tests[0].exit_code == 3

    def test_exit_zero_with_right_output_is_fine(self, warm: bool) -> None:
        code = "import sys\nprint(sum(map(int, input().split())))\nsys.exit(0)\n"
        assert run(stdio_problem(), code, warm).verdict is Verdict.AC

    def test_ole(self, warm: bool) -> None:
        report = run(stdio_problem(output_kb=1), "print('x' * 5000)\n", warm, "public")
        assert report.verdict is Verdict.OLE
        # It said `printed 1024 bytes`: the size the cap stopped it at, not what it printed.
        assert report.tests[0].message == "printed more than the 1 KB output limit"

    def test_ce_runs_nothing_and_says_where(self, warm: bool) -> None:
        report = run(stdio_problem(), "x = 1\nif x\n    print(x)\n", warm)
        assert report.verdict is Verdict.CE
        assert report.compile_error is not None
        assert (report.compile_error.line, report.compile_error.column) == (2, 5)
        assert all(t.verdict is Verdict.SKIPPED and t.cpu_s == 0 for t in report.tests)


class TestFunction:
    def test_ac(self, warm: bool) -> None:
        report = run(function_problem(), ADD, warm)
        assert report.verdict is Verdict.AC and report.passed == 2

    def test_wa_shows_the_assertion_and_the_actual_value(self, warm: bool) -> None:
        report = run(function_problem(), "def add(a, b):\n    return a - b\n", warm)
        assert report.verdict is Verdict.WA
        message = report.tests[0].message
        assert "assert add(1, 2) == 3" in message and "got -1" in message

    def test_wa_with_call_and_expected_display_strings(self, warm: bool) -> None:
        problem = function_problem(call_expected={"t1": ("add(1, 2)", "3")})
        report = run(problem, "def add(a, b):\n    return [a, b]\n", warm, "public")
        assert report.tests[0].message.startswith("add(1, 2): expected 3, got [1, 2]")

    def test_re_on_an_exception(self, warm: bool) -> None:
        report = run(function_problem(), "def add(a, b):\n    return a + undefined\n", warm)
        assert report.verdict is Verdict.RE
        assert (
            "NameError" in report.tests[0].message and "solution line 2" in report.tests[0].message
        )

    def test_every_test_of_a_candidate_names_its_own_solution_line(self, warm: bool) -> None:
        # Warm: the server compiles a candidate once and renames the code for each run.
        report = run(function_problem(), "def add(a, b):\n    return a + undefined\n", warm)
        assert report.total == 2
        for test in report.tests:
            assert "solution line 2" in test.message, test.message
            assert 'solution.py", line 2' in test.stderr_tail, test.stderr_tail

    def test_tle_mle_ole(self, warm: bool) -> None:
        loop = "def add(a, b):\n    while True:\n        pass\n"
        assert run(function_problem(time_s=0.3), loop, warm, "public").verdict is Verdict.TLE
        hog = "def add(a, b):\n    return len(bytearray(400 * 2**20))\n"
        assert run(function_problem(memory_mb=64), hog, warm, "public").verdict is Verdict.MLE
        flood = "def add(a, b):\n    print('y' * 200_000)\n    return a + b\n"
        assert run(function_problem(), flood, warm, "public").verdict is Verdict.OLE

    def test_ce(self, warm: bool) -> None:
        report = run(function_problem(), "def add(a, b)\n    return a + b\n", warm)
        assert report.verdict is Verdict.CE and report.compile_error is not None
        assert report.compile_error.line == 1

    @pytest.mark.parametrize(
        "code",
        [
            "import sys\nsys.exit(0)\n",
            "def add(a, b):\n    import sys\n    sys.exit(0)\n",
            "def add(a, b):\n    import os\n    os._exit(0)\n",
            "import os\nos._exit(0)\n",
        ],
        ids=["sys.exit-module", "sys.exit-call", "os._exit-call", "os._exit-module"],
    )
    def test_leaving_early_is_never_a_pass(self, warm: bool, code: str) -> None:
        report = run(function_problem(), code, warm, "public")
        assert report.verdict is Verdict.RE

    def test_missing_module_in_the_test_is_unavailable(self, warm: bool) -> None:
        problem = function_problem([("np", "import numpy_not_here\nassert add(1, 2) == 3", True)])
        report = run(problem, ADD, warm)
        assert report.verdict is Verdict.UNAVAILABLE and "numpy_not_here" in report.tests[0].message
        problem = function_problem(setup="from code import add\nimport pandas_not_here as pd\n")
        assert run(problem, ADD, warm, "public").verdict is Verdict.UNAVAILABLE

    def test_missing_module_in_the_solution_is_re(self, warm: bool) -> None:
        code = "import numpy_not_here\n" + ADD
        assert run(function_problem(), code, warm, "public").verdict is Verdict.RE
        lazy = "def add(a, b):\n    import numpy_not_here\n    return a + b\n"
        assert run(function_problem(), lazy, warm, "public").verdict is Verdict.RE

    def test_lbpp_style_setup_imports_from_code(self, warm: bool) -> None:
        setup = "from code import add\nfrom typing import List\n"
        problem = function_problem(setup=setup)
        assert (
            run(problem, "def add(a: int, b: int) -> int:\n    return a + b\n", warm).verdict
            is Verdict.AC
        )

    def test_setup_helpers_are_visible_to_the_solution(self, warm: bool) -> None:
        problem = function_problem(
            setup="from typing import List\n\ndef helper(x):\n    return x\n"
        )
        code = (
            "def add(a: int, b: int) -> int:\n    return helper(a) + b  # List: "
            + "List.__name__\n"
        )
        assert run(problem, code, warm).verdict is Verdict.AC


def test_one_shot_judge_and_async(warm: bool) -> None:
    assert judge(stdio_problem(), SUM, warm=warm).verdict is Verdict.AC


async def test_arun_runs_off_the_event_loop() -> None:
    with Judge(function_problem(), jobs=2) as j:
        reports = [await j.arun(ADD), await j.arun("def add(a, b):\n    return 0\n")]
    assert [r.verdict for r in reports] == [Verdict.AC, Verdict.WA]
    assert all(r.total == 1 for r in reports)  # arun defaults to the public tests


def test_the_report_says_which_layers_applied() -> None:
    report = judge(stdio_problem(), SUM)
    iso = report.isolation
    assert iso.rlimits and iso.process_group and iso.clean_env
    assert isinstance(iso.notices, list)
    data = report.to_dict()
    assert data["isolation"]["rlimits"] is True and data["verdict"] == "AC"
