"""bench/pack_sessions.py: a benchmark's sessions survive the machine. The unfinished ones
go into one archive, each finished one into its own (written once); unpacking puts back
what a sessions folder lacks, and a steered run forks an ORPS session put back so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from orps_tui.search.baselines import Run
from orps_tui.search.bench import RunInfo
from orps_tui.search.bench_run import BenchPlan, run_bench
from orps_tui.search.engine import SearchConfig
from orps_tui.search.session import LOG_NAME, load_session
from tests.support.starter import load_tool
from tests.support.steering_world import RAISES, SLOW, WRONG, PerfJudge, perf_problem, world_model

pack = load_tool(Path(__file__).resolve().parents[2] / "bench" / "pack_sessions.py",
                 "pack_sessions")

BASE = SearchConfig(samples=3, beam=1, rounds=1)
INFO = RunInfo(12, 3, 1, 1, "scripted:test", "abc1234")


async def _bench(runs: list[Run], sessions: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    await run_bench([perf_problem()], world_model([RAISES, SLOW, WRONG]),
                    BenchPlan(runs, [1], BASE, INFO, sessions), PerfJudge, set(),
                    records.append)
    return records


def _cut_short(finished: Path, into: Path) -> Path:
    """A copy of a finished session without its end: a run the machine lost mid-way."""
    shutil.copytree(finished, into)
    log = into / LOG_NAME
    lines = [line for line in log.read_text().splitlines()
             if json.loads(line).get("type") != "finished"]
    log.write_text("\n".join(lines) + "\n")
    return into


async def test_sessions_are_packed_and_put_back_where_missing(tmp_path: Path) -> None:
    root, archives = tmp_path / "sessions", tmp_path / "archives"
    out = tmp_path / "in-progress.tar.xz"
    (plain,) = await _bench([Run.ORPS], root)
    finished = Path(plain["session"])
    assert not load_session(finished).resumable
    unfinished = _cut_short(finished, finished.parent / "20990101T000000Z-cut")
    assert load_session(unfinished).resumable

    in_progress, added = pack.pack(root, out, archives)
    assert in_progress == [unfinished.relative_to(root)]
    assert added == [finished.relative_to(root)]
    archive = archives / f"{finished.relative_to(root)}.tar.xz"
    written = archive.stat().st_mtime_ns
    assert pack.pack(root, out, archives)[1] == []  # a finished session is archived once
    assert archive.stat().st_mtime_ns == written

    kept = (finished / LOG_NAME).read_text()
    shutil.rmtree(root)
    restored = pack.unpack(root, out, archives)
    assert sorted(restored) == sorted([finished.relative_to(root),
                                       unfinished.relative_to(root)])
    assert (finished / LOG_NAME).read_text() == kept
    assert load_session(unfinished).resumable
    assert pack.unpack(root, out, archives) == []  # what is there is left alone

    # the steered run forks the ORPS session put back, as it would the original
    shutil.rmtree(unfinished)
    (steered,) = await _bench([Run.ORPS_STEERED], root)
    assert steered["forked_from"]["session"] == str(finished)
    assert steered["hidden"]["verdict"] == "AC" and plain["hidden"]["verdict"] == "TLE"


def test_a_starter_problem_folder_is_archived_as_a_note_and_copied_back(
        tmp_path: Path) -> None:
    starters, root = tmp_path / "problems", tmp_path / "sessions"
    problem = starters / "big-one"
    (problem / "tests").mkdir(parents=True)
    (problem / "problem.toml").write_text('id = "big-one"\n')
    (problem / "tests" / "large.in").write_text("7 " * 5000)
    session = root / "orps" / "seed1" / "20990101T000000Z-big-one"
    session.mkdir(parents=True)
    shutil.copytree(problem, session / "problem")
    (session / LOG_NAME).write_text("")  # unreadable as a session: packed by hand below
    out = tmp_path / "one.tar.xz"
    import tarfile

    with tarfile.open(out, "w:xz") as tar:
        pack._add_session(tar, session, session.relative_to(root), starters)
    with tarfile.open(out, "r:xz") as tar:
        names = tar.getnames()
    assert f"{session.relative_to(root)}/{pack.NOTE}" in names
    assert not any("/problem/" in n or n.endswith("/problem") for n in names)
    shutil.rmtree(root)
    assert pack.unpack(root, out, None, starters) == [session.relative_to(root)]
    assert pack.folder_hash(session / "problem") == pack.folder_hash(problem)
    assert not (session / pack.NOTE).exists()

    shutil.rmtree(root)
    (problem / "tests" / "large.in").write_text("8")  # the starter changed since
    with pytest.raises(SystemExit, match="differs now"):
        pack.unpack(root, out, None, starters)


def test_a_problem_that_is_not_a_starter_travels_whole(tmp_path: Path) -> None:
    starters = tmp_path / "problems"
    starters.mkdir()
    session = tmp_path / "s"
    (session / "problem").mkdir(parents=True)
    (session / "problem" / "problem.toml").write_text('id = "mine"\n')
    assert pack.starter_of(session, starters) is None
    (starters / "mine").mkdir()
    (starters / "mine" / "problem.toml").write_text('id = "mine"\nextra = 1\n')
    assert pack.starter_of(session, starters) is None
