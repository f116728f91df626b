"""Kattis / problemtools package importer (and the Kick Start archive layout) on fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems, read_source
from orps_tui.problems.importers.mini_yaml import YamlSubsetError, parse
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import CheckerType, ProblemKind


def make_package(root: Path, name: str = "hello", yaml: str | None = None, **files: str) -> Path:
    folder = root / name
    defaults = {
        "problem.yaml": yaml
        if yaml is not None
        else "# comment\nname: Hello World\nsource: Test Contest\nlicense: cc by-sa\n"
        "limits:\n    memory: 512\n    time_limit: 3\n",
        "problem_statement/problem.md": "Say **hello**.\n",
        "data/sample/1.in": "1\n",
        "data/sample/1.ans": "hello 1\n",
        "data/secret/group1/2.in": "2\n",
        "data/secret/group1/2.ans": "hello 2\n",
        "data/secret/group1/10.in": "10\n",
        "data/secret/group1/10.ans": "hello 10\n",
        "data/secret/3.in": "3\n",
        "data/secret/3.ans": "hello 3\n",
        "data/secret/no-answer.in": "x\n",
    }
    defaults.update({k.replace("__", "/"): v for k, v in files.items()})
    for rel, text in defaults.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_package_becomes_a_directory_problem(tmp_path: Path) -> None:
    folder = make_package(tmp_path)
    [p] = read_source("kattis", folder, ImportOptions()).problems
    assert (p.id, p.title, p.kind) == ("hello", "Hello World", ProblemKind.STDIO)
    assert p.source.dataset == "Test Contest" and p.source.license == "cc by-sa"
    assert p.source.original_id == "hello"
    assert (p.limits.memory_mb, p.limits.time_s) == (512, 3.0)
    assert p.statement.format == "markdown" and "hello" in p.statement.text
    assert p.checker.type is CheckerType.TOKENS
    assert [(t.name, t.public) for t in p.tests] == [
        ("sample-1", True),
        ("secret-3", False),
        ("secret-group1-2", False),
        ("secret-group1-10", False),
    ]
    written = import_problems("kattis", folder, tmp_path / "out").written
    assert written == [tmp_path / "out/hello/problem.toml"]
    assert (tmp_path / "out/hello/tests/secret-group1-10.ans").read_text() == "hello 10\n"
    loaded = load_problem(written[0])
    assert [(t.name, t.input, t.output) for t in loaded.tests] == [
        (t.name, t.input, t.output) for t in p.tests
    ]


def test_kick_start_layout_float_flags_html_and_licence_option(tmp_path: Path) -> None:
    yaml = (
        "author: Google\nsource: Kick Start 2013 - Round A\ntype: scoring\nname: Sorting\n\n"
        "output_validator_flags: float_tolerance 1e-6\ngrading:\n    show_test_data_groups: true\n"
    )
    folder = make_package(
        tmp_path,
        "2013-round_a-sorting",
        yaml=yaml,
        **{
            "problem_statement/problem.md": "",
            "data/sample/1.in": "",
            "data/sample/1.ans": "",
        },
    )
    (folder / "problem_statement/problem.md").unlink()
    for rel in ("data/sample/1.in", "data/sample/1.ans"):
        (folder / rel).unlink()
    (folder / "problem_statement/problem.html").write_text(
        "<p>Sort.</p><h3>Limits</h3>Time limit: 20 seconds per test set.<br>Memory limit: 1GB."
        "<h4>Test Set 2</h4>Time limit: 40 seconds."
    )
    (folder / "problem_statement/sorting_sample_ts1_input.txt").write_text("2\n")
    (folder / "problem_statement/sorting_sample_ts1_output.txt").write_text("Case #1: 2\n")
    [p] = read_source("kattis", tmp_path, ImportOptions(license="Apache-2.0")).problems
    assert p.id == "2013-round-a-sorting" and p.source.license == "Apache-2.0"
    assert p.statement.format == "html"
    assert p.checker.type is CheckerType.FLOAT and p.checker.abs_tol == 1e-6
    assert (p.limits.time_s, p.limits.memory_mb) == (40, 1024)  # as the statement states
    [p] = read_source("kattis", tmp_path, ImportOptions(time_s=5)).problems
    assert p.limits.time_s == 5 and p.source.license.startswith("unknown")
    assert p.public_tests[0].name == "sample-ts1" and p.public_tests[0].output == "Case #1: 2\n"


def test_duplicate_samples_in_data_and_statement_are_kept_once(tmp_path: Path) -> None:
    folder = make_package(tmp_path)
    (folder / "problem_statement/x_sample_ts1_input.txt").write_text("1\n")
    (folder / "problem_statement/x_sample_ts1_output.txt").write_text("hello 1\n")
    [p] = read_source("kattis", folder, ImportOptions()).problems
    assert len(p.public_tests) == 1


def test_folder_of_packages_and_limit(tmp_path: Path) -> None:
    for name in ("b", "a", "c"):
        make_package(tmp_path, name)
    (tmp_path / "not-a-package").mkdir()
    problems = read_source("kattis", tmp_path, ImportOptions(limit=2)).problems
    assert [p.id for p in problems] == ["a", "b"]
    assert problems[0].source.license == "cc by-sa"


@pytest.mark.parametrize(
    ("yaml", "words"),
    [
        ("name: X\nvalidation: custom interactive\n", "interactive problems are not supported"),
        ("name: X\nvalidation: custom\n", "custom output validators are not supported"),
        ("name: X\nlimits:\n  memory: lots\n", "limits.memory must be a positive number"),
        ("name: [unclosed\n", "flow list"),
        ("name: &anchor X\n", "unsupported YAML construct"),
    ],
)
def test_bad_packages(tmp_path: Path, yaml: str, words: str) -> None:
    make_package(tmp_path, "good")
    make_package(tmp_path, "bad", yaml=yaml)
    with pytest.raises(ImportFailure, match=words):
        import_problems("kattis", tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_not_a_package(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="no problem.yaml"):
        read_source("kattis", tmp_path, ImportOptions())
    (tmp_path / "f").write_text("x")
    with pytest.raises(ImportFailure, match="not a folder"):
        read_source("kattis", tmp_path / "f", ImportOptions())
    folder = make_package(tmp_path, "nostatement")
    (folder / "problem_statement/problem.md").unlink()
    with pytest.raises(ImportFailure, match="no problem_statement"):
        read_source("kattis", folder, ImportOptions())


def test_yaml_subset() -> None:
    text = (
        "# c\nname: 'It''s' # trailing\nsource: Kick Start #2\nlimits:\n  memory: 1024\n"
        "  time_multiplier: 2.5\nkeywords: [a, 'b, c']\nflag: true\nempty:\nlist:\n- x\n- 2\n"
    )
    assert parse(text) == {
        "name": "It's",
        "source": "Kick Start",
        "limits": {"memory": 1024, "time_multiplier": 2.5},
        "keywords": ["a", "b, c"],
        "flag": True,
        "empty": None,
        "list": ["x", 2],
    }
    with pytest.raises(YamlSubsetError, match="line 2"):
        parse("a: 1\n  b: 2\n")
    with pytest.raises(YamlSubsetError, match="multi-line|unsupported"):
        parse("a: |\n  text\n")
