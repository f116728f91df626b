"""A finished search goes on: commands sent after the end are queued (ExpandNow,
AddHandWritten) or applied and recorded at once (AddHint, SetBudget); `run()` again runs
them, in the same session file, and the session reloads with the new nodes."""

from __future__ import annotations

import asyncio
import contextlib
import json

from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.prompts import Role
from orps_tui.search.session import SessionWriter, load_session
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


def _engine(model: ScriptedModel, **config: object) -> SearchEngine:
    problem = sample_problem()
    cfg = SearchConfig(**config)  # type: ignore[arg-type]
    session = SessionWriter.create(problem, model.uri, cfg)
    return SearchEngine(problem, model, judge=FakeJudge(problem), config=cfg, session=session)


async def _stopped_in_round_one(model: ScriptedModel) -> SearchEngine:
    """A K2 B1 R5 search that a Stop ended early in round 1 (its round-1 nodes cancelled)."""
    engine = _engine(model, samples=2, beam=1, rounds=5)

    def stop_in_round_one(e: ev.Event) -> None:
        if isinstance(e, ev.NodeAdded) and engine.tree[e.node_id].round == 1:
            engine.send(ev.Stop())

    unsubscribe = engine.subscribe(stop_in_round_one)
    first = await engine.run()
    unsubscribe()
    assert first.reason == "stopped"
    return engine


def _records(engine: SearchEngine) -> list[dict]:
    assert engine.session is not None
    lines = (engine.session.directory / "session.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


async def test_expand_with_settings_continues_a_finished_search_in_its_session() -> None:
    model = ScriptedModel(new_programs=True, programmer=[WRONG, RIGHT], critic=critic_json(3))
    engine = _engine(model, samples=2, beam=1, rounds=1, concurrency=1)
    first = await engine.run()
    assert engine.finished and first.reason == "budget"
    before, calls_before = len(engine.tree), first.stats.llm_calls
    engine.send(ev.ExpandNow(0, samples=3, temperature=0.3, instruction="Use a plain loop."))
    assert engine.can_continue and len(engine.tree) == before  # queued, not run yet
    second = await engine.run()
    new = [engine.tree[i] for i in engine.tree[0].children if i >= before]
    assert len(new) == 3 and len(engine.tree) == before + 3
    assert all(n.temperature == 0.3 and n.instruction == "Use a plain loop." for n in new)
    assert all(n.round == 2 and n.state is not NodeState.PENDING for n in new)
    programmer = [c for c in model.calls[calls_before:] if c.role == Role.PROGRAMMER]
    assert len(programmer) == 3 and all(c.options.temperature == 0.3 for c in programmer)
    assert "Use a plain loop." in programmer[0].messages[-1].content
    critic = [c for c in model.calls[calls_before:] if c.role == Role.CRITIC]
    assert all(c.options.temperature == engine.config.temperature for c in critic)
    assert second.reason == "budget" and second.stats.llm_calls == calls_before + 6
    # one session file: resumed, the command, the new nodes, a new end record
    records = _records(engine)
    resumed = max(i for i, r in enumerate(records) if r["type"] == "resumed")
    after = records[resumed:]
    assert [r["command"] for r in after if r["type"] == "command"] == ["ExpandNow"]
    assert records[-1]["type"] == "finished"
    loaded = load_session(engine.session.directory)
    assert not loaded.resumable and len(loaded.tree) == before + 3
    assert loaded.tree[new[0].id].instruction == "Use a plain loop."
    assert loaded.tree[new[0].id].temperature == 0.3
    assert loaded.rounds[-1][0] == 2


async def test_more_rounds_continue_from_the_last_beam() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine = _engine(model, samples=2, beam=1, rounds=1)
    await engine.run()
    kept = next(n.id for n in engine.tree.nodes.values()
                if n.round == 1 and n.state is NodeState.KEPT)
    assert not engine.can_continue
    engine.send(ev.SetBudget(rounds=3))
    assert engine.can_continue and engine.config.rounds == 3
    result = await engine.run()
    assert result.stats.round == 3
    assert [engine.tree[c].round for c in engine.tree[kept].children] == [2, 2]
    loaded = load_session(engine.session.directory)
    assert loaded.config.rounds == 3 and not loaded.resumable
    assert [r for r, _ in loaded.rounds] == [0, 1, 2, 3]


async def test_more_calls_continue_a_search_that_spent_its_call_budget() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine = _engine(model, samples=2, beam=1, rounds=3, max_calls=4)
    first = await engine.run()
    assert first.stats.llm_calls == 4 and first.stats.round == 0
    engine.send(ev.SetBudget(max_calls=8))
    result = await engine.run()
    assert result.stats.llm_calls == 8 and result.stats.round == 1
    assert load_session(engine.session.directory).config.max_calls == 8


async def test_a_hint_to_a_finished_search_is_saved_and_it_stays_finished() -> None:
    model = ScriptedModel(new_programs=True, programmer=RIGHT, critic=critic_json(4))
    engine = _engine(model, samples=1, beam=1, rounds=0)
    await engine.run()
    engine.send(ev.AddHint(0, "mind the input limits"))
    assert engine.tree[0].hints == ["mind the input limits"] and not engine.can_continue
    loaded = load_session(engine.session.directory)
    assert loaded.tree[0].hints == ["mind the input limits"]
    assert not loaded.resumable  # no `resumed` record: a review opens it again


async def test_a_stopped_search_continues_only_with_what_was_asked() -> None:
    engine = await _stopped_in_round_one(
        ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002))
    before = len(engine.tree)
    engine.send(ev.AddHandWritten(0, "def add(a, b):\n    return b + a\n"))
    result = await engine.run()
    person = [n for n in engine.tree.nodes.values() if n.author is Author.PERSON]
    assert len(person) == 1 and len(engine.tree) == before + 1
    assert person[0].round == 1 and person[0].report is not None
    assert result.stats.round == 1  # the cut round settled; no further rounds were asked for


async def test_a_finished_session_reopened_continues_like_the_engine_that_wrote_it() -> None:
    model = ScriptedModel(new_programs=True, programmer=[WRONG, RIGHT], critic=critic_json(3))
    engine = _engine(model, samples=2, beam=1, rounds=0)
    first = await engine.run()
    calls = first.stats.llm_calls
    directory = engine.session.directory
    saved = load_session(directory)
    problem = sample_problem()
    again = SearchEngine(problem, model, judge=FakeJudge(problem), config=saved.config,
                         restore=saved)
    assert again.finished and again.result is not None
    assert again.result.answer_id == first.answer_id
    assert len(again.tree) == 2 and again.stats.llm_calls == calls
    again.send(ev.Boost(0))  # shapes a beam: nothing to shape once finished
    again.send(ev.ExpandNow(first.answer_id or 0, samples=1))
    result = await again.run()
    assert len(again.tree) == 3 and result.stats.llm_calls == calls + 2
    reloaded = load_session(directory)
    assert len(reloaded.tree) == 3 and not reloaded.resumable
    assert reloaded.tree[2].parent_id == (first.answer_id or 0)


async def test_a_continuation_cut_short_resumes_only_what_was_asked() -> None:
    """A search stopped in round 1 of 5, continued with one expansion and quit during it:
    resumed, it finishes that expansion and ends; it neither runs rounds 2-5 nor brings
    back the nodes the Stop had cancelled."""
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine = await _stopped_in_round_one(model)
    stopped = {n.id for n in engine.tree.nodes.values() if n.state is NodeState.CANCELLED}
    assert stopped  # the Stop cut round 1 short
    before = len(engine.tree)
    engine.send(ev.ExpandNow(0, samples=1))
    task = asyncio.create_task(engine.run())

    def quit_when_generating(e: ev.Event) -> None:
        if isinstance(e, ev.TextStreamed) and e.node_id >= before:
            task.cancel()

    engine.subscribe(quit_when_generating)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert engine.session is not None
    saved = load_session(engine.session.directory)
    assert saved.resumable and saved.continuation is not None
    assert (saved.continuation.round, saved.continuation.round_cap) == (1, 1)
    assert saved.continuation.first_node == before

    problem = sample_problem()
    resumed = SearchEngine(problem, model, judge=FakeJudge(problem), config=saved.config,
                           session=SessionWriter.append_to(saved.directory), restore=saved)
    result = await resumed.run()
    assert result.stats.round == 1 and result.reason == "budget"
    assert max(n.round for n in resumed.tree.nodes.values()) == 1
    assert len(resumed.tree) == before + 1
    new = resumed.tree[before]
    assert new.parent_id == 0 and new.state not in (NodeState.PENDING, NodeState.CANCELLED)
    assert {n.id for n in resumed.tree.nodes.values()
            if n.state is NodeState.CANCELLED} == stopped
    assert load_session(saved.directory).continuation is None
