"""The bench's runs as engine configurations with one fixed budget, the records they make,
and the sampling baselines read from the pool."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from orps_tui.llm.base import GenOptions, Message
from orps_tui.search.baselines import DEFAULT_METHODS, Method, Run, config_for, runs_for
from orps_tui.search.bench import RunInfo, read_records
from orps_tui.search.bench_derive import Variant, best_of, pool_rows, prefix_reaching, rows_from
from orps_tui.search.bench_run import BenchPlan, run_bench
from orps_tui.search.engine import SearchConfig, SearchEngine
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b")
WRONG = code_reply("def add(a, b):\n    return a - b")
OVERFIT = code_reply("def add(a, b):\n    return a + b if a < 2 else a * b")
"""Passes both public tests, fails hidden add(10, 20)."""


def by_seed(messages: Sequence[Message], options: GenOptions) -> str:
    """A deterministic programmer whose answer depends on the node's seed only."""
    return (RIGHT, WRONG, OVERFIT)[(options.seed or 0) % 3]


def critic_by_code(messages: Sequence[Message], options: GenOptions) -> str:
    last = messages[-2].content  # the attempt under review (the last message is the task)
    return critic_json(5 if "a * b" in last else 4 if "a + b" in last else 2)


def scripted() -> ScriptedModel:
    return ScriptedModel(programmer=by_seed, critic=critic_by_code)


def plan_for(calls: int, runs: list[Run] | None = None, seeds: Sequence[int] = (1,),
             **config: Any) -> BenchPlan:
    base = SearchConfig(**config)
    info = RunInfo(calls, base.samples, base.beam, base.rounds, "scripted:test", "abc1234")
    return BenchPlan(runs or runs_for(list(DEFAULT_METHODS)), list(seeds), base, info)


async def bench(plan: BenchPlan, model: ScriptedModel | None = None) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    await run_bench([sample_problem()], model or scripted(), plan, FakeJudge, set(),
                    records.append)
    return records


def test_every_run_gets_the_same_budget_fixed_in_advance() -> None:
    plan = plan_for(10, samples=3, beam=2, rounds=3)
    configs = {run: plan.config(run, seed=7) for run in Run}
    assert {c.max_calls for c in configs.values()} == {10}
    assert {c.budget for c in configs.values()} == {10}
    assert {c.seed for c in configs.values()} == {7}
    pool = configs[Run.POOL]
    assert (pool.samples, pool.rounds, pool.critic, pool.strategy_hints) == (10, 0, False, False)
    assert not pool.grade_hidden  # the bench grades every sample itself
    refl = configs[Run.REFLEXION]
    assert (refl.samples, refl.beam, refl.critic, refl.stop_on_public_pass) == (1, 1, True, True)
    assert configs[Run.ORPS].samples == 3 and configs[Run.ORPS].rounds == 3
    with pytest.raises(ValueError, match="unknown run"):
        config_for("magic", SearchConfig(), 4)


def test_oneshot_and_bestofn_share_one_pool() -> None:
    assert runs_for([Method.BESTOFN, Method.ONESHOT]) == [Run.POOL]
    assert runs_for(list(DEFAULT_METHODS)) == [Run.ORPS, Run.POOL, Run.REFLEXION]
    assert runs_for(list(Method)) == [Run.ORPS, Run.ORPS_STEERED, Run.POOL, Run.REFLEXION]


async def test_budgets_do_not_follow_what_orps_spent() -> None:
    # Every ORPS root passes and the critic retires it: ORPS stops after 3 nodes (6 calls).
    model = ScriptedModel(programmer=RIGHT, critic=critic_json(5, finished=True))
    records = await bench(plan_for(10, samples=3, beam=2, rounds=3), model)
    by = {r["method"]: r for r in records}
    assert by["orps"]["llm_calls"] == 6 and by["orps"]["reason"] == "nothing-active"
    assert by["pool"]["llm_calls"] == 10 and len(by["pool"]["pool"]) == 10
    assert {r["calls"] for r in records} == {10}


async def test_each_run_spends_at_most_the_budget() -> None:
    records = await bench(plan_for(10, samples=3, beam=2, rounds=3))
    by = {r["method"]: r for r in records}
    assert by["orps"]["llm_calls"] == 10  # K/B/R allow 42: the budget binds
    assert by["pool"]["llm_calls"] == 10
    assert by["reflexion"]["llm_calls"] <= 10
    assert all(r["seed"] == 1 and r["model"] == "scripted:test" and r["commit"] == "abc1234"
               for r in records)


async def test_the_pool_gives_oneshot_and_best_of_k_consistently() -> None:
    (pool,) = await bench(plan_for(6, [Run.POOL], seeds=[1]))
    samples = pool["pool"]
    assert [s["node"] for s in samples] == list(range(6))
    # Each prefix of k samples is what an engine run with N = k picks and grades.
    problem = sample_problem()
    for k in (1, 2, 3, 6):
        config = config_for(Run.POOL, SearchConfig(seed=1), k)
        result = await SearchEngine(problem, scripted(), judge=FakeJudge(problem),
                                    config=config).run()
        chosen = samples[best_of(samples, k)]
        assert result.answer is not None and chosen["code"] == result.answer.code
        assert result.hidden is not None and chosen["hidden"]["passed"] == result.hidden.passed
    one, mean, best = pool_rows(pool, None)
    assert (one.method, one.k, one.llm_calls) == ("oneshot", 1, 1)
    assert one.passed == (1.0 if samples[0]["hidden"]["passed"] == 2 else 0.0)
    expected = sum(s["hidden"]["passed"] == s["hidden"]["total"] for s in samples) / 6
    assert mean.method == "oneshot-mean" and mean.passed == pytest.approx(expected)
    assert (best.method, best.k, best.llm_calls) == ("bestofn", 6, 6)
    assert best.tokens == sum(s["tokens"] for s in samples)


async def test_matched_best_of_k_follows_orps_programs_and_tokens() -> None:
    (pool,) = await bench(plan_for(8, [Run.POOL]))
    tokens = [s["tokens"] for s in pool["pool"]]
    orps = {"programs": 3, "prompt_tokens": tokens[0] + tokens[1], "completion_tokens": 1}
    rows = {r.method: r for r in pool_rows(pool, orps)}
    assert rows[Variant.BESTOFN_PROGRAMS].k == 3  # every sample here has code
    assert rows[Variant.BESTOFN_TOKENS].k == 3  # 2 samples fall 1 token short
    huge = {"programs": 50, "prompt_tokens": 10**9, "completion_tokens": 0}
    rows = {r.method: r for r in pool_rows(pool, huge)}
    assert rows[Variant.BESTOFN_PROGRAMS].k == 8 and rows[Variant.BESTOFN_TOKENS].k == 8


def test_best_of_and_prefixes() -> None:
    samples = [{"key": None}, {"key": [1.0, 1.0, -0.2, 1.5]}, {"key": [1.0, 1.0, -0.1, 1.0]},
               {"key": [1.0, 1.0, -0.1, 1.0]}]
    assert best_of(samples, 1) is None
    assert best_of(samples, 2) == 1
    assert best_of(samples, 4) == 2  # less CPU wins; a tie goes to the earlier sample
    assert prefix_reaching([1, 0, 1, 1], 2) == 3
    assert prefix_reaching([5, 5], 0) == 1
    assert prefix_reaching([1, 1], 9) == 2


async def test_orps_records_carry_diagnostics() -> None:
    # Root (seed 1, node 0) is WRONG; its child (node 1) is RIGHT: one repair at depth 1.
    (orps,) = await bench(plan_for(4, [Run.ORPS], samples=1, beam=1, rounds=1))
    assert orps["answer_node"] == 1 and orps["hidden"]["passed"] == 2
    d = orps["diagnostics"]
    assert d["answer_depth"] == 1
    assert (d["children_of_failing"], d["repaired"]) == (1, 1)
    assert (d["children"], d["repeats"]) == (1, 0)
    assert d["critic_hidden"] == [[2.0, 0], [4.0, 1]]
    assert [(n["node"], n["parent"], n["hidden"]["passed"]) for n in d["nodes"]] == [
        (0, None, 0), (1, 0, 2)]
    assert orps["programs"] == 2 and orps["valid"] and orps["time_rel"] == pytest.approx(1.0)
    assert not orps["hidden_tle"]
    for key in ("samples", "beam", "rounds", "calls", "cached_tokens", "prompt_tokens",
                "completion_tokens", "reason", "wall_s"):
        assert key in orps


async def test_bench_grades_never_land_in_engine_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    engines: list[SearchEngine] = []
    original = SearchEngine.__init__

    def keep(self: SearchEngine, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        engines.append(self)

    monkeypatch.setattr(SearchEngine, "__init__", keep)
    records = await bench(plan_for(6, [Run.POOL, Run.ORPS], samples=3, beam=1, rounds=1))
    pool = next(r for r in records if r["method"] == "pool")
    assert all(s["hidden"] is not None for s in pool["pool"])
    for engine in engines:
        graded = [n.id for n in engine.tree.nodes.values() if n.hidden_report is not None]
        assert graded == ([engine.result.answer_id] if engine.config.grade_hidden else [])


async def test_an_exception_in_one_run_is_an_error_record(monkeypatch: pytest.MonkeyPatch) -> None:
    original = SearchEngine.run

    async def run(self: SearchEngine) -> Any:
        if not self.config.critic:
            raise RuntimeError("engine bug\nsecond line")
        return await original(self)

    monkeypatch.setattr(SearchEngine, "run", run)
    records = await bench(plan_for(4, seeds=[1, 2], samples=1, beam=1, rounds=1))
    assert [(r["method"], r["seed"]) for r in records] == [
        ("orps", 1), ("pool", 1), ("reflexion", 1), ("orps", 2), ("pool", 2), ("reflexion", 2)]
    errors = [r for r in records if "error" in r]
    assert [r["method"] for r in errors] == ["pool", "pool"]
    assert errors[0]["error"] == "RuntimeError: engine bug"
    data = rows_from(records)
    assert data.errors == {"pool": 2}
    assert {r.method for r in data.rows} == {"orps", "reflexion"}


async def test_a_judge_that_cannot_grade_hidden_leaves_no_grade_and_no_crash() -> None:
    class NoHidden(FakeJudge):
        async def arun(self, code: str, which: str = "public") -> Any:
            if which == "hidden":
                raise OSError("sandbox gone")
            return await super().arun(code, which)

    records: list[dict[str, Any]] = []
    await run_bench([sample_problem()], scripted(), plan_for(4, samples=1, beam=1, rounds=1),
                    NoHidden, set(), records.append)
    assert len(records) == 3 and not any("error" in r for r in records)
    orps = records[0]
    assert orps["hidden"] is None and orps["code"] and orps["diagnostics"]["critic_hidden"] == []
    assert rows_from(records).rows  # summarised as a failure, not skipped


async def test_a_failing_model_gives_error_records(tmp_path: Any) -> None:
    from orps_tui.llm.base import ModelErrorKind
    from tests.support.scripted_model import Fault

    model = ScriptedModel(programmer=RIGHT, fault_when=lambda call: Fault(ModelErrorKind.NOT_FOUND))
    records = await bench(plan_for(4, samples=1, beam=1, rounds=1), model)
    assert [r["method"] for r in records] == ["orps", "pool", "reflexion"]
    assert all("error" in r and r["error"] for r in records)
    path = tmp_path / "r.jsonl"
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert len(read_records(path)) == 3


async def test_bench_searches_can_be_saved_as_sessions_to_review(tmp_path: Any) -> None:
    from dataclasses import replace

    from orps_tui.search.session import load_session

    plan = replace(plan_for(6, samples=2, beam=1, rounds=1), sessions=tmp_path)
    records = await bench(plan)
    assert {r["method"] for r in records} == {"orps", "pool", "reflexion"}
    for record in records:
        saved = load_session(record["session"])
        assert saved.finished is not None
        assert len(saved.tree) == record["nodes"]
        if record["method"] == "pool":
            assert set(saved.tree.nodes) == {n["node"] for n in record["pool"]}
        else:
            assert saved.finished["answer_id"] == record["answer_node"]
        assert str(tmp_path / record["method"] / "seed1") in record["session"]


def test_diagnostics_count_children_that_repeat_their_branch() -> None:
    from orps_tui.search.bench import diagnostics
    from orps_tui.search.tree import NodeFate, NodeState, SearchTree

    tree = SearchTree()
    root = tree.new_node(None, round=0)
    for fate, state in ((NodeFate.REPEATED, NodeState.ERROR), (None, NodeState.ERROR),
                        (None, NodeState.CANCELLED)):
        child = tree.new_node(root.id, round=1)
        child.fate, child.state = fate, state
    d = diagnostics(tree, None, {})
    assert (d["children"], d["repeats"]) == (2, 1)  # a cancelled child never ended
