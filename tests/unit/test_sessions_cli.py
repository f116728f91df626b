"""`orps sessions list|show|compare` on two real saved searches (scripted model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orps_tui.cli import main
from tests.support.two_sessions import two_sessions


def test_list_names_every_session_of_the_apps_folder(
        capsys: pytest.CaptureFixture[str]) -> None:
    first, second = two_sessions()
    assert main(["sessions", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["session", "problem", "model", "nodes", "ended", "opens", "as"]
    rows = {line.split()[0]: line.split() for line in lines[2:4]}
    assert set(rows) == {first.name, second.name}
    assert rows[first.name][1:] == ["add-two", "scripted:test", "2", "budget", "review"]
    assert rows[second.name][3] == "4"
    assert "2 session(s) in" in out


def test_list_finds_the_sessions_a_benchmark_leaves_below_its_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = two_sessions()  # as `orps bench --sessions DIR` leaves them
    (tmp_path / "orps" / "seed1").mkdir(parents=True)
    (tmp_path / "pool" / "seed1").mkdir(parents=True)
    first.rename(tmp_path / "orps" / "seed1" / first.name)
    second.rename(tmp_path / "pool" / "seed1" / second.name)
    assert main(["sessions", "list", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"orps/seed1/{first.name}" in out and f"pool/seed1/{second.name}" in out
    assert f"2 session(s) in {tmp_path}" in out


def test_list_of_an_empty_or_missing_folder(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "list", str(tmp_path)]) == 0
    assert f"No saved sessions in {tmp_path}." in capsys.readouterr().out
    assert main(["sessions", "list", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_show_prints_the_facts_then_the_tree(capsys: pytest.CaptureFixture[str]) -> None:
    _, second = two_sessions()
    assert main(["sessions", "show", str(second)]) == 0
    out = capsys.readouterr().out
    facts = dict(re.split(r"\s{2,}", line, maxsplit=1)
                 for line in out.split("\n\n")[0].splitlines()[1:])
    assert facts["budget"] == "K2 B1 R1" and facts["answer"] == "#2"
    tree = out.split("\n\n", 1)[1].splitlines()
    assert [line.split()[0] for line in tree] == ["#0", "#2", "#3", "#1"]
    assert tree[1].startswith("  #2 ") and "* answer" in tree[1]   # a child, indented
    assert "public 0/" in tree[0] and "p2.0" in tree[0]


def test_show_says_a_session_is_a_fork(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from orps_tui.search.session import fork_session

    _, second = two_sessions()
    forked = fork_session(second, 1, tmp_path)
    assert main(["sessions", "show", str(forked)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"forked from {second} as its round 1 settled (session.fork_session)"
    assert [line.split()[0] for line in lines if line.lstrip().startswith("#")] == \
        ["#0", "#2", "#3", "#1"]


def test_show_node_prints_what_the_node_holds(capsys: pytest.CaptureFixture[str]) -> None:
    _, second = two_sessions()
    assert main(["sessions", "show", str(second), "--node", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("#2  ") and "* answer" in out.splitlines()[0]
    assert "child of #0 · depth 1 · round 1 · model" in out
    assert "--- code ---\ndef add(a, b):\n    return a + b" in out
    assert "--- public tests ---" in out and ": AC · " in out
    assert main(["sessions", "show", str(second), "--node", "9"]) == 2
    assert "has no node #9 (it has #0-#3)" in capsys.readouterr().err


def test_compare_sets_sessions_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = two_sessions()
    assert main(["sessions", "compare", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "nodes per round" in out and f"1: {first.name}" in out and f"2: {second.name}" in out
    assert main(["sessions", "compare", str(first)]) == 2
    assert "two or more sessions" in capsys.readouterr().err


def test_a_folder_that_is_no_session_is_one_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "show", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a session" in err and "Traceback" not in err and len(err.splitlines()) == 1
