"""Steering, headless: every command's effect on a running search."""

from __future__ import annotations

import asyncio
import contextlib

from orps_tui.sandbox.report import JudgeReport
from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.tree import Author, NodeState
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b")
WRONG = code_reply("def add(a, b):\n    return a - b")


def make(model: ScriptedModel, **config: object) -> tuple[SearchEngine, list[ev.Event]]:
    problem = sample_problem()
    engine = SearchEngine(problem, model, judge=FakeJudge(problem),
                          config=SearchConfig(**config))  # type: ignore[arg-type]
    events: list[ev.Event] = []
    engine.subscribe(events.append)
    return engine, events


def on(engine: SearchEngine, predicate, action) -> None:
    """Run `action(event)` once, the first time `predicate(event)` holds."""
    fired = False

    def callback(event: ev.Event) -> None:
        nonlocal fired
        if not fired and predicate(event):
            fired = True
            action(event)

    engine.subscribe(callback)


def round_done(n: int):
    return lambda e: isinstance(e, ev.RoundFinished) and e.round == n


async def test_prune_removes_node_and_subtree_from_the_search() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine, _ = make(model, samples=2, beam=2, rounds=2)
    pruned: list[int] = []

    def prune_first_kept(e: ev.RoundFinished) -> None:
        pruned.append(e.kept[0])
        engine.send(ev.Prune(e.kept[0]))

    on(engine, round_done(0), prune_first_kept)
    await engine.run()
    target = engine.tree[pruned[0]]
    assert target.state is NodeState.PRUNED and target.children == []
    assert all(n.parent_id != target.id for n in engine.tree.nodes.values())
    assert engine.result is not None and engine.result.answer_id != target.id


async def test_prune_cancels_in_flight_descendants_and_unprune_restores() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.005)
    engine, _ = make(model, samples=2, beam=1, rounds=1)
    on(engine, lambda e: isinstance(e, ev.TextStreamed) and engine.tree[e.node_id].round == 1,
       lambda e: engine.send(ev.Prune(engine.tree[e.node_id].parent_id)))
    result = await engine.run()
    parent = engine.tree[engine.tree.roots[0]] if engine.tree[0].children else engine.tree[1]
    assert parent.state is NodeState.PRUNED
    children = engine.tree.children(parent.id)
    assert children and all(c.state is NodeState.PRUNED for c in children)
    assert any(c.raw_output for c in children)  # cut short, not lost
    assert result.reason == "budget" and result.stats.round == 1
    engine.send(ev.Unprune(parent.id))
    assert parent.state is NodeState.KEPT
    assert all(c.state is NodeState.CANCELLED for c in children)


async def test_boost_keeps_a_low_ranked_node_and_ranks_it_first() -> None:
    model = ScriptedModel(new_programs=True, programmer=[RIGHT, RIGHT, WRONG],
                          critic=lambda m, o: critic_json(5 if "a + b" in m[-1].content else 1),
                          chunk_delay_s=0.001)
    engine, _ = make(model, samples=3, beam=1, rounds=1, concurrency=1)
    on(engine, lambda e: isinstance(e, ev.NodeCritiqued) and e.node_id == 2,
       lambda e: engine.send(ev.Boost(2)))
    rounds: list[ev.RoundFinished] = []
    engine.subscribe(lambda e: rounds.append(e) if isinstance(e, ev.RoundFinished) else None)
    await engine.run()
    assert engine.tree[2].process_score == 1
    assert rounds[0].kept == (2,)  # boosted wins the only slot
    assert engine.tree[2].state is NodeState.KEPT and len(engine.tree[2].children) == 3


async def test_expand_now_adds_k_children_in_the_current_round() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine, _ = make(model, samples=2, beam=1, rounds=0)
    on(engine, lambda e: isinstance(e, ev.NodeStateChanged) and e.node_id == 0
       and e.new is NodeState.ACTIVE, lambda e: engine.send(ev.ExpandNow(0)))
    await engine.run()
    assert len(engine.tree) == 4
    assert [c.round for c in engine.tree.children(0)] == [0, 0]
    assert all(c.state is not NodeState.PENDING for c in engine.tree.nodes.values())


async def test_hint_reaches_the_next_programmer_call_as_feedback() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine, _ = make(model, samples=2, beam=1, rounds=1)
    on(engine, round_done(0), lambda e: engine.send(ev.AddHint(e.kept[0], "USE ADDITION")))
    await engine.run()
    children_calls = [c for c in model.calls_by("programmer") if len(c.messages) > 2]
    assert len(children_calls) == 2
    assert all("Feedback from the person supervising:\nUSE ADDITION" in c.messages[-1].content
               for c in children_calls)
    root_calls = [c for c in model.calls_by("programmer") if len(c.messages) == 2]
    assert all("USE ADDITION" not in c.messages[-1].content for c in root_calls)


async def test_hand_written_child_is_judged_and_critiqued() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(4), chunk_delay_s=0.002)
    engine, _ = make(model, samples=1, beam=1, rounds=0)
    code = "def add(a, b):\n    return sum((a, b))"
    on(engine, lambda e: isinstance(e, ev.NodeAdded) and e.node_id == 0,
       lambda e: engine.send(ev.AddHandWritten(0, code, "mine")))
    result = await engine.run()
    mine = engine.tree[1]
    assert mine.author is Author.PERSON and mine.parent_id == 0 and mine.code == code
    assert mine.report is not None and mine.report.passed == 2
    assert mine.process_score == 4
    assert len(model.calls_by("programmer")) == 1
    assert any(code in c.messages[-2].content for c in model.calls_by("critic"))
    assert result.answer_id == 1


async def test_pause_holds_new_calls_and_resume_continues() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.001)
    engine, events = make(model, samples=2, beam=1, rounds=0)
    engine.send(ev.Pause())
    task = asyncio.ensure_future(engine.run())
    await asyncio.sleep(0.1)
    assert engine.paused and model.calls == [] and engine.running
    engine.send(ev.Resume())
    result = await asyncio.wait_for(task, 5)
    assert result.stats.llm_calls == 4
    assert [e.paused for e in events if isinstance(e, ev.SearchPaused)] == [True, False]


async def test_cancel_in_flight_marks_nodes_cancelled_and_an_emptied_round_ends() -> None:
    """Both nodes of the only round were in flight: nothing is left to expand."""
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.005)
    engine, _ = make(model, samples=2, beam=1, rounds=1)
    on(engine, lambda e: isinstance(e, ev.TextStreamed) and e.node_id == 0,
       lambda e: engine.send(ev.CancelInFlight()))
    result = await asyncio.wait_for(engine.run(), 5)
    cancelled = [n for n in engine.tree.nodes.values() if n.state is NodeState.CANCELLED]
    assert {n.id for n in cancelled} == {0, 1}
    assert engine.tree[0].raw_output  # the partial text is kept
    assert any(c.cancelled for c in model.calls)
    assert result.reason == "nothing-active"


async def test_set_budget_mid_run() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine, _ = make(model, samples=2, beam=1, rounds=3)
    on(engine, round_done(0), lambda e: engine.send(ev.SetBudget(rounds=1, samples=3)))
    result = await engine.run()
    assert result.stats.round == 1 and len(engine.tree) == 2 + 3
    assert result.stats.budget == engine.config.budget == 2 * 3 * (1 + 1)
    engine.send(ev.SetBudget(samples=0))  # invalid: reported, nothing changes
    assert engine.config.samples == 3


async def test_stop_ends_now_and_still_picks_an_answer() -> None:
    model = ScriptedModel(new_programs=True, programmer=RIGHT, critic=critic_json(3), chunk_delay_s=0.003)
    engine, events = make(model, samples=2, beam=2, rounds=5)
    on(engine, lambda e: isinstance(e, ev.NodeAdded) and engine.tree[e.node_id].round == 1,
       lambda e: engine.send(ev.Stop()))
    result = await asyncio.wait_for(engine.run(), 5)
    assert result.reason == "stopped"
    assert result.answer_id in (0, 1) and result.hidden is not None
    assert not any(n.state.busy for n in engine.tree.nodes.values())


async def test_bad_commands_report_an_error_and_change_nothing() -> None:
    model = ScriptedModel(new_programs=True, programmer=RIGHT)
    engine, events = make(model, samples=1, beam=1, rounds=0)
    await engine.run()
    engine.send(ev.ExpandNow(99))
    engine.send(ev.Boost(0))  # the search is over: no beam is left to boost it into
    errors = [e for e in events if isinstance(e, ev.EngineError)]
    assert len(errors) == 2 and "no node 99" in errors[0].message
    assert "the search has finished" in errors[1].message
    assert engine.tree[0].state is not NodeState.BOOSTED and not engine.can_continue


async def test_a_node_added_while_a_round_closes_joins_the_next_round() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.001)
    engine, _ = make(model, samples=1, beam=1, rounds=1)
    on(engine, round_done(0),
       lambda e: engine.send(ev.AddHandWritten(None, "def add(a, b):\n    return b + a")))
    rounds: list[ev.RoundFinished] = []
    engine.subscribe(lambda e: rounds.append(e) if isinstance(e, ev.RoundFinished) else None)
    await engine.run()
    mine = next(n for n in engine.tree.nodes.values() if n.author is Author.PERSON)
    assert mine.round == 1 and mine.report is not None
    assert mine.state in (NodeState.KEPT, NodeState.STOPPED)
    assert rounds[1].kept == (mine.id,)  # it passes, the model's child does not


async def test_cancel_in_flight_leaves_queued_nodes_queued_and_the_search_goes_on() -> None:
    """esc cancels the calls in flight, not the nodes waiting for a model slot: with one
    slot, the first node's call is cancelled and the other two are generated, judged and
    kept, and the search goes on to the next round."""
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.005)
    engine, _ = make(model, samples=3, beam=1, rounds=1, concurrency=1)
    on(engine, lambda e: isinstance(e, ev.TextStreamed) and e.node_id == 0,
       lambda e: engine.send(ev.CancelInFlight()))
    result = await asyncio.wait_for(engine.run(), 10)
    assert engine.tree[0].state is NodeState.CANCELLED
    assert engine.tree[1].state is not NodeState.CANCELLED
    assert engine.tree[2].state is not NodeState.CANCELLED
    assert result.stats.round == 1 and result.reason == "budget"
    assert [n for n in engine.tree.nodes.values() if n.round == 1]  # it went on expanding


async def test_cancel_in_flight_leaves_a_node_waiting_for_a_slot() -> None:
    """With one slot, a node keeps it from its programmer call to its critic call, so the
    next node waits; esc cancels the call in flight and the waiting node goes on."""
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.005)
    engine, _ = make(model, samples=2, beam=1, rounds=0, concurrency=1)
    waiting: list[int] = []

    def cancel_when_a_node_waits(e: ev.Event) -> None:
        streaming_critic = isinstance(e, ev.TextStreamed) and e.role == "critic"
        pending = [n.id for n in engine.tree.nodes.values() if n.state is NodeState.PENDING]
        if not waiting and streaming_critic and pending:
            waiting.extend(pending)
            engine.send(ev.CancelInFlight())

    engine.subscribe(cancel_when_a_node_waits)
    await asyncio.wait_for(engine.run(), 10)
    assert waiting, "never had a node waiting behind a critic call"
    states = {n.id: n.state for n in engine.tree.nodes.values()}
    assert sum(s is NodeState.CANCELLED for s in states.values()) == 1, states
    assert all(states[i] is not NodeState.CANCELLED for i in waiting), states


async def test_unprune_of_a_queued_node_queues_it_again() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.005)
    engine, _ = make(model, samples=3, beam=1, rounds=0, concurrency=1)

    def prune_then_unprune(e: ev.Event) -> None:
        engine.send(ev.Prune(2))
        asyncio.get_running_loop().call_later(0.02, engine.send, ev.Unprune(2))

    on(engine, lambda e: isinstance(e, ev.TextStreamed) and e.node_id == 0, prune_then_unprune)
    await asyncio.wait_for(engine.run(), 10)
    node = engine.tree[2]
    assert node.state not in (NodeState.CANCELLED, NodeState.PRUNED), node.state
    assert node.code and node.report is not None  # generated and judged after all


async def test_stop_sent_when_a_round_closes_starts_no_next_round() -> None:
    # A subscriber (a person's key, a steering policy) answering RoundSettled or
    # RoundFinished with Stop: the search ends there, no child of the kept nodes is made.
    for closing in (ev.RoundSettled, ev.RoundFinished):
        model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.001)
        engine, _ = make(model, samples=2, beam=2, rounds=2)
        on(engine, lambda e, kind=closing: isinstance(e, kind) and e.round == 0,
           lambda e, engine=engine: engine.send(ev.Stop()))
        result = await engine.run()
        assert result.reason == "stopped", closing
        assert all(n.round == 0 and n.parent_id is None for n in engine.tree.nodes.values()), \
            closing
        assert len(model.calls) == 4, closing  # two roots, each written and reviewed


async def test_regrade_reports_all_tests_and_leaves_the_hidden_grade_alone() -> None:
    """`r` used to store its all-tests report as the node's hidden grade, so the final
    grade counted public + hidden tests (4, not 2) and hidden grading was skipped."""
    model = ScriptedModel(new_programs=True, programmer=RIGHT, critic=critic_json(3))
    engine, events = make(model, samples=2, beam=1, rounds=0, concurrency=1)
    judge = engine.judge
    assert isinstance(judge, FakeJudge)
    regraded = asyncio.Event()
    on(engine, lambda e: isinstance(e, ev.RoundSettled), lambda e: engine.send(ev.Regrade(0)))
    on(engine, lambda e: isinstance(e, ev.NodeRegraded), lambda e: regraded.set())
    arun = judge.arun

    async def hidden_after_the_regrade(code: str, which: str = "public") -> JudgeReport:
        if which == "hidden":  # at most 5 s: a missing regrade fails below, never hangs
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(regraded.wait(), 5)
        return await arun(code, which)

    judge.arun = hidden_after_the_regrade  # type: ignore[method-assign]
    result = await engine.run()
    answers = [e for e in events if isinstance(e, ev.NodeRegraded)]
    assert [e.node_id for e in answers] == [0]
    assert answers[0].report.total == 4
    assert {t.public for t in answers[0].report.tests} == {True, False}
    assert [w for _, w in judge.calls].count("hidden") == 1
    assert result.hidden is not None and result.hidden.total == 2
    assert all(n.hidden_report is None or n.hidden_report.total == 2
               for n in engine.tree.nodes.values())
    assert not any(isinstance(e, ev.EngineError) for e in events)


async def test_regrade_works_after_the_search_and_is_not_recorded(tmp_path) -> None:
    from orps_tui.search.session import SessionWriter, load_session

    problem = sample_problem()
    config = SearchConfig(samples=1, beam=1, rounds=0)
    session = SessionWriter.create(problem, "scripted", config, root=tmp_path)
    engine = SearchEngine(problem, ScriptedModel(new_programs=True, programmer=RIGHT), judge=FakeJudge(problem),
                          config=config, session=session)
    result = await engine.run()
    got: list[ev.Event] = []
    engine.subscribe(got.append)
    engine.send(ev.Regrade(0))
    for _ in range(100):
        if got:
            break
        await asyncio.sleep(0.01)
    assert isinstance(got[0], ev.NodeRegraded) and got[0].report.total == 4
    assert result.hidden is not None and result.hidden.total == 2
    assert load_session(session.directory).commands == []


async def test_commands_dispatch_by_type_not_by_class_name() -> None:
    """`send` looked up `_cmd_<class name>`: any class named `Prune` pruned."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Prune(ev.Command):  # a stranger with a steering command's name
        node_id: int

    model = ScriptedModel(new_programs=True, programmer=RIGHT, critic=critic_json(3))
    engine, events = make(model, samples=1, beam=1, rounds=0)
    on(engine, lambda e: isinstance(e, ev.NodeAdded), lambda e: engine.send(Prune(e.node_id)))
    await engine.run()
    assert engine.tree[0].state is not NodeState.PRUNED
    assert any(isinstance(e, ev.EngineError) and "unknown command" in e.message for e in events)
