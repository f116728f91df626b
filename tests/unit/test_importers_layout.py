"""The static layout repairs (names only; the sandbox proves them in
tests/integration/test_importers_reference_check.py)."""

from __future__ import annotations

from orps_tui.problems.importers.layout import LayoutFix, fix_layout
from orps_tui.problems.model import (
    Checker,
    CheckerType,
    FunctionSpec,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)

REFERENCE = "class Node:\n    pass\n\n\ndef solve(n: Node) -> int:\n    return 1\n"


def problem(setup: str, *codes: str, reference: str | None = REFERENCE) -> Problem:
    return Problem(
        id="p",
        title="p",
        kind=ProblemKind.FUNCTION,
        source=Source("test", "MIT"),
        statement=Statement("s"),
        limits=Limits(),
        tests=tuple(
            TestCase(name=f"test-{i}", public=i == 1, code=code)
            for i, code in enumerate(codes, start=1)
        ),
        function=FunctionSpec("solve", "def solve(n: Node) -> int:", setup),
        checker=Checker(type=CheckerType.ASSERT),
        reference=reference,
    )


def test_a_good_layout_is_left_alone() -> None:
    p = problem(
        "from code import solve, Node\nimport math\n\n\ndef make() -> object:\n    return Node()\n",
        "assert solve(make()) == 1",
        "x = [v for v in range(3)]\nassert solve(Node()) == 1 and len(x) == 3",
    )
    # `make` only names Node in its body, which runs after the solution: nothing to move.
    assert fix_layout(p) == (p, [])


def test_setup_lines_and_their_dependants_move_in_order() -> None:
    p = problem(
        "from code import solve, Node\nimport math\nroot = Node()\nroot.size = 3\n"
        "LIMIT = 10\nsizes = [root.size]\n",
        "assert solve(root) == 1",
    )
    fixed, [fix] = fix_layout(p)
    assert fix.kind is LayoutFix.SETUP_AFTER_SOLUTION and fix.names == ("Node",)
    assert fixed.function is not None
    assert fixed.function.setup == "from code import solve, Node\nimport math\nLIMIT = 10\n"
    assert fixed.tests[0].code == (
        "root = Node()\nroot.size = 3\nsizes = [root.size]\n\nassert solve(root) == 1"
    )


def test_a_moved_statement_sharing_a_line_falls_back_to_unparsed_code() -> None:
    p = problem("import math; root = Node()\n", "assert solve(root) == 1")
    fixed, [fix] = fix_layout(p)
    assert fixed.function is not None and fixed.function.setup == "import math\n"
    assert fixed.tests[0].code == "root = Node()\n\nassert solve(root) == 1"


def test_helpers_are_copied_with_what_they_need_and_decorators() -> None:
    first = (
        "import functools\n\n\n@functools.cache\ndef build(k: int) -> Node:\n    return wrap(Node())\n\n"
        "def wrap(n):\n    return n\n\n"
        "def unused():\n    pass\n\nassert solve(build(1)) == 1"
    )
    p = problem("from code import solve, Node\n", first, "assert solve(build(2)) == 1")
    fixed, [fix] = fix_layout(p)
    assert fix.kind is LayoutFix.SHARED_HELPERS and fix.tests == ("test-2",)
    assert fix.names == ("build", "functools", "wrap")
    assert fixed.tests[0] == p.tests[0]
    assert fixed.tests[1].code == (
        "import functools\n\n@functools.cache\ndef build(k: int) -> Node:\n"
        "    return wrap(Node())\n\ndef wrap(n):\n    return n\n\nassert solve(build(2)) == 1"
    )


def test_a_name_nobody_defines_is_left_for_the_judge() -> None:
    p = problem("", "assert solve(mystery()) == 1", "assert solve(Node()) == 1")
    assert fix_layout(p) == (p, [])


def test_without_a_reference_nothing_is_judged_or_fixed() -> None:
    p = problem("root = Node()\n", "assert solve(root) == 1", reference=None)
    assert fix_layout(p) == (p, [])
