"""Sessions: the JSONL log round-trips the tree, survives a torn last line, and resumes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from orps_tui import locations
from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.session import (
    SessionError,
    SessionWriter,
    list_sessions,
    load_session,
    node_to_dict,
)
from orps_tui.search.tree import Node, NodeState
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b")
WRONG = code_reply("def add(a, b):\n    return a - b")


def _engine(model: ScriptedModel, session: SessionWriter | None, restore=None,
            **config: object) -> SearchEngine:
    problem = sample_problem()
    cfg = SearchConfig(**config)  # type: ignore[arg-type]
    if session is None:
        session = SessionWriter.create(problem, model.uri, cfg)
    return SearchEngine(problem, model, judge=FakeJudge(problem), config=cfg, session=session,
                        restore=restore)


def _comparable(node) -> dict:
    d = node_to_dict(node)
    return {k: v for k, v in d.items() if k not in ("started_s", "finished_s")}


async def test_a_finished_search_loads_back_identically() -> None:
    model = ScriptedModel(programmer=[WRONG, RIGHT], critic=critic_json(3))
    engine = _engine(model, None, samples=2, beam=1, rounds=1, concurrency=1)
    result = await engine.run()
    engine.session.close()
    loaded = load_session(engine.session.directory)
    assert loaded.header["version"] == 1 and loaded.header["model"] == "scripted:test"
    assert loaded.finished is not None and loaded.finished["answer_id"] == result.answer_id
    assert [r for r, _ in loaded.rounds] == [0, 1]
    assert len(loaded.tree) == len(engine.tree)
    for node_id, node in engine.tree.nodes.items():
        assert _comparable(loaded.tree[node_id]) == _comparable(node)
    assert loaded.tree.best_id() == result.answer_id
    summaries = list_sessions()
    assert [s.directory for s in summaries] == [engine.session.directory]
    assert summaries[0].finished and summaries[0].nodes == len(engine.tree)
    assert engine.session.directory.parent == locations.sessions_dir()


async def test_every_record_is_one_json_line_and_commands_are_logged() -> None:
    model = ScriptedModel(programmer=RIGHT)
    engine = _engine(model, None, samples=1, beam=1, rounds=0)
    engine.send(ev.Pause())
    engine.send(ev.Resume())
    await engine.run()
    lines = (engine.session.directory / "session.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["type"] == "header"
    assert [r["command"] for r in records if r["type"] == "command"] == ["Pause", "Resume"]
    assert records[-1]["type"] == "finished"
    assert (engine.session.directory / "problem.toml").exists() is False  # built in memory


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    directory = tmp_path / "s"
    directory.mkdir()
    header = {"type": "header", "format": "orps-session", "version": 1, "model": "m",
              "problem": {"id": "x"}, "config": {}}
    (directory / "session.jsonl").write_text(json.dumps(header) + "\n" + '{"type": "node", "no')
    loaded = load_session(directory)
    assert loaded.skipped_lines == 1 and len(loaded.tree) == 0
    writer = SessionWriter.append_to(directory)
    writer.round(0, [])
    writer.close()
    assert load_session(directory).skipped_lines == 0


def test_unreadable_sessions_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="no such session"):
        load_session(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SessionError, match="not a session"):
        load_session(tmp_path / "empty")
    toml = tmp_path / "empty" / "problem.toml"
    toml.write_text("schema = 1\n")
    # Regression: a file that is not session.jsonl was reported as its parent folder.
    with pytest.raises(SessionError, match=f"^{toml}: not a session"):
        load_session(toml)
    (tmp_path / "future").mkdir()
    (tmp_path / "future" / "session.jsonl").write_text(
        json.dumps({"type": "header", "format": "orps-session", "version": 99}) + "\n")
    with pytest.raises(SessionError, match="newer"):
        load_session(tmp_path / "future")


async def _cut_when_streaming(engine: SearchEngine, when: Callable[[Node], bool]) -> None:
    """Run `engine` and cancel it (as a quit does) once a node for which `when` holds
    streams text."""
    task = asyncio.ensure_future(engine.run())

    def interrupt(event: ev.Event) -> None:
        if isinstance(event, ev.TextStreamed) and when(engine.tree[event.node_id]):
            task.cancel()

    engine.subscribe(interrupt)
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_resume_keeps_finished_nodes_and_regenerates_the_in_flight_ones() -> None:
    model = ScriptedModel(programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine = _engine(model, None, samples=2, beam=1, rounds=2)
    await _cut_when_streaming(engine, lambda node: node.round == 1)
    directory = engine.session.directory
    engine.session.close()
    before = {i: _comparable(n) for i, n in engine.tree.nodes.items()
              if n.round == 0}
    loaded = load_session(directory)
    assert {i: _comparable(loaded.tree[i]) for i in before} == before
    in_flight = [n.id for n in loaded.tree.nodes.values() if n.round == 1]
    assert in_flight and all(loaded.tree[i].state is NodeState.CANCELLED for i in in_flight)

    model2 = ScriptedModel(programmer=RIGHT, critic=critic_json(3))
    resumed = _engine(model2, SessionWriter.append_to(directory), restore=loaded,
                      samples=2, beam=1, rounds=2)
    result = await resumed.run()
    assert result.reason in ("budget", "solved")
    for i, d in before.items():
        kept_state = resumed.tree[i].state
        assert _comparable(resumed.tree[i]) | {"state": str(kept_state)} == d | {"state": str(kept_state)}
    for i in in_flight:
        assert resumed.tree[i].state is not NodeState.CANCELLED and "a + b" in resumed.tree[i].code
    # round-0 programmer calls are not made again
    assert all(len(c.messages) > 2 for c in model2.calls_by("programmer"))
    final = load_session(directory)
    assert final.finished is not None and final.finished["reason"] == result.reason
    assert len(final.tree) == len(resumed.tree)


async def test_a_search_quit_midway_is_listed_as_resumable() -> None:
    """A session quit mid-search was listed as finished ("review") though opening it
    resumes it: the list says what opening will do."""
    model = ScriptedModel(programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.01)
    engine = _engine(model, None, samples=2, beam=1, rounds=1)
    task = asyncio.ensure_future(engine.run())
    engine.subscribe(lambda e: task.cancel() if isinstance(e, ev.TextStreamed) else None)
    with pytest.raises(asyncio.CancelledError):
        await task
    (summary,) = list_sessions()
    assert summary.finished and summary.reason == "cancelled"
    assert summary.resumable and load_session(summary.directory).resumable
    assert summary.opens_as == "resume"


async def test_a_finished_search_is_listed_for_review() -> None:
    engine = _engine(ScriptedModel(programmer=RIGHT), None, samples=1, beam=1, rounds=0)
    await engine.run()
    (summary,) = list_sessions()
    assert not summary.resumable and summary.opens_as == "review"


def test_a_second_writer_of_one_session_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    """Two processes resumed one session and both wrote to it: the writer holds a lock."""
    problem = sample_problem()
    first = SessionWriter.create(problem, "scripted:test", SearchConfig(), root=tmp_path)
    try:
        with pytest.raises(SessionError, match="open in another orps process"):
            SessionWriter.append_to(first.directory)
        (summary,) = list_sessions(tmp_path)
        assert summary.in_use and summary.opens_as == "in use"
    finally:
        first.close()
    second = SessionWriter.append_to(first.directory)  # the lock went with the first writer
    second.close()
    records = (first.directory / "session.jsonl").read_text().splitlines()
    assert sum('"type":"resumed"' in r for r in records) == 1


async def test_a_resumed_search_counts_the_rewrites_its_round_already_had() -> None:
    """A round of nothing but unusable answers is written again ROUND_REWRITES times; the
    count is read from the saved tree, so a search cut short during a rewrite does not get
    more of them than one run would."""
    from orps_tui.search.engine import ROUND_REWRITES

    no_code = "## Approach\nI would add them.\n"
    model = ScriptedModel(programmer=no_code, critic=critic_json(3), chunk_delay_s=0.002)
    engine = _engine(model, None, samples=1, beam=1, rounds=1)
    await _cut_when_streaming(engine, lambda node: node.id == 2)
    directory = engine.session.directory
    engine.session.close()
    loaded = load_session(directory)
    assert [n.rewrite_of for n in loaded.tree.nodes.values()] == [None, 0, 1]

    resumed = _engine(ScriptedModel(programmer=no_code, critic=critic_json(3)),
                      SessionWriter.append_to(directory), restore=loaded,
                      samples=1, beam=1, rounds=1)
    result = await resumed.run()
    assert result.reason == "nothing-active"
    assert len(resumed.tree) == 1 + ROUND_REWRITES == len(load_session(directory).tree)


async def test_a_resumed_search_spends_the_calls_of_one_run() -> None:
    """A node cut short when the process ended is written again on resume: its cut calls
    are dropped, so the resumed search counts (and spends) the calls one run would, and
    the tree's calls still add up to the count."""
    settings = {"samples": 2, "beam": 1, "rounds": 3, "max_calls": 9, "concurrency": 1}
    whole = _engine(ScriptedModel(programmer=WRONG, critic=critic_json(3)), None, **settings)
    once = await whole.run()

    model = ScriptedModel(programmer=WRONG, critic=critic_json(3), chunk_delay_s=0.002)
    engine = _engine(model, None, **settings)
    await _cut_when_streaming(engine, lambda node: node.round == 1)
    directory = engine.session.directory
    engine.session.close()
    loaded = load_session(directory)
    cut = [n for n in loaded.tree.nodes.values() if n.state is NodeState.CANCELLED]
    assert cut and any(c.outcome == "cancelled" for n in cut for c in n.calls)

    resumed = _engine(ScriptedModel(programmer=WRONG, critic=critic_json(3)),
                      SessionWriter.append_to(directory), restore=loaded, **settings)
    result = await resumed.run()
    assert result.stats.llm_calls == once.stats.llm_calls <= 9
    assert sum(len(n.calls) for n in resumed.tree.nodes.values()) == once.stats.llm_calls
    assert all(c.outcome == "ok" for n in resumed.tree.nodes.values() for c in n.calls)
    assert len(resumed.tree) == len(whole.tree)
