"""Practice mode in a real terminal: the real `orps` in tmux, driven by keys, read back with
`tmux capture-pane -p`. $EDITOR is a script that writes a planted wrong solution, so the
suspend-and-edit path runs for real; then judge, diff, custom test, stress, export."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.support.tmux import TMUX, Terminal, quote, terminal_env

REPO = Path(__file__).resolve().parents[2]
ORPS = Path(sys.executable).with_name("orps")
PLANTED = REPO / "tools" / "stress" / "warm_streak_planted_bug.py"
GEN = REPO / "tools" / "stress" / "warm_streak_gen.py"
pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
              pytest.mark.slow]


def test_practice_in_a_real_terminal(tmp_path: Path) -> None:
    editor = tmp_path / "fake-editor.sh"
    editor.write_text(f'#!/bin/sh\ncp {quote(str(PLANTED))} "$1"\n')
    editor.chmod(0o755)
    term = Terminal([str(ORPS)], terminal_env(tmp_path, EDITOR=str(editor)), tmp_path,
                    width=150, height=45, key_delay=0.2)
    try:
        term.wait_for("pick a problem")
        term.type("warm-streak")
        term.wait_for("Warm Streak")
        term.keys("Enter", "C-o")
        term.wait_for("practice · warm-streak")
        term.wait_for("sys.stdin.read().split()")  # the stdio template in the editor

        term.keys("F2")  # $EDITOR writes the planted bug; the app suspends and comes back
        term.wait_for("planted wrong solution")
        term.keys("F5")
        term.wait_for("AC  2/2 passed on public tests")
        term.keys("F6")
        screen = term.wait_for("first failing test:")
        assert "WA  10/12 passed on all tests" in screen
        # the comparison below it may be drawn a frame later on a loaded machine
        screen = term.wait_for("expected line 1:")
        assert "line 1, token 1: expected" in screen

        term.keys("F7")
        term.wait_for("new custom test")
        term.type("3")
        term.keys("Enter")
        term.type("1 2 3")
        term.keys("Tab")
        term.type("3 1")
        term.keys("C-s")
        term.wait_for("added custom-1")

        term.keys("F9")
        term.wait_for("stress test (enter runs")
        term.type(str(GEN))
        term.keys("Enter")
        term.wait_for("stress FOUND a bug", 60)
        term.keys("C-g")
        term.wait_for("saved the failing input as custom-2")

        term.keys("F10")
        term.wait_for("Export the practice history")
        term.keys("Enter")
        term.wait_for("history exported to")
        exported = json.loads((tmp_path / "orps-history.json").read_text())
        assert [a["verdict"] for a in exported] == ["AC", "WA"]

        term.keys("Escape", "Escape")
        term.wait_for("pick a problem")
        term.keys("C-q")
        term.wait_for("ORPS-EXIT=0")
    finally:
        term.close()
    custom = Path(os.environ["ORPS_DATA_DIR"]) / "practice" / "warm-streak" / "custom_tests.toml"
    assert "custom-2" in custom.read_text()
