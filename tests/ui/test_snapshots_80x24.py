"""Every screen and modal in an 80x24 terminal, as SVG snapshots (regenerate with
`--snapshot-update`, then LOOK at them). At this size ids were cut, the Start button and the
profiler's CPU and memory columns were off screen; each snapshot here is checked for what
must be in view as well as compared."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget, Launch
from orps_tui.config import Settings
from tests.ui.snapshot_search import frozen_search_app
from tests.ui.test_snapshots import _fixed_starter_set, _then, settled, steady_cursors

SIZE = (80, 24)
DEAD_HOST = "http://127.0.0.1:9"


def screen_rows(svg: str) -> list[str]:
    """The text of a Textual SVG screenshot, one string per terminal row."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>',
                             svg):
        x, y, text = float(match[1]), float(match[2]), html.unescape(match[3])
        rows.setdefault(y, []).append((x, text.replace("\xa0", " ")))
    out = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            column = round(x / 12.2)
            line = line.ljust(column)[:column] + text + line[column + len(text):]
        out.append(line)
    return out


def _showing(*texts: str) -> Callable[[Pilot], Awaitable[None]]:
    """After the screen is ready: each of `texts` must be in view."""

    async def check(pilot: Pilot) -> None:
        shown = "\n".join(screen_rows(pilot.app.export_screenshot()))
        for text in texts:
            assert text in shown, f"{text!r} is not in view at 80x24:\n{shown}"

    return check


def _offline() -> Settings:
    settings = Settings()
    settings.model.ollama_host = DEAD_HOST
    return settings


def _in_order(*steps: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        for step in steps:
            await step(pilot)

    return run


async def _home_ready(pilot: Pilot) -> None:
    from orps_tui.app.widgets.model_picker import ModelPicker
    from orps_tui.app.widgets.problem_picker import ProblemPicker

    screen = pilot.app.screen
    for _ in range(200):
        if len(screen.query_one(ProblemPicker).rows) == 4 and \
                "not running" in screen.query_one(ModelPicker).ollama_status:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    await steady_cursors(pilot)


@pytest.fixture
def starter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_starter_set(tmp_path)
    monkeypatch.setenv("ORPS_STARTER_DIR", str(tmp_path))


def test_home(snap_compare, starter) -> None:
    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        _home_ready, _showing("Start search", "tree-cuts", "Tree cuts", "Add two numbers · easy",
                              "K samples", "concurrency")))


def test_home_method_list_open(snap_compare, starter) -> None:
    """The method select opened by keys: both methods in view, Start still on screen."""

    async def open_methods(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#budget-method").focus()
        await pilot.press("enter")
        await pilot.pause(0.2)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        _home_ready, open_methods, _showing("ORPS tree search", "sampling", "Start search")))


def test_home_sampling_picked(snap_compare, starter) -> None:
    """Sampling picked: beam and rounds greyed out, the calls line says what K buys."""

    async def pick_sampling(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#budget-method").focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause(0.2)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        _home_ready, pick_sampling, _showing("method      sampling", "3 calls: 3 programs, no critic",
                                             "Start search")))


def test_first_run_offer(snap_compare, starter) -> None:
    from orps_tui.app.first_run import state_file

    state_file().unlink()

    async def offered(pilot: Pilot) -> None:
        for _ in range(100):
            if pilot.app.screen.__class__.__name__ == "FirstRunModal":
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        offered, _showing("Fetch and use it", "Keep SmolLM2")))


def test_starting_screen_with_a_dead_model(snap_compare, tmp_path: Path) -> None:
    from orps_tui.problems.write import write_problem
    from tests.support.scripted_model import sample_problem

    path = write_problem(sample_problem(), tmp_path / "add-two.toml")
    app = OrpsApp(_offline(), Launch(problem=path, model="ollama:qwen2.5-coder:7b",
                                     budget=Budget(2, 1, 1, 1)))

    async def failed(pilot: Pilot) -> None:
        for _ in range(200):
            if pilot.app.screen.query("#embedded") and \
                    pilot.app.screen.query_one("#embedded").display:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=_in_order(
        failed, _showing("cannot answer", "Use the embedded model")))


def test_search(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(1), _showing("8/18 calls", "CPU ms", "peak MB", "WA")))


def test_search_code_tab(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(3, "2"))


def test_help(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE,
                        run_before=_in_order(_then(0, "question_mark"), _showing("Keys")))


def test_guide(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(0, "f1"))


async def _dialog_up(pilot: Pilot) -> None:
    """Until a dialog is on top, its text box focused, with a steady cursor."""
    from textual.screen import ModalScreen

    for _ in range(200):
        if isinstance(pilot.app.screen, ModalScreen):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)
    await steady_cursors(pilot)


def test_hint_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "h"), _dialog_up, _showing("Add hint")))


def test_edit_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "E"), _dialog_up, _showing("Submit as child", "def add")))


def test_budget_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "B"), _dialog_up, _showing("Search budget", "R rounds", "call cap", "Apply",
                                            "8 calls used")))


def test_expand_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "o"), _dialog_up, _showing("Expand #0", "temperature", "Extra instruction",
                                            "Cancel")))


def test_export_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "x"), _dialog_up, _showing("./add-two.py")))


def test_profile_pick_modal(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        _then(0, "P"), _dialog_up, _showing("Profile #0")))


def test_quit_confirm_modal(snap_compare) -> None:
    async def unsaved(pilot: Pilot) -> None:
        await _then(0)(pilot)
        pilot.app.screen.unsaved = True  # a search without a session file
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)

    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_in_order(
        unsaved, _showing("Quit anyway?", "Keep running")))


def test_review(snap_compare, tmp_path: Path) -> None:
    from orps_tui.app.start_search import build_link, open_session
    from orps_tui.problems.load import load_problem
    from orps_tui.problems.write import write_problem
    from tests.support.scripted_model import FakeJudge, sample_problem
    from tests.ui.harness import scripted

    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    link = build_link(problem, "scripted:test", Budget(2, 1, 1, 1), Settings(),
                      model=scripted(delay_s=0), judge=FakeJudge(problem))
    asyncio.run(link.engine.run())
    review = open_session(link.session_path, Settings())
    app = OrpsApp(Settings(), link=review, frozen_clock=True)

    async def ready(pilot: Pilot) -> None:
        await pilot.pause(0.5)

    assert snap_compare(app, terminal_size=SIZE, run_before=_in_order(
        ready, _showing("REVIEW", "hidden 2/2 AC")))


def _practice(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        from orps_tui.app.screens.practice import PracticeScreen
        from orps_tui.problems.library import find_problem

        screen = PracticeScreen(find_problem("warm-streak"), warm=False)
        await pilot.app.push_screen(screen)
        for _ in range(100):  # until the statement is rendered
            if screen.query_one("#practice-statement").children:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        if keys:
            # The dialog's dimmed background keeps the editor's cursor in whichever blink
            # phase it had when the dialog covered it: stop it blinking (shown) first.
            screen.editor.cursor_blink = False
            await settled(pilot)
        for key in keys:
            await pilot.press(key)
            for _ in range(100):  # until the dialog is up
                if pilot.app.screen is not screen:
                    break
                await pilot.pause(0.05)
            await pilot.pause(0.3)
        await steady_cursors(pilot)

    return run


def test_practice(snap_compare) -> None:
    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        _practice(), _showing("statement", "Warm Streak")))


def test_practice_custom_test_modal(snap_compare) -> None:
    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_practice("f7"))


def test_practice_stress_modal(snap_compare) -> None:
    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_practice("f9"))
