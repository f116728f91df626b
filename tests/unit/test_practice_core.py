"""Practice core: solution templates, the output diff, the save watcher, the coach."""

from __future__ import annotations

import os
from pathlib import Path

from orps_tui.practice.coach import Coach, CoachError
from orps_tui.practice.file_watch import MtimeWatcher
from orps_tui.practice.output_diff import diff_of, first_difference, from_mismatch, token_spans
from orps_tui.practice.workspace import ensure_solution, solution_path, template
from orps_tui.sandbox import checkers
from orps_tui.sandbox.report import TestResult, Verdict
from orps_tui.search.engine import SearchConfig
from orps_tui.search.tree import Author
from tests.support.scripted_model import (
    FakeJudge,
    Fault,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)


def test_templates_and_default_solution_file() -> None:
    fn = sample_problem()
    assert template(fn).startswith("def add(a: int, b: int) -> int:\n    raise")
    compile(template(fn), "t", "exec")
    path = ensure_solution(fn)
    assert path == solution_path("add-two") and "orps-home" in str(path)
    assert path.read_text() == template(fn)
    path.write_text("mine")
    assert ensure_solution(fn).read_text() == "mine"  # never overwritten


def test_first_difference_names_line_and_token() -> None:
    assert first_difference("1 2\n3\n", "1  2\n3\n\n") is None
    d = first_difference("1 2\n3 4 5\n", "1 2\n3 9 5\n")
    assert d is not None and (d.line, d.token, d.expected_token, d.actual_token) == (2, 2, "4", "9")
    assert d.summary() == "line 2, token 2: expected '4', got '9'"
    short = first_difference("1 2 3\n", "1 2\n")
    assert short is not None and (short.token, short.actual_token) == (3, None)
    missing = first_difference("1\n2\n", "1\n")
    assert missing is not None and missing.actual_line is None and "ends early" in missing.summary()
    extra = first_difference("1\n", "1\n7\n")
    assert extra is not None and extra.expected_line is None and "extra" in extra.summary()
    spacing = first_difference("1 2\n", "1  2\n", exact=True)
    assert spacing is not None and spacing.token is None
    assert token_spans("  ab c ") == [(2, 4), (5, 6)]


def test_watcher_sees_each_save_once(tmp_path: Path) -> None:
    f = tmp_path / "s.py"
    f.write_text("a")
    w = MtimeWatcher(f)
    assert not w.changed()
    f.write_text("bb")
    assert w.changed() and not w.changed()
    os.utime(f, ns=(1, 1))
    assert w.changed()
    f.unlink()
    assert not w.changed()


async def test_coach_critiques_the_users_code_without_writing_code() -> None:
    problem = sample_problem()
    model = ScriptedModel(programmer=code_reply("def add(a, b):\n    return a + b\n"),
                          critic=critic_json(2, "Off by one: you add 1 to the sum."))
    coach = Coach(problem, model, FakeJudge(problem), SearchConfig(samples=2))
    root = await coach.review("def add(a, b):\n    return a + b + 1\n")
    assert root.author is Author.PERSON and root.critique.startswith("Off by one")
    assert root.process_score == 2 and root.report is not None and root.report.passed == 0
    assert [c.role for c in model.calls] == ["critic"]  # no programmer call: no solution
    critic_prompt = "\n".join(m.content for m in model.calls[0].messages)
    assert "return a + b + 1" in critic_prompt
    children = await coach.expand()
    assert len(children) == 2 and all(c.author is Author.MODEL for c in children)
    assert all(c.parent_id == root.id and c.report and c.report.passed == 2 for c in children)
    assert len(model.calls_by("programmer")) == 2


async def test_coach_reports_a_dead_model_in_one_line() -> None:
    from orps_tui.llm.base import ModelErrorKind

    problem = sample_problem()
    model = ScriptedModel(faults={i: Fault(ModelErrorKind.UNREACHABLE) for i in range(10)})
    coach = Coach(problem, model, FakeJudge(problem), SearchConfig())
    try:
        await coach.review("def add(a, b):\n    return 0\n")
    except CoachError as exc:
        assert "injected" in str(exc)
    else:
        raise AssertionError("expected CoachError")


def test_any_output_custom_test_fails_only_on_crash_and_attempts_are_recorded(
        tmp_path: Path) -> None:
    from orps_tui.practice.custom_tests import CustomTestStore
    from orps_tui.practice.history import History
    from orps_tui.practice.judging import PracticeJudge
    from orps_tui.problems.library import find_problem

    problem = find_problem("warm-streak")
    store = CustomTestStore(problem.id, root=tmp_path)
    store.add("2\n1 2\n")  # any output
    store.add("3\n5 5 5\n", "1 1\n")
    with History(tmp_path / "h.sqlite3") as history:
        pj = PracticeJudge(problem, history=history, store=store, warm=False)
        try:
            judged = pj.judge("print('anything at all')\n")
            verdicts = {t.name: t.verdict.value for t in judged.report.tests}
            assert verdicts["custom-1"] == "AC" and verdicts["custom-2"] == "WA"
            crash = pj.judge("raise SystemExit(3)\n")
            assert {t.name: t.verdict.value for t in crash.report.tests}["custom-1"] == "RE"
            store.delete("custom-2")
            pj.reload_tests()
            assert [t.name for t in pj.judge("print(1, 1)").report.tests][-1] == "custom-1"
        finally:
            pj.close()
        rows = history.attempts(problem.id)
    assert [r.tests for r in rows] == ["public"] * 3 and rows[-1].verdict == "WA"


def test_the_practice_diff_marks_the_token_the_checker_blamed() -> None:
    """Expected `1.0 5`, output `1.0000000001 6` under a float checker: the checker accepts
    token 1, so the diff must mark token 2 (a plain token diff would mark token 1)."""
    checked = checkers.float_tokens("1.0 5\n", "1.0000000001 6\n")
    result = TestResult(name="t", public=True, verdict=Verdict.WA, message=checked.message,
                        output_head="1.0000000001 6\n", expected_head="1.0 5\n",
                        mismatch=checked.mismatch)
    diff = diff_of(result)
    assert diff is not None
    assert (diff.line, diff.token, diff.expected_token, diff.actual_token) == (1, 2, "5", "6")
    assert (diff.expected_line, diff.actual_line) == ("1.0 5", "1.0000000001 6")
    assert diff.summary() == result.message


def test_the_practice_diff_view_marks_the_token_the_checker_blamed() -> None:
    """The widget's rendering, not only the diff: under a float checker the marked span of
    both lines is token 2 (`5` / `6`), never the accepted token 1."""
    from rich.text import Text

    from orps_tui.app.widgets.practice_diff import render_diff

    checked = checkers.float_tokens("1.0 5\n", "1.0000000001 6\n")
    result = TestResult(name="t", public=True, verdict=Verdict.WA, message=checked.message,
                        output_head="1.0000000001 6\n", expected_head="1.0 5\n",
                        mismatch=checked.mismatch)
    rendered = render_diff(result)
    lines = [r for r in getattr(rendered, "renderables", []) if isinstance(r, Text)]
    marked = {
        line.plain.split(":")[0]: [line.plain[s.start:s.end] for s in line.spans]
        for line in lines if line.plain.startswith(("expected line", "actual"))
    }
    assert marked == {"expected line 1": ["5"], "actual   line 1": ["6"]}
    assert lines[1].plain == checked.message == "line 1, token 2: expected '5', got '6'"


def test_an_exact_mismatch_marks_no_token() -> None:
    checked = checkers.exact("a\nb\n", "a\n")
    assert checked.mismatch is not None
    diff = from_mismatch(checked.mismatch, "a\nb\n", "a\n")
    assert (diff.line, diff.token, diff.actual_line, diff.expected_line) == (2, None, None, "b")
