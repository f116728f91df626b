"""Budget, Stop, expanding with settings, and continuing a finished search, pressed in the
real app and checked against the engine and the session file (issue 14, items 1, 2, 5)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget
from orps_tui.app.screens.budget_modal import BudgetModal
from orps_tui.app.screens.expand_modal import ExpandModal
from orps_tui.app.start_search import build_link, open_session
from orps_tui.config import Settings
from orps_tui.problems.load import load_problem
from orps_tui.problems.write import write_problem
from orps_tui.search.events import SetBudget
from orps_tui.search.session import load_session
from tests.support.scripted_model import sample_problem
from tests.ui.harness import (
    SIZE,
    live_app,
    notifications,
    real_judge,
    scripted,
    select,
    wait_finished,
    wait_for,
)

SERIAL = Budget(samples=2, beam=1, rounds=1, concurrency=1)


async def _open_modal(pilot, key: str, kind: type) -> object:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), 5, kind.__name__)
    return pilot.app.screen


async def test_B_gives_a_running_search_more_rounds_and_it_is_saved() -> None:
    model = scripted()
    model.pause_after = 1  # the search waits in its first call while the budget is changed
    app, link = live_app(model, SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: len(engine.tree) >= 1 and model.in_flight == 1,
                       what="a node's call")
        modal = await _open_modal(pilot, "B", BudgetModal)
        rounds = modal.query_one("#budget-rounds", Input)
        assert rounds.value == "1"  # prefilled with the current budget
        assert modal.query_one("#budget-samples", Input).value == "2"
        assert modal.query_one("#budget-max_calls", Input).value == ""
        rounds.value = "2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: engine.config.rounds == 2, 5, "rounds raised")
        model.resume.set()
        await wait_finished(pilot, link)
        assert engine.stats.round == 2
        assert engine.stats.budget == engine.config.budget == 2 * 2 * (1 + 2 * 1)
    saved = load_session(link.session_path)
    assert any(isinstance(c, SetBudget) and c.rounds == 2 for c in saved.commands)
    assert saved.config.rounds == 2 and [r for r, _ in saved.rounds] == [0, 1, 2]


async def test_S_stops_now_and_grades_the_best() -> None:
    app, link = live_app(scripted(delay_s=0.05), Budget(2, 1, 5, 1), save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].report is not None,
                       what="node 0 judged")
        await pilot.press("S")
        await wait_finished(pilot, link)
        result = engine.result
        assert result.reason == "stopped" and result.answer_id is not None
        assert result.hidden is not None  # graded
        assert engine.stats.round < 5
    assert load_session(link.session_path).finished["reason"] == "stopped"


async def test_e_continues_a_finished_search_in_its_session() -> None:
    app, link = live_app(scripted(delay_s=0), SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        engine = link.engine
        before = len(engine.tree)
        await select(pilot, 0)
        await pilot.press("e")
        await wait_for(pilot, lambda: len(engine.tree) == before + 2 and engine.result
                       is not None and not engine.running, what="the continued search")
        await pilot.pause(0.2)
        assert app.screen.state == "finished"
        assert any("continues" in m for m in notifications(app))
        new = [n for n in engine.tree.nodes.values() if n.id >= before]
        assert all(n.parent_id == 0 and n.report is not None for n in new)
    saved = load_session(link.session_path)
    assert len(saved.tree) == before + 2 and not saved.resumable


async def test_o_expands_with_settings_recorded_on_the_children() -> None:
    app, link = live_app(scripted(delay_s=0), SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        engine = link.engine
        before = len(engine.tree)
        await select(pilot, 0)
        modal = await _open_modal(pilot, "o", ExpandModal)
        assert modal.query_one("#expand-samples", Input).value == "2"
        modal.query_one("#expand-samples", Input).value = "1"
        modal.query_one("#expand-temperature", Input).value = "0.2"
        modal.query_one("#expand-instruction", TextArea).text = "Avoid recursion."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(engine.tree) == before + 1 and engine.result
                       is not None and not engine.running, what="the expansion")
        child = engine.tree[before]
        assert (child.temperature, child.instruction) == (0.2, "Avoid recursion.")
        assert "Avoid recursion." in child.prompt[-1]["content"]
        await select(pilot, child.id)
        summary = str(app.screen.query_one("#detail-summary").render())
        assert "temperature 0.2" in summary and "Avoid recursion." in summary
    saved = load_session(link.session_path).tree[before]
    assert (saved.temperature, saved.instruction) == (0.2, "Avoid recursion.")


async def test_keys_that_shape_a_beam_stay_refused_once_finished() -> None:
    app, link = live_app(scripted(delay_s=0), SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 0)
        before = link.engine.tree[0].state
        for key in ("p", "b", "S"):
            await pilot.press(key)
        await pilot.pause(0.2)
        assert link.engine.tree[0].state is before
        refusals = [m for m in notifications(app) if m.startswith("the search has finished")]
        assert len(refusals) == 3, notifications(app)


async def test_a_reopened_finished_session_continues_and_review_stays_read_only(
        tmp_path: Path) -> None:
    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    first = build_link(problem, "scripted:test", SERIAL, Settings(), model=scripted(delay_s=0),
                       judge=real_judge(problem))
    await first.run()
    directory = first.session_path
    count = len(first.engine.tree)
    # asked for read-only: keys refuse and say how to continue instead
    review = open_session(directory, Settings(), resume=False)
    app = OrpsApp(Settings(), link=review, frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, 0)
        await pilot.press("e")
        await pilot.pause(0.2)
        assert any("--review" in m for m in notifications(app)), notifications(app)
    assert len(load_session(directory).tree) == count
    # opened plainly: a finished search that `e` continues, written to the same file
    link = open_session(directory, Settings(), model=scripted(delay_s=0),
                        judge=real_judge(problem))
    assert link.finished and not link.read_only
    app = OrpsApp(Settings(), link=link, frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.state == "finished"
        await select(pilot, 0)
        await pilot.press("e")
        await wait_for(pilot, lambda: len(link.engine.tree) == count + 2 and link.engine.result
                       is not None and not link.engine.running, what="the continued search")
    again = load_session(directory)
    assert len(again.tree) == count + 2 and not again.resumable
