"""80x24 snapshots of the comparing views: a node diffed against the mark, the node table
sorted, two sessions side by side, the session picker, and the statement dialog. The views
read two finished sessions whose clock figures are fixed (`two_sessions.frozen`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from orps_tui.app.app import OrpsApp
from orps_tui.app.start_search import open_session
from orps_tui.config import Settings
from orps_tui.problems.model import Statement
from orps_tui.problems.statement import placeholder
from orps_tui.problems.write import write_problem
from tests.support.scripted_model import sample_problem
from tests.support.two_sessions import frozen, two_sessions
from tests.ui.snapshot_search import select_node
from tests.ui.test_snapshots import steady_cursors
from tests.ui.test_snapshots_80x24 import (
    SIZE,
    _dialog_up,
    _home_ready,
    _in_order,
    _offline,
    _showing,
    starter,  # noqa: F401  (a fixture)
)


@pytest.fixture
def sessions() -> tuple[Path, Path]:
    return frozen(two_sessions())


def _review(path: Path) -> OrpsApp:
    return OrpsApp(Settings(), link=open_session(path, Settings()), frozen_clock=True)


def _keys(*keys: str, node: int | None = None) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await pilot.pause(0.5)
        if node is not None:
            await select_node(pilot, node)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        await steady_cursors(pilot)

    return run


def test_node_diff_against_the_mark(snap_compare, sessions) -> None:
    async def mark_then_diff(pilot: Pilot) -> None:
        await _keys(node=0)(pilot)
        await pilot.press("m")
        pilot.app.clear_notifications()  # its toast would time out at a load-dependent moment
        await select_node(pilot, 2)
        await pilot.press("D")
        await _dialog_up(pilot)

    assert snap_compare(_review(sessions[1]), terminal_size=SIZE, run_before=_in_order(
        mark_then_diff, _showing("#2 against the mark #0", "--- #0 code")))


def test_node_table_sorted_by_critic(snap_compare, sessions) -> None:
    assert snap_compare(_review(sessions[1]), terminal_size=SIZE, run_before=_in_order(
        _keys("t", "s", "s", "s", "s", "s", "s"), _showing("sorted by critic", "4 of 4 nodes")))


@pytest.mark.usefixtures("starter")
def test_compare_two_sessions(snap_compare, sessions) -> None:
    async def compare(pilot: Pilot) -> None:
        from orps_tui.app.screens.compare_sessions import CompareScreen

        await _home_ready(pilot)
        await pilot.app.push_screen(CompareScreen(list(sessions)))
        await _dialog_up(pilot)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        compare, _showing("nodes per round", "K2 B1 R1", "2026010")))


@pytest.mark.usefixtures("starter")
def test_session_pick_modal(snap_compare, sessions) -> None:
    async def pick(pilot: Pilot) -> None:
        from orps_tui.app.screens.compare_sessions import SessionPickModal

        await _home_ready(pilot)
        await pilot.app.push_screen(SessionPickModal())
        await _dialog_up(pilot)
        await pilot.press("space")
        await steady_cursors(pilot)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        pick, _showing("Compare two sessions", "add-two")))


def test_statement_modal(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = replace(sample_problem(), statement=Statement(
        placeholder("A. Add", "Round 1", "https://codeforces.com/contest/1/problem/A")))
    write_problem(problem, tmp_path / "add-two.toml")
    monkeypatch.setenv("ORPS_STARTER_DIR", str(tmp_path))

    async def ready(pilot: Pilot) -> None:
        from orps_tui.app.widgets.problem_picker import ProblemPicker

        for _ in range(200):
            if pilot.app.screen.query_one(ProblemPicker).rows:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        await pilot.press("ctrl+t")
        await _dialog_up(pilot)

    assert snap_compare(OrpsApp(_offline()), terminal_size=SIZE, run_before=_in_order(
        ready, _showing("Statement of add-two", "Save statement")))
