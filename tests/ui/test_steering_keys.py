"""Every steering key, pressed in the real app, checked against the ENGINE's state.

A real `SearchEngine` runs a scripted model (deterministic, streamed in chunks) and the
real sandbox judge; the app runs through Textual's Pilot at 120x40.
"""

from __future__ import annotations

from pathlib import Path

from orps_tui.app.launch import Budget
from orps_tui.app.screens.node_table import NodeTableScreen
from orps_tui.app.screens.search import SearchScreen
from orps_tui.app.widgets.search_tree import SearchTree
from orps_tui.search.events import Stop
from orps_tui.search.tree import Author, NodeFate, NodeState
from tests.support.scripted_model import code_reply, critic_json
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

SERIAL = Budget(samples=3, beam=1, rounds=1, concurrency=1)


async def test_p_prunes_a_node_that_then_never_expands() -> None:
    model = scripted()
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        # Node 0 holds the good code: it would top the beam. Prune it once it is judged.
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].report is not None,
                       what="node 0 judged")
        await select(pilot, 0)
        await pilot.press("p")
        await wait_for(pilot, lambda: engine.tree[0].state is NodeState.PRUNED, what="pruned")
        await wait_finished(pilot, link)
        assert engine.tree[0].state is NodeState.PRUNED
        assert engine.tree[0].children == []
        assert all(n.parent_id != 0 for n in engine.tree.nodes.values())
        # The beam went on without it: another root was expanded instead.
        assert any(n.parent_id in (1, 2) for n in engine.tree.nodes.values())


async def test_p_again_unprunes() -> None:
    app, link = live_app(scripted(delay_s=0.03), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].report is not None
                       and not engine.tree[0].state.busy, what="node 0 scored")
        await select(pilot, 0)
        await pilot.press("p")
        await wait_for(pilot, lambda: engine.tree[0].state is NodeState.PRUNED)
        await pilot.press("p")
        await wait_for(pilot, lambda: engine.tree[0].state is not NodeState.PRUNED,
                       what="unpruned")
        await wait_finished(pilot, link)
        assert engine.tree[0].children, "the unpruned best node was expanded"


async def test_b_boosts_a_low_ranked_node_into_the_next_beam() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 2 in engine.tree, what="node 2 added")
        await select(pilot, 2)
        await pilot.press("b")
        await wait_for(pilot, lambda: engine.stats.round >= 1, what="round 1")
        # Beam of one: the boosted (wrong) node is kept, not the better node 0.
        assert engine.tree[2].state is NodeState.KEPT
        assert engine.tree[0].state is NodeState.STOPPED
        await wait_finished(pilot, link)
        assert any(n.parent_id == 2 for n in engine.tree.nodes.values())
        assert all(n.parent_id != 0 for n in engine.tree.nodes.values())


async def test_e_expands_a_node_now() -> None:
    app, link = live_app(scripted(delay_s=0.03), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].process_score
                       is not None and not engine.tree[0].state.busy, what="node 0 scored")
        assert engine.stats.round == 0
        await select(pilot, 0)
        await pilot.press("e")
        await wait_for(pilot, lambda: len(engine.tree[0].children) >= 3, what="children")
        # Spawned in round 0 itself, before any beam selection.
        assert all(engine.tree[c].round == 0 for c in engine.tree[0].children[:3])
        assert engine.stats.round == 0
        await wait_finished(pilot, link)


async def test_h_adds_a_hint_the_next_programmer_prompt_contains() -> None:
    model = scripted()
    model.pause_after = 1  # the first call waits until the engine is paused
    app, link = live_app(model, SERIAL)
    hint = "Mind the sign."
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and model.in_flight == 1,
                       what="node 0's call")
        await pilot.press("space")  # hold round 0 while the person types
        model.resume.set()
        await select(pilot, 0)
        await pilot.press("h")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HintModal")
        await pilot.press(*hint)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: engine.tree[0].hints == [hint], what="hint recorded")
        assert engine.stats.round == 0
        await pilot.press("space")
        await wait_finished(pilot, link)
        children = [engine.tree[c] for c in engine.tree[0].children]
        assert children, "node 0 (the best) was expanded"
        for child in children:
            assert any(hint in m["content"] for m in child.prompt), "the hint reached the prompt"
        calls_with_hint = [c for c in model.calls_by("programmer")
                           if any(hint in m.content for m in c.messages)]
        assert len(calls_with_hint) == len(children)


async def test_a_hint_shows_on_the_live_tree_at_once() -> None:
    """The `+1 hint` marker showed in review only: the live tree was not relabelled."""
    model = scripted()
    model.pause_after = 1  # the first call waits until the engine is paused
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and model.in_flight == 1,
                       what="node 0's call")
        await pilot.press("space")  # nothing else changes while paused
        model.resume.set()
        await select(pilot, 0)
        await pilot.press("h")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HintModal")
        await pilot.press(*"Mind the sign.")
        await pilot.press("ctrl+s")
        tree = app.screen.query_one(SearchTree)
        await wait_for(pilot, lambda: "+1 hint" in str(tree.line_for(0).label),
                       what="the hint marker on #0")
        await pilot.press("space")
        await wait_finished(pilot, link)


async def test_h_then_escape_adds_nothing() -> None:
    app, link = live_app(scripted(delay_s=0.03), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: 0 in link.engine.tree)
        await select(pilot, 0)
        await pilot.press("h", "x", "y", "escape")
        await pilot.pause(0.1)
        assert isinstance(app.screen, SearchScreen)
        assert link.engine.tree[0].hints == []


async def test_E_edits_code_into_a_judged_person_written_child() -> None:
    app, link = live_app(scripted(delay_s=0.02), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 1 in engine.tree and engine.tree[1].code != "",
                       what="node 1 has code")
        await select(pilot, 1)
        await pilot.press("E")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EditModal")
        from textual.widgets import TextArea

        editor = app.screen.query_one(TextArea)
        assert editor.text == engine.tree[1].code
        editor.text = GOOD  # fix the sign, as a person would
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(n.author is Author.PERSON
                                          for n in engine.tree.nodes.values()),
                       what="a person-written node")
        person = next(n for n in engine.tree.nodes.values() if n.author is Author.PERSON)
        assert person.parent_id == 1
        assert person.code == GOOD
        await wait_for(pilot, lambda: person.report is not None and not person.state.busy,
                       what="the person's node judged")
        assert person.report.passed == person.report.total == 2
        await wait_finished(pilot, link)


async def test_space_toggles_engine_pause() -> None:
    model = scripted()
    model.pause_after = 1  # node 0's first call is mid-stream when the person pauses
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: model.in_flight == 1, what="a call in flight")
        await pilot.press("space")
        assert engine.paused is True
        calls = len(model.calls)
        model.resume.set()
        await pilot.pause(0.6)
        # Paused: the call in flight completed, and its node's critic call (which keeps the
        # node's model slot, for the server's cache) may follow; no other node's call starts.
        assert len(model.calls) <= calls + 1
        assert {c.role for c in model.calls[calls:]} <= {"critic"}
        await wait_for(pilot, lambda: app.screen.state == "paused")
        await pilot.press("space")
        assert engine.paused is False
        await wait_finished(pilot, link)


async def test_escape_cancels_in_flight_calls() -> None:
    model = scripted()
    model.pause_after = 1  # every reply stops after its first chunk until resumed
    app, link = live_app(model, Budget(samples=2, beam=1, rounds=1, concurrency=2))
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: model.in_flight == 2, what="two calls in flight")
        await pilot.press("escape")
        await wait_for(pilot, lambda: model.in_flight == 0, what="calls cancelled")
        model.resume.set()
        assert sum(c.cancelled for c in model.calls) == 2
        cancelled = [n for n in engine.tree.nodes.values() if n.state is NodeState.CANCELLED]
        assert {n.id for n in cancelled} == {0, 1}
        await wait_finished(pilot, link)


async def test_escape_with_a_boosted_node_queued_goes_on_with_it() -> None:
    """esc cancelled the queued, boosted node too and the search ended; it must cancel
    only the call in flight, and the boosted node is kept in the next beam."""
    model = scripted()
    model.pause_after = 1  # every reply stops after its first chunk until resumed
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 2 in engine.tree and model.in_flight == 1,
                       what="a call in flight, two nodes queued")
        await select(pilot, 2)
        await pilot.press("b", "escape")
        await wait_for(pilot, lambda: any(c.cancelled for c in model.calls),
                       what="the call cancelled")
        model.resume.set()
        await wait_finished(pilot, link)
        cancelled = {n.id for n in engine.tree.nodes.values() if n.state is NodeState.CANCELLED}
        assert len(cancelled) == 1 and cancelled <= {0, 1}  # the queued node 2 goes on
        assert engine.tree[2].state is NodeState.KEPT
        assert link.engine.result.reason == "budget" and link.engine.result.stats.round == 1
        assert engine.tree.children(2), "the boosted node was not expanded"


async def test_p_twice_on_a_queued_node_queues_it_again() -> None:
    model = scripted()
    model.pause_after = 1  # every reply stops after its first chunk until resumed
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 2 in engine.tree and model.in_flight == 1,
                       what="a call in flight, two nodes queued")
        await select(pilot, 2)
        await pilot.press("p")
        await wait_for(pilot, lambda: engine.tree[2].state is NodeState.PRUNED, what="pruned")
        await pilot.press("p")
        await wait_for(pilot, lambda: engine.tree[2].state is NodeState.PENDING, what="queued")
        model.resume.set()
        await wait_finished(pilot, link)
        assert engine.tree[2].report is not None  # generated and judged after all


async def test_r_rejudges_the_node_on_every_test() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_finished(pilot, link)
        await select(pilot, 1)
        await pilot.press("r")
        screen = app.screen
        await wait_for(pilot, lambda: 1 in screen.regrades, what="node 1 re-judged")
        report = screen.regrades[1]
        assert engine.tree[1].hidden_report is None  # shown, not written into the engine
        assert report.total == len(engine.problem.tests) == 4
        assert {t.public for t in report.tests} == {True, False}
        assert report.passed == 0  # a - b fails every test


async def test_R_rejudges_every_node_and_the_tree_marks_them() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_finished(pilot, link)
        before = {i: n.hidden_report for i, n in engine.tree.nodes.items()}
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        judged = {n.id for n in engine.tree.nodes.values() if n.code.strip()
                  and n.fate is not NodeFate.REPEATED}
        await wait_for(pilot, lambda: judged <= set(screen.regrades) and not screen.regrading_all,
                       what="every node re-judged")
        tree = screen.query_one(SearchTree)
        line = {i: str(tree.line_for(i).label) for i in judged}
        assert "✓all" in line[0] and "✗all" in line[1]  # a + b, a - b
        # shown, not written into the engine
        assert {i: n.hidden_report for i, n in engine.tree.nodes.items()} == before
        passing = sorted(i for i in judged if screen.regrades[i].passes_every_test)
        summary = notifications(app)[-1]
        assert summary.startswith("on all tests: " + ", ".join(f"#{i}" for i in passing))
        assert f"the answer #{engine.result.answer_id} is one" in summary
        # one summary, not a notice per node
        assert not any(m.startswith("#1 on all tests") for m in notifications(app))
        # The node table has the figure as a column and a filter word.
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, NodeTableScreen), what="table")
        table = app.screen
        assert isinstance(table, NodeTableScreen)
        by_id = {f.id: f for f in table.facts}
        assert by_id[0].all_tests == 1.0 and by_id[1].all_tests == 0.0
        await pilot.press("slash", *"all-pass", "enter")
        await wait_for(pilot, lambda: table.order == passing, what="filtered to all-pass")


async def test_R_still_sums_up_when_the_judge_fails_on_a_node() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_finished(pilot, link)
        judge = engine.judge
        original = judge.arun

        async def failing(code: str, which: str) -> object:
            if "a - b" in code:
                raise RuntimeError("sandbox gone")
            return await original(code, which)

        judge.arun = failing
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await wait_for(pilot, lambda: any(m.startswith("on all tests") for m in
                                          notifications(app)), what="the summary")
        assert not screen.regrading_all
        assert any("the judge failed on node 1" in m for m in notifications(app))
        assert "#0 passes every test" in notifications(app)[-1]


async def test_c_copies_the_code() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 0)
        await pilot.press("c")
        assert app.clipboard == link.engine.tree[0].code == GOOD.strip() + "\n" or \
            app.clipboard == link.engine.tree[0].code
        assert any("copied" in m for m in notifications(app))


async def test_x_exports_the_selected_solution(tmp_path: Path) -> None:
    app, link = live_app(scripted(), SERIAL)
    target = tmp_path / "out" / "answer.py"
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        await select(pilot, 0)
        await pilot.press("x")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PathModal")
        from textual.widgets import Input

        field = app.screen.query_one(Input)
        assert field.value == "./add-two.py"
        field.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists, what="the exported file")
        assert target.read_text().strip() == link.engine.tree[0].code.strip()


async def test_s_saves_the_session_and_it_loads_back() -> None:
    from orps_tui.search.session import load_session

    app, link = live_app(scripted(), SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(link.engine.tree) >= 3)
        await pilot.press("s")
        assert any(m.startswith("saved to") for m in notifications(app))
        await wait_finished(pilot, link)
        await pilot.press("s")
        saved = load_session(link.session_path)
        assert len(saved.tree) == len(link.engine.tree)
        assert saved.finished is not None


async def test_question_mark_shows_the_keys_of_the_focused_pane() -> None:
    app, link = live_app(scripted(), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen")
        text = app.screen.markdown
        assert "Keys: tree" in text and "`tree.prune`" in text and "go to the parent node" in text.lower()
        await pilot.press("escape")
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "GuideScreen")
        await pilot.press("escape")
        await wait_finished(pilot, link)


async def test_remapped_key_from_config_prunes() -> None:
    from orps_tui.config import Settings

    settings = Settings()
    settings.ui.keys = {"tree.prune": "d"}
    app, link = live_app(scripted(delay_s=0.03), SERIAL, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: 0 in link.engine.tree)
        await select(pilot, 0)
        await pilot.press("p")  # no longer bound
        await pilot.pause(0.1)
        assert link.engine.tree[0].state is not NodeState.PRUNED
        await pilot.press("d")
        await wait_for(pilot, lambda: link.engine.tree[0].state is NodeState.PRUNED)
        await wait_finished(pilot, link)


async def test_ctrl_q_asks_only_while_a_search_runs_unsaved() -> None:
    app, link = live_app(scripted(delay_s=0.05), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(link.engine.tree) >= 1 and app.screen.unsaved)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ConfirmModal")
        await pilot.press("n")
        assert isinstance(app.screen, SearchScreen)
        await wait_finished(pilot, link)
        await pilot.press("ctrl+q")
        await pilot.pause(0.1)
    assert app.return_value == 0


async def test_palette_runs_steering_commands_by_name() -> None:
    model = scripted()
    model.pause_after = 1  # the search waits in its first call while the palette is used
    app, link = live_app(model, SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: link.engine.running)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"pause")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: link.engine.paused, what="paused from the palette")
        await pilot.press("space")
        assert not link.engine.paused
        link.engine.send(Stop())  # the rest of the search proves nothing more
        model.resume.set()
        await wait_finished(pilot, link)


def test_critic_reply_helpers_are_what_the_tests_assume() -> None:
    assert "a + b" in code_reply(GOOD) and "a - b" in BAD
    assert '"score": 4' in critic_json(4)


async def test_steering_keys_after_the_search_finished_are_refused() -> None:
    """After the end the session file is closed: a prune used to say "pruned" and change the
    tree on screen, yet the review of the saved session showed the node unpruned."""
    app, link = live_app(scripted(delay_s=0), SERIAL, save_session=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        engine = link.engine
        await select(pilot, 0)
        before = engine.tree[0].state
        for key in ("p", "b", "space"):  # e, h, E continue it (test_steering_continue.py)
            await pilot.press(key)
        await pilot.pause(0.2)
        assert engine.tree[0].state is before
        refusals = [m for m in notifications(app) if m.startswith("the search has finished")]
        assert len(refusals) == 3, notifications(app)
        assert not any("pruned" in m or "boosted" in m for m in notifications(app))


async def test_one_esc_cancels_the_code_editor_dialog() -> None:
    """The code editor took the first esc to let go of the focus: the dialog stayed open and
    the next key (`x`) was typed into the code."""
    app, link = live_app(scripted(delay_s=0.02), SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].code != "",
                       what="node 0 has code")
        await select(pilot, 0)
        await pilot.press("E")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EditModal")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), 5,
                       "the dialog to close on one esc")
        assert not any(n.author is Author.PERSON for n in engine.tree.nodes.values())
        await wait_finished(pilot, link)


async def test_saving_unchanged_code_from_the_editor_adds_no_child(
        tmp_path: Path, monkeypatch) -> None:
    """ctrl+e, then saving without a change (the editor adds the final newline, as vim
    does) made a duplicate child. E then ctrl+s without a change did too."""
    import contextlib
    import sys

    editor = tmp_path / "save-unchanged.py"
    editor.write_text("import sys\np = sys.argv[1]\ntext = open(p).read()\n"
                      "open(p, 'w').write(text.rstrip('\\n') + '\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app, link = live_app(scripted(), SERIAL)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless cannot suspend
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].code != "",
                       what="node 0 has code")
        await pilot.press("space")
        await select(pilot, 0)
        engine.tree[0].code = engine.tree[0].code.rstrip("\n")  # as a model may leave it
        before = len(engine.tree)
        await pilot.press("ctrl+e")
        await pilot.pause(0.3)
        assert len(engine.tree) == before
        assert any("unchanged" in m for m in notifications(app))
        await pilot.press("E")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EditModal")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert len(engine.tree) == before
        await pilot.press("space")
        await wait_finished(pilot, link)


async def test_boost_in_the_last_round_does_not_promise_a_next_beam() -> None:
    app, link = live_app(scripted(delay_s=0.05), Budget(samples=3, beam=1, rounds=0,
                                                         concurrency=1))
    async with app.run_test(size=SIZE) as pilot:
        engine = link.engine
        await wait_for(pilot, lambda: 0 in engine.tree and engine.tree[0].report is not None,
                       what="node 0 judged")
        await select(pilot, 0)
        app._notifications.clear()
        await pilot.press("b")
        said = " ".join(notifications(app))
        assert "boosted" in said and "next beam" not in said and "last round" in said
        await wait_finished(pilot, link)
