"""Practice history (SQLite) and the custom-test store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orps_tui.practice.custom_tests import CustomTestStore
from orps_tui.practice.history import History
from orps_tui.problems.model import (
    Difficulty,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)
from orps_tui.sandbox.report import (
    IsolationStatus,
    JudgeReport,
    StaticMetrics,
    TestResult,
    Verdict,
)


def _problem(pid: str, tags: tuple[str, ...], diff: Difficulty | None) -> Problem:
    return Problem(
        id=pid, title=pid.title(), kind=ProblemKind.STDIO,
        source=Source("test", "MIT"), statement=Statement("x"), limits=Limits(),
        tests=(TestCase("s1", True, input="1\n", output="1\n"),), difficulty=diff, tags=tags,
    )


def _report(verdict: Verdict, passed: int, total: int, cpu: float = 0.01) -> JudgeReport:
    tests = [TestResult(f"t{i}", True, Verdict.AC if i < passed else verdict, cpu_s=cpu)
             for i in range(total)]
    return JudgeReport(verdict, passed, total, tests, StaticMetrics(), IsolationStatus())


def test_history_records_and_summarises(tmp_path: Path) -> None:
    a = _problem("alpha", ("math", "greedy"), Difficulty.EASY)
    b = _problem("beta", ("math",), Difficulty.HARD)
    with History(tmp_path / "h.sqlite3") as h:
        h.record(a, "print(1)", _report(Verdict.WA, 1, 3), "all")
        h.record(a, "print(2)", _report(Verdict.AC, 3, 3, cpu=0.25), "all")
        h.record(b, "print(3)", _report(Verdict.AC, 2, 2), "public")  # public only: not solved
        rows = h.attempts("alpha")
        assert [r.verdict for r in rows] == ["AC", "WA"]
        assert rows[0].max_cpu_s == pytest.approx(0.25)
        ov = h.overview()
    assert (ov.attempted, ov.solved, ov.attempts) == (2, 1, 3)
    assert {g.key: (g.attempted, g.solved) for g in ov.by_tag} == {
        "greedy": (1, 1), "math": (2, 1)}
    assert [(g.key, g.attempted, g.solved) for g in ov.by_difficulty] == [
        ("easy", 1, 1), ("hard", 1, 0)]


def test_history_persists_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        h.record(_problem("alpha", ("dp",), None), "x = 1", _report(Verdict.RE, 0, 1), "all")
    with History(path) as h:
        data = json.loads(h.export("json"))
        csv_text = h.export("csv")
        with pytest.raises(ValueError, match="unknown export format"):
            h.export("xml")
    assert data[0]["problem_id"] == "alpha" and data[0]["tags"] == ["dp"]
    assert csv_text.splitlines()[0].startswith("id,problem_id,title")
    assert "alpha" in csv_text


def test_history_defaults_to_user_data_dir() -> None:
    with History() as h:
        assert "orps-home" in str(h.path)  # the test fixture's ORPS_DATA_DIR, never ~/.local


def test_custom_tests_add_edit_delete(tmp_path: Path) -> None:
    store = CustomTestStore("alpha", root=tmp_path)
    assert store.load() == []
    t1 = store.add("1 2\n", "3\n")
    t2 = store.add("5 5\n")  # any output
    assert (t1.name, t2.name) == ("custom-1", "custom-2")
    store.update("custom-2", expected="10\n")  # mark a produced output as expected
    store.update("custom-1", any_output=True)
    store.delete("custom-1")
    t3 = store.add("0 0\n", "0\n")
    assert t3.name == "custom-3"  # names are never reused, so history stays unambiguous
    reloaded = CustomTestStore("alpha", root=tmp_path).load()
    assert [(t.name, t.input, t.expected) for t in reloaded] == [
        ("custom-2", "5 5\n", "10\n"), ("custom-3", "0 0\n", "0\n")]
    with pytest.raises(KeyError):
        store.delete("nope")


def test_custom_tests_join_the_problem_as_public_tests(tmp_path: Path) -> None:
    store = CustomTestStore("alpha", root=tmp_path)
    store.add("7\n")
    p = store.with_custom_tests(_problem("alpha", (), None))
    assert [t.name for t in p.public_tests] == ["s1", "custom-1"]
    assert p.tests[-1].output is None


def test_custom_tests_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    store = CustomTestStore("alpha", root=tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text("tests = [ {", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read custom tests"):
        store.load()
