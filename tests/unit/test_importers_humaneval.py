"""HumanEval importer on small inline fixtures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems, read_source
from orps_tui.problems.importers.humaneval import docstring_examples
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import CheckerType, ProblemKind

PROMPT = '''from typing import List
import math


def helper(x: int) -> int:
    """Already written."""
    return x


def add_all(xs: List[int],
            start: int = 0) -> int:
    """ Sum the numbers.
    >>> add_all([1, 2])
    3
    >>> add_all([])
    0
    >>> print(add_all([5]))
    5
    >>> add_all([1],
    """
'''
ROW = {
    "task_id": "HumanEval/7",
    "prompt": PROMPT,
    "entry_point": "add_all",
    "canonical_solution": "    return start + sum(xs)\n",
    "test": "\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n",
}
NO_EXAMPLES = {
    **ROW,
    "task_id": "HumanEval/8",
    "prompt": 'def f(x):\n    """Return x, somehow."""\n',
    "entry_point": "f",
    "canonical_solution": "    return x\n",
    "test": "\n\ndef check(candidate):\n    assert candidate(3) == 3\n",
}


def write_jsonl(path: Path, rows: list[dict], gz: bool = False) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def test_row_becomes_a_function_problem(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "he.jsonl.gz", [ROW, NO_EXAMPLES], gz=True)
    result = read_source("humaneval", source, ImportOptions())
    p = result.problems[0]
    assert p.id == "humaneval-7" and p.kind is ProblemKind.FUNCTION
    assert p.source.original_id == "HumanEval/7" and p.source.license == "MIT"
    assert p.function is not None
    assert p.function.name == "add_all"
    assert p.function.signature == "def add_all(xs: List[int],\n            start: int = 0) -> int:"
    assert p.function.setup.startswith("from typing import List\nimport math\n\n\ndef helper")
    assert "def add_all" not in p.function.setup
    assert p.checker.type is CheckerType.ASSERT
    assert "```python" in p.statement.text and "Sum the numbers" in p.statement.text
    assert p.reference == PROMPT + ROW["canonical_solution"]
    public = [t.code for t in p.public_tests]
    assert public == ["assert add_all([1, 2]) == 3", "assert add_all([]) == 0"]
    [hidden] = p.hidden_tests
    assert hidden.code is not None
    assert "def check(candidate)" in hidden.code and hidden.code.endswith("check(add_all)\n")
    # Zero parsable examples is allowed, and reported.
    assert result.problems[1].public_tests == ()
    report = import_problems("humaneval", source, tmp_path / "out", ImportOptions(judge=False))
    assert report.no_public == ["humaneval-8"]
    assert "problems with no public test: 1: humaneval-8" in report.summary()


def test_examples_really_pass_with_the_reference(tmp_path: Path) -> None:
    """The generated assert code is valid Python that the canonical solution satisfies."""
    p = read_source(
        "humaneval", write_jsonl(tmp_path / "he.jsonl", [ROW]), ImportOptions()
    ).problems[0]
    assert p.function is not None and p.reference is not None
    for test in p.tests:
        namespace: dict = {}
        exec(p.function.setup, namespace)
        exec(p.reference, namespace)
        exec(test.code or "", namespace)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("f(1) == 2", ["assert f(1) == 2"]),
        ("    f([1, 2]) ➞ [2]", ["assert f([1, 2]) == [2]"]),
        ("f('a') => 'b'", ["assert f('a') == 'b'"]),
        ("f(3) returns 9.", ["assert f(3) == 9"]),
        ("f(3) should return True.", ["assert f(3) == True"]),
        ("f(2) = 4", []),
        ("f(a) == 4", []),
        ("f(len('ab')) == 4", ["assert f(len('ab')) == 4"]),
        ("f(2) = 1 + (2 / 2) = 2", []),
        ("f(x) == y", []),
        ("g(1) == 2", []),
        ("For x = 3 the output should be 4", ["assert f(x=3) == 4"]),
        ("Input: x = [1]\nOutput: 2", ["assert f(x=[1]) == 2"]),
        ("For z = 3 the output should be 4", []),
        (">>> f(1)\n2\n>>> f(1)\n2", ["assert f(1) == 2"]),
        (">>> f(1)\n\n>>> f(2)\n(1,\n 2)", ["assert f(2) == (1, 2)"]),
    ],
)
def test_docstring_example_forms(doc: str, expected: list[str]) -> None:
    assert [code for code, _, _ in docstring_examples(doc, "f", ["x"])] == expected


def test_writes_loadable_single_file_problems(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "he.jsonl", [ROW, NO_EXAMPLES])
    written = import_problems("humaneval", source, tmp_path / "out").written
    assert written == [tmp_path / "out/humaneval-7.toml", tmp_path / "out/humaneval-8.toml"]
    original = read_source("humaneval", source, ImportOptions()).problems
    for path, problem in zip(written, original, strict=True):
        loaded = load_problem(path)
        assert loaded.tests == problem.tests and loaded.function == problem.function


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"task_id": "x"}\n', "missing or non-string field(s) prompt"),
        ("not json\n", "not JSON"),
        ("[1, 2]\n", "must be a JSON object"),
        ("\n\n", "no rows"),
        (json.dumps({**ROW, "entry_point": "nope"}) + "\n", "defines no function 'nope'"),
        (json.dumps({**ROW, "prompt": "def ("}) + "\n", "not valid Python"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, content: str, words: str
) -> None:
    source = tmp_path / "bad.jsonl"
    # A good row first: one bad row must stop the whole import.
    source.write_text(content if not content.strip() else json.dumps(ROW) + "\n" + content)
    with pytest.raises(ImportFailure, match=words.replace("(", r"\(").replace(")", r"\)")):
        import_problems("humaneval", source, tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_not_gzip_and_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl.gz").write_text("plain")
    with pytest.raises(ImportFailure, match="cannot read"):
        read_source("humaneval", tmp_path / "x.jsonl.gz", ImportOptions())
    with pytest.raises(ImportFailure, match="not a file"):
        read_source("humaneval", tmp_path, ImportOptions())
