"""Comparing: any node against a marked one (m, D, or the palette), the node table sorted and
filtered by per-node facts, and two sessions side by side from the home screen's list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget
from orps_tui.app.screens.compare_sessions import CompareScreen
from orps_tui.app.screens.node_diff import NodeDiffScreen
from orps_tui.app.screens.node_table import NodeTableScreen
from orps_tui.app.screens.search import SearchScreen
from orps_tui.config import Settings
from orps_tui.search.node_facts import FactColumn, node_facts, sort_facts
from tests.support.scripted_model import code_reply, critic_json
from tests.support.two_sessions import two_sessions
from tests.ui.harness import (
    BAD,
    GOOD,
    SIZE,
    live_app,
    notifications,
    scripted,
    select,
    wait_finished,
    wait_for,
)

THREE = Budget(3, 1, 0, 1)
"""Three roots: #0 right (critic 4), #1 and #2 wrong (critic 2 and 1)."""


def _three_roots() -> object:
    return scripted(programmer=[code_reply(GOOD, "Add them."), code_reply(BAD, "Subtract."),
                                code_reply(BAD, "Subtract, again.")],
                    critic=[critic_json(4, "Right."), critic_json(2, "Wrong."),
                            critic_json(1, "Wrong again.")], delay_s=0)


def _body(app: OrpsApp) -> str:
    return str(app.screen.query_one("#node-diff-body", Static).render())


async def test_m_marks_a_node_and_D_diffs_another_against_it() -> None:
    app, link = live_app(_three_roots(), THREE)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 1)
        await pilot.press("D")
        assert any("mark a node first" in n for n in notifications(app))
        await pilot.press("m")
        await select(pilot, 0)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeDiffScreen), what="the diff")
        body = _body(app)
        assert "--- #1 code" in body and "+++ #0 code" in body
        assert "-    return a - b" in body and "+    return a + b" in body
        assert "--- #1 reasoning" in body and "-Subtract." in body and "+Add them." in body
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), what="closed")


async def test_the_palette_diffs_against_the_mark() -> None:
    app, link = live_app(_three_roots(), THREE)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 2)
        await pilot.press("m")
        await select(pilot, 1)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"diff node against the mark")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeDiffScreen), what="the diff")
        body = _body(app)
        assert "Same code." in body and "--- #2 reasoning" in body
        assert "-Subtract, again." in body and "+Subtract." in body


async def test_node_table_sorts_by_critic_then_filters_and_goes_to_a_node() -> None:
    app, link = live_app(_three_roots(), THREE)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 2)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeTableScreen), what="table")
        table = app.screen
        assert isinstance(table, NodeTableScreen)
        assert table.order == [0, 1, 2]  # by id
        for _ in range(len(FactColumn)):
            if table.sort_by is FactColumn.CRITIC:
                break
            await pilot.press("s")
        assert table.sort_by is FactColumn.CRITIC
        critic = {n.id: n.process_score for n in link.nodes.values()}
        assert critic == {0: 4.0, 1: 2.0, 2: 1.0}
        assert table.order == [0, 1, 2]
        await pilot.press("r")
        assert table.order == [2, 1, 0]
        expected = [f.id for f in sort_facts([node_facts(n) for n in link.nodes.values()],
                                             FactColumn.PROGRAMMER_IN)]
        while table.sort_by is not FactColumn.PROGRAMMER_IN:
            await pilot.press("s")
        assert table.order == expected
        fates = {n.id: n.fate for n in link.nodes.values()}
        await pilot.press("slash")
        await pilot.press(*"stopped")
        await pilot.pause(0.1)
        assert table.order == sorted((i for i, f in fates.items() if f and "stopped" in f),
                                     key=expected.index)
        await pilot.press("enter", "enter")  # from the box to the table, then the first row
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), what="back")
        assert app.screen.selected_id == table.order[0]


@pytest.fixture
def sessions() -> tuple[Path, Path]:
    return two_sessions()


async def test_home_compares_two_sessions_picked_with_c(sessions: tuple[Path, Path]) -> None:
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        listing = app.screen.query_one("#session-list", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 2
                       and listing.get_option_at_index(0).id is not None, what="sessions")
        listing.focus()
        listing.highlighted = 0
        await pilot.press("c")
        listing.highlighted = 1
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), what="compare")
        text = str(app.screen.query_one("#compare-table", Static).render())
        assert "K2 B1 R0" in text and "K2 B1 R1" in text
        assert "nodes per round" in text and "2/2" in text
        assert all(p.name in text for p in sessions)


async def test_palette_compares_two_sessions(sessions: tuple[Path, Path]) -> None:
    from textual.widgets import SelectionList

    from orps_tui.app.screens.compare_sessions import SessionPickModal

    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"compare two")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionPickModal), what="picker")
        picker = app.screen.query_one(SelectionList)
        await pilot.press("ctrl+s")
        assert any("mark two sessions (0 marked)" in n for n in notifications(app))
        picker.select_all()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), what="compare")
        assert app.screen.warning is None


async def test_node_table_follows_a_running_search() -> None:
    app, link = live_app(scripted(delay_s=0.05), Budget(3, 1, 0, 1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(link.nodes), what="a first node")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeTableScreen), what="table")
        table = app.screen
        assert isinstance(table, NodeTableScreen)
        assert any(f.critic is None for f in table.facts)  # opened mid-search
        await wait_finished(pilot, link)
        await wait_for(pilot, lambda: table.order == [0, 1, 2] and all(
            f.critic is not None for f in table.facts), what="the table to catch up")
