"""`orps problems show/list` print problem text literally and stay readable when narrow."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from orps_tui.cli import main
from orps_tui.cli.problems import problem_table
from orps_tui.problems.load import load_problem
from tests.unit.test_problem_load import FUNCTION, write

# Text that Rich would read as markup, emoji codes or styles if it were not escaped.
BRACKETY = (
    FUNCTION.replace('title = "Double it"', 'title = "Double [bold]it[/bold] :smile:"')
    .replace("def double(x: int) -> int:", "def double(x: list[int]) -> dict[str, int]:")
    .replace('kind = "function"', 'kind = "function"\ntags = ["[red]", "arrays"]')
    .replace('text = "Return twice x."', 'format = "text"\ntext = "Return [b]twice[/b] x."')
)


def test_show_prints_signature_title_tags_and_statement_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "double.toml", BRACKETY)
    assert main(["problems", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "function: def double(x: list[int]) -> dict[str, int]:" in out
    assert "Double [bold]it[/bold] :smile:" in out
    assert "tags: [red], arrays" in out
    assert "Return [b]twice[/b] x." in out


def test_list_prints_titles_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "double.toml", BRACKETY)
    assert main(["problems", "list", str(tmp_path)]) == 0
    assert "Double [bold]it[/bold] :smile:" in capsys.readouterr().out


def _library(root: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        text = FUNCTION.replace('id = "double"', f'id = "fn-a-rather-long-problem-id-{i}"')
        text = text.replace(
            'title = "Double it"', f'title = "A title long enough to need shortening {i}"'
        ).replace('kind = "function"', 'kind = "function"\ntags = ["implementation", "greedy"]')
        paths.append(write(root / f"p{i}.toml", text))
    return paths


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_table_fits_the_width_with_whole_ids_one_line_a_problem(
    tmp_path: Path, width: int
) -> None:
    problems = [load_problem(p) for p in _library(tmp_path, 3)]
    buffer = io.StringIO()
    Console(file=buffer, width=width, markup=False).print(problem_table(problems, width))
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1 + len(problems)  # header + one line per problem: nothing wraps
    assert all(len(line) <= width for line in lines)
    for problem, line in zip(problems, lines[1:], strict=True):
        assert line.startswith(problem.id + " ")


def test_table_at_80_keeps_the_useful_columns(tmp_path: Path) -> None:
    problems = [load_problem(p) for p in _library(tmp_path, 2)]
    buffer = io.StringIO()
    Console(file=buffer, width=80, markup=False).print(problem_table(problems, 80))
    header = buffer.getvalue().splitlines()[0].split()
    assert header[:2] == ["id", "title"] and "pub/hid" in header


def test_piped_list_is_plain_and_never_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _library(tmp_path, 2)
    assert main(["problems", "list", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out and "…" not in out
    row = next(line for line in out.splitlines() if line.startswith("fn-a-rather-long"))
    assert "A title long enough to need shortening" in row and "implementation, greedy" in row
    assert row.endswith("1/1")


def test_show_of_a_bad_or_missing_problem_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.toml", "id = 3\n")
    assert main(["problems", "show", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err
    assert main(["problems", "show", str(tmp_path)]) == 2  # a folder with no problem.toml
    assert main(["problems", "show", ""]) == 2
    assert "give a problem id" in capsys.readouterr().err


def test_a_folder_of_problems_is_not_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _library(tmp_path / "lib", 2)
    assert main(["problems", "show", str(tmp_path / "lib")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'lib'} is a folder of 2 problem file(s), not one problem" in err
    (tmp_path / "empty").mkdir()
    assert main(["problems", "show", str(tmp_path / "empty")]) == 2
    assert "no problem.toml and no problem files in this folder" in capsys.readouterr().err


def test_list_without_a_folder_shows_what_the_app_shows(
    capsys: pytest.CaptureFixture[str]
) -> None:
    """`orps problems list` showed the starter set (32) while the app also lists the user's
    problems and the listener's inbox (35): with no folder, it lists both."""
    from orps_tui.problems.library import inbox_dir, scan, search_dirs

    write(inbox_dir() / "double.toml", BRACKETY)
    in_app = scan(*[d for d in search_dirs() if d.exists()]).problems
    assert main(["problems", "list"]) == 0
    out = capsys.readouterr().out
    assert "Double [bold]it[/bold] :smile:" in out
    starter = len(scan(search_dirs()[0]).problems)
    assert f"{len(in_app)} problem(s): {starter} in the starter set, 1 in " in out
