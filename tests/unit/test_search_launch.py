"""One entry point builds and resumes every search (search/launch.py), with one rule for
what a saved session does when opened again, whichever front end opens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from orps_tui.app.start_search import open_session
from orps_tui.config import Settings
from orps_tui.llm.base import ModelErrorKind
from orps_tui.problems.load import load_problem as load_problem_file
from orps_tui.problems.model import Problem
from orps_tui.problems.write import write_problem
from orps_tui.search import launch
from orps_tui.search.search_config import SearchConfig, SearchMethod, StopReason
from tests.support.scripted_model import (
    FakeJudge,
    Fault,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b")


def _problem(tmp_path: Path) -> Problem:
    return load_problem_file(write_problem(sample_problem(), tmp_path / "add-two.toml"))


async def _saved(tmp_path: Path, model: ScriptedModel) -> tuple[Path, StopReason]:
    problem = _problem(tmp_path)
    engine = launch.new_search(problem, SearchConfig(samples=2, beam=1, rounds=1),
                               model=model, judge=FakeJudge(problem),
                               sessions_root=tmp_path / "sessions")
    result = await engine.run()
    assert engine.session is not None
    return engine.session.directory, result.reason


def _dead_model() -> ScriptedModel:
    return ScriptedModel(fault_when=lambda call: Fault(ModelErrorKind.NOT_FOUND))


async def test_a_session_that_ended_in_an_error_is_resumed_by_every_front_end(
        tmp_path: Path) -> None:
    """The engine resumed an `error` session while the app treated it as final."""
    directory, reason = await _saved(tmp_path, _dead_model())
    assert reason is StopReason.ERROR
    saved, problem = launch.load_resumable(directory)
    assert saved.resumable
    link = open_session(directory, Settings(), model=ScriptedModel(programmer=RIGHT),
                        judge=FakeJudge(problem))
    assert not link.read_only and link.engine is not None
    result = await link.engine.run()
    assert result.reason is StopReason.BUDGET and result.answer is not None
    assert result.hidden is not None and result.hidden.passed == result.hidden.total == 2


async def test_a_final_session_opens_for_review_and_is_never_run_again(tmp_path: Path) -> None:
    good = ScriptedModel(programmer=RIGHT, critic=critic_json(3))
    directory, reason = await _saved(tmp_path, good)
    assert reason is StopReason.BUDGET
    saved, problem = launch.load_resumable(directory)
    assert not saved.resumable
    assert open_session(directory, Settings()).read_only
    again = ScriptedModel(programmer=RIGHT)
    engine = launch.resume_search(saved, problem, model=again, judge=FakeJudge(problem))
    result = await engine.run()
    assert again.calls == [] and result.reason is StopReason.BUDGET
    assert result.answer_id == saved.finished["answer_id"]


def test_bad_input_is_a_launch_error_with_one_line(tmp_path: Path) -> None:
    problem = _problem(tmp_path)
    with pytest.raises(launch.LaunchError, match="budget: "):
        launch.new_search(problem, SearchConfig(samples=0), model=ScriptedModel(),
                          judge=FakeJudge(problem), save=False)
    with pytest.raises(launch.LaunchError, match="no such session"):
        launch.load_resumable(tmp_path / "nowhere")
    with pytest.raises(launch.LaunchError, match="unknown backend"):
        launch.open_model("bogus:x", Settings().model)


def test_the_method_comes_from_the_setting_unless_asked_and_sampling_is_the_pool() -> None:
    """One rule makes plain sampling: what a person starts with `--method sampling` is the
    bench's sampling pool (the search it was measured as), at K programs."""
    from orps_tui.search.baselines import Run, config_for

    settings = Settings()
    orps = launch.search_config(settings, samples=5)
    assert orps.method is SearchMethod.ORPS and orps.critic and orps.rounds == 3
    settings.search.method = "sampling"
    sampled = launch.search_config(settings, samples=5)
    assert sampled == config_for(Run.POOL, SearchConfig.from_settings(Settings()), 5)
    assert sampled.method is SearchMethod.SAMPLING and sampled.budget == 5
    assert sampled.shape() == "sampling: 5 programs, 5 model calls"
    assert launch.search_config(settings, method="orps", samples=5) == orps
    # a call cap lower than K draws that many programs; ORPS keeps its shape
    assert launch.search_config(settings, samples=5, max_calls=3).samples == 3
    assert orps.shape() == f"K=5 B=2 R=3, up to {orps.budget} model calls"
    with pytest.raises(launch.LaunchError, match="budget: 'mcts' is not a valid SearchMethod"):
        launch.search_config(settings, method="mcts")


async def test_a_sampling_search_makes_k_roots_and_no_critic_call(tmp_path: Path) -> None:
    problem = _problem(tmp_path)
    config = SearchConfig(samples=3).with_method(SearchMethod.SAMPLING)
    model = ScriptedModel(programmer=RIGHT, critic=critic_json(5))
    engine = launch.new_search(problem, config, model=model, judge=FakeJudge(problem),
                               save=False)
    result = await engine.run()
    assert result.reason is StopReason.BUDGET and len(engine.tree.nodes) == 3
    assert all(n.parent_id is None for n in engine.tree.nodes.values())
    assert len(model.calls) == 3 and result.answer is not None
