"""The performance inputs of the starter set: every medium and hard problem has one (`perf-max`,
public, generated from its own seed), and in the real judge its reference passes it within
half the time limit while its naive solution (tools/naive/<id>.py) runs out of time on it.
The limits are scaled by this host's measured slowdown (`tests.support.host_speed`).

`tools/gen_stdio_tests.py --measure` and `tools/gen_function_tests.py --measure` print the
same figures for every test; this file checks only the performance inputs.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from orps_tui.problems.load import load_problem
from orps_tui.problems.model import Difficulty, Problem, ProblemKind
from orps_tui.sandbox.judge import judge
from orps_tui.sandbox.report import TestResult, Verdict
from tests.support.host_speed import scaled, timed

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "problems"
NAIVE = REPO / "tools" / "naive"
PERF_NAME = "perf-max"
REFERENCE_CPU_SHARE = 0.5
PERF_MAX_INPUT_BYTES = 5_000_000

PROBLEM_PATHS = {
    (path.parent.name if path.name == "problem.toml" else path.stem): path
    for path in sorted([*PROBLEMS.glob("*.toml"), *PROBLEMS.glob("*/problem.toml")])
}


def _load(pid: str) -> Problem:
    return load_problem(PROBLEM_PATHS[pid])


def _needs_perf(problem: Problem) -> bool:
    return problem.difficulty in (Difficulty.MEDIUM, Difficulty.HARD)


PERF_IDS = sorted(pid for pid in PROBLEM_PATHS if _needs_perf(_load(pid)))


def test_the_set_has_performance_inputs() -> None:
    assert len(PERF_IDS) >= 20


@pytest.mark.parametrize("pid", sorted(PROBLEM_PATHS))
def test_medium_and_hard_problems_have_one_performance_input(pid: str) -> None:
    problem = _load(pid)
    perf = problem.performance_tests
    if not _needs_perf(problem):
        assert not perf, f"{pid}: easy problems have no performance input"
        return
    assert [t.name for t in perf] == [PERF_NAME]
    test = perf[0]
    assert test.public and test in problem.public_tests
    assert test not in problem.select_tests("hidden")
    assert test.output is None and test.expected is None
    if problem.kind is ProblemKind.STDIO:
        assert test.input_file == f"tests/{PERF_NAME}.in"
        assert test.input and len(test.input.encode()) <= PERF_MAX_INPUT_BYTES
        others = {t.input for t in problem.tests if not t.performance}
        assert test.input not in others, f"{pid}: the performance input copies another test"
    else:
        assert test.code is not None and problem.function is not None
        assert f"{problem.function.name}(" in test.code
        assert not any(isinstance(n, ast.Assert) for n in ast.walk(ast.parse(test.code)))
        others = {t.code for t in problem.tests if not t.performance}
        assert test.code not in others


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox runs on Linux")
@pytest.mark.parametrize("pid", PERF_IDS)
def test_reference_passes_and_naive_times_out(pid: str) -> None:
    problem = _load(pid)
    assert problem.reference is not None
    trial = replace(problem, tests=problem.performance_tests)
    limit = problem.limits.time_s

    def run(factor: float) -> list[TestResult]:
        return judge(scaled(trial, factor), problem.reference or "", which="public",
                     jobs=1).tests

    def ok(results: list[TestResult], factor: float) -> bool:
        return results[0].verdict is Verdict.AC \
            and results[0].cpu_s <= REFERENCE_CPU_SHARE * limit * factor

    (reference,), factor = timed(run, ok)
    assert reference.performance and reference.verdict is Verdict.AC, reference.message
    assert reference.cpu_s <= REFERENCE_CPU_SHARE * limit * factor, (
        f"{pid}: reference took {reference.cpu_s:.2f} s of CPU on {PERF_NAME} (limit {limit:g} s"
        f" x {factor:.2f}, this host's slowdown)"
    )

    # the limit as written: a slow host only makes the naive solution slower
    naive = judge(trial, (NAIVE / f"{pid}.py").read_text(), which="public", jobs=1).tests[0]
    assert naive.verdict is Verdict.TLE, f"{pid}: naive got {naive.verdict} in {naive.cpu_s:.2f} s"
    print(
        f"{pid}: reference {reference.cpu_s:.3f} s of {limit:g} s; "
        f"naive {naive.verdict} ({naive.cpu_s:.2f} s)"
    )
