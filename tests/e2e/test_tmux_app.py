"""The real `orps` command in a real terminal (tmux), driven by keys, read from the screen.

The model is the fake Ollama HTTP server (real sockets, real `ollama` client), answering
with the problem's reference solution: this proves the whole path from keys to judged,
exported answer. A second test runs the embedded SmolLM2 model (weak: it proves the
plumbing, not that it solves anything).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_ollama import FakeOllama, Reply, Request
from tests.support.scripted_model import code_reply, critic_json
from tests.support.tmux import TMUX, Terminal, terminal_env

REPO = Path(__file__).resolve().parents[2]
ORPS = Path(sys.executable).with_name("orps")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


@pytest.fixture
def terminal_factory(tmp_path: Path) -> Iterator:
    made: list[Terminal] = []

    def make(command: list[str], as_leader: bool = False, **env: str) -> Terminal:
        term = Terminal(command, terminal_env(tmp_path, COLORTERM="truecolor", **env), tmp_path,
                        as_leader=as_leader)
        made.append(term)
        return term

    yield make
    for term in made:
        term.close()


def _reference_answer(request: Request) -> str:
    if request.is_critic:
        return critic_json(5, "Correct and efficient.", finished=True)
    from orps_tui.problems.library import find_problem

    return code_reply(find_problem("fn-factorial-zeros").reference or "")


def test_solve_a_starter_problem_from_the_home_screen(terminal_factory, tmp_path: Path) -> None:
    with FakeOllama(models=["qwen2.5-coder:7b"], reply=_reference_answer) as server:
        term = terminal_factory([str(ORPS), "--model", "ollama:qwen2.5-coder:7b"],
                                OLLAMA_HOST=server.url)
        term.wait_for("pick a problem", 30)
        term.wait_for("ollama:qwen2.5-coder:7b", 15)
        term.wait_for(" of ", 30)  # the problem list has loaded ("32 of 32")
        term.type("factorial")
        term.wait_for("─ 1 of ")  # the filter has been applied: one row left
        term.keys("Enter", "Enter")  # into the table, pick the row
        term.wait_for("problem: fn-factorial-zeros")
        term.keys("C-s")
        screen = term.wait_for("FINISHED", 90)
        assert "fn-factorial-zeros" in screen and "ollama:qwen2.5-coder:7b" in screen
        # The header can say FINISHED one refresh (75 ms) before the tree's last relabel.
        screen = term.wait_for("100%", 10)
        term.keys("n", "x")
        term.wait_for("./fn-factorial-zeros.py")
        term.keys("Enter")
        exported = tmp_path / "fn-factorial-zeros.py"
        deadline = time.monotonic() + 10
        while not exported.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exported.read_text().strip().startswith("def factorial_zeros")
        term.keys("C-q")
        term.wait_for("ORPS-EXIT=0", 15)
    assert server.requests_to("/api/chat")


def test_problem_argument_starts_at_once_and_help_works(terminal_factory) -> None:
    term = terminal_factory([str(ORPS), "no-such-dir/nothing.toml"])
    screen = term.wait_for("ORPS-EXIT=2", 20)
    assert "no such problem file" in screen


@pytest.mark.slow
@pytest.mark.model
def test_embedded_model_runs_a_search_end_to_end(terminal_factory) -> None:
    from orps_tui.llm.embedded_models import SMOLLM2, runtime_installed

    if SMOLLM2.path() is None or not runtime_installed():
        pytest.skip("the embedded SmolLM2 model or xllamacpp is not installed")
    config = Path(os.environ["ORPS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[model]\nmax_tokens = 160\n", encoding="utf-8")  # keep calls short
    problem = REPO / "problems" / "fn-run-length-encode.toml"
    term = terminal_factory([str(ORPS), str(problem), "--model", "embedded", "--samples", "1",
                             "--beam", "1", "--rounds", "0", "--concurrency", "1"])
    term.wait_for("RUNNING", 60)
    screen = term.wait_for("FINISHED", 240)
    assert "embedded" in screen and "#0" in screen
    # a programmer call, and a critic call if it wrote code (SmolLM2 may loop and be cut
    # off with no code, which ends the node without a review)
    assert re.search(r"\b[12]/2 calls", screen), screen
    term.keys("C-q")
    term.wait_for("ORPS-EXIT=0", 15)


def _processes_with(marker: str) -> list[str]:
    """Command lines of the live processes whose environment holds `marker` (NAME=VALUE)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            if marker.encode() in environ:
                stat = (proc / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] == "Z":  # a zombie has already exited
                    continue
                found.append(f"{proc.name}: " + (proc / "cmdline").read_bytes()
                             .replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


def _slow_reference(request: Request) -> Reply:
    """The reference answer, one character at a time: a search that is still running."""
    return Reply(chunks=list(_reference_answer(request)), chunk_delay_s=0.05)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("as_leader", [True, False], ids=["make-leads", "under-a-shell"])
def test_closing_the_terminal_ends_make_run_and_keeps_the_session(
        terminal_factory, tmp_path: Path, as_leader: bool) -> None:
    """`make-leads` is `tmux new-session 'make run'`: the hangup's SIGHUP reaches only make,
    and orps finds its terminal gone (EOF, EIO); `under-a-shell`: SIGHUP reaches orps."""
    marker = f"ORPS_E2E_RUN={tmp_path.name}"
    with FakeOllama(models=["qwen2.5-coder:7b"], reply=_slow_reference) as server:
        term = terminal_factory(
            ["make", "-s", "-C", str(REPO), "run",
             "ARGS=fn-factorial-zeros --model ollama:qwen2.5-coder:7b -k 2 -b 1 -r 2"],
            as_leader=as_leader, OLLAMA_HOST=server.url, ORPS_E2E_RUN=tmp_path.name)
        term.wait_for("RUNNING", 60)
        term.wait_for("✎", 30)  # a programmer call is streaming
        assert _processes_with(marker), "the app is not running under the marker"
        term.run("kill-session", "-t", "orps")  # the terminal goes away
        deadline = time.monotonic() + 20
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _processes_with(marker)
        for line in left:  # never leave a spinning process behind, even when failing
            os.kill(int(line.split(":")[0]), 9)
        assert not left, f"still running after the terminal closed: {left}"
    sessions = list((Path(os.environ["ORPS_DATA_DIR"]) / "sessions").glob("*/session.jsonl"))
    assert len(sessions) == 1
    from orps_tui.search.session import load_session

    saved = load_session(sessions[0].parent)
    assert saved.finished is not None and saved.finished["reason"] == "cancelled"
    assert len(saved.tree) >= 1  # resumable: `orps --resume` goes on from here
