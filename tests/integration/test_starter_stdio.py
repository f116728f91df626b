"""The stdio half of the bundled starter set: every problem loads, has the tests the project
asks for, and its reference solution is accepted by the real judge on every test.

Also checks that the checked-in test files are exactly what `tools/gen_stdio_tests.py`
builds, that the checkers are strict where the statements say so, and that a naive solution
really runs out of time on a large test.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from orps_tui.problems.load import load_problem
from orps_tui.problems.model import CheckerType, Difficulty, Problem, ProblemKind
from orps_tui.sandbox.judge import judge
from orps_tui.sandbox.report import TestResult, Verdict
from tests.support.host_speed import scaled, timed
from tests.support.starter import COMMON_TAGS, load_tool

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "problems"
GENERATOR = REPO / "tools" / "gen_stdio_tests.py"
NAIVE = REPO / "tools" / "naive"

STDIO_IDS = (
    "cargo-trucks",
    "shop-banner",
    "clock-angle",
    "podium-ranking",
    "warm-streak",
    "orchard-queries",
    "dance-pairs",
    "maze-rover",
    "beacon-spacing",
    "bus-sync",
    "roadblock-paths",
    "fire-station",
    "nested-envelopes",
    "heavy-trucks",
    "echo-stamps",
    "fair-split",
)
ALLOWED_TAGS = COMMON_TAGS | {"prefix-sums"}
LARGE_PREFIX = "large-"
"""Timing tests (a naive solution runs out of time on them) are hidden tests named large-*."""
MAX_INPUT_BYTES = 1_500_000
REFERENCE_CPU_SHARE = 0.5
"""The references use at most ~25% of the time limit here; fail well before they get close."""


def _load(pid: str) -> Problem:
    return load_problem(PROBLEMS / pid)


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {pid: _load(pid) for pid in STDIO_IDS}


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_tool(GENERATOR, "gen_stdio_tests")


@pytest.mark.parametrize("pid", STDIO_IDS)
def test_problem_is_complete(pid: str, problems: dict[str, Problem]) -> None:
    problem = problems[pid]
    assert problem.id == pid
    assert problem.kind is ProblemKind.STDIO
    assert problem.difficulty is not None
    assert problem.tags and set(problem.tags) <= ALLOWED_TAGS
    assert problem.source.dataset == "orps-tui starter set"
    assert problem.source.license == "MIT"
    assert problem.reference
    assert 1.0 <= problem.limits.time_s <= 2.0
    assert problem.limits.memory_mb == 256
    text = problem.statement.text
    for section in ("## Input", "## Output", "## Constraints", "## Examples"):
        assert section in text, f"{pid}: statement lacks {section}"

    public, hidden = problem.public_tests, problem.hidden_tests
    assert len(public) >= 2
    assert len(hidden) >= 8
    for test in public:  # the public tests are the statement's examples (and perf-max)
        if test.performance:
            continue
        assert test.input is not None and test.output is not None
        assert test.input.strip() in text, f"{pid}/{test.name}: input not in the statement"
        assert test.output.strip() in text, f"{pid}/{test.name}: output not in the statement"
    plain = [t for t in problem.tests if not t.performance]
    assert max(len((t.input or "").encode()) for t in plain) <= MAX_INPUT_BYTES
    large = [t for t in hidden if t.name.startswith(LARGE_PREFIX)]
    if problem.difficulty is Difficulty.EASY:
        assert not large
    else:
        assert large, f"{pid}: no large (timing) test"


def test_set_mix(problems: dict[str, Problem]) -> None:
    assert len(problems) >= 16
    difficulties = Counter(p.difficulty for p in problems.values())
    assert difficulties[Difficulty.EASY] >= 5
    assert difficulties[Difficulty.MEDIUM] >= 6
    assert difficulties[Difficulty.HARD] >= 5
    assert {tag for p in problems.values() for tag in p.tags} == ALLOWED_TAGS
    checkers = {p.checker.type for p in problems.values()}
    assert {CheckerType.TOKENS, CheckerType.FLOAT, CheckerType.EXACT} <= checkers
    assert not any(pid.startswith("fn-") for pid in problems)


@pytest.mark.parametrize("pid", STDIO_IDS)
def test_reference_is_accepted(pid: str, problems: dict[str, Problem]) -> None:
    """Every test but the performance input, which test_starter_perf.py runs; time limits
    scaled by this host's slowdown (`tests.support.host_speed`)."""
    problem = problems[pid]
    assert problem.reference is not None
    trial = replace(problem, tests=[t for t in problem.tests if not t.performance])
    limit = problem.limits.time_s

    def run(factor: float) -> list[TestResult]:
        return judge(scaled(trial, factor), problem.reference or "", which="all", jobs=0).tests

    def ok(results: list[TestResult], factor: float) -> bool:
        return all(t.verdict is Verdict.AC and t.cpu_s <= REFERENCE_CPU_SHARE * limit * factor
                   for t in results)

    results, factor = timed(run, ok)
    failed = [(t.name, t.verdict, t.message) for t in results if t.verdict != Verdict.AC]
    assert not failed
    assert len(results) == len(trial.tests)
    slowest = max(results, key=lambda t: t.cpu_s)
    assert slowest.cpu_s <= REFERENCE_CPU_SHARE * limit * factor, (
        f"{pid}/{slowest.name}: reference took {slowest.cpu_s:.2f} s of CPU "
        f"(limit {limit} s x {factor:.2f}, this host's slowdown)"
    )


def test_test_files_match_the_generator(generator: ModuleType) -> None:
    assert set(generator.SPECS) == set(STDIO_IDS)
    differences = []
    for pid in STDIO_IDS:
        # Validation against the statements ran when the files were written; here only
        # byte equality matters (and is much faster).
        differences += generator.check_problem(pid, generator.build_cases(pid, validate=False))
    assert not differences, "run tools/gen_stdio_tests.py: " + "; ".join(differences)


def test_generator_is_deterministic(generator: ModuleType) -> None:
    for pid in ("shop-banner", "bus-sync", "fair-split"):  # cheap ones; the rest via files
        first = generator.build_cases(pid)
        second = generator.build_cases(pid)
        assert [(c.name, c.text) for c in first] == [(c.name, c.text) for c in second]


CENTRED_BY_STR_CENTER = """
import sys
lines = sys.stdin.read().split("\\n")
n = int(lines[0])
texts = lines[1 : 1 + n]
width = max(map(len, texts))
print("+" + "-" * (width + 2) + "+")
for text in texts:
    print("| " + text.center(width) + " |")
print("+" + "-" * (width + 2) + "+")
"""


def test_exact_checker_rejects_wrong_padding(problems: dict[str, Problem]) -> None:
    # str.center ignores the statement's odd/even rule: same tokens, different spaces.
    report = judge(problems["shop-banner"], CENTRED_BY_STR_CENTER, which="all", jobs=0)
    assert report.verdict == Verdict.WA
    assert 0 < report.passed < report.total


CLOCK_WITH_DIGITS = """
import sys
data = sys.stdin.read().split()
for stamp in data[1:]:
    h, m, s = map(int, stamp.split(":"))
    t = h * 3600 + m * 60 + s
    gap = abs(t / 120 - t / 10) % 360
    print(f"{min(gap, 360 - gap):.DIGITSf}")
"""


@pytest.mark.parametrize(("digits", "verdict"), [(7, Verdict.AC), (2, Verdict.WA)])
def test_float_checker_tolerance(
    digits: int, verdict: Verdict, problems: dict[str, Problem]
) -> None:
    code = CLOCK_WITH_DIGITS.replace("DIGITS", str(digits))
    assert judge(problems["clock-angle"], code, which="all", jobs=0).verdict == verdict


def test_naive_solution_runs_out_of_time(problems: dict[str, Problem]) -> None:
    # One timing test is enough here (each costs the full time limit);
    # `tools/gen_stdio_tests.py --measure` runs every naive solution on every test.
    problem = problems["dance-pairs"]
    small = [
        t for t in problem.tests if not t.name.startswith(LARGE_PREFIX) and not t.performance
    ]
    large = next(t for t in problem.tests if t.name == "large-random")
    trial = replace(problem, tests=(*small, large))
    report = judge(trial, (NAIVE / "dance-pairs.py").read_text(), which="all", jobs=0)
    verdicts = {t.name: t.verdict for t in report.tests}
    assert verdicts.pop("large-random") == Verdict.TLE
    assert set(verdicts.values()) == {Verdict.AC}
