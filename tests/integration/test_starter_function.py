"""The bundled function-kind starter problems (`problems/fn-*`): each loads, has the promised
shape (public/hidden counts, a large test for medium and hard), its generated tests are up to
date, and its reference solution is accepted by the real judge on every test."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from orps_tui.problems.load import load_problem
from orps_tui.problems.model import Difficulty, Problem, ProblemKind
from orps_tui.sandbox.judge import judge
from orps_tui.sandbox.report import TestResult, Verdict
from tests.support.host_speed import scaled, timed
from tests.support.starter import COMMON_TAGS, load_tool

REPO = Path(__file__).resolve().parents[2]
STARTER = REPO / "problems"
GENERATOR = REPO / "tools" / "gen_function_tests.py"
FN_FILES = sorted(
    [*STARTER.glob("fn-*.toml"), *STARTER.glob("fn-*/problem.toml")],
    key=lambda p: p.as_posix(),
)
ALLOWED_TAGS = COMMON_TAGS | {"hashing"}


def _problem_id(path: Path) -> str:
    return path.parent.name if path.name == "problem.toml" else path.stem


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {_problem_id(p): load_problem(p) for p in FN_FILES}


EXAMPLE_RE = re.compile(r"`([^`\n]+)` returns `([^`\n]+)`")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_tool(GENERATOR, "gen_function_tests")


def test_the_set_mixes_difficulties(problems: dict[str, Problem]) -> None:
    levels = [p.difficulty for p in problems.values()]
    assert len(problems) >= 16
    assert levels.count(Difficulty.EASY) >= 4
    assert levels.count(Difficulty.MEDIUM) >= 5
    assert levels.count(Difficulty.HARD) >= 4


@pytest.mark.parametrize("path", FN_FILES, ids=_problem_id)
def test_problem_shape(path: Path) -> None:
    problem = load_problem(path)
    assert problem.id == _problem_id(path)
    assert problem.kind is ProblemKind.FUNCTION
    assert problem.source.dataset == "orps-tui starter set"
    assert problem.source.license == "MIT"
    assert problem.difficulty is not None
    assert problem.tags and set(problem.tags) <= ALLOWED_TAGS
    assert 1.0 <= problem.limits.time_s <= 2.0
    assert problem.limits.memory_mb == 256
    assert problem.reference
    spec = problem.function
    assert spec is not None
    assert spec.signature.startswith(f"def {spec.name}(") and spec.signature.endswith(":")
    assert spec.signature in problem.statement.text

    assert len(problem.public_tests) >= 2
    assert len(problem.hidden_tests) >= 8
    examples = dict(EXAMPLE_RE.findall(problem.statement.text))
    for test in problem.public_tests:
        if test.performance:
            continue  # perf-max: a generated maximum-size input, not an example
        assert test.call in examples, f"{test.name}: the statement has no example for {test.call}"
        assert test.expected is not None
        shown = ast.literal_eval(examples[test.call])
        assert shown == ast.literal_eval(test.expected), f"{test.name}: statement says {shown!r}"
    for test in problem.tests:
        assert test.code and f"{spec.name}(" in test.code
    if problem.difficulty in (Difficulty.MEDIUM, Difficulty.HARD):
        assert any(t.name.startswith("large") for t in problem.hidden_tests)


def test_generated_tests_are_up_to_date(generator: ModuleType) -> None:
    """Regenerating from the cases gives the committed files byte for byte, so the generator
    is deterministic and nobody hand-edited a generated test."""
    ids = sorted(_problem_id(p) for p in FN_FILES)
    assert sorted(generator.CASES) == ids
    stale = [
        i
        for i in ids
        if generator.updated_text(generator.read_problem(i)) != generator.read_problem(i).text
    ]
    assert not stale, f"out of date (run tools/gen_function_tests.py): {stale}"


@pytest.mark.parametrize("path", FN_FILES, ids=_problem_id)
def test_reference_agrees_with_brute_force(generator: ModuleType, path: Path) -> None:
    """The expected values come from the reference; an independent brute force
    (tools/naive/<id>.py) must agree with it on random small inputs."""
    mismatches = generator.stress(generator.read_problem(_problem_id(path)), rounds=60)
    assert not mismatches, mismatches[:3]


@pytest.mark.parametrize("path", FN_FILES, ids=_problem_id)
def test_reference_is_accepted_by_the_judge(path: Path) -> None:
    """Every test but the performance input, which test_starter_perf.py runs; time limits
    scaled by this host's slowdown (`tests.support.host_speed`)."""
    problem = load_problem(path)
    assert problem.reference is not None
    trial = replace(problem, tests=[t for t in problem.tests if not t.performance])

    def run(factor: float) -> list[TestResult]:
        return judge(scaled(trial, factor), problem.reference or "", which="all", jobs=0).tests

    def ok(results: list[TestResult], factor: float) -> bool:
        return all(t.verdict is Verdict.AC for t in results)

    results, _ = timed(run, ok)
    failed = [
        f"{t.name}: {t.verdict} cpu={t.cpu_s:.3f}s {t.message} {t.stderr_tail}"
        for t in results
        if t.verdict is not Verdict.AC
    ]
    assert not failed
    assert len(results) == len(trial.tests)
