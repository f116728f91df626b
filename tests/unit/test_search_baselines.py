"""Baselines as engine configurations, and the bench metrics and table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orps_tui.search.baselines import config_for
from orps_tui.search.bench import compare, read_records, record_for, summarise
from orps_tui.search.engine import SearchConfig, SearchEngine
from tests.support.scripted_model import FakeJudge, ScriptedModel, code_reply, sample_problem

RIGHT = code_reply("def add(a, b):\n    return a + b")
WRONG = code_reply("def add(a, b):\n    return a - b")
CRASH = code_reply("def add(a, b):\n    raise ValueError")


def test_baseline_budgets_match_the_orps_calls() -> None:
    base = SearchConfig(samples=3, beam=2, rounds=2)
    assert config_for("orps", base) is base
    one = config_for("oneshot", base)
    assert (one.samples, one.rounds, one.critic, one.budget) == (1, 0, False, 1)
    best = config_for("bestofn", base, calls=17)
    assert (best.samples, best.rounds, best.critic, best.budget) == (17, 0, False, 17)
    refl = config_for("reflexion", base, calls=17)
    assert (refl.samples, refl.beam, refl.rounds, refl.critic) == (1, 1, 7, True)
    assert refl.budget == 16 <= 17 and refl.stop_on_public_pass
    assert config_for("bestofn", base).samples == base.budget
    with pytest.raises(ValueError, match="unknown method"):
        config_for("magic", base)


async def test_reflexion_stops_once_the_public_tests_pass() -> None:
    problem = sample_problem()
    model = ScriptedModel(programmer=[WRONG, WRONG, RIGHT, WRONG])
    config = config_for("reflexion", SearchConfig(), calls=20)
    result = await SearchEngine(problem, model, judge=FakeJudge(problem), config=config).run()
    assert result.reason == "solved" and result.stats.llm_calls == 6
    # sees both earlier attempts: system + 4 turns per attempt + the task
    assert len(model.calls_by("programmer")[2].messages) == 1 + 4 * 2 + 1


async def test_bestofn_samples_one_prompt_with_different_seeds() -> None:
    problem = sample_problem()
    model = ScriptedModel(programmer=[WRONG, RIGHT, WRONG])
    config = config_for("bestofn", SearchConfig(), calls=3)
    result = await SearchEngine(problem, model, judge=FakeJudge(problem), config=config).run()
    calls = model.calls_by("programmer")
    assert len(calls) == 3 and not model.calls_by("critic")
    assert len({tuple(c.messages) for c in calls}) == 1
    assert len({c.options.seed for c in calls}) == 3
    assert result.answer_id == 1


async def _record(programmer: str, method: str = "orps") -> dict:
    problem = sample_problem()
    judge = FakeJudge(problem, cpu_s=lambda code: 0.02 if "a + b" in code else 0.01)
    engine = SearchEngine(problem, ScriptedModel(programmer=programmer), judge=judge,
                          config=SearchConfig(samples=1, rounds=0))
    result = await engine.run()
    reference = judge.run(problem.reference or "", "hidden")
    return record_for(problem.id, method, "scripted:test", result, reference)


async def test_metrics_from_records(tmp_path: Path) -> None:
    right, wrong, crash = await _record(RIGHT), await _record(WRONG), await _record(CRASH)
    assert right["valid"] and wrong["valid"] and not crash["valid"]
    assert right["time_rel"] == pytest.approx(1.0) and wrong["time_rel"] is None
    (s,) = summarise([right, wrong, crash])
    assert s.problems == 3 and s.pass_at_1 == pytest.approx(1 / 3)
    assert s.hidden_passed == pytest.approx(1 / 3) and s.valid == pytest.approx(2 / 3)
    assert s.time_rel == pytest.approx(1.0)
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (right, wrong)))
    assert len(read_records(path)) == 2
    table = compare([path])
    assert "a:orps" in table and "50.0%" in table
