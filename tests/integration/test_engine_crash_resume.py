"""Crash safety: a real `orps solve` process, served by the fake Ollama server slowly enough
to be caught mid-search, is killed with SIGKILL and then resumed with `--resume`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orps_tui.problems.library import find_problem
from orps_tui.search.session import SessionError, load_session, node_to_dict
from orps_tui.search.tree import NodeState
from tests.integration.test_engine_ollama import MODEL, Script
from tests.support.fake_ollama import FakeOllama

REPO = Path(__file__).resolve().parents[2]


def _settled_nodes(session_dir: Path) -> dict[int, dict]:
    try:
        loaded = load_session(session_dir)
    except SessionError:  # created but the header is not written yet
        return {}
    return {i: node_to_dict(n) for i, n in loaded.tree.nodes.items()
            if not n.state.busy and n.state is not NodeState.CANCELLED}


def _solve(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    code = "import sys; from orps_tui.cli import main; sys.exit(main())"
    return subprocess.Popen([sys.executable, "-c", code, "solve", *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


@pytest.mark.slow
def test_sigkill_mid_search_then_resume(tmp_path: Path) -> None:
    problem = find_problem("fn-factorial-zeros")
    data = tmp_path / "data"
    slow = Script(problem, chunk_delay_s=0.03)
    with FakeOllama(models=[MODEL], reply=slow) as server:
        env = dict(os.environ, OLLAMA_HOST=server.url, ORPS_DATA_DIR=str(data),
                   PYTHONPATH=str(REPO))
        args = ["fn-factorial-zeros", "--model", f"ollama:{MODEL}", "-k", "3", "-b", "1",
                "-r", "2", "-c", "2", "--json"]
        proc = _solve(args, env)
        sessions = data / "sessions"
        deadline = time.monotonic() + 60
        session_dir = None
        settled: dict[int, dict] = {}
        try:
            while time.monotonic() < deadline:
                dirs = list(sessions.glob("*")) if sessions.is_dir() else []
                if dirs:
                    session_dir = dirs[0]
                    settled = _settled_nodes(session_dir)
                    if len(settled) >= 2:
                        break
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.05)
            else:
                pytest.fail("the search never finished two nodes")
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        assert session_dir is not None
        after_kill = load_session(session_dir)
        assert after_kill.finished is None  # killed: no end record
        survived = _settled_nodes(session_dir)
        assert set(settled) <= set(survived)  # everything settled before the kill is there
        in_flight = [i for i, n in after_kill.tree.nodes.items() if n.state.busy]
        assert in_flight, "the kill should have caught calls in flight"

        slow.chunk_delay_s = 0.0
        resumed = _solve(["--resume", str(session_dir), "--json"], env)
        out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    result = json.loads(out)
    assert result["answer"]["hidden"]["verdict"] == "AC"
    assert Path(result["session"]) == session_dir
    final = load_session(session_dir)
    assert final.finished is not None
    for node_id, before in survived.items():
        now = node_to_dict(final.tree[node_id])
        for key in ("code", "raw_output", "critique", "process_score", "outcome_score", "report"):
            assert now[key] == before[key], (node_id, key)
    for node_id in in_flight:
        node = final.tree[node_id]
        assert not node.state.busy and node.code, node_id  # generated again
