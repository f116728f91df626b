"""Problems without a statement: the placeholder rule, saving a statement into the problem
file, and `orps problems edit ID` through $EDITOR."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import Statement
from orps_tui.problems.statement import (
    MISSING,
    lacks_statement,
    missing_statement_note,
    placeholder,
)
from orps_tui.problems.write import save_statement, write_problem
from tests.support.scripted_model import sample_problem


def _companion_problem(tmp_path: Path) -> Path:
    from dataclasses import replace

    problem = replace(sample_problem(), statement=Statement(
        placeholder("A. Add", "Codeforces Round 1", "https://codeforces.com/contest/1/A")))
    return write_problem(problem, tmp_path / "add-two.toml")


def test_placeholders_and_empty_statements_lack_one_real_text_does_not() -> None:
    assert lacks_statement(placeholder("A. Add", "Round 1", "https://example.com/a"))
    assert lacks_statement(placeholder("A. Add"))
    assert lacks_statement("  \n")
    assert not lacks_statement("**A. Add**\n\nGiven two integers, print their sum.\n")
    assert not lacks_statement("Read the statement at <https://x>.\n\nThen add a and b.")
    assert missing_statement_note(sample_problem()) is None


def test_a_companion_problem_is_named_as_lacking_a_statement(tmp_path: Path) -> None:
    problem = load_problem(_companion_problem(tmp_path))
    note = missing_statement_note(problem)
    assert note is not None and note.startswith("add-two has no statement")


def test_save_statement_replaces_only_the_statement(tmp_path: Path) -> None:
    path = _companion_problem(tmp_path)
    before = load_problem(path)
    save_statement(path, "Print a + b.")
    after = load_problem(path)
    assert after.statement == Statement("Print a + b.\n", "markdown")
    assert after.tests == before.tests and after.limits == before.limits
    assert missing_statement_note(after) is None


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{sys.executable} {script}"


def test_problems_edit_saves_what_the_editor_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _companion_problem(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(
        tmp_path, "open(sys.argv[1], 'a').write('\\nGiven a and b, print a + b.\\n')"))
    assert main(["problems", "edit", str(path)]) == 0
    assert "statement saved" in capsys.readouterr().out
    text = load_problem(path).statement.text
    assert "Read the statement at" in text and text.endswith("Given a and b, print a + b.\n")
    assert not lacks_statement(text)


def test_problems_edit_saves_nothing_when_the_editor_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _companion_problem(tmp_path)
    before = path.read_text(encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "open(sys.argv[1], 'w').write('x')\n"
                                                   "sys.exit(3)"))
    assert main(["problems", "edit", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "exited with status 3: nothing saved" in err[0]
    assert path.read_text(encoding="utf-8") == before


def test_problems_edit_without_an_editor_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _companion_problem(tmp_path)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert main(["problems", "edit", str(path)]) == 2
    assert "set $EDITOR" in capsys.readouterr().err


def test_solve_warns_before_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _companion_problem(tmp_path)
    assert main(["solve", str(path), "--model", "nosuchscheme:x"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"warning: add-two {MISSING}"
