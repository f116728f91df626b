"""A problem without a statement (Competitive Companion): the home screen says so, ctrl+t
pastes one into the problem file, and starting a search on it warns first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget, Launch
from orps_tui.app.screens.statement_modal import StatementModal
from orps_tui.app.widgets.problem_picker import NO_STATEMENT, ProblemPicker
from orps_tui.config import Settings
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import Statement
from orps_tui.problems.statement import placeholder
from orps_tui.problems.write import write_problem
from tests.support.scripted_model import sample_problem
from tests.ui.harness import SIZE, notifications, wait_for

DEAD_HOST = "http://127.0.0.1:9"


def _offline() -> Settings:
    settings = Settings()
    settings.model.ollama_host = DEAD_HOST
    return settings


@pytest.fixture
def linked_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A starter set of one problem that came with a link and tests only."""
    problem = replace(sample_problem(), statement=Statement(
        placeholder("A. Add", "Round 1", "https://codeforces.com/contest/1/problem/A")))
    monkeypatch.setenv("ORPS_STARTER_DIR", str(tmp_path))
    return write_problem(problem, tmp_path / "add-two.toml")


def _preview(app: OrpsApp) -> str:
    return str(app.screen.query_one("#problem-statement", Static).render())


async def test_home_names_a_missing_statement_and_ctrl_t_saves_one(linked_only: Path) -> None:
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) == 1, what="the problem")
        await wait_for(pilot, lambda: NO_STATEMENT in _preview(app), what="the warning")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, StatementModal), what="the modal")
        area = app.screen.query_one(TextArea)
        assert "Read the statement at" in area.text
        area.text = "Given two integers a and b, return a + b."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, StatementModal),
                       what="the modal to close")
        saved = load_problem(linked_only)
        assert saved.statement.text == "Given two integers a and b, return a + b.\n"
        assert saved.tests == sample_problem().tests
        await wait_for(pilot, lambda: NO_STATEMENT not in _preview(app), what="no warning")
        assert "a + b" in _preview(app)


async def test_starting_a_search_on_it_warns_first(linked_only: Path) -> None:
    app = OrpsApp(_offline(), Launch(problem=linked_only, model="ollama:qwen2.5-coder:7b",
                                     budget=Budget(2, 1, 1, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("has no statement" in n for n in notifications(app)),
                       what="the warning")
        assert any(n.startswith("add-two has no statement") for n in notifications(app))
