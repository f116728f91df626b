"""`bench/results/save-run.sh`, run on a copy of itself in a scratch repository: it stops
the benchmark processes of its run checkout (only those), copies the records that grew and
leaves alone a file the run holds fewer lines of."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "results" / "save-run.sh"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the script reads /proc to find its processes")


RUNNERS = ["bench/results/run-coder-v2.sh",
           # what `run-coder-v2.sh before` becomes: it execs the old engine's runner
           "bench/run_before.sh"]


def _fake_run(cwd: Path, name: str) -> subprocess.Popen[bytes]:
    """A process that looks like a benchmark runner to pgrep, in its own session."""
    return subprocess.Popen(["bash", "-c", f"exec -a {name} sleep 60"],
                            cwd=cwd, start_new_session=True)


def _lines(path: Path, n: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"n": {i}}}\n' for i in range(n)))


@pytest.mark.parametrize("runner", RUNNERS)
def test_save_run_stops_its_runs_and_copies_what_grew(tmp_path: Path, runner: str) -> None:
    repo, run, other = tmp_path / "repo", tmp_path / "run", tmp_path / "other"
    (repo / "bench" / "results").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "bench" / "results" / "save-run.sh")
    _lines(run / "bench" / "results" / "coder-v2-seed1.jsonl", 5)
    _lines(repo / "bench" / "results" / "coder-v2-seed1.jsonl", 3)
    _lines(run / "bench" / "results" / "coder-v2-seed1-part2.jsonl", 2)
    _lines(repo / "bench" / "results" / "coder-v2-seed1-part2.jsonl", 4)
    other.mkdir()
    mine, theirs = _fake_run(run, runner), _fake_run(other, runner)
    try:
        time.sleep(0.3)
        done = subprocess.run(["bash", str(repo / "bench" / "results" / "save-run.sh"),
                               str(run), str(tmp_path / "no-sessions")],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert mine.wait(timeout=10) != 0  # stopped
        assert theirs.poll() is None       # another checkout's run goes on
        results = repo / "bench" / "results"
        assert len((results / "coder-v2-seed1.jsonl").read_text().splitlines()) == 5
        assert "coder-v2-seed1.jsonl: 3 -> 5 records" in done.stdout
        assert len((results / "coder-v2-seed1-part2.jsonl").read_text().splitlines()) == 4
        assert "left as it is" in done.stderr
    finally:
        for proc in (mine, theirs):
            proc.kill()
            proc.wait()


def test_save_run_needs_a_run_checkout(tmp_path: Path) -> None:
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2 and "usage: bench/results/save-run.sh" in done.stderr
