"""The real `orps` in tmux: a finished search, reopened, is continued with `e` and the new
node is in the same session file; `--review` then shows it and refuses to change it."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_ollama import FakeOllama, Request
from tests.support.scripted_model import code_reply, critic_json, made_new
from tests.support.tmux import TMUX, Terminal, terminal_env

ORPS = Path(sys.executable).with_name("orps")
MODEL = "ollama:qwen2.5-coder:7b"
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


@pytest.fixture
def terminal_factory(tmp_path: Path) -> Iterator:
    made: list[Terminal] = []

    def make(command: list[str], **env: str) -> Terminal:
        term = Terminal(command, terminal_env(tmp_path, COLORTERM="truecolor", **env), tmp_path)
        made.append(term)
        return term

    yield make
    for term in made:
        term.close()


_ANSWERS = itertools.count(1)


def _reference_answer(request: Request) -> str:
    if request.is_critic:
        return critic_json(4, "Correct.")
    from orps_tui.problems.library import find_problem

    # a new program each time, as a model's would be (the engine stops repeats)
    return made_new(code_reply(find_problem("fn-factorial-zeros").reference or ""),
                    next(_ANSWERS))


def test_continue_a_finished_session_then_review_it(terminal_factory) -> None:
    from orps_tui.search.session import load_session

    with FakeOllama(models=["qwen2.5-coder:7b"], reply=_reference_answer) as server:
        env = {"OLLAMA_HOST": server.url}
        term = terminal_factory([str(ORPS), "fn-factorial-zeros", "--model", MODEL,
                                 "-k", "1", "-b", "1", "-r", "0"], **env)
        term.wait_for("FINISHED", 90)
        term.wait_for("1 nodes", 10)
        term.keys("C-q")
        term.wait_for("ORPS-EXIT=0", 15)
        sessions = list((Path(os.environ["ORPS_DATA_DIR"]) / "sessions").glob("*"))
        assert len(sessions) == 1
        directory = sessions[0]
        assert len(load_session(directory).tree) == 1

        # reopened: a finished search whose `e` continues it
        term = terminal_factory([str(ORPS), "--resume", str(directory)], **env)
        term.wait_for("FINISHED", 30)
        term.keys("e")
        # the new node's line in the tree (the header's node count gives way to the hidden
        # grade once that is in, on a terminal this wide)
        term.wait_for(" #1 ", 60)
        term.wait_for("FINISHED", 60)
        term.keys("C-q")
        term.wait_for("ORPS-EXIT=0", 15)

        # asked for read-only: the new node is there, and `e` says how to continue instead
        term = terminal_factory([str(ORPS), "--resume", str(directory), "--review"], **env)
        term.wait_for("REVIEW", 30)
        term.wait_for(" #1 ", 10)
        term.keys("e")
        term.wait_for("--review", 10)
        term.keys("C-q")
        term.wait_for("ORPS-EXIT=0", 15)
    saved = load_session(directory)
    assert len(saved.tree) == 2 and not saved.resumable
    assert saved.tree[1].parent_id == 0 and saved.tree[1].report is not None
