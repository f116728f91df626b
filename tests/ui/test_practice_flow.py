"""Practice mode through Pilot: the real app, the real judge and sandbox, a scripted model."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from rich.console import Console
from textual.widgets import DataTable, Input, TextArea

from orps_tui.app.app import OrpsApp
from orps_tui.app.screens.practice import PracticeScreen
from orps_tui.app.widgets.custom_tests_table import CustomTestsTable
from orps_tui.app.widgets.practice_coach import PracticeCoach
from orps_tui.app.widgets.practice_diff import render_diff
from orps_tui.app.widgets.practice_results import PracticeResults
from orps_tui.app.widgets.problem_picker import ProblemPicker
from orps_tui.config import Settings
from orps_tui.practice.custom_tests import CustomTestStore
from orps_tui.practice.history import History
from orps_tui.practice.workspace import solution_path
from orps_tui.problems.library import find_problem
from tests.support.scripted_model import ScriptedModel, code_reply, critic_json, sample_problem
from tests.ui.harness import keep_notices, notifications, wait_for

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tools" / "stress" / "warm_streak_planted_bug.py"
GEN = ROOT / "tools" / "stress" / "warm_streak_gen.py"
SIZE = (150, 45)


def _text(renderable: object) -> str:
    console = Console(width=140, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


async def _judge(pilot, screen: PracticeScreen, key: str) -> None:  # noqa: ANN001
    before = screen.judged_count
    await pilot.press(key)
    await wait_for(pilot, lambda: screen.judged_count > before, 30, f"judging after {key}")


async def test_write_judge_diff_custom_test_and_stress() -> None:
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: bool(picker.rows), what="the problem list")
        app.screen.query_one("#problem-filter", Input).value = "warm-streak"
        await wait_for(pilot, lambda: [r.id for r in picker.shown] == ["warm-streak"])
        await pilot.pause(0.1)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), what="practice")
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        editor = screen.query_one("#practice-code", TextArea)
        assert "sys.stdin.read()" in editor.text  # the stdio template
        assert solution_path("warm-streak").read_text() == editor.text

        # Write: the planted off-by-one passes the samples...
        editor.load_text(PLANTED.read_text())
        await _judge(pilot, screen, "f5")
        assert screen.last is not None and screen.last.report.verdict == "AC"
        assert solution_path("warm-streak").read_text() == PLANTED.read_text()
        # ...and fails a hidden test, with a line/token diff of the first failure.
        await _judge(pilot, screen, "f6")
        report = screen.last.report
        assert report.verdict == "WA" and screen.last.which == "all"
        results = screen.query_one(PracticeResults)
        assert results.query_one(DataTable).row_count == report.total
        failing = results.first_failing()
        assert failing is not None
        diff = _text(render_diff(failing))
        assert "line 1, token" in diff and "expected line 1:" in diff and "actual   line 1:" in diff

        # Add a custom test from the keyboard.
        await pilot.press("f7")
        await pilot.pause(0.1)
        modal = app.screen
        modal.query_one("#test-input", TextArea).load_text("3\n1 2 3\n")
        modal.query_one("#test-expected", TextArea).load_text("3 1\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="the modal to close")
        store = CustomTestStore("warm-streak")
        assert [(t.input, t.expected) for t in store.load()] == [("3\n1 2 3\n", "3 1\n")]
        assert screen.query_one(CustomTestsTable).row_count == 1
        await _judge(pilot, screen, "f5")
        verdicts = {t.name: t.verdict.value for t in screen.last.report.tests}
        assert verdicts["custom-1"] == "WA"

        # Delete it from the keyboard (custom tests tab, d).
        screen.query_one("#practice-tabs").active = "tab-tests"
        screen.query_one(CustomTestsTable).focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: not store.load(), what="the test to be deleted")

        # Stress run finds the planted bug; ctrl+g keeps the input as a custom test.
        await pilot.press("f9")
        await pilot.pause(0.1)
        app.screen.query_one("#stress-gen", Input).value = str(GEN)
        app.screen.query_one("#stress-seed", Input).value = "1"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stress_result is not None, 60, "the stress run")
        assert screen.stress_result is not None
        assert screen.stress_result.status.value == "found"
        await pilot.press("ctrl+g")
        saved = store.load()
        assert len(saved) == 1 and saved[0].input == screen.stress_result.input

        with History() as history:
            attempts = history.attempts("warm-streak")
        assert [a.tests for a in attempts] == ["public", "all", "public"]
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PracticeScreen), what="home")


async def test_watcher_rejudges_on_save_and_output_becomes_expected() -> None:
    problem = find_problem("warm-streak")
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen(problem)
        await app.push_screen(screen)
        await pilot.press("f3")
        assert screen.watching
        await pilot.pause(0.2)
        solution_path("warm-streak").write_text("print(7, 7)\n")
        await wait_for(pilot, lambda: screen.judged_count == 1, 30, "a re-judge on save")
        assert screen.query_one("#practice-code", TextArea).text == "print(7, 7)\n"
        assert screen.last is not None and screen.last.report.verdict == "WA"
        CustomTestStore("warm-streak").add("1\n9\n")  # any output
        screen.judge.reload_tests()
        await _judge(pilot, screen, "f5")
        table = screen.query_one(PracticeResults).query_one(DataTable)
        table.move_cursor(row=len(screen.last.report.tests) - 1)
        await pilot.press("f8")
        assert CustomTestStore("warm-streak").load()[0].expected == "7 7\n"


async def test_coach_shows_a_critique_then_model_solutions_on_request() -> None:
    problem = sample_problem()
    model = ScriptedModel(programmer=code_reply("def add(a, b):\n    return a + b\n"),
                          critic=critic_json(2, "The sign is wrong: you subtract b."))
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen(problem, model_factory=lambda: model)
        await app.push_screen(screen)
        screen.query_one("#practice-code", TextArea).load_text(
            "def add(a, b):\n    return a - b\n")
        await pilot.press("f4")
        await wait_for(pilot, lambda: screen.coach is not None and screen.coach.root is not None
                       and bool(screen.coach.root.critique), 30, "the critique")
        assert [c.role for c in model.calls] == ["critic"]
        coach_text = _text(screen.query_one(PracticeCoach).shown)
        assert "The sign is wrong" in coach_text and "2/5" in coach_text
        assert "return a + b" not in coach_text  # a critique, not a solution
        await pilot.press("f12")
        await wait_for(pilot, lambda: model.calls_by("programmer") != [] and "model solution"
                       in _text(screen.query_one(PracticeCoach).shown), 30,
                       "the model's solutions")
        assert "return a + b" in _text(screen.query_one(PracticeCoach).shown)


async def test_listener_toggle_puts_a_received_problem_in_the_list() -> None:
    import urllib.request

    from orps_tui.app.screens.practice_hooks import listener_of, toggle_listener

    payload = {"name": "Z. Zebra Count", "group": "Judge", "url": "https://judge.example/z",
               "interactive": False, "memoryLimit": 64, "timeLimit": 1000,
               "tests": [{"input": "1\n", "output": "1\n"}]}
    app = keep_notices(OrpsApp(Settings()))
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: bool(picker.rows), what="the problem list")
        assert toggle_listener(app, port=0)
        listener = listener_of(app)
        assert listener is not None

        def post() -> int:
            request = urllib.request.Request(listener.url, data=json.dumps(payload).encode(),
                                             method="POST")
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status

        assert await asyncio.to_thread(post) == 200
        await wait_for(pilot, lambda: any(r.title == "Z. Zebra Count" for r in picker.rows),
                       what="the received problem in the list")
        assert any("received Z. Zebra Count" in n for n in notifications(app))
        assert not toggle_listener(app)
        assert listener_of(app) is None


async def test_function_problem_template_then_solved_shows_in_the_overview() -> None:
    from orps_tui.app.widgets.history_table import HistoryTable

    problem = find_problem("fn-factorial-zeros")
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen(problem)
        await app.push_screen(screen)
        editor = screen.query_one("#practice-code", TextArea)
        assert editor.text.startswith("def factorial_zeros(n: int, base: int) -> int:")
        await _judge(pilot, screen, "f5")
        assert screen.last is not None and screen.last.report.verdict == "RE"
        assert "NotImplementedError" in screen.last.report.tests[0].message
        assert problem.reference is not None
        editor.load_text(problem.reference)
        await _judge(pilot, screen, "f6")
        assert screen.last.report.verdict == "AC"
        overview = _text(screen.query_one(HistoryTable).query_one("#history-overview").render())
        assert "solved 1 of 1 attempted" in overview and "easy 1/1" in overview


async def test_the_statement_has_a_tab_and_tabs_switch_from_the_editor() -> None:
    """No statement view; the tabs were reachable only by esc then ←/→, and Tab indents."""
    from textual.widgets import Markdown, TabbedContent

    problem = find_problem("warm-streak")
    app = OrpsApp(Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = PracticeScreen(problem)
        await app.push_screen(screen)
        await pilot.pause(0.3)
        tabs = screen.query_one("#practice-tabs", TabbedContent)
        editor = screen.query_one("#practice-code", TextArea)
        assert tabs.active == "tab-statement" and app.focused is editor
        shown = screen.query_one("#practice-statement", Markdown).source
        assert problem.statement.text.strip()[:40] in shown and "time limit" in shown
        for key, pane in (("alt+2", "tab-results"), ("alt+6", "tab-history"),
                          ("ctrl+pagedown", "tab-statement"), ("ctrl+pageup", "tab-history"),
                          ("alt+1", "tab-statement")):
            await pilot.press(key)
            await pilot.pause(0.05)
            assert tabs.active == pane, key
            assert app.focused is editor, key  # still typing in the editor
        before = editor.text
        await pilot.press("x")
        assert editor.text != before


async def test_practice_keys_are_remapped_from_ui_keys() -> None:
    """`[ui.keys]` rejected `practice.*` ids (practice keys lived outside the one keymap),
    though the README says every key can be remapped."""
    from textual.widgets import TabbedContent

    from orps_tui.app.keymap import BY_ID, PRACTICE_KEYS, check_keymap
    from orps_tui.config import UiSettings

    assert all(spec.id in BY_ID for spec in PRACTICE_KEYS)
    assert check_keymap({"practice.save": "ctrl+w", "practice.tab_results": "f11"}) == []
    app = OrpsApp(Settings(ui=UiSettings(keys={"practice.tab_results": "f11"})))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.startup_problems == []
        screen = PracticeScreen(find_problem("warm-streak"))
        await app.push_screen(screen)
        await pilot.pause(0.3)
        tabs = screen.query_one("#practice-tabs", TabbedContent)
        assert tabs.active == "tab-statement"
        await pilot.press("f11")
        await pilot.pause(0.05)
        assert tabs.active == "tab-results"
