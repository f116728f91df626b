"""Per-node facts the engine records: why a node was kept, stopped, retired or pruned, the
steering commands that touched it, and its outcome score's parts; saved in the session
and read back (sessions from before these fields still load)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.scoring import outcome_score
from orps_tui.search.session import SessionWriter, load_session, node_to_dict
from orps_tui.search.tree import NodeFate, NodeState, SteeringMark
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
    return SearchEngine(problem, model, judge=FakeJudge(problem), config=cfg,
                        session=SessionWriter.create(problem, model.uri, cfg))


def _on_round_settled(engine: SearchEngine, round_no: int, command: ev.Command) -> None:
    def callback(event: ev.Event) -> None:
        if isinstance(event, ev.RoundSettled) and event.round == round_no:
            engine.send(command)

    engine.subscribe(callback)


async def test_fates_follow_the_beam_and_score_parts_add_up() -> None:
    # Roots 0 and 1 wrong (critic 3 and 2 by order), root 2 right and retired by the critic.
    critics = iter([critic_json(3), critic_json(2), critic_json(5, finished=True)])
    model = ScriptedModel(new_programs=True, programmer=[WRONG, WRONG, RIGHT], critic=lambda m, o: next(critics),
                          chunk_delay_s=0)
    engine = _engine(model, samples=3, beam=1, rounds=0, concurrency=1)
    await engine.run()
    fates = {n.id: n.fate for n in engine.tree.nodes.values()}
    assert fates == {0: NodeFate.KEPT_RANK, 1: NodeFate.STOPPED_RANK,
                     2: NodeFate.RETIRED_PASSED_AND_DONE}
    problem = engine.problem
    for node in engine.tree.nodes.values():
        assert node.report is not None and node.score_parts is not None
        parts = node.score_parts
        assert parts.pass_rate == node.report.pass_rate
        assert 0.0 <= parts.time_headroom <= 1.0 and 0.0 <= parts.memory_headroom <= 1.0
        assert node.outcome_score == pytest.approx(parts.outcome)
        assert parts.outcome == pytest.approx(
            outcome_score(node.report, engine.config.scales, problem.limits))
    assert engine.tree[0].score_parts.pass_rate == 0.0  # type: ignore[union-attr]
    assert engine.tree[2].score_parts.pass_rate == 1.0  # type: ignore[union-attr]


async def test_boost_prune_and_hint_leave_marks_and_fates_that_reload() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine = _engine(model, samples=3, beam=1, rounds=1)
    # Round 0: node 0 would be kept by rank (ties go to the older node); boost node 2
    # instead, prune node 1, hint node 2 - all before the beam is chosen.
    _on_round_settled(engine, 0, ev.Boost(2))
    _on_round_settled(engine, 0, ev.Prune(1))
    _on_round_settled(engine, 0, ev.AddHint(2, "try harder"))
    await engine.run()
    tree = engine.tree
    assert tree[2].fate is NodeFate.KEPT_BOOSTED and tree[2].state is NodeState.KEPT
    assert tree[1].fate is NodeFate.PRUNED and tree[1].state is NodeState.PRUNED
    assert tree[0].fate is NodeFate.STOPPED_RANK  # the boost took the only beam slot
    assert tree[2].steered == [SteeringMark("Boost", 0), SteeringMark("AddHint", 0)]
    assert tree[1].steered == [SteeringMark("Prune", 0)]
    assert tree[0].steered == []
    assert [c.parent_id for c in tree.nodes.values() if c.round == 1] == [2, 2, 2]

    loaded = load_session(engine.session.directory)  # type: ignore[union-attr]
    for node in tree.nodes.values():
        again = loaded.tree[node.id]
        assert (again.fate, again.steered, again.score_parts) == \
            (node.fate, node.steered, node.score_parts)
        assert node_to_dict(again)["fate"] == node_to_dict(node)["fate"]


async def test_pruning_marks_the_subtree_and_unpruning_restores_the_fates() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3))
    engine = _engine(model, samples=2, beam=1, rounds=1)
    await engine.run()
    tree = engine.tree
    kept = next(n for n in tree.nodes.values() if n.fate is NodeFate.KEPT_RANK and n.round == 0)
    child = tree[kept.children[0]]
    before = child.fate
    engine.send(ev.Prune(kept.id))
    assert kept.fate is NodeFate.PRUNED and child.fate is NodeFate.PRUNED_WITH_ANCESTOR
    assert kept.steered[-1].command == "Prune" and child.steered == []
    engine.send(ev.Unprune(kept.id))
    assert kept.fate is NodeFate.KEPT_RANK and child.fate is before
    assert [m.command for m in kept.steered] == ["Prune", "Unprune"]


async def test_a_prune_of_a_busy_node_is_saved_with_its_fate() -> None:
    model = ScriptedModel(new_programs=True, programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine = _engine(model, samples=2, beam=2, rounds=0)

    def prune_while_streaming(event: ev.Event) -> None:
        if isinstance(event, ev.TextStreamed) and event.node_id == 1 \
                and engine.tree[1].state is not NodeState.PRUNED:
            engine.send(ev.Prune(1))

    engine.subscribe(prune_while_streaming)
    await engine.run()
    loaded = load_session(engine.session.directory)  # type: ignore[union-attr]
    assert loaded.tree[1].state is NodeState.PRUNED
    assert loaded.tree[1].fate is NodeFate.PRUNED
    assert loaded.tree[1].steered == [SteeringMark("Prune", 0)]


def test_a_session_from_before_these_fields_still_loads(tmp_path: Path) -> None:
    directory = tmp_path / "old"
    directory.mkdir()
    header = {"type": "header", "format": "orps-session", "version": 1, "model": "m",
              "problem": {"id": "x"}, "config": {}}
    node = {"id": 0, "parent_id": None, "depth": 0, "state": "active", "author": "model",
            "code": "print(1)", "calls": [], "report": None, "hidden_report": None}
    lines = [header, {"type": "node", "node": node},
             {"type": "state", "node_id": 0, "old": "active", "new": "kept"},
             {"type": "round", "round": 0, "kept": [0]}]
    (directory / "session.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    loaded = load_session(directory)
    assert loaded.skipped_lines == 0
    old = loaded.tree[0]
    assert old.state is NodeState.KEPT
    assert (old.fate, old.steered, old.score_parts) == (None, [], None)
