"""The search loop with a scripted model and an in-process judge: rounds, beam, early stop,
the answer, determinism, model failures, streaming and concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from orps_tui.llm.base import GenOptions, Message, ModelErrorKind
from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.prompts import STRATEGIES
from orps_tui.search.session import node_to_dict
from orps_tui.search.tree import NodeFate, NodeState
from tests.support.scripted_model import (
    CallRecord,
    FakeJudge,
    Fault,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b")
WRONG = code_reply("def add(a, b):\n    return a - b")


def engine_for(model: ScriptedModel, **config: object) -> tuple[SearchEngine, FakeJudge, list]:
    problem = sample_problem()
    judge = FakeJudge(problem)
    cfg = SearchConfig(**config)  # type: ignore[arg-type]
    engine = SearchEngine(problem, model, judge=judge, config=cfg)
    events: list[ev.Event] = []
    engine.subscribe(events.append)
    return engine, judge, events


async def test_rounds_beam_and_budget() -> None:
    model = ScriptedModel(programmer=WRONG, new_programs=True, critic=critic_json(3))
    engine, judge, events = engine_for(model, samples=3, beam=2, rounds=2)
    result = await engine.run()
    assert result.reason == "budget"
    # 3 roots, then 2 kept x 3 children, twice
    assert len(engine.tree) == 3 + 6 + 6 == result.stats.nodes
    assert result.stats.llm_calls == engine.config.budget == 2 * 3 * (1 + 2 * 2)
    rounds = [e for e in events if isinstance(e, ev.RoundFinished)]
    assert [r.round for r in rounds] == [0, 1, 2]
    assert all(len(r.kept) == 2 for r in rounds)
    states = [n.state for n in engine.tree.nodes.values()]
    assert states.count(NodeState.KEPT) == 6 and states.count(NodeState.STOPPED) == 9
    for node in engine.tree.nodes.values():
        assert node.depth == node.round
        assert len(node.calls) == 2 and {c.role for c in node.calls} == {"programmer", "critic"}
    assert isinstance(events[-1], ev.SearchFinished)


async def test_siblings_get_different_seeds_and_strategies() -> None:
    model = ScriptedModel(programmer=WRONG)
    engine, _, _ = engine_for(model, samples=4, beam=1, rounds=0)
    await engine.run()
    calls = model.calls_by("programmer")
    assert len({c.options.seed for c in calls}) == 4
    assert len({c.messages[-1].content for c in calls}) == 4
    assert len({tuple(c.messages[:-1]) for c in calls}) == 1


async def test_a_retired_node_is_not_expanded_and_the_beam_fills_from_the_rest() -> None:
    model = ScriptedModel(programmer=[WRONG, RIGHT, WRONG], new_programs=True,
                          critic=lambda m, o: critic_json(4, finished="a + b" in m[-2].content))
    engine, _, _ = engine_for(model, samples=3, beam=2, rounds=1, concurrency=1)
    result = await engine.run()
    assert result.reason == "budget"
    assert engine.tree[1].state is NodeState.FINISHED
    assert engine.tree[1].children == []
    # both failing roots fill the beam of 2 and are expanded
    assert engine.tree[0].state is engine.tree[2].state is NodeState.KEPT
    assert len(engine.tree[0].children) == len(engine.tree[2].children) == 3
    assert result.answer_id == 1


async def test_a_failing_node_is_never_retired_by_the_critic() -> None:
    model = ScriptedModel(programmer=WRONG, critic=critic_json(5, finished=True),
                          new_programs=True)
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=1)
    result = await engine.run()
    assert not any(n.state is NodeState.FINISHED for n in engine.tree.nodes.values())
    assert result.reason == "budget" and len(engine.tree) == 2 + 2


async def test_a_top_score_on_a_passing_root_does_not_end_the_search() -> None:
    model = ScriptedModel(programmer=RIGHT, new_programs=True, critic=critic_json(5))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=2)
    result = await engine.run()
    assert result.reason == "budget" and len(engine.tree) == 2 + 2 + 2


async def test_stop_when_solved_is_an_explicit_option() -> None:
    model = ScriptedModel(programmer=RIGHT, critic=critic_json(5, finished=True))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=3, stop_when_solved=True)
    result = await engine.run()
    assert result.reason == "solved" and len(engine.tree) == 2


async def test_the_call_budget_is_fixed_in_advance() -> None:
    model = ScriptedModel(programmer=WRONG, new_programs=True, critic=critic_json(3))
    engine, _, _ = engine_for(model, samples=3, beam=2, rounds=5, max_calls=16)
    assert engine.stats.budget == 16
    result = await engine.run()
    assert result.reason == "budget"
    assert result.stats.llm_calls == 16
    # 3 roots (6 calls), then 5 children (10 calls): the best-ranked parent gets K first
    assert len(engine.tree) == 8
    roots = [engine.tree[i] for i in engine.tree.roots]
    assert sorted(len(n.children) for n in roots) == [0, 2, 3]


async def test_code_that_does_not_compile_never_wins_a_tie_with_code_that_runs() -> None:
    broken = code_reply("def add(a, b):\n    return (a +")
    model = ScriptedModel(programmer=[WRONG, broken], critic=critic_json(2))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    result = await engine.run()
    assert engine.tree[1].report is not None and engine.tree[1].report.compile_error is not None
    assert result.answer_id == 0


async def test_answer_is_best_public_then_graded_once_on_hidden() -> None:
    model = ScriptedModel(programmer=[WRONG, RIGHT, WRONG], critic=critic_json(2))
    engine, judge, _ = engine_for(model, samples=3, beam=1, rounds=0, concurrency=1)
    result = await engine.run()
    assert result.answer_id == 1
    hidden_calls = [c for c in judge.calls if c[1] == "hidden"]
    assert hidden_calls == [(engine.tree[1].code, "hidden")]
    assert result.hidden is not None and result.hidden.passed == 2
    assert all(c[1] in ("public", "hidden") for c in judge.calls)


def _seeded(messages: Sequence[Message], options: GenOptions) -> str:
    return code_reply(f"def add(a, b):\n    return a + b + {(options.seed or 0) % 3}")


async def test_two_runs_give_identical_trees() -> None:
    def critic(messages: Sequence[Message], options: GenOptions) -> str:
        return critic_json(1 + (options.seed or 0) % 5)

    trees = []
    for _ in range(2):
        model = ScriptedModel(programmer=_seeded, critic=critic, chunk_delay_s=0.0005)
        engine, _, _ = engine_for(model, samples=3, beam=2, rounds=2, concurrency=3, seed=7)
        await engine.run()
        trees.append([_stable(node_to_dict(n)) for n in engine.tree.nodes.values()])
    assert trees[0] == trees[1]
    assert len({t["seed"] for t in trees[0]}) == len(trees[0])


def _stable(d: dict) -> dict:
    for key in ("started_s", "finished_s", "calls"):
        d.pop(key)
    return d


async def test_unusable_output_becomes_an_error_node_and_the_search_goes_on() -> None:
    model = ScriptedModel(programmer=["I cannot solve this.", RIGHT], critic=critic_json(3))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    result = await engine.run()
    assert engine.tree[0].state is NodeState.ERROR and "no code" in engine.tree[0].error
    assert engine.tree[0].raw_output == "I cannot solve this."
    assert result.answer_id == 1


async def test_cut_stream_is_retried_from_scratch() -> None:
    model = ScriptedModel(programmer=RIGHT, faults={0: Fault(ModelErrorKind.STREAM_CUT, 2)})
    engine, _, events = engine_for(model, samples=1, beam=1, rounds=0)
    result = await engine.run()
    node = engine.tree[0]
    assert node.state is NodeState.KEPT and node.raw_output == RIGHT
    assert result.stats.retries == 1 and result.stats.llm_calls == 2
    streamed = [e for e in events if isinstance(e, ev.TextStreamed) and e.role == "programmer"]
    assert any(e.reset for e in streamed)
    after_reset = streamed[[e.reset for e in streamed].index(True) + 1:]
    assert "".join(e.text for e in after_reset) == RIGHT


async def test_exhausted_retries_make_an_error_node_not_a_crash() -> None:
    def first_root_fails(call: CallRecord) -> Fault | None:
        first = call.role == "programmer" and STRATEGIES[0] in call.messages[-1].content
        return Fault(ModelErrorKind.SERVER) if first else None

    model = ScriptedModel(programmer=RIGHT, fault_when=first_root_fails, retries=3)
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    result = await engine.run()
    assert engine.tree[0].state is NodeState.ERROR
    assert engine.tree[1].state is NodeState.KEPT
    assert result.answer_id == 1 and result.reason == "budget"


async def test_model_not_found_ends_the_search_with_a_reason() -> None:
    faults = {i: Fault(ModelErrorKind.NOT_FOUND) for i in range(50)}
    model = ScriptedModel(programmer=RIGHT, faults=faults, chunk_delay_s=0.01)
    engine, _, events = engine_for(model, samples=4, beam=2, rounds=3, concurrency=2)
    result = await asyncio.wait_for(engine.run(), 5)
    assert result.reason == "error" and "injected" in result.message
    assert sum(n.state is NodeState.ERROR for n in engine.tree.nodes.values()) == 1
    assert not any(n.state.busy for n in engine.tree.nodes.values())
    assert any(isinstance(e, ev.EngineError) and e.fatal for e in events)


async def test_a_dead_server_ends_the_search_instead_of_hanging() -> None:
    faults = {i: Fault(ModelErrorKind.UNREACHABLE) for i in range(500)}
    model = ScriptedModel(programmer=RIGHT, faults=faults, retries=1)
    engine, _, _ = engine_for(model, samples=5, beam=2, rounds=3, concurrency=1,
                              fatal_after=3)
    result = await asyncio.wait_for(engine.run(), 5)
    assert result.reason == "error" and "3 model calls in a row failed" in result.message
    assert result.answer is None


class _Hanging(ScriptedModel):
    async def _stream(self, record):  # type: ignore[override]
        await asyncio.sleep(3600)
        yield  # pragma: no cover


async def test_a_call_that_never_finishes_times_out() -> None:
    model = _Hanging(programmer=RIGHT, retries=1)
    engine, _, _ = engine_for(model, samples=1, beam=1, rounds=0, timeout_s=0.05, fatal_after=5)
    await asyncio.wait_for(engine.run(), 5)
    assert engine.tree[0].state is NodeState.ERROR and "timeout 0.05 s" in engine.tree[0].error
    assert "gave up after 2 attempts" in engine.tree[0].error
    assert len(model.calls_by("programmer")) == 2


class _SlowOnce(ScriptedModel):
    """The first call never answers; every later one does."""

    async def _stream(self, record):  # type: ignore[override]
        if record.index == 0:
            await asyncio.sleep(3600)
        async for chunk in super()._stream(record):
            yield chunk


async def test_a_call_that_timed_out_is_retried_and_the_retry_answers() -> None:
    """The deadline and the retry live in one layer: the engine does not cut the call at the
    same moment as the backend's deadline, so the backend's retry runs and answers."""
    model = _SlowOnce(programmer=RIGHT, retries=1)
    engine, _, _ = engine_for(model, samples=1, beam=1, rounds=0, timeout_s=0.2)
    result = await asyncio.wait_for(engine.run(), 5)
    assert engine.tree[0].state is NodeState.KEPT and engine.tree[0].raw_output == RIGHT
    assert [c.index for c in model.calls_by("programmer")] == [0, 1]
    assert engine.tree[0].issues == []  # the backend retried; the engine saw one call
    assert result.answer_id == 0


async def test_streamed_text_is_coalesced() -> None:
    long = code_reply("def add(a, b):\n" + "    x = 1\n" * 60 + "    return a + b")
    model = ScriptedModel(programmer=long, chunk_chars=4, chunk_delay_s=0.002)
    engine, _, events = engine_for(model, samples=1, beam=1, rounds=0)
    loop = asyncio.get_running_loop()
    stamps: list[float] = []
    engine.subscribe(lambda e: stamps.append(loop.time()) if isinstance(e, ev.TextStreamed)
                     and e.role == "programmer" else None)
    await engine.run()
    streamed = [e for e in events if isinstance(e, ev.TextStreamed) and e.role == "programmer"]
    assert "".join(e.text for e in streamed) == long == engine.tree[0].raw_output
    chunks = len(long) // 4
    assert len(streamed) < chunks / 5
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert sum(g < 0.07 for g in gaps) <= 1  # only the final flush may come early


async def test_model_calls_stay_within_the_concurrency_limit() -> None:
    model = ScriptedModel(programmer=RIGHT, chunk_delay_s=0.002)
    engine, _, _ = engine_for(model, samples=6, beam=1, rounds=0, concurrency=3)
    await engine.run()
    assert model.max_in_flight == 3


async def test_a_node_waiting_for_a_model_slot_is_pending_not_generating() -> None:
    model = ScriptedModel(programmer=RIGHT, chunk_delay_s=0.002)
    engine, _, _ = engine_for(model, samples=3, beam=1, rounds=0, concurrency=1)
    most_generating = 0

    def watch(event: ev.Event) -> None:
        nonlocal most_generating
        states = [n.state for n in engine.tree.nodes.values()]
        most_generating = max(most_generating, states.count(NodeState.GENERATING))

    engine.subscribe(watch)
    await engine.run()
    # Regression: every queued root used to show "generating" while one model slot served them.
    assert most_generating == 1
    assert len(engine.tree) == 3


async def test_critic_falls_back_to_text_when_json_is_refused() -> None:
    model = ScriptedModel(programmer=RIGHT, critic="Fine.\nScore: 4/5\nFinished: no",
                          reject_json_schema=True)
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    await engine.run()
    assert engine.tree[0].process_score == 4 and engine.tree[1].process_score == 4
    critic_calls = model.calls_by("critic")
    assert critic_calls[0].json_schema is not None and critic_calls[-1].json_schema is None
    assert "Score: N/5" in critic_calls[-1].messages[-1].content


async def test_a_broken_subscriber_does_not_stop_the_search() -> None:
    model = ScriptedModel(programmer=RIGHT)
    engine, _, _ = engine_for(model, samples=1, beam=1, rounds=0)

    def broken(event: ev.Event) -> None:
        raise RuntimeError("boom")

    engine.subscribe(broken)
    result = await engine.run()
    assert result.answer_id == 0


def test_config_validation_and_settings() -> None:
    from orps_tui.config import Settings

    settings = Settings()
    settings.search.samples = 5
    config = SearchConfig.from_settings(settings, beam=4, rounds=None)
    assert (config.samples, config.beam, config.rounds) == (5, 4, settings.search.rounds)
    with pytest.raises(ValueError, match="samples"):
        SearchConfig.from_settings(settings, samples=0)
    with pytest.raises(ValueError, match="unknown"):
        SearchConfig.from_settings(settings, bogus=1)
    assert SearchConfig(samples=20, beam=3, rounds=5).budget == 640
    assert SearchConfig.from_dict(config.to_dict()) == config


def test_a_search_is_the_same_search_at_another_pace_only() -> None:
    base = SearchConfig(samples=2, beam=2, rounds=3, max_calls=16)
    assert base.same_search(base.with_overrides(concurrency=4, timeout_s=1800.0))
    for other in ({"samples": 3}, {"seed": 2}, {"max_calls": 20}, {"temperature": 0.2}):
        assert not base.same_search(base.with_overrides(**other)), other


class _ThreadJudge(FakeJudge):
    """Blocks a worker thread for a while per call, as the real judge does."""

    async def arun(self, code: str, which: str = "public"):  # type: ignore[no-untyped-def]
        import time

        await asyncio.to_thread(time.sleep, JUDGE_BLOCKS_S)
        return self.run(code, which)


JUDGE_BLOCKS_S = 0.4


async def test_judging_runs_beside_generation_and_never_blocks_the_loop() -> None:
    problem = sample_problem()
    model = ScriptedModel(programmer=RIGHT, chunk_delay_s=0.002)
    engine = SearchEngine(problem, model, judge=_ThreadJudge(problem),
                          config=SearchConfig(samples=6, beam=2, rounds=1, concurrency=3))
    loop = asyncio.get_running_loop()
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = loop.time()
        while True:
            await asyncio.sleep(0.005)
            now = loop.time()
            gaps.append(now - last)
            last = now

    beat = asyncio.ensure_future(heartbeat())
    judging_while_generating = []
    engine.subscribe(lambda e: judging_while_generating.append(
        any(n.state is NodeState.JUDGING for n in engine.tree.nodes.values())
        and any(n.state is NodeState.GENERATING for n in engine.tree.nodes.values())))
    await engine.run()
    beat.cancel()
    # a judge run on the loop would stall it for a whole JUDGE_BLOCKS_S (six times); a
    # loaded 2-core machine has stalled it for 0.21 s once, never for that long
    assert max(gaps) < JUDGE_BLOCKS_S * 0.9
    assert any(judging_while_generating)


def test_progress_printer_draws_a_bar_on_a_terminal_and_lines_otherwise() -> None:
    import io

    from orps_tui.cli.solve import Progress

    for live in (True, False):
        model = ScriptedModel(programmer=RIGHT)
        engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0)
        out = io.StringIO()
        engine.subscribe(Progress(engine, out, live))
        asyncio.run(engine.run())
        text = out.getvalue()
        assert "round 0: 2 nodes, best public pass rate 100%" in text
        assert ("\r\x1b[2K[" in text) is live
        assert ("node 1 (round 0): public 2/2, critic 4" in text) is not live


async def test_a_looping_answer_is_cut_short_and_what_came_before_is_kept() -> None:
    looping = "Approach: try all.\n" + "".join(f"{i}. a -> b (valid)\n" for i in range(5000))
    model = ScriptedModel(programmer=[looping, RIGHT], critic=critic_json(3))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    result = await engine.run()
    cut = engine.tree[0]
    assert len(cut.raw_output) < len(looping) // 50
    assert any("repeated the same lines" in issue for issue in cut.issues)
    assert cut.state is NodeState.ERROR and "no code" in cut.error.lower()
    assert cut.calls and cut.calls[0].completion_tokens > 0
    assert result.answer_id == 1


async def test_a_critic_call_follows_the_programmer_call_it_extends() -> None:
    """With one slot, node j's critic runs right after node j's programmer call (the node
    keeps the slot while it is judged), so the server's cache still holds the conversation."""
    model = ScriptedModel(programmer=[WRONG, RIGHT, WRONG], critic=critic_json(3))
    engine, _, _ = engine_for(model, samples=3, beam=1, rounds=0, concurrency=1)
    await engine.run()
    order = [(c.role, c.options.seed) for c in model.calls]
    seeds = [engine.tree[i].seed for i in range(3)]
    assert order == [(role, s + (role == "critic")) for s in seeds
                     for role in ("programmer", "critic")]
    assert engine._gate.busy == 0  # every slot given back


async def test_a_node_without_a_critic_call_gives_its_slot_back() -> None:
    model = ScriptedModel(programmer=["no code here", RIGHT])
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=0, concurrency=1)
    result = await asyncio.wait_for(engine.run(), 5)
    assert engine.tree[0].state is NodeState.ERROR and result.answer_id == 1
    assert engine._gate.busy == 0


async def test_a_search_in_which_no_call_succeeded_ends_with_the_error() -> None:
    """Ollama's port closed, K=1: the one call failed and the search ended on 'budget'."""
    faults = {i: Fault(ModelErrorKind.UNREACHABLE, after_chunks=0) for i in range(10)}
    model = ScriptedModel(programmer=RIGHT, faults=faults)
    engine, _, _ = engine_for(model, samples=1, beam=1, rounds=0)
    result = await asyncio.wait_for(engine.run(), 5)
    assert result.reason == "error"
    assert "no model call succeeded" in result.message and "injected" in result.message


NO_CODE = "## Approach\nI would loop over the numbers and add them up.\n"


async def test_a_round_whose_every_answer_had_no_code_is_written_again() -> None:
    # one line of work (reflexion's shape): the first answer has no code. Nothing is left
    # to rank, so the node is written again, as a sibling with its own seed, and the line
    # of work goes on from the rewrite
    from tests.support.scripted_model import FakeJudge, ScriptedModel, critic_json

    right = code_reply("def add(a, b):\n    return a + b")
    problem = sample_problem()
    model = ScriptedModel(programmer=[NO_CODE, right, code_reply("def add(a, b):\n"
                                                                 "    return b + a")],
                          critic=critic_json(4))
    engine = SearchEngine(problem, model, judge=FakeJudge(problem),
                          config=SearchConfig(samples=1, beam=1, rounds=1, seed=2))
    result = await engine.run()
    tree = engine.tree
    assert [(n.id, n.round, n.parent_id, n.state) for n in tree.nodes.values()] == [
        (0, 0, None, NodeState.ERROR), (1, 0, None, NodeState.KEPT),
        (2, 1, 1, NodeState.KEPT)]
    assert tree[0].seed != tree[1].seed and tree[1].rewrite_of == 0
    assert result.reason == "budget" and result.answer is not None
    assert result.stats.llm_calls == 5  # 0 (no critic), 1 and its review, 2 and its review

    # a rewrite that has no code either is written again, up to ROUND_REWRITES times a
    # round; then the search ends with nothing to expand
    from orps_tui.search.engine import ROUND_REWRITES

    model = ScriptedModel(programmer=NO_CODE, critic=critic_json(4))
    engine = SearchEngine(problem, model, judge=FakeJudge(problem),
                          config=SearchConfig(samples=2, beam=1, rounds=2, seed=2))
    result = await engine.run()
    nodes = list(engine.tree.nodes.values())
    assert len(nodes) == 2 * (1 + ROUND_REWRITES) and result.reason == "nothing-active"
    assert all(n.state is NodeState.ERROR and n.round == 0 for n in nodes)
    assert [n.rewrite_of for n in nodes] == [None, None] + [n.id for n in nodes[:-2]]
    assert len({n.seed for n in nodes}) == len(nodes)

    # a third rewrite writes the line of work's first code
    model = ScriptedModel(programmer=[NO_CODE] * 3 + [right], critic=critic_json(4))
    engine = SearchEngine(problem, model, judge=FakeJudge(problem),
                          config=SearchConfig(samples=1, beam=1, rounds=0, seed=2))
    result = await engine.run()
    assert len(engine.tree) == 4 and engine.tree[3].rewrite_of == 2
    assert result.answer is not None and result.answer.id == 3

    # the call budget binds the retries: 3 calls pay for one more node (two calls), not two
    model = ScriptedModel(programmer=[NO_CODE, NO_CODE, right], critic=critic_json(4))
    engine = SearchEngine(problem, model, judge=FakeJudge(problem),
                          config=SearchConfig(samples=2, beam=1, rounds=1, seed=2, max_calls=4))
    result = await engine.run()
    assert len(engine.tree) == 3 and result.stats.llm_calls == 4
    assert engine.tree[2].state is NodeState.KEPT


async def test_a_child_that_repeats_a_program_of_its_branch_is_stopped_unreviewed() -> None:
    """A small model often copies its last answer. Such a child is not judged, reviewed
    or expanded (its critic call is left to the budget); a round of nothing but repeats
    is written again, like a round without code."""
    same_again = code_reply("# a comment and new layout\ndef add(a,  b):\n\n    return a - b")
    model = ScriptedModel(programmer=[WRONG, WRONG, same_again], critic=critic_json(3))
    engine, judge, _ = engine_for(model, samples=2, beam=1, rounds=1)
    result = await engine.run()
    tree = engine.tree
    # two, each written again ROUND_REWRITES times
    from orps_tui.search.engine import ROUND_REWRITES

    children = [tree[i] for i in tree[0].children]
    assert len(children) == 2 * (1 + ROUND_REWRITES) and len(tree) == 2 + len(children)
    for child in children:
        assert child.state is NodeState.ERROR and child.fate is NodeFate.REPEATED
        assert "#0" in child.error and child.report is None
        assert [c.role for c in child.calls] == ["programmer"]
    assert result.reason == "budget" and result.stats.llm_calls == 4 + len(children)
    assert len([w for _, w in judge.calls if w == "public"]) == 2  # the roots alone

    # the critic call a repeat did not spend pays, with the rest, for a node more later
    a, b = (code_reply(f"def add(a, b):\n    return {e}") for e in ("a - b", "b - a"))
    new = [code_reply(f"def add(a, b):\n    return a - b + {k}") for k in range(3)]
    model = ScriptedModel(programmer=[a, b, a, *new], critic=critic_json(3))
    engine, _, _ = engine_for(model, samples=2, beam=1, rounds=2, max_calls=11,
                              concurrency=1)
    result = await engine.run()
    tree = engine.tree
    assert tree[2].fate is NodeFate.REPEATED and tree[3].state is NodeState.KEPT
    assert len(tree[3].children) == 2  # 11 - (4 + 1 + 2) calls pay for two nodes
    assert result.stats.llm_calls == 11 and result.reason == "budget"
