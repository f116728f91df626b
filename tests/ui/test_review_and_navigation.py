"""Review of a saved session (read-only, keyboard-only) and tree navigation keys."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget, Launch
from orps_tui.app.screens.search import ScreenState, SearchScreen
from orps_tui.app.search_link import SearchLink
from orps_tui.app.start_search import build_link
from orps_tui.app.widgets.detail_pane import DetailPane
from orps_tui.app.widgets.line_heat import LineHeat
from orps_tui.app.widgets.profiler_pane import ProfilerPane
from orps_tui.app.widgets.search_tree import SearchTree
from orps_tui.config import Settings
from orps_tui.problems.write import write_problem
from orps_tui.search.tree import NodeState
from tests.support.scripted_model import sample_problem
from tests.ui.harness import (
    SIZE,
    live_app,
    notifications,
    real_judge,
    scripted,
    select,
    wait_for,
)


@pytest.fixture
def saved_session(tmp_path: Path) -> Path:
    """A finished search (2 rounds) written to a session folder by the real engine."""
    problem_file = write_problem(sample_problem(), tmp_path / "add-two.toml")
    from orps_tui.problems.load import load_problem

    problem = load_problem(problem_file)
    link = build_link(problem, "scripted:test", Budget(3, 2, 1, 2), Settings(),
                      model=scripted(delay_s=0), judge=real_judge(problem))
    asyncio.run(link.engine.run())
    link.engine.session.close()
    return link.session_path


async def test_resume_of_a_finished_session_opens_read_only(saved_session: Path) -> None:
    app = OrpsApp(Settings(), Launch(resume=saved_session), frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), what="review")
        screen = app.screen
        assert screen.link.read_only and screen.state is ScreenState.REVIEW
        nodes = screen.link.nodes
        assert len(nodes) == 9
        await select(pilot, 0)
        before = {n.id: n.state for n in nodes.values()}
        for key in ("p", "b", "e", "h", "E", "space", "escape"):
            app._notifications.clear()
            await pilot.press(key)
            await pilot.pause(0.05)
            assert isinstance(app.screen, SearchScreen), f"{key} opened something"
            assert any("read-only session" in m for m in notifications(app)), key
        assert {n.id: n.state for n in nodes.values()} == before
        assert all(n.hints == [] for n in nodes.values())


def _footer_keys(screen) -> set[str]:
    """The actions the footer offers now."""
    return {b.binding.action for b in screen.active_bindings.values()
            if b.binding.show and b.enabled}


async def test_the_review_footer_offers_only_what_review_does(saved_session: Path) -> None:
    """The REVIEW footer advertised p/b/e/h/space, which review refuses."""
    app = OrpsApp(Settings(), Launch(resume=saved_session), frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), what="review")
        await pilot.pause(0.1)
        offered = _footer_keys(app.screen)
        assert not offered & {"prune", "boost", "expand", "hint", "pause"}, offered
        assert {"next_best", "export", "help"} <= offered


async def test_p_is_offered_only_for_a_node_with_code() -> None:
    """`P` (and the profiler's "Press P") were offered on nodes with no code."""
    from orps_tui.search.tree import Node

    app, link = live_app(scripted(programmer=["no code here at all"] * 3), Budget(1, 1, 0, 1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: link.engine.result is not None, what="the search")
        await select(pilot, 0)
        node: Node = link.engine.tree[0]
        assert not node.code
        screen = app.screen
        assert screen.check_action("profile", ()) is False
        heat = screen.query_one(LineHeat)
        assert "Press P" not in str(heat.query_one("#heat-body").render())
        app._notifications.clear()
        await pilot.press("P")
        await pilot.pause(0.1)
        assert isinstance(app.screen, SearchScreen)  # no test picker opened


async def test_review_is_complete_from_the_keyboard(saved_session: Path, tmp_path: Path) -> None:
    app = OrpsApp(Settings(), Launch(resume=saved_session), frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        tree = screen.query_one(SearchTree)
        best = screen.link.best_id()
        assert screen.selected_id == best, "review opens on the answer"
        # Tabs by number.
        for key, tab in zip("12345", ("reasoning", "code", "critique", "diff", "prompt"),
                            strict=True):
            await pilot.press(key)
            assert screen.query_one(DetailPane).active_tab == tab
        # Tree navigation: top, down, first child, parent, siblings.
        await pilot.press("g")
        await pilot.pause(0.05)
        assert tree.selected_id == 0
        await pilot.press("right")
        await pilot.pause(0.05)
        first_child = screen.link.nodes[0].children[0] if screen.link.nodes[0].children else None
        if first_child is not None:
            assert screen.selected_id == first_child
            await pilot.press("right_square_bracket")
            await pilot.pause(0.05)
            assert screen.selected_id == screen.link.nodes[0].children[1]
            await pilot.press("left_square_bracket")
            await pilot.pause(0.05)
            assert screen.selected_id == first_child
            await pilot.press("left")
            await pilot.pause(0.05)
            assert screen.selected_id == 0
        await pilot.press("j")
        await pilot.pause(0.05)
        assert screen.selected_id != 0
        await pilot.press("k")
        await pilot.pause(0.05)
        assert screen.selected_id == 0
        # n: the answer first; f: a node failing a public test.
        await pilot.press("n")
        await pilot.pause(0.05)
        assert screen.selected_id == best
        await pilot.press("f")
        await pilot.pause(0.05)
        failing = screen.link.nodes[screen.selected_id]
        assert failing.report is not None and failing.report.pass_rate < 1.0
        # Export and copy work in review.
        await pilot.press("c")
        assert app.clipboard == failing.code
        # r: re-judge on all tests, with a judge built for the review; the node's own
        # (saved) hidden grade is not touched.
        hidden_before = failing.hidden_report
        await pilot.press("r")
        await wait_for(pilot, lambda: failing.id in screen.regrades, what="re-judged")
        assert screen.regrades[failing.id].total == 4
        assert failing.hidden_report is hidden_before


async def test_P_profiles_a_test_and_shows_line_heat() -> None:
    app, link = live_app(scripted(delay_s=0), Budget(3, 1, 1, 1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: link.engine.result is not None, 60)
        await select(pilot, 0)
        await pilot.press("P")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PickModal")
        await pilot.press("enter")  # the first test
        heat = app.screen.query_one(LineHeat)
        await wait_for(pilot, lambda: heat.data is not None, 60, "the profile")
        assert heat.data.test_name == "p1"
        assert heat.data.lines, "per-line figures came back"
        assert "instrumented re-run" in heat.data.title
        # The heat is below the test table: the pane scrolls to it (it used to stay out of
        # sight, so P looked like it did nothing).
        pane = app.screen.query_one(ProfilerPane)
        await wait_for(pilot, lambda: pane.scroll_y > 0, 5, "the pane to scroll to the heat")
        assert pane.region.contains_point(heat.region.offset), "the heat's top is on screen"


async def test_detail_streams_reasoning_while_generating() -> None:
    model = scripted(delay_s=0.01)
    model.pause_after = 3  # the reply stops mid-stream until the test has looked
    app, link = live_app(model, Budget(1, 1, 0, 1))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: 0 in link.engine.tree
                       and link.engine.tree[0].state is NodeState.GENERATING
                       and len(link.engine.tree[0].raw_output) > 12, what="streaming")
        from orps_tui.app.widgets.reasoning_view import ReasoningView

        await wait_for(pilot, lambda: bool(screen.query_one(ReasoningView).shown),
                       what="the reasoning pane to show the stream")
        shown = screen.query_one(ReasoningView).shown
        assert link.engine.tree[0].state is NodeState.GENERATING
        assert link.engine.tree[0].raw_output.startswith(shown[:12])
        model.resume.set()
        await wait_for(pilot, lambda: link.engine.result is not None)
        await pilot.pause(0.2)
        assert screen.query_one(ReasoningView).shown == link.engine.tree[0].reasoning


async def _quit_midway(problem_file: Path) -> SearchLink:
    """A search on a copy of the sample problem, quit as soon as it has a node: its
    session is left resumable."""
    from orps_tui.problems.load import load_problem

    problem = load_problem(write_problem(sample_problem(), problem_file))
    link = build_link(problem, "scripted:test", Budget(2, 1, 1, 1), Settings(),
                      model=scripted(delay_s=0.05), judge=real_judge(problem))
    assert link.engine is not None
    task = asyncio.create_task(link.engine.run())
    while not link.engine.tree.nodes:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return link


async def test_home_lists_sessions_by_what_opening_them_does(saved_session: Path,
                                                               tmp_path: Path) -> None:
    """A session quit mid-search was listed as `review` though opening it resumed it."""
    from textual.widgets import OptionList

    quit_midway = await _quit_midway(tmp_path / "add-two-b.toml")
    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        sessions = app.screen.query_one("#session-list", OptionList)
        await wait_for(pilot, lambda: sessions.option_count == 2
                       and sessions.get_option_at_index(0).id is not None, what="the sessions")
        labels = {sessions.get_option_at_index(i).id: str(sessions.get_option_at_index(i).prompt)
                  for i in range(2)}
        assert labels[str(quit_midway.session_path)].startswith("resume")
        assert labels[str(saved_session)].startswith("review")


async def test_v_opens_a_resumable_session_read_only(tmp_path: Path) -> None:
    """Enter resumes a session quit mid-search; `v` in the home list only reads it: review
    state, no engine, and the session file is left as it was."""
    from textual.widgets import OptionList

    quit_midway = await _quit_midway(tmp_path / "add-two-c.toml")
    assert quit_midway.session_path is not None
    files = {f: f.read_bytes() for f in quit_midway.session_path.iterdir() if f.is_file()}

    app = OrpsApp(Settings())
    async with app.run_test(size=SIZE) as pilot:
        sessions = app.screen.query_one("#session-list", OptionList)
        await wait_for(pilot, lambda: sessions.option_count == 1
                       and sessions.get_option_at_index(0).id is not None, what="the session")
        assert str(sessions.get_option_at_index(0).prompt).startswith("resume")
        sessions.focus()
        sessions.highlighted = 0
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), what="review")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.link.read_only and screen.link.engine is None
        assert screen.state is ScreenState.REVIEW
        await pilot.pause()
    assert {f: f.read_bytes() for f in quit_midway.session_path.iterdir()
            if f.is_file()} == files


async def test_live_and_review_headers_give_the_same_figures(tmp_path: Path) -> None:
    """warm-streak: live `8/8 calls`, saved `llm_calls: 8`, review `4 calls` (failed and
    cancelled calls were counted live but not recorded). Every figure has one source."""
    from dataclasses import replace

    from orps_tui.app.start_search import open_session
    from orps_tui.llm.base import ModelErrorKind
    from orps_tui.problems.load import load_problem
    from orps_tui.search import events as ev
    from tests.support.scripted_model import Fault

    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    model = scripted(delay_s=0.02)
    link = build_link(problem, "scripted:test", Budget(3, 1, 1, 1), Settings(),
                      model=model, judge=real_judge(problem))
    engine = link.engine
    # node 1's programmer call fails on every attempt (the backend layer retries a cut
    # stream, so a fault on one attempt alone would be repaired)
    from orps_tui.search.engine import node_seed

    seed_1 = node_seed(engine.config.seed, 1)
    model.fault_when = lambda c: Fault(ModelErrorKind.SERVER, after_chunks=1) \
        if c.role == "programmer" and c.options.seed == seed_1 else None
    cancelled: list[int] = []

    def cancel_once(event: ev.Event) -> None:
        if not cancelled and isinstance(event, ev.TextStreamed) and event.node_id == 2:
            cancelled.append(2)
            engine.send(ev.CancelInFlight())

    engine.subscribe(cancel_once)
    await engine.run()
    assert cancelled and any(n.error for n in engine.tree.nodes.values())
    live = link.header("finished")
    review_link = open_session(link.session_path, Settings())
    assert review_link.read_only
    review = review_link.header("finished")
    assert live.llm_calls == engine.stats.llm_calls == review.llm_calls
    assert replace(review, elapsed_s=0) == replace(live, elapsed_s=0)
    assert review.elapsed_s == pytest.approx(live.elapsed_s, abs=0.01)
    assert live.max_calls == engine.config.budget


async def test_the_hidden_grade_stays_in_the_header_and_the_answer_detail(
        tmp_path: Path) -> None:
    """The hidden-test grade appeared only in a toast that went away."""
    from orps_tui.app.start_search import open_session
    from orps_tui.app.widgets.status_header import StatusHeader
    from orps_tui.problems.load import load_problem

    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    link = build_link(problem, "scripted:test", Budget(2, 1, 0, 1), Settings(),
                      model=scripted(delay_s=0), judge=real_judge(problem))
    app = OrpsApp(Settings(), link=link, frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: link.engine.result is not None, what="the search")
        await pilot.pause(0.3)
        hidden = link.engine.result.hidden
        assert hidden is not None
        grade = f"hidden {hidden.passed}/{hidden.total}"
        assert grade in str(app.screen.query_one(StatusHeader).render())
        answer = link.engine.result.answer_id
        await select(pilot, answer)
        summary = str(app.screen.query_one("#detail-summary").render())
        assert "the answer" in summary and f"{hidden.passed}/{hidden.total} hidden tests" in summary
    review = open_session(link.session_path, Settings())
    assert review.header("review").hidden == grade + f" {hidden.verdict.value}"


async def test_a_resumed_search_keeps_counting_its_time(tmp_path: Path) -> None:
    """The clock restarted at 00:00 on resume."""
    from orps_tui.app.start_search import open_session
    from orps_tui.problems.load import load_problem
    from orps_tui.search import events as ev

    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    first = build_link(problem, "scripted:test", Budget(2, 1, 1, 1), Settings(),
                       model=scripted(delay_s=0.05), judge=real_judge(problem))
    task = asyncio.create_task(first.engine.run())
    while not (0 in first.engine.tree and first.engine.tree[0].process_score is not None):
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ran_for = first.engine.stats.elapsed_s
    calls_before = first.engine.stats.llm_calls
    assert ran_for > 0.2
    resumed = open_session(first.session_path, Settings(), model=scripted(delay_s=0),
                           judge=real_judge(problem))
    seen: list[tuple[float, int]] = []
    resumed.subscribe(lambda e: seen.append((resumed.engine.stats.elapsed_s,
                                             resumed.engine.stats.llm_calls))
                      if not isinstance(e, ev.SearchStarted) else None)
    await resumed.engine.run()
    assert seen[0][0] >= ran_for - 0.002 and seen[0][1] >= calls_before  # wall_s is to 1 ms
    calls = sum(len(n.calls) for n in resumed.engine.tree.nodes.values())
    assert resumed.engine.stats.llm_calls == calls > calls_before


async def test_resume_of_an_unfinished_session_continues_the_search(tmp_path: Path) -> None:
    from orps_tui.app.start_search import open_session
    from orps_tui.problems.load import load_problem

    problem = load_problem(write_problem(sample_problem(), tmp_path / "add-two.toml"))
    first = build_link(problem, "scripted:test", Budget(2, 1, 1, 1), Settings(),
                       model=scripted(delay_s=0.02), judge=real_judge(problem))

    async def run_then_cancel() -> None:
        task = asyncio.create_task(first.engine.run())
        while not (0 in first.engine.tree and first.engine.tree[0].process_score is not None):
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    await run_then_cancel()
    first.engine.session.close()
    done_before = len(first.engine.tree)

    link = open_session(first.session_path, Settings(), model=scripted(delay_s=0),
                        judge=real_judge(problem))
    assert not link.read_only
    app = OrpsApp(Settings(), link=link, frozen_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: link.engine.result is not None, 60, "the resumed search")
        assert link.engine.tree[0].process_score is not None
        assert len(link.engine.tree) > done_before or link.engine.stats.round == 1
        assert app.screen.query_one(SearchTree).line_for(0) is not None
