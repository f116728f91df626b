"""bench/pack_sessions.py: a benchmark's sessions survive the machine. The unfinished ones
go into one archive, each finished one into its own (written once); unpacking puts back
what a sessions folder lacks, and a steered run forks an ORPS session put back so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

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
