"""`orps bench --method orps-steered`: ORPS with the scripted steering policy, on the same
budget and seeds as `orps`; its records are resumable and paired with `orps`'s, and the
summary reports calls per solved problem for every method."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orps_tui.cli import main
from orps_tui.cli.bench import parse_methods
from orps_tui.search.baselines import Method, Run, config_for
from orps_tui.search.bench import RunInfo, key_of, merge, read_records
from orps_tui.search.bench_derive import Row
from orps_tui.search.bench_report import report, summarise
from orps_tui.search.bench_run import BenchPlan, run_bench
from orps_tui.search.engine import SearchConfig
from tests.support.steering_world import RAISES, SLOW, WRONG, PerfJudge, perf_problem, world_model

ROOTS = [RAISES, SLOW, WRONG]
IDS = ["q-one", "q-two"]
ARGS = ["--model", "scripted:test", "-k", "3", "-b", "1", "-r", "1", "--calls", "12"]


def test_the_steered_run_is_asked_for_by_name_and_shares_orps_budget() -> None:
    assert Method.ORPS_STEERED not in parse_methods(None)
    assert parse_methods(["orps,orps-steered"]) == [Method.ORPS, Method.ORPS_STEERED]
    base = SearchConfig(samples=3, beam=1, rounds=1, seed=4)
    assert config_for(Run.ORPS_STEERED, base, 12) == config_for(Run.ORPS, base, 12)


async def test_steered_records_carry_the_policy_and_pair_with_orps() -> None:
    base = SearchConfig(samples=3, beam=1, rounds=1)
    info = RunInfo(12, 3, 1, 1, "scripted:test", "abc1234")
    plan = BenchPlan([Run.ORPS, Run.ORPS_STEERED], [1, 2], base, info)
    records: list[dict[str, Any]] = []
    await run_bench([perf_problem()], world_model(ROOTS), plan, PerfJudge, set(),
                    records.append)
    by = {(r["method"], r["seed"]): r for r in records}
    assert set(by) == {(m, s) for m in ("orps", "orps-steered") for s in (1, 2)}
    for seed in (1, 2):
        steered, plain = by[("orps-steered", seed)], by[("orps", seed)]
        assert steered["policy"] == "careful-1" and "policy" not in plain
        assert steered["steering"][:2] == [
            {"round": 0, "rule": "boost-efficiency", "command": "Boost", "node": 1},
            {"round": 0, "rule": "hint-input-limits", "command": "AddHint", "node": 1}]
        assert steered["diagnostics"]["steering"] == {
            "prune-fails-to-run-twice": 0, "boost-efficiency": 1, "hint-input-limits": 1}
        assert steered["llm_calls"] <= 12 and plain["llm_calls"] <= 12
        assert steered["hidden"]["verdict"] == "AC" and plain["hidden"]["verdict"] == "TLE"
    text = report(records)
    assert "orps-steered vs" in text and "calls per solved problem" in text
    assert "policy: boost-efficiency" in text
    steered_table = text[text.index("orps-steered vs"):]
    assert steered_table.splitlines()[2].split()[:6] == ["orps", "2", "100%", "0%", "+100.0",
                                                         "[+100,"]
    assert "orps vs" not in text  # steered ORPS is paired in its own table, not in orps's
    assert max(len(line) for line in text.splitlines()) <= 80


def _row(method: str, passed: float, calls: float) -> Row:
    return Row("p", 1, method, passed, passed, 1.0, None, None, passed, calls, 0.0, 0.0, None,
               1.0)


def test_calls_per_solved_problem_is_all_calls_over_the_problems_solved() -> None:
    rows = [_row("orps", 1.0, 16), _row("orps", 0.0, 16), _row("orps", 1.0, 10),
            _row("oneshot-mean", 0.25, 1), _row("oneshot-mean", 0.25, 1),
            _row("reflexion", 0.0, 4)]
    by = {s.method: s for s in summarise(rows)}
    assert by["orps"].calls_per_solved == pytest.approx(42 / 2)
    assert by["oneshot-mean"].calls_per_solved == pytest.approx(2 / 0.5)
    assert by["reflexion"].calls_per_solved is None


class _Interrupting:
    """Ctrl-C once the model has taken `after` calls (a killed benchmark)."""

    def __init__(self, after: int) -> None:
        self.inner = world_model(ROOTS)
        self.after = after

    def stream_chat(self, *args: Any, **kwargs: Any) -> Any:
        if len(self.inner.calls) >= self.after:
            raise KeyboardInterrupt
        return self.inner.stream_chat(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    state: dict[str, Any] = {"model": lambda: world_model(ROOTS)}
    monkeypatch.setattr("orps_tui.cli.bench.collect_problems",
                        lambda refs: [perf_problem(ref) for ref in refs])
    monkeypatch.setattr("orps_tui.cli.bench.model_ready_or_fail", lambda uri, settings: None)
    monkeypatch.setattr("orps_tui.cli.bench.open_model_or_fail",
                        lambda uri, settings, concurrency=None: state["model"]())
    monkeypatch.setattr("orps_tui.cli.bench.make_judge",
                        lambda problem, settings: PerfJudge(problem))
    monkeypatch.setattr("orps_tui.search.bench.engine_commit", lambda: "abc1234")
    return state


def _records(path: Path) -> list[dict[str, Any]]:
    merged, _ = merge([read_records(path)])
    return sorted(({k: v for k, v in r.items() if k != "wall_s"} for r in merged), key=key_of)


def test_a_resumed_steered_bench_gives_the_same_records_as_one_run(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    command = ["bench", *IDS, *ARGS, "--method", "orps,orps-steered", "--seeds", "1,2"]
    assert main([*command, "--out", str(whole)]) == 0
    out = capsys.readouterr().out
    assert "orps-steered vs" in out and "calls per solved problem" in out
    world["model"] = lambda: _Interrupting(after=30)
    assert main([*command, "--out", str(resumed)]) == 130
    partial = read_records(resumed)
    assert 0 < len(partial) < 8
    capsys.readouterr()
    world["model"] = lambda: world_model(ROOTS)
    assert main([*command, "--out", str(resumed)]) == 0
    assert f"{len(partial)} record(s) already in --out, {8 - len(partial)} to run" \
        in capsys.readouterr().err
    assert _records(resumed) == _records(whole)
    assert len(read_records(resumed)) == 8
    steered = [r for r in _records(whole) if r["method"] == "orps-steered"]
    assert len(steered) == 4 and all(r["steering"] for r in steered)


def test_a_steered_bench_refuses_a_shape_smaller_than_the_budget(
        world: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "q-one", "--model", "scripted:test", "-k", "1", "-b", "1", "-r", "1",
                 "--calls", "12", "--method", "orps-steered"]) == 2
    err = capsys.readouterr().err
    assert "allow ORPS at most 4 calls, fewer than --calls 12" in err and err.count("\n") == 1


def test_steered_sessions_are_saved_to_review(world: dict, tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    assert main(["bench", "q-one", *ARGS, "--method", "orps-steered", "--seeds", "1",
                 "--sessions", str(sessions), "--out", str(tmp_path / "r.jsonl")]) == 0
    record = read_records(tmp_path / "r.jsonl")[0]
    assert Path(record["session"]).parent == sessions / "orps-steered" / "seed1"
    from orps_tui.search.session import load_session

    loaded = load_session(record["session"])
    assert [type(c).__name__ for c in loaded.commands][:2] == ["Boost", "AddHint"]
    assert loaded.tree[1].fate is not None and loaded.tree[1].steered


def _fork_row(text: str) -> list[str]:
    """The diagnostics row's cells for orps and orps-steered."""
    row = next(line for line in text.splitlines() if line.startswith("forked where"))
    return row.removeprefix("forked where steered / never / not").split()


async def _plain_then_steered(tmp_path: Path, roots: list[str]) -> tuple[dict, dict, int, int]:
    """ORPS, then steered ORPS, on one problem with sessions saved: both records, and the
    model calls each run made."""
    base = SearchConfig(samples=3, beam=1, rounds=1)
    info = RunInfo(12, 3, 1, 1, "scripted:test", "abc1234")
    sessions = tmp_path / "sessions"
    model = world_model(roots)
    records: list[dict[str, Any]] = []
    plain_plan = BenchPlan([Run.ORPS], [1], base, info, sessions)
    await run_bench([perf_problem()], model, plain_plan, PerfJudge, set(), records.append)
    plain_calls = len(model.calls)
    steered_plan = BenchPlan([Run.ORPS_STEERED], [1], base, info, sessions)
    await run_bench([perf_problem()], model, steered_plan, PerfJudge, set(), records.append)
    plain, steered = records
    return plain, steered, plain_calls, len(model.calls) - plain_calls


async def test_a_steered_run_forks_the_plain_search_where_the_policy_first_acts(
        tmp_path: Path) -> None:
    """Both share every call up to the policy's first command (round 0 here): the steered
    run makes only the calls after it, and differs from the plain one by the steering."""
    from orps_tui.search.session import load_session

    plain, steered, _, steered_calls = await _plain_then_steered(tmp_path, ROOTS)
    assert steered["forked_from"] == {"session": plain["session"], "round": 0}
    assert steered["steering"][:2] == [
        {"round": 0, "rule": "boost-efficiency", "command": "Boost", "node": 1},
        {"round": 0, "rule": "hint-input-limits", "command": "AddHint", "node": 1}]
    forked, original = load_session(steered["session"]), load_session(plain["session"])
    assert forked.header["forked_from"] == plain["session"]
    assert Path(steered["session"]).parent.name == "seed1"
    assert Path(steered["session"]).parent.parent.name == "orps-steered"
    roots = [n for n in original.tree.nodes.values() if n.round == 0]
    prefix_calls = sum(len(n.calls) for n in roots)
    for node in roots:
        twin = forked.tree[node.id]
        assert (twin.code, twin.calls, twin.report) == (node.code, node.calls, node.report)
    assert steered_calls == steered["llm_calls"] - prefix_calls > 0
    assert steered["llm_calls"] <= 12
    assert _fork_row(report([plain, steered])) == ["-", "1", "/", "0", "/", "0"]
    assert steered["hidden"]["verdict"] == "AC" and plain["hidden"]["verdict"] == "TLE"


async def test_a_fork_cut_short_goes_on_rather_than_forking_again(tmp_path: Path) -> None:
    import json

    from orps_tui.search.bench_run import steered_start
    from orps_tui.search.session import LOG_NAME

    plain, steered, _, _ = await _plain_then_steered(tmp_path, ROOTS)
    base = SearchConfig(samples=3, beam=1, rounds=1)
    plan = BenchPlan([Run.ORPS_STEERED], [1], base, RunInfo(12, 3, 1, 1, "s", "abc1234"),
                     tmp_path / "sessions")
    root = tmp_path / "sessions" / "orps-steered" / "seed1"
    log = Path(steered["session"]) / LOG_NAME
    log.write_text("".join(line + "\n" for line in log.read_text().splitlines()
                           if json.loads(line).get("type") != "finished"))  # as a kill leaves it
    cut, forked = steered_start(plan, "add-perf", 1, root)
    assert cut is not None and forked == {"session": plain["session"], "round": 0}
    assert cut.resumable and str(cut.directory) == steered["session"]
    assert len(list(root.iterdir())) == 1  # no second fork


async def test_a_steered_run_the_policy_never_steers_is_the_plain_search(
        tmp_path: Path) -> None:
    plain, steered, _, steered_calls = await _plain_then_steered(tmp_path, [WRONG] * 3)
    assert steered["forked_from"] == {"session": plain["session"], "round": None}
    assert steered_calls == 0 and steered["steering"] == []
    assert _fork_row(report([plain, steered])) == ["-", "0", "/", "1", "/", "0"]
    assert steered["session"] == plain["session"]
    same = ("llm_calls", "answer_node", "code", "public", "hidden", "reason")
    assert {k: steered[k] for k in same} == {k: plain[k] for k in same}


async def test_a_steered_run_without_the_plain_session_starts_afresh_and_says_so(
        tmp_path: Path) -> None:
    """The plain search's session gone (another machine): the steered run starts from
    scratch, its record has no `forked_from`, and the report counts it apart."""
    base = SearchConfig(samples=3, beam=1, rounds=1)
    info = RunInfo(12, 3, 1, 1, "scripted:test", "abc1234")
    model = world_model(ROOTS)
    records: list[dict[str, Any]] = []
    await run_bench([perf_problem()], model, BenchPlan([Run.ORPS], [1], base, info),
                    PerfJudge, set(), records.append)
    plain_calls = len(model.calls)
    await run_bench([perf_problem()], model,
                    BenchPlan([Run.ORPS_STEERED], [1], base, info, tmp_path / "sessions"),
                    PerfJudge, set(), records.append)
    plain, steered = records
    assert "forked_from" not in steered and steered["policy"] == "careful-1"
    assert len(model.calls) - plain_calls == steered["llm_calls"] > 0  # all its own calls
    assert _fork_row(report([plain, steered])) == ["-", "0", "/", "0", "/", "1"]


async def test_a_steered_run_concluded_again_keeps_every_command_it_sent(
        tmp_path: Path) -> None:
    """The record lost after the fork finished (or the fork resumed by a new process): the
    run is concluded from the fork's session, with no model call and no new fork, and its
    record lists the commands the earlier process sent, read back from the session."""
    from orps_tui.search.session import load_session
    from orps_tui.search.steering_policy import sent_before

    plain, steered, _, _ = await _plain_then_steered(tmp_path, ROOTS)
    assert [a.to_dict() for a in sent_before(load_session(steered["session"]).tree)] == \
        steered["steering"]
    base = SearchConfig(samples=3, beam=1, rounds=1)
    info = RunInfo(12, 3, 1, 1, "scripted:test", "abc1234")
    model = world_model(ROOTS)
    again: list[dict[str, Any]] = []
    await run_bench([perf_problem()], model,
                    BenchPlan([Run.ORPS_STEERED], [1], base, info, tmp_path / "sessions"),
                    PerfJudge, set(), again.append)
    assert model.calls == [] and again[0]["session"] == steered["session"]
    same = ("steering", "forked_from", "llm_calls", "code", "hidden", "diagnostics")
    assert {k: again[0][k] for k in same} == {k: steered[k] for k in same}
    assert len(list((tmp_path / "sessions" / "orps-steered" / "seed1").iterdir())) == 1


async def test_a_steered_run_goes_on_from_its_own_session_when_the_plain_one_is_gone(
        tmp_path: Path) -> None:
    """A fork cut short on a machine that is gone, put back without the plain session it
    forked (bench/pack_sessions.py keeps unfinished sessions apart): it goes on from its
    own session and keeps its `forked_from`; a steered run started from scratch and cut
    short goes on too, rather than starting again."""
    import json
    import shutil

    from orps_tui.search.bench_run import steered_start
    from orps_tui.search.session import LOG_NAME

    plain, steered, _, _ = await _plain_then_steered(tmp_path, ROOTS)
    log = Path(steered["session"]) / LOG_NAME
    log.write_text("".join(line + "\n" for line in log.read_text().splitlines()
                           if json.loads(line).get("type") != "finished"))
    shutil.rmtree(plain["session"])
    base = SearchConfig(samples=3, beam=1, rounds=1)
    plan = BenchPlan([Run.ORPS_STEERED], [1], base, RunInfo(12, 3, 1, 1, "s", "abc1234"),
                     tmp_path / "sessions")
    root = tmp_path / "sessions" / "orps-steered" / "seed1"
    cut, forked = steered_start(plan, "add-perf", 1, root)
    assert cut is not None and cut.resumable and str(cut.directory) == steered["session"]
    assert forked == {"session": plain["session"], "round": 0}
    del cut.header["forked_from"]  # as one started from scratch says
    (Path(steered["session"]) / LOG_NAME).write_text(
        "".join(json.dumps(r) + "\n" for r in [cut.header, *[
            json.loads(line) for line in log.read_text().splitlines()[1:]]]))
    again, forked = steered_start(plan, "add-perf", 1, root)
    assert again is not None and str(again.directory) == steered["session"]
    assert forked is None


async def test_the_same_start_row_leaves_out_steered_runs_started_from_scratch(
        tmp_path: Path) -> None:
    """A steered run started from scratch (no plain session to fork) differs from ORPS by
    chance too, so the report adds a row over the forked pairs alone; with every steered
    run forked the row would repeat the one above and is left out."""
    plain, steered, _, _ = await _plain_then_steered(tmp_path, ROOTS)
    scratch_plain = {**plain, "problem": "other"}
    scratch = {k: v for k, v in steered.items() if k != "forked_from"} | {"problem": "other"}

    def row(text: str, name: str) -> list[str] | None:
        """The cells of `name`'s row in the steered-vs-ORPS table."""
        table = text.split("orps-steered vs", 1)[1].split("\n\n", 1)[0]
        line = next((ln for ln in table.splitlines() if ln.startswith(name + " ")), None)
        return None if line is None else line.removeprefix(name).split()

    both = report([plain, steered, scratch_plain, scratch])
    assert row(both, "orps")[0] == "2"  # type: ignore[index]
    assert row(both, "orps, same start")[0] == "1"  # type: ignore[index]
    assert row(report([plain, steered]), "orps, same start") is None
