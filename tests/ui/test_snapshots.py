"""SVG snapshots of every screen at 120x40 (regenerate with `--snapshot-update`, then LOOK
at them: `rsvg-convert -w 1400 X.svg -o X.png`). Deterministic: scripted model, judge
double with fixed figures, frozen clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from orps_tui.app.app import OrpsApp
from orps_tui.app.widgets.model_picker import ModelPicker
from orps_tui.app.widgets.problem_picker import ProblemPicker
from orps_tui.config import Settings
from orps_tui.problems.model import Difficulty, Statement
from orps_tui.problems.write import write_problem
from tests.support.scripted_model import sample_problem
from tests.ui.snapshot_search import frozen_search_app, select_node, wait_frozen

SIZE = (120, 40)


async def steady_cursors(pilot: Pilot) -> None:
    """Stop cursors blinking and wait for the screen to settle, so the frame does not depend
    on when it is taken (on a loaded 2-core CI machine a dialog's last layout pass or a
    highlighter can land after a fixed pause)."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause(0.1)
    # A TextArea caches its rendered lines: if it got the focus, or blinking stopped, while
    # the cursor was in its "off" phase, the cached line keeps no cursor although one is
    # due. Focusing it again re-renders the cursor's line.
    focused = pilot.app.focused
    if isinstance(focused, TextArea):
        focused.blur()
        await pilot.pause(0.05)
        focused.focus()
    await settled(pilot)


async def settled(pilot: Pilot, *, quiet_frames: int = 3, limit_s: float = 5.0) -> None:
    """Until `quiet_frames` screenshots in a row, 0.1 s apart, are the same."""
    previous, same = pilot.app.export_screenshot(), 0
    for _ in range(int(limit_s / 0.1)):
        await pilot.pause(0.1)
        frame = pilot.app.export_screenshot()
        same = same + 1 if frame == previous else 0
        if same >= quiet_frames:
            return
        previous = frame


def _then(node: int | None, *keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await wait_frozen(pilot)
        if node is not None:
            await select_node(pilot, node)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        await pilot.pause(0.2)
        await steady_cursors(pilot)

    return run


def _fixed_starter_set(folder: Path) -> None:
    """A small fixed problem set, so the snapshot does not change when problems/ grows."""
    base = sample_problem()
    for pid, title, difficulty, tags in (
        ("add-two", "Add two numbers", Difficulty.EASY, ("math",)),
        ("pair-sums", "Pair sums", Difficulty.MEDIUM, ("hashing", "two-pointers")),
        ("grid-paths", "Grid paths", Difficulty.MEDIUM, ("dp",)),
        ("tree-cuts", "Tree cuts", Difficulty.HARD, ("graphs", "dfs")),
    ):
        problem = replace(base, id=pid, title=title, difficulty=difficulty, tags=tags,
                          statement=Statement(f"# {title}\n\nA fixed problem for snapshots: "
                                              f"{', '.join(tags)}."))
        write_problem(problem, folder / f"{pid}.toml")


def test_home_screen(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fixed_starter_set(tmp_path)
    monkeypatch.setenv("ORPS_STARTER_DIR", str(tmp_path))
    settings = Settings()
    settings.model.ollama_host = "http://127.0.0.1:9"

    async def ready(pilot: Pilot) -> None:
        screen = pilot.app.screen
        for _ in range(200):
            if len(screen.query_one(ProblemPicker).rows) == 4 and \
                    "not running" in screen.query_one(ModelPicker).ollama_status:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        await steady_cursors(pilot)

    assert snap_compare(OrpsApp(settings), terminal_size=SIZE, run_before=ready)


def test_search_mid_search_reasoning_streaming(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(4, "1"))


def test_detail_code_tab(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(3, "2"))


def test_detail_critique_tab(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(1, "3"))


def test_detail_diff_tab(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(3, "4"))


def test_detail_prompt_tab(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(3, "5"))


def test_profiler_pane_failing_node(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(1, "tab",
                                                                                  "tab"))


def test_help_screen(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE,
                        run_before=_then(0, "question_mark"))


def test_guide_screen(snap_compare) -> None:
    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=_then(0, "f1"))


def test_hint_modal(snap_compare) -> None:
    from textual.widgets import TextArea

    hint = "Try sum() on the inputs"

    async def run(pilot: Pilot) -> None:
        await _then(0, "h")(pilot)
        for _ in range(200):  # type only once the box has the focus
            if pilot.app.screen.__class__.__name__ == "HintModal" and \
                    isinstance(pilot.app.focused, TextArea):
                break
            await pilot.pause(0.05)
        # the text as if typed (typing is tested in test_steering_keys; a key a press here
        # cost 10 s of the suite)
        pilot.app.screen.query_one(TextArea).insert(hint)
        for _ in range(200):
            if pilot.app.screen.query_one(TextArea).text == hint:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        await steady_cursors(pilot)

    assert snap_compare(frozen_search_app(), terminal_size=SIZE, run_before=run)
