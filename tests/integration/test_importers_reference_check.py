"""The import-time reference check on crafted CSV rows, judged by the real sandbox: dev
asserts the reference fails are dropped and counted, broken layouts are repaired, a slow
reference raises the limit, and `orps problems validate --judge` finds what is left."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems
from orps_tui.problems.importers.layout import LayoutFix
from orps_tui.problems.importers.vetting import LeftOut, check_reference, failures
from orps_tui.problems.load import load_problem
from orps_tui.sandbox.report import Verdict

LBPP_COLUMNS = [
    "task_id", "language", "title", "instruction", "completion", "test_setup", "test_list",
    "signature", "categories",
]  # fmt: skip
MBPP_COLUMNS = ["task_id", "instruction", "completion", "test_setup", "test_list"]
SQUARE = {
    "task_id": "lbpp/1",
    "language": "python",
    "title": "square",
    "instruction": "Return n squared.",
    "completion": "def square(n: int) -> int:\n    return n * n\n",
    "test_setup": "from code import square\n",
    "test_list": repr(["assert square(2) == 4", "assert square(3) == 9"]),
    "signature": "def square(n: int) -> int:",
    "categories": "['math']",
}
CUBE = {
    **SQUARE,
    "task_id": "lbpp/2",
    "title": "cube",
    "completion": "def cube(n: int) -> int:\n    return n ** 3\n",
    "test_setup": "from code import cube\n",
    "test_list": repr(["assert cube(2) == 8", "assert cube(-1) == -1"]),
    "signature": "def cube(n: int) -> int:",
}
# As in LBPP's linked-list tasks: the first assert defines helpers the later ones use.
LINKED = {
    **SQUARE,
    "task_id": "lbpp/3",
    "title": "reverse",
    "completion": "class Node:\n    def __init__(self, v, nxt=None):\n        self.v = v\n"
    "        self.nxt = nxt\n\n\ndef reverse(head: Node) -> Node:\n    prev = None\n"
    "    while head:\n        head.nxt, prev, head = prev, head, head.nxt\n    return prev\n",
    "test_setup": "from code import Node, reverse\n",
    "test_list": repr(
        [
            "def build(items: list[int]) -> Node:\n    head = None\n"
            "    for v in reversed(items):\n        head = Node(v, head)\n    return head\n\n"
            "def to_list(node: Node) -> list[int]:\n    out = []\n    while node:\n"
            "        out.append(node.v)\n        node = node.nxt\n    return out\n\n"
            "assert to_list(reverse(build([1, 2, 3]))) == [3, 2, 1]",
            "assert to_list(reverse(build([5]))) == [5]",
            "assert to_list(reverse(build([]))) == []",
        ]
    ),
    "signature": "def reverse(head: Node) -> Node:",
}
# As in LBPP's tree tasks: the setup builds nodes with a class only the solution defines,
# and defines a helper whose annotation names it.
TREE = {
    **SQUARE,
    "task_id": "lbpp/4",
    "title": "depth",
    "completion": "class TreeNode:\n    def __init__(self, val, left=None, right=None):\n"
    "        self.val, self.left, self.right = val, left, right\n\n\n"
    "def depth(root: TreeNode) -> int:\n"
    "    return 0 if root is None else 1 + max(depth(root.left), depth(root.right))\n",
    "test_setup": "from code import TreeNode, depth\nimport math\n\nA = TreeNode('A')\n"
    "B = TreeNode('B')\nA.left = B\n\n\ndef size(node: TreeNode) -> int:\n"
    "    return 0 if node is None else 1 + size(node.left) + size(node.right)\n",
    "test_list": repr(
        [
            "assert depth(A) == 2 and size(A) == 2",
            "B.right = TreeNode('C')\nassert depth(A) == 3 and math.isfinite(size(A))",
        ]
    ),
    "signature": "def depth(root: TreeNode) -> int:",
}
# A reference that needs about 0.3 s of CPU per call, against a 0.2 s limit.
SLOW = {
    "task_id": "mbpp/9",
    "instruction": "Return x, after some thought.",
    "completion": "import time\n\n\ndef ponder(x):\n    start = time.process_time()\n"
    "    while time.process_time() - start < 0.3:\n        pass\n    return x\n",
    "test_setup": "",
    "test_list": repr(["assert ponder(1) == 1", "assert ponder(2) == 2"]),
}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def dev_rows(asserts: dict[str, list[str]]) -> list[dict]:
    return [{"task_id": task, "test_list": repr(items)} for task, items in asserts.items()]


def test_dev_asserts_the_reference_fails_are_dropped_and_counted(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [SQUARE, CUBE])
    dev = write_csv(
        tmp_path / "dev.csv",
        ["task_id", "test_list"],
        dev_rows(
            {
                "lbpp/1": [
                    "assert square(5) == 25",
                    "assert square(4) == 15",
                    "assert square(0) == 0",
                ],
                "lbpp/2": ["assert cube(2) == 9"],  # every dev assert wrong
            }
        ),
    )
    report = import_problems("lbpp", source, tmp_path / "out", ImportOptions(public_from=dev))
    assert report.vetting is not None
    assert report.vetting.counts(public=True) == (2, 2)
    assert report.vetting.counts(public=False) == (4, 0)
    assert report.no_public == ["lbpp-2"]  # still imported, and listed
    square = load_problem(tmp_path / "out/lbpp-1.toml")
    assert [(t.name, t.public) for t in square.tests] == [
        ("dev-1", True), ("dev-3", True), ("test-1", False), ("test-2", False),
    ]  # fmt: skip
    cube = load_problem(tmp_path / "out/lbpp-2.toml")
    assert cube.public_tests == () and len(cube.hidden_tests) == 2
    [square_vet, cube_vet] = report.vetting.vetted
    assert [(d.name, d.verdict) for d in square_vet.dropped] == [("dev-2", Verdict.WA)]
    assert [(d.name, d.verdict) for d in cube_vet.dropped] == [("dev-1", Verdict.WA)]
    summary = "\n".join(report.summary())
    assert "dev asserts: 2 kept, 2 dropped" in summary
    assert "problems with no public test: 1: lbpp-2" in summary
    assert "lbpp-1: dev-2 (WA)" in summary


def test_cli_prints_the_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [SQUARE])
    dev = write_csv(
        tmp_path / "dev.csv",
        ["task_id", "test_list"],
        dev_rows({"lbpp/1": ["assert square(5) == 25", "assert square(4) == 15"]}),
    )
    out = tmp_path / "out"
    argv = ["import", "lbpp", str(source), "--public-from", str(dev), "--out", str(out)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "dev asserts: 1 kept, 1 dropped" in err and "hidden tests: 2 kept, 0 dropped" in err
    assert main([*argv, "--public", "1", "--force"]) == 2
    assert "--public and --public-from" in capsys.readouterr().err
    bad = ["import", "kattis", str(tmp_path), "--public-from", str(dev), "--out", str(out)]
    assert main(bad) == 2
    assert "--public-from works with lbpp, mbpp, humaneval" in capsys.readouterr().err


def test_helpers_from_the_first_assert_go_with_every_test(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [LINKED])
    report = import_problems("lbpp", source, tmp_path / "out", ImportOptions(public=1))
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    [fix] = vetted.fixes
    assert fix.kind is LayoutFix.SHARED_HELPERS
    assert (fix.names, fix.tests) == (("build", "to_list"), ("test-2", "test-3"))
    assert vetted.dropped == []
    problem = load_problem(report.written[0])
    assert len(problem.tests) == 3
    assert problem.tests[1].code is not None and problem.tests[1].code.startswith("def build(")
    report_after = check_reference(problem)
    assert report_after.verdict is Verdict.AC and report_after.passed == 3


def test_setup_that_needs_the_solution_runs_after_it(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [TREE])
    report = import_problems("lbpp", source, tmp_path / "out", ImportOptions(public=1))
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    [fix] = vetted.fixes
    assert fix.kind is LayoutFix.SETUP_AFTER_SOLUTION and fix.names == ("TreeNode",)
    assert vetted.dropped == []
    problem = load_problem(report.written[0])
    assert problem.function is not None
    # What does not need the solution stays in the setup, in its order.
    assert problem.function.setup == "from code import TreeNode, depth\nimport math\n"
    assert problem.tests[0].code is not None
    assert problem.tests[0].code.startswith("A = TreeNode('A')\nB = TreeNode('B')\nA.left = B")
    assert "def size(node: TreeNode)" in problem.tests[1].code
    assert check_reference(problem).passed == 2


def test_the_unrepaired_layouts_really_fail_in_the_sandbox(tmp_path: Path) -> None:
    """The two rows above are broken as the data sets give them (no repair, no check)."""
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [LINKED, TREE])
    options = ImportOptions(public=1, judge=False)
    report = import_problems("lbpp", source, tmp_path / "out", options)
    linked, tree = (load_problem(p) for p in report.written)
    assert [t.name for t in failures(check_reference(linked))] == ["test-2", "test-3"]
    assert [t.verdict for t in failures(check_reference(tree))] == [Verdict.RE, Verdict.RE]


def test_a_slow_reference_raises_the_limit(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "test.csv", MBPP_COLUMNS, [SLOW])
    options = ImportOptions(public=1, time_s=0.2)
    report = import_problems("mbpp", source, tmp_path / "out", options)
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    assert vetted.dropped == []
    raised = vetted.raised
    assert raised is not None and raised.old_s == 0.2
    assert raised.measured_s >= 0.3
    assert raised.new_s >= 3 * raised.measured_s and raised.new_s % 0.5 == 0
    problem = load_problem(report.written[0])
    assert problem.limits.time_s == raised.new_s
    assert check_reference(problem).passed == 2
    assert f"mbpp-9: time limit 0.2 s -> {raised.new_s:g} s" in "\n".join(report.summary())


def test_a_reference_near_the_limit_raises_it_too(tmp_path: Path) -> None:
    """0.3 s of a 0.5 s limit passes here and times out on a machine half as fast: the
    limit is raised as for a time-out, though no test failed."""
    source = write_csv(tmp_path / "test.csv", MBPP_COLUMNS, [SLOW])
    report = import_problems("mbpp", source, tmp_path / "out", ImportOptions(time_s=0.5))
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    assert vetted.dropped == []
    raised = vetted.raised
    assert raised is not None and raised.old_s == 0.5 and raised.measured_s >= 0.3
    assert raised.new_s >= 3 * raised.measured_s and raised.new_s % 0.5 == 0
    assert load_problem(report.written[0]).limits.time_s == raised.new_s


def test_a_test_too_slow_even_for_a_raised_limit_is_dropped(tmp_path: Path) -> None:
    row = {
        **SLOW,
        "completion": "import time\n\n\ndef ponder(x):\n    start = time.process_time()\n"
        "    while x > 1 and time.process_time() - start < 1.5:\n        pass\n    return x\n",
        "test_list": repr(
            ["assert ponder(1) == 1", "assert ponder(0) == 0", "assert ponder(2) == 2"]
        ),
    }
    source = write_csv(tmp_path / "test.csv", MBPP_COLUMNS, [row])
    report = import_problems("mbpp", source, tmp_path / "out", ImportOptions(time_s=0.1))
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    assert vetted.raised is None
    [dropped] = vetted.dropped
    assert (dropped.name, dropped.verdict) == ("test-3", Verdict.TLE)
    assert "1 s" in dropped.message  # the verdict of the run under 10 x the limit
    problem = load_problem(report.written[0])
    assert [t.name for t in problem.tests] == ["test-1", "test-2"]
    assert problem.limits.time_s == 0.1


def test_a_reference_that_fails_every_hidden_test_is_left_out(tmp_path: Path) -> None:
    hopeless = {**CUBE, "test_list": repr(["assert cube(2) == 8", "assert cube(3) == 0"])}
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [SQUARE, hopeless])
    report = import_problems("lbpp", source, tmp_path / "out", ImportOptions(public=1))
    assert report.vetting is not None
    [square, cube] = report.vetting.vetted
    assert square.left_out is None and square.dropped == []
    assert [d.name for d in cube.dropped] == ["test-2"] and cube.left_out is LeftOut.NO_HIDDEN_TEST
    assert [p.name for p in report.written] == ["lbpp-1.toml"]
    assert "lbpp-2: test-2 (WA: " in "\n".join(report.summary())
    alone = write_csv(tmp_path / "alone.csv", LBPP_COLUMNS, [hopeless])
    with pytest.raises(ImportFailure, match="every problem was left out"):
        import_problems("lbpp", alone, tmp_path / "none", ImportOptions(public=1))
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").glob("*.toml"))


def test_unavailable_is_reported_and_can_be_left_out(tmp_path: Path) -> None:
    needs = {
        **CUBE,
        "task_id": "lbpp/5",
        "test_setup": "from code import cube\nimport orps_no_such_module\n",
    }
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [SQUARE, needs])
    report = import_problems("lbpp", source, tmp_path / "a", ImportOptions())
    assert report.vetting is not None
    assert [p.name for p in report.written] == ["lbpp-1.toml", "lbpp-5.toml"]
    assert report.vetting.vetted[1].unavailable is not None
    summary = "\n".join(report.summary())
    assert "(UNAVAILABLE): 1, imported" in summary and "lbpp-5 (orps_no_such_module)" in summary
    skipped = import_problems("lbpp", source, tmp_path / "b", ImportOptions(skip_unavailable=True))
    assert [p.name for p in skipped.written] == ["lbpp-1.toml"]
    assert skipped.vetting is not None
    assert skipped.vetting.vetted[1].left_out is LeftOut.UNAVAILABLE


def test_wrong_docstring_example_is_dropped(tmp_path: Path) -> None:
    """As humaneval-47: a docstring example the canonical solution disagrees with."""
    row = {
        "task_id": "HumanEval/47",
        "prompt": 'def half(x: int) -> float:\n    """Half of x.\n    >>> half(4)\n    2.0\n'
        '    >>> half(3)\n    1.0\n    """\n',
        "entry_point": "half",
        "canonical_solution": "    return x / 2\n",
        "test": "def check(candidate):\n    assert candidate(8) == 4.0\n",
    }
    source = tmp_path / "he.jsonl"
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    report = import_problems("humaneval", source, tmp_path / "out")
    assert report.vetting is not None
    [vetted] = report.vetting.vetted
    assert [(d.name, d.public, d.verdict) for d in vetted.dropped] == [
        ("example-2", True, Verdict.WA)
    ]
    problem = load_problem(report.written[0])
    assert [t.name for t in problem.tests] == ["example-1", "check"]


def test_validate_judge_names_problem_test_and_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hopeful = {**SQUARE, "test_list": repr(["assert square(2) == 4", "assert square(3) == 10"])}
    source = write_csv(tmp_path / "test.csv", LBPP_COLUMNS, [hopeful, CUBE])
    out = tmp_path / "out"
    import_problems("lbpp", source, out, ImportOptions(public=0, judge=False))
    assert main(["problems", "validate", str(out)]) == 0
    capsys.readouterr()
    assert main(["problems", "validate", "--judge", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"{out / 'lbpp-1.toml'}: lbpp-1: test test-2: WA: " in printed
    assert "lbpp-2" not in printed.split("references:")[0]
    assert "1 of 2 problem(s) have a reference that fails a test" in printed
    (out / "lbpp-1.toml").unlink()
    assert main(["problems", "validate", "--judge", str(out)]) == 0
    assert "references: 1 judged, 0 fail a test" in capsys.readouterr().out
