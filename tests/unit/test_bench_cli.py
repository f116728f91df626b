"""`orps bench` through its command line with the scripted model and the in-process judge:
resume, shards, merging, labels, errors - never a traceback."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from orps_tui.cli import main
from orps_tui.llm.base import ModelErrorKind
from orps_tui.search.bench import key_of, merge, read_records
from orps_tui.search.session import load_session
from tests.support.scripted_model import FakeJudge, Fault, ScriptedModel, sample_problem
from tests.unit.test_search_baselines import by_seed, critic_by_code

IDS = ["p-one", "p-two", "p-three"]
ARGS = ["--model", "scripted:test", "-k", "2", "-b", "1", "-r", "3", "--calls", "6"]
_TIMING = ("wall_s",)


class Interrupting(ScriptedModel):
    """Ctrl-C after `after` calls (a killed benchmark)."""

    def __init__(self, after: int) -> None:
        super().__init__(programmer=by_seed, critic=critic_by_code)
        self.after = after

    def stream_chat(self, *args: Any, **kwargs: Any) -> Any:
        if len(self.calls) >= self.after:
            raise KeyboardInterrupt
        return super().stream_chat(*args, **kwargs)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Problems by id, a scripted model (replaceable), the in-process judge."""
    state: dict[str, Any] = {"model": lambda: ScriptedModel(programmer=by_seed,
                                                           critic=critic_by_code),
                             "judge_fails_for": set(), "closed": 0}

    def collect(refs: list[str]) -> list[Any]:
        return [replace(sample_problem(), id=ref) for ref in refs]

    class ClosingJudge(FakeJudge):
        async def aclose(self) -> None:
            state["closed"] += 1

    def judge(problem: Any, settings: Any) -> FakeJudge:
        if problem.id in state["judge_fails_for"]:
            raise RuntimeError("no sandbox here")
        return ClosingJudge(problem)

    monkeypatch.setattr("orps_tui.cli.bench.collect_problems", collect)
    monkeypatch.setattr("orps_tui.cli.bench.model_ready_or_fail", lambda uri, settings: None)
    monkeypatch.setattr("orps_tui.cli.bench.open_model_or_fail",
                        lambda uri, settings, concurrency=None: state["model"]())
    monkeypatch.setattr("orps_tui.cli.bench.make_judge", judge)
    monkeypatch.setattr("orps_tui.search.bench.engine_commit", lambda: "abc1234")
    return state


def _records(*paths: Path) -> list[dict[str, Any]]:
    merged, _ = merge([read_records(p) for p in paths])
    return sorted(({k: v for k, v in r.items() if k not in _TIMING} for r in merged),
                  key=key_of)


def test_a_run_writes_one_record_per_problem_run_and_seed(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.jsonl"
    assert main(["bench", *IDS, *ARGS, "--seeds", "1,2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    records = _records(out)
    assert len(records) == 3 * 2 * 3
    assert world["closed"] == 3  # one judge per problem, closed after its runs
    assert {r["calls"] for r in records} == {6}
    assert {(r["samples"], r["beam"], r["rounds"]) for r in records} == {(2, 1, 3)}
    for name in ("pass@1 (hidden)", "bestofn-programs", "bestofn-tokens", "oneshot-mean",
                 "exact McNemar", "critic AUC for hidden pass", "stop: budget",
                 "child repeats its branch", "a program passes hidden",
                 "a node passes hidden, answer not"):
        assert name in captured.out
    assert "p-two pool seed 2: 6 samples" in captured.err
    assert "Traceback" not in captured.err
    assert max(len(line) for line in captured.out.splitlines()) <= 80


def test_a_resumed_run_gives_the_same_records_as_one_run(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    assert main(["bench", *IDS, *ARGS, "--seeds", "1,2", "--out", str(whole)]) == 0
    world["model"] = lambda: Interrupting(after=25)
    assert main(["bench", *IDS, *ARGS, "--seeds", "1,2", "--out", str(resumed)]) == 130
    partial = read_records(resumed)
    assert 0 < len(partial) < 18
    with open(resumed, "a", encoding="utf-8") as f:
        f.write('{"problem": "p-one", "meth')  # a line cut off by the kill
    capsys.readouterr()
    world["model"] = lambda: ScriptedModel(programmer=by_seed, critic=critic_by_code)
    assert main(["bench", *IDS, *ARGS, "--seeds", "1,2", "--out", str(resumed)]) == 0
    err = capsys.readouterr().err
    assert f"{len(partial)} record(s) already in --out, {18 - len(partial)} to run" in err
    assert _records(resumed) == _records(whole)
    assert len(read_records(resumed)) == 18  # nothing run twice


def test_a_run_cut_short_goes_on_from_its_session(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --sessions, a run cut short (here the model server died: an error record) is
    resumed from its session when the bench runs again: its saved calls are not made
    again and it ends on its budget. (Its record may differ from an uninterrupted
    run's: a node the dead server failed stays failed, by the engine's resume rule; a
    killed run's nodes in flight are run again.) It goes on under another pace (more calls
    in flight), which changes nothing a run may do; the record says which."""
    resumed, sessions = tmp_path / "resumed.jsonl", tmp_path / "sessions"
    one = ["bench", "p-one", *ARGS, "--seeds", "1", "--method", "orps"]

    def dies_after_three() -> ScriptedModel:
        model = ScriptedModel(programmer=by_seed, critic=critic_by_code)
        model.fault_when = lambda c: Fault(ModelErrorKind.UNREACHABLE) \
            if len(model.calls) > 3 else None
        return model

    world["model"] = dies_after_three
    assert main([*one, "--out", str(resumed), "--sessions", str(sessions)]) == 0
    assert ["error" in r for r in read_records(resumed)] == [True]
    [cut] = list((sessions / "orps" / "seed1").iterdir())
    models: list[ScriptedModel] = []

    def fresh() -> ScriptedModel:
        models.append(ScriptedModel(programmer=by_seed, critic=critic_by_code))
        return models[-1]

    world["model"] = fresh
    assert main([*one, "-c", "3", "--out", str(resumed), "--sessions", str(sessions)]) == 0
    [record] = merge([read_records(resumed)])[0]
    assert record["concurrency"] == 3
    assert record["session"] == str(cut)  # no second session: the first one went on
    assert list((sessions / "orps" / "seed1").iterdir()) == [cut]
    assert len(models[0].calls) < record["llm_calls"]  # the saved calls were not redone
    assert "error" not in record and record["reason"] == "budget"


def test_a_lost_record_is_rebuilt_from_its_finished_session(
        world: dict, tmp_path: Path) -> None:
    """A run whose session finished but whose record is not in --out (the file was
    overwritten) is concluded again from the session: the same record, no model call."""
    out, sessions = tmp_path / "r.jsonl", tmp_path / "sessions"
    one = ["bench", "p-one", *ARGS, "--seeds", "1", "--method", "orps",
           "--out", str(out), "--sessions", str(sessions)]
    assert main(one) == 0
    [first] = read_records(out)
    out.unlink()
    models: list[ScriptedModel] = []

    def counted() -> ScriptedModel:
        models.append(ScriptedModel(programmer=by_seed, critic=critic_by_code))
        return models[-1]

    world["model"] = counted
    assert main(one) == 0
    [again] = read_records(out)
    assert models[0].calls == []
    assert {k: v for k, v in again.items() if k not in _TIMING} == \
        {k: v for k, v in first.items() if k not in _TIMING}
    assert not load_session(first["session"]).resumable  # left finished, as it was


def test_shards_split_and_compare_merges_them_back(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = tmp_path / "whole.jsonl"
    shards = [tmp_path / f"s{i}.jsonl" for i in (1, 2)]
    assert main(["bench", *IDS, *ARGS, "--out", str(whole)]) == 0
    # The problems given in another order: a shard is by id, so the split is the same.
    for i, path in enumerate(shards, 1):
        assert main(["bench", *reversed(IDS), *ARGS, "--shard", f"{i}/2",
                     "--out", str(path)]) == 0
    first = {r["problem"] for r in read_records(shards[0])}
    second = {r["problem"] for r in read_records(shards[1])}
    assert first == {"p-one", "p-two"} and second == {"p-three"}  # sorted ids, every 2nd
    assert _records(*shards) == _records(whole)
    capsys.readouterr()
    assert main(["bench", "--compare", *map(str, shards)]) == 0
    merged = capsys.readouterr().out
    assert main(["bench", "--compare", str(whole)]) == 0
    alone = capsys.readouterr().out

    def without_timing(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("wall s")]

    assert without_timing(merged) == without_timing(alone)


def test_an_old_file_pairs_with_new_records_under_a_label(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.jsonl"
    assert main(["bench", *IDS, *ARGS, "--method", "orps", "--seed", "1",
                 "--out", str(new)]) == 0
    old = tmp_path / "before.jsonl"  # as 95cf9db's `orps bench --method orps` wrote them
    old.write_text("".join(json.dumps({
        "problem": pid, "method": "orps", "model": "scripted:test", "reason": "finished",
        "answer_node": 0, "code": "x", "public": {"verdict": "AC", "passed": 2, "total": 2},
        "hidden": {"verdict": "WA", "passed": 1, "total": 2}, "valid": True, "time_rel": None,
        "llm_calls": 4, "prompt_tokens": 10, "completion_tokens": 5, "nodes": 2,
        "wall_s": 1.0}) + "\n" for pid in IDS))
    capsys.readouterr()
    assert main(["bench", "--compare", f"{old}:orps-before", str(new), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "orps-before" in out
    stats = out.split("won:lost")[1]
    row = next(line for line in stats.splitlines() if line.startswith("orps-before"))
    assert row.split()[1] == "3"  # three (problem, seed) pairs
    # Without --seed they are read as the configured seed (0): no pair with seed-1 records.
    assert main(["bench", "--compare", f"{old}:orps-before", str(new)]) == 0
    assert "won:lost" not in capsys.readouterr().out


def _answer(pid: str, passed: int) -> dict[str, Any]:
    return {"problem": pid, "method": "orps", "seed": 1, "model": "scripted:test",
            "reason": "budget", "answer_node": 0, "code": "x",
            "public": {"verdict": "AC", "passed": 2, "total": 2},
            "hidden": {"verdict": "AC" if passed == 4 else "WA", "passed": passed, "total": 4},
            "valid": True, "time_rel": None, "llm_calls": 4, "prompt_tokens": 10,
            "completion_tokens": 5, "nodes": 2, "wall_s": 1.0}


def test_by_problem_prints_every_problem_by_method(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new, old = tmp_path / "new.jsonl", tmp_path / "old.jsonl"
    new.write_text("".join(json.dumps(_answer(p, n)) + "\n" for p, n in [("p-a", 4), ("p-b", 1)]))
    old.write_text(json.dumps(_answer("p-a", 0)) + "\n")
    assert main(["bench", "--compare", str(new), f"{old}:orps-before", "--by-problem"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("\nproblem  ") + 1:].splitlines()
    assert table[0].split() == ["problem", "orps", "orps-before"]
    assert table[2].split() == ["p-a", "pass", "0%"]
    assert table[3].split() == ["p-b", "25%", "-"]
    assert table[4].split() == ["solved", "1/2", "0/1"]
    assert main(["bench", "--compare", str(new)]) == 0
    assert "\nproblem  " not in capsys.readouterr().out  # only when asked for


def test_errors_become_records_and_are_run_again_on_resume(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.jsonl"
    world["judge_fails_for"] = {"p-two"}
    assert main(["bench", *IDS, *ARGS, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    records = read_records(out)
    errors = [r for r in records if "error" in r]
    assert {r["problem"] for r in errors} == {"p-two"} and len(errors) == 3
    assert "p-two orps seed 0: error: no judge for this problem: RuntimeError" in captured.err
    assert "errors (left out of every figure" in captured.out
    world["judge_fails_for"] = set()
    assert main(["bench", *IDS, *ARGS, "--out", str(out)]) == 0
    merged, _ = merge([read_records(out)])
    assert len(merged) == 9 and not any("error" in r for r in merged)


def test_a_dead_model_never_gives_a_traceback(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world["model"] = lambda: ScriptedModel(fault_when=lambda c: Fault(ModelErrorKind.UNREACHABLE))
    assert main(["bench", "p-one", *ARGS, "--out", str(tmp_path / "r.jsonl")]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    # The pool ends on the dead-server rule; ORPS (2 roots) and reflexion (1 node) end on
    # the engine's rule that a search with no call answered is an error: error records all
    # three, run again on resume.
    assert "p-one pool seed 0: error: 3 model calls in a row failed" in captured.err
    assert "p-one orps seed 0: error: no model call succeeded; last: " in captured.err
    assert "p-one reflexion seed 0: error: no model call succeeded" in captured.err
    assert "errors (left out of every figure" in captured.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-k", "1", "-b", "1", "-r", "1", "--calls", "16"],
         "K=1 B=1 R=1 allow ORPS at most 4 calls, fewer than --calls 16"),
        (["--calls", "1"], "--calls must be at least 2"),
        (["--method", "bestofn", "--calls", "1001"], "the sampling pool holds at most 1000"),
        (["--seed", "1", "--seeds", "1,2"], "give --seed or --seeds, not both"),
        (["--seeds", "1,x"], "--seeds: not a whole number: 'x'"),
        (["--shard", "3/2"], "--shard: I must be between 1 and N"),
        (["--shard", "half"], "--shard: expected I/N"),
    ],
)
def test_bad_bench_settings_are_one_line(world: dict, argv: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "p-one", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_resuming_with_other_settings_or_an_old_file_is_refused(
        world: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.jsonl"
    assert main(["bench", "p-one", *ARGS, "--method", "bestofn", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["bench", "p-one", *ARGS[:-1], "8", "--method", "bestofn",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "was made with calls 6 (now 8)" in err and err.count("\n") == 1
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps({"problem": "p-one", "method": "orps", "hidden": None,
                               "valid": False, "llm_calls": 1, "wall_s": 1}) + "\n")
    assert main(["bench", "p-one", *ARGS, "--out", str(old)]) == 2
    assert "from an older `orps bench`" in capsys.readouterr().err


def test_compare_labels_and_duplicates(world: dict, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.jsonl"
    assert main(["bench", "p-one", *ARGS, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["bench", "--compare", str(out), str(out)]) == 0
    captured = capsys.readouterr()
    assert "3 duplicate record(s)" in captured.err
    assert main(["bench", "--compare", str(out), f"{out}:again"]) == 0
    text = capsys.readouterr().out
    for name in ("orps@again", "bestofn@again", "bestofn-tokens@again", "reflexion@again"):
        assert name in text
    assert main(["bench", "--compare", f"{out}:bad label"]) == 2
    assert "a label is a name without spaces" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"problem": "p", "method": "orps", "seed": 1, "error": "boom"},
         "p orps seed 1: error: boom"),
        # an answer the judge could not grade on the hidden tests (it crashed the old line)
        ({"problem": "p", "method": "orps", "seed": 1, "code": "x", "hidden": None,
          "reason": "budget", "llm_calls": 4, "wall_s": 1.0},
         "p orps seed 1: not graded, stop budget; 4 calls, 1.0 s"),
        ({"problem": "p", "method": "orps", "seed": 1, "code": "x", "reason": "budget",
          "hidden": {"passed": 1, "total": 4, "verdict": "WA"}, "llm_calls": 15, "wall_s": 9.0,
          "diagnostics": {"children": 8, "repeats": 5, "repaired": 1}},
         "p orps seed 1: hidden 1/4 (WA), stop budget, 8 children: 5 repeats, 1 repair; "
         "15 calls, 9.0 s"),
        ({"problem": "p", "method": "reflexion", "seed": 2, "code": None, "hidden": None,
          "reason": "nothing-active", "llm_calls": 1, "wall_s": 0.5},
         "p reflexion seed 2: no answer, stop nothing-active; 1 calls, 0.5 s"),
        ({"problem": "p", "method": "pool", "seed": 0, "llm_calls": 2, "wall_s": 2.0,
          "pool": [{"code": None, "hidden": None, "key": None, "tokens": 3},
                   {"code": "y", "hidden": {"passed": 2, "total": 2, "verdict": "AC"},
                    "key": [1, 1, 0, 1], "tokens": 4, "valid": True}]},
         "p pool seed 0: 2 samples, first no answer, 50% pass hidden, best-of-2 passes; "
         "2 calls, 2.0 s"),
    ],
)
def test_progress_lines(record: dict, expected: str) -> None:
    from orps_tui.cli.bench import progress_line

    assert progress_line(record) == expected


def test_the_engine_commit_is_this_checkout() -> None:
    import subprocess

    from orps_tui.search.bench import engine_commit

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=Path(__file__).parent)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    assert (engine_commit() or "").split("+")[0] == head.stdout.strip()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "usage:"),
        (["out.jsonl", "ollama:m", "2", "x", "1", "1", "p"], "K, B and R must be whole numbers"),
        (["out.jsonl", "ollama:m", "2", "1", "1", "1;2", "p"], "SEEDS must be whole numbers"),
    ],
)
def test_run_before_refuses_bad_arguments_before_doing_anything(
        tmp_path: Path, argv: list[str], message: str) -> None:
    import subprocess

    script = Path(__file__).resolve().parents[2] / "bench" / "run_before.sh"
    done = subprocess.run(["bash", str(script), *argv], capture_output=True, text=True,
                          cwd=tmp_path, timeout=30)
    assert done.returncode == 2 and message in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"method": "orps", "hidden": None, "valid": True, "llm_calls": 1, "wall_s": 1},
         "`problem` must be a string"),
        ({"problem": "p", "method": "pool", "llm_calls": 1, "wall_s": 1, "pool": []},
         "`pool` must be a list of samples"),
        ({"problem": "p", "method": "pool", "llm_calls": 1, "wall_s": 1,
          "pool": [{"hidden": None, "valid": True, "key": None}]},
         "pool sample: `tokens` must be a number"),
        ({"problem": "p", "method": "orps", "seed": "1", "error": "x"},
         "`seed` must be a whole number"),
        ({"problem": "p", "method": "orps", "hidden": None, "valid": True, "llm_calls": 1,
          "wall_s": 1, "diagnostics": [1]}, "`diagnostics` must be an object"),
    ],
)
def test_compare_names_what_is_wrong_with_a_record(
        tmp_path: Path, record: dict, why: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert main(["bench", "--compare", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: not an orps bench record ({why})" in err and err.count("\n") == 1
