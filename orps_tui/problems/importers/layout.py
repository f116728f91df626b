"""Static repairs of function-problem layouts that data sets get wrong.

The judge runs, for each test: the setup (minus `from code import ...`), the solution,
the `from code import ...` lines, then the test's code, each test in a fresh process.
Two layouts in the data sets break that order:

- a setup statement that uses a name only the solution defines when it runs (`A =
  TreeNode("A")`, or a `def f(root: TreeNode)` whose annotation is evaluated at once):
  it moves, with every later statement that depends on it, to the front of each test;
- a test that calls a helper defined only in another test of the same task (the first
  assert defines `list_to_linkedlist`, the next ones use it): the helper's definition
  (and those it needs in turn) is copied to the front of the test.

Both rules look only at names (no id is special); whether the result passes is for the
reference check (`vetting`) to prove in the sandbox.
"""

from __future__ import annotations

import ast
import builtins
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from orps_tui.problems.model import FunctionSpec, Problem, TestCase

_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "__builtins__"}
_SELF_MODULES = ("code", "solution")
_HELPER_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


class LayoutFix(StrEnum):
    SETUP_AFTER_SOLUTION = "setup-after-solution"
    """Setup lines that need the solution's names now run after it, with each test."""
    SHARED_HELPERS = "shared-helpers"
    """Helpers defined in one test are copied into the other tests that use them."""


@dataclass(frozen=True)
class FixedLayout:
    kind: LayoutFix
    names: tuple[str, ...]
    """The names that made the fix necessary (`TreeNode`, `list_to_linkedlist`)."""
    tests: tuple[str, ...]
    """The tests whose code changed."""

    def describe(self) -> str:
        names = ", ".join(self.names)
        tests = ", ".join(self.tests)
        if self.kind is LayoutFix.SETUP_AFTER_SOLUTION:
            return f"setup lines that use {names} run after the solution, in {tests}"
        return f"helper(s) {names} copied into {tests}"


def fix_layout(problem: Problem) -> tuple[Problem, list[FixedLayout]]:
    """`problem` with both repairs applied where its names call for them, and what changed."""
    if problem.function is None or not problem.reference:
        return problem, []
    reference = _parse(problem.reference)
    if reference is None:
        return problem, []
    solution_names = _bound_at_top(reference.body)
    fixes: list[FixedLayout] = []
    setup, moved, needed = _split_setup(problem.function.setup, solution_names)
    tests = list(problem.tests)
    if moved:
        tests = [replace(t, code=_join(moved, t.code or "")) for t in tests]
        fixes.append(
            FixedLayout(
                LayoutFix.SETUP_AFTER_SOLUTION, tuple(sorted(needed)), tuple(t.name for t in tests)
            )
        )
    setup_tree = _parse(problem.function.setup)
    known = solution_names | _BUILTINS
    if setup_tree is not None:
        known |= _bound_at_top(setup_tree.body)
    helpers = _shared_helpers(tests, known)
    if helpers is not None:
        tests, fix = helpers
        fixes.append(fix)
    if not fixes:
        return problem, []
    function = FunctionSpec(problem.function.name, problem.function.signature, setup)
    return replace(problem, function=function, tests=tuple(tests)), fixes


# --- setup after the solution ---------------------------------------------------------------
def _split_setup(setup: str, solution_names: set[str]) -> tuple[str, str, set[str]]:
    """(setup kept, statements moved to the tests, the solution's names they need)."""
    tree = _parse(setup)
    if tree is None or not tree.body:
        return setup, "", set()
    bound: set[str] = set()
    moved_names: set[str] = set()
    moved: list[ast.stmt] = []
    needed: set[str] = set()
    for node in tree.body:
        if _imports_self(node):
            continue  # the judge runs these after the solution already
        uses = _loaded_now(node)
        missing = (uses & solution_names) - bound
        if missing or uses & moved_names:
            moved.append(node)
            needed |= missing
            moved_names |= _bound_at_top([node])
        else:
            bound |= _bound_at_top([node])
    if not moved:
        return setup, "", set()
    lines = setup.splitlines()
    spans = [_span(n) for n in moved]
    if _shares_lines(tree.body, moved):
        kept_nodes = [n for n in tree.body if n not in moved]
        kept = ast.unparse(ast.Module(body=kept_nodes, type_ignores=[]))
        return (kept + "\n" if kept else ""), "\n".join(ast.unparse(n) for n in moved), needed
    gone = {i for start, end in spans for i in range(start, end + 1)}
    kept = "\n".join(line for i, line in enumerate(lines, start=1) if i not in gone).strip()
    moved_text = "\n".join("\n".join(lines[start - 1 : end]) for start, end in spans)
    return (kept + "\n" if kept else ""), moved_text, needed


def _imports_self(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return node.module.split(".")[0] in _SELF_MODULES
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] in _SELF_MODULES for a in node.names)
    return False


# --- helpers shared between tests -----------------------------------------------------------
def _shared_helpers(
    tests: list[TestCase], known: set[str]
) -> tuple[list[TestCase], FixedLayout] | None:
    trees = [_parse(t.code or "") for t in tests]
    # Donors in order of preference for each test: same visibility first, then the others.
    definitions: list[tuple[TestCase, str, ast.stmt]] = []
    for test, tree in zip(tests, trees, strict=True):
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, _HELPER_TYPES):
                definitions.append((test, test.code or "", node))
    if not definitions:
        return None
    changed: list[TestCase] = []
    names_used: set[str] = set()
    out: list[TestCase] = []
    for test, tree in zip(tests, trees, strict=True):
        if tree is None:
            out.append(test)
            continue
        donors = sorted(
            (d for d in definitions if d[0] is not test), key=lambda d: d[0].public != test.public
        )
        copied = _resolve(_free_names(tree) - known, donors, _bound_anywhere(tree) | known)
        if not copied:
            out.append(test)
            continue
        names_used |= {name for node in copied for name in _bound_at_top([node[1]])}
        helper_text = "\n\n".join(_source(code, node) for code, node in copied)
        new = replace(test, code=_join(helper_text, test.code or ""))
        out.append(new)
        changed.append(new)
    if not changed:
        return None
    fix = FixedLayout(
        LayoutFix.SHARED_HELPERS, tuple(sorted(names_used)), tuple(t.name for t in changed)
    )
    return out, fix


def _resolve(
    wanted: set[str], donors: Sequence[tuple[TestCase, str, ast.stmt]], have: set[str]
) -> list[tuple[str, ast.stmt]]:
    """The helper definitions that bind `wanted`, and those they need in turn, in source
    order; a name no donor defines is left for the judge to report."""
    chosen: list[tuple[str, ast.stmt]] = []
    have = set(have)
    todo = sorted(wanted)
    while todo:
        name = todo.pop()
        if name in have:
            continue
        have.add(name)
        donor = next((d for d in donors if name in _bound_at_top([d[2]])), None)
        if donor is None:
            continue
        _, code, node = donor
        if any(node is n for _, n in chosen):
            continue
        chosen.append((code, node))
        have |= _bound_at_top([node])
        todo.extend(sorted(_free_names(ast.Module(body=[node], type_ignores=[])) - have))
    order = {id(node): i for i, (_, _, node) in enumerate(donors)}
    return sorted(chosen, key=lambda c: (order[id(c[1])], c[1].lineno))


# --- names ----------------------------------------------------------------------------------
def _parse(code: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(code)
        except (SyntaxError, ValueError):
            return None


def _bound_at_top(nodes: Iterable[ast.stmt]) -> set[str]:
    """Names a sequence of module-level statements binds."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
        else:
            for sub in _walk_now(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
                    names.add(sub.id)
                elif isinstance(sub, ast.ExceptHandler) and sub.name:
                    names.add(sub.name)
                elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(sub.name)  # defined inside an `if` or `try` at top level
    return names


def _bound_anywhere(tree: ast.AST) -> set[str]:
    """Every name bound anywhere in `tree`, parameters and nested definitions included."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= _bound_at_top([node])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _free_names(tree: ast.AST) -> set[str]:
    """Names read anywhere in `tree` and bound nowhere in it."""
    loads = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loads - _bound_anywhere(tree)


def _loaded_now(node: ast.stmt) -> set[str]:
    """Names a statement reads while it runs: function and lambda bodies are left out
    (they run later), their defaults, decorators and annotations are not."""
    loads = {
        n.id for n in _walk_now(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loads - _comprehension_targets(node)


def _comprehension_targets(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for sub in _walk_now(node):
        if isinstance(sub, ast.comprehension):
            names |= {n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name)}
    return names


def _walk_now(node: ast.AST) -> Iterable[ast.AST]:
    """`ast.walk` that does not enter the bodies of functions and lambdas."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            args = current.args
            todo.extend(current.decorator_list)
            todo.extend(d for d in (*args.defaults, *args.kw_defaults) if d is not None)
            todo.extend(
                a.annotation
                for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
                if a is not None and a.annotation is not None
            )
            if current.returns is not None:
                todo.append(current.returns)
        elif isinstance(current, ast.Lambda):
            todo.extend(d for d in (*current.args.defaults, *current.args.kw_defaults) if d)
        else:
            todo.extend(ast.iter_child_nodes(current))


# --- source text ----------------------------------------------------------------------------
def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _shares_lines(body: list[ast.stmt], moved: list[ast.stmt]) -> bool:
    """Whether a moved statement shares a line with one that stays (`a = 1; b = f()`)."""
    kept_lines = {i for n in body if n not in moved for i in range(_span(n)[0], _span(n)[1] + 1)}
    return any(i in kept_lines for n in moved for i in range(_span(n)[0], _span(n)[1] + 1))


def _source(code: str, node: ast.stmt) -> str:
    start, end = _span(node)
    return "\n".join(code.splitlines()[start - 1 : end])


def _join(head: str, code: str) -> str:
    return f"{head.rstrip()}\n\n{code.lstrip()}" if head.strip() else code
