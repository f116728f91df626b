"""LBPP and MBPP importers on small inline CSV fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems, read_source
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import ProblemKind

LBPP_COLUMNS = [
    "task_id",
    "language",
    "title",
    "instruction",
    "completion",
    "test_setup",
    "test_list",
    "signature",
    "categories",
]
LBPP_ROW = {
    "task_id": "lbpp/3",
    "language": "python",
    "title": "tree_sum",
    "instruction": "Write `tree_sum(root: TreeNode) -> int` returning the sum of all values.",
    "completion": "class TreeNode:\n    def __init__(self, v, kids=()):\n        self.v = v\n"
    "        self.kids = kids\n\n\ndef tree_sum(root):\n"
    "    return root.v + sum(tree_sum(k) for k in root.kids)\n",
    "test_setup": "from code import tree_sum, TreeNode\n\n",
    "test_list": repr(
        [
            "t = TreeNode(1, [TreeNode(2)])\nassert tree_sum(t) == 3",
            "assert tree_sum(TreeNode(5)) == 5",
            "assert tree_sum(TreeNode(0)) == 0",
        ]
    ),
    "signature": "tree_sum(root: TreeNode) -> int:",  # some LBPP rows leave out `def`
    "categories": "['trees', 'recursion']",
}
MBPP_COLUMNS = ["task_id", "instruction", "completion", "test_setup", "test_list"]
MBPP_ROW = {
    "task_id": "mbpp/11",
    "instruction": "Write a python function to square a number.",
    "completion": "def helper(x):\n    return x\n\ndef square(n): \n    return helper(n) * n\n",
    "test_setup": "import math",
    "test_list": repr(["assert square(2) == 4", "assert square(3) == 9", "assert square(0) == 0"]),
}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_lbpp_row(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "lbpp.csv", LBPP_COLUMNS, [LBPP_ROW])
    [p] = read_source("lbpp", source, ImportOptions()).problems
    assert (p.id, p.title, p.kind) == ("lbpp-3", "tree_sum", ProblemKind.FUNCTION)
    assert p.source.license == "Apache-2.0" and p.source.original_id == "lbpp/3"
    assert p.function is not None
    assert p.function.name == "tree_sum"
    assert p.function.signature == "def tree_sum(root: TreeNode) -> int:"
    assert p.function.setup == "from code import tree_sum, TreeNode\n\n"
    assert p.tags == ("trees", "recursion")
    assert p.reference == LBPP_ROW["completion"]
    assert [(t.name, t.public) for t in p.tests] == [
        ("test-1", True),
        ("test-2", False),
        ("test-3", False),
    ]
    assert p.tests[0].code == "t = TreeNode(1, [TreeNode(2)])\nassert tree_sum(t) == 3"


def test_mbpp_row_takes_the_function_the_asserts_call(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "mbpp.csv", MBPP_COLUMNS, [MBPP_ROW])
    [p] = read_source("mbpp", source, ImportOptions(public=2)).problems
    assert p.id == "mbpp-11" and p.source.license == "CC-BY-4.0"
    assert p.function is not None
    assert (p.function.name, p.function.signature) == ("square", "def square(n):")
    assert p.function.setup == "import math"
    assert [t.public for t in p.tests] == [True, True, False]


def test_at_least_one_test_stays_hidden(tmp_path: Path) -> None:
    row = {**MBPP_ROW, "test_list": repr(["assert square(2) == 4", "assert square(1) == 1"])}
    source = write_csv(tmp_path / "mbpp.csv", MBPP_COLUMNS, [row])
    [p] = read_source("mbpp", source, ImportOptions(public=5)).problems
    assert [t.public for t in p.tests] == [True, False]


def test_written_files_round_trip_and_limit(tmp_path: Path) -> None:
    rows = [LBPP_ROW, {**LBPP_ROW, "task_id": "lbpp/4"}, {**LBPP_ROW, "task_id": "lbpp/5"}]
    source = write_csv(tmp_path / "lbpp.csv", LBPP_COLUMNS, rows)
    written = import_problems("lbpp", source, tmp_path / "out", ImportOptions(limit=2)).written
    assert [p.name for p in written] == ["lbpp-3.toml", "lbpp-4.toml"]
    loaded = load_problem(written[0])
    assert loaded.tests == read_source("lbpp", source, ImportOptions()).problems[0].tests


@pytest.mark.parametrize(
    ("fmt", "columns", "row", "words"),
    [
        ("lbpp", MBPP_COLUMNS, MBPP_ROW, "missing column(s) signature"),
        ("lbpp", LBPP_COLUMNS, {**LBPP_ROW, "test_list": "[oops"}, "not a Python list literal"),
        ("lbpp", LBPP_COLUMNS, {**LBPP_ROW, "test_list": "[1, 2]"}, "list of strings"),
        ("lbpp", LBPP_COLUMNS, {**LBPP_ROW, "test_list": "[]"}, "test_list is empty"),
        ("lbpp", LBPP_COLUMNS, {**LBPP_ROW, "signature": "???"}, "cannot find a function name"),
        (
            "mbpp",
            MBPP_COLUMNS,
            {**MBPP_ROW, "completion": "def other(): pass"},
            "defines no function",
        ),
    ],
)
def test_bad_rows_fail_the_whole_import(tmp_path: Path, fmt, columns, row, words) -> None:
    good = LBPP_ROW if fmt == "lbpp" else MBPP_ROW
    rows = [good, row] if columns == (LBPP_COLUMNS if fmt == "lbpp" else MBPP_COLUMNS) else [row]
    source = write_csv(tmp_path / "in.csv", columns, rows)
    with pytest.raises(ImportFailure) as raised:
        import_problems(fmt, source, tmp_path / "out")
    assert words in str(raised.value) and str(source) in str(raised.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_not_a_csv(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ImportFailure, match="not UTF-8"):
        read_source("mbpp", tmp_path / "x.csv", ImportOptions())
    with pytest.raises(ImportFailure, match="not a file"):
        read_source("mbpp", tmp_path, ImportOptions())
