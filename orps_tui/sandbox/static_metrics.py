"""Static metrics of a Python solution from tree-sitter's parse (docs/architecture.md, docs/judge.md).

`analyze(code)` returns lines of code, AST size, McCabe cyclomatic and SonarSource
cognitive complexity (module and per function) and syntax errors with positions.
The exact counting rules are in `docs/profiler.md`; the short version sits next to
each rule below.

Syntax errors decide the CE verdict, so tree-sitter's error-tolerant parse is checked
against CPython's own `compile()`: CPython is the authority on whether the code runs.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from itertools import repeat

import tree_sitter
import tree_sitter_python

from orps_tui.sandbox.report import FunctionMetrics, StaticMetrics, SyntaxIssue

__all__ = ["analyze", "check_syntax"]

_MAX_TS_ISSUES = 20
"""Tree-sitter's recovery can report a cascade after one real error; keep a screenful."""

_SNIPPET_CHARS = 30

# --- rules -----------------------------------------------------------------------------------
# Cyclomatic: 1 + one per node of these types (boolean_operator holds exactly one operator).
_CYCLOMATIC = frozenset(
    {
        "if_statement",
        "elif_clause",
        "for_statement",
        "while_statement",
        "except_clause",
        "except_group_clause",
        "conditional_expression",
        "boolean_operator",
        "for_in_clause",
        "if_clause",  # a comprehension filter or a case guard
    }
)
# case_clause is added separately: every case but an unguarded `case _:` (the default).

# Cognitive: structural increments pay 1 + nesting.
_COGNITIVE_NESTED = frozenset(
    {
        "if_statement",
        "for_statement",
        "while_statement",
        "except_clause",
        "except_group_clause",
        "match_statement",
        "conditional_expression",
        "for_in_clause",
    }
)
# Hybrid increments pay 1, whatever the nesting: elif, every else, comprehension filters.
_COGNITIVE_FLAT = frozenset({"elif_clause", "else_clause"})

# The `block` child of these node types sits one nesting level deeper.
_NESTS_BLOCK = frozenset(
    {
        "if_statement",
        "elif_clause",
        "else_clause",
        "for_statement",
        "while_statement",
        "except_clause",
        "except_group_clause",
        "case_clause",
        "function_definition",
    }
)
# Every child of these sits one nesting level deeper.
_NESTS_ALL = frozenset({"conditional_expression", "for_in_clause"})
# In a comprehension the element expression is one level deeper; the clauses are not
# (a `for` clause's own iterable and target are, through for_in_clause above).
_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
_COMPREHENSION_CLAUSES = frozenset({"for_in_clause", "if_clause"})

_INTERESTING = (
    _CYCLOMATIC | _COGNITIVE_NESTED | _COGNITIVE_FLAT | {"case_clause", "match_statement", "call"}
)
"""Node types `_count` has something to say about."""

# --- the parser --------------------------------------------------------------------------------
_language: tree_sitter.Language | None = None
_language_lock = threading.Lock()
_local = threading.local()
_compile_lock = threading.Lock()


def _parser() -> tree_sitter.Parser:
    """One Parser per thread (a Parser is not safe to share); the Language is shared."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        global _language
        with _language_lock:
            if _language is None:
                _language = tree_sitter.Language(tree_sitter_python.language())
        parser = tree_sitter.Parser(_language)
        _local.parser = parser
    return parser


# --- accumulators ------------------------------------------------------------------------------
@dataclass
class _Function:
    name: str
    line: int  # 1-based line of `def`
    first_row: int
    last_row: int
    base_nesting: int
    cyclomatic: int = 1
    cognitive: int = 0
    recursive: bool = False


@dataclass
class _Frame:
    """What a node sees of its context while walking."""

    nesting: int
    functions: tuple[_Function, ...]
    """Enclosing `def`s, outermost first (lambdas are not functions here)."""
    scope: tuple[str, ...]
    """Names of enclosing classes and functions, for qualified function names."""
    in_error: bool = False


@dataclass
class _Walk:
    ast_nodes: int = 0
    cyclomatic: int = 1
    cognitive: int = 0
    functions: list[_Function] = field(default_factory=list)
    string_rows: set[int] = field(default_factory=set)
    """Rows inside a multi-line string (after its first row): never comment lines."""
    ts_issues: list[tuple[int, int, str]] = field(default_factory=list)
    """(row, byte column, message) from ERROR and MISSING nodes, 0-based."""


def analyze(code: str) -> StaticMetrics:
    """Static metrics and syntax errors of `code` (never raises for any string)."""
    source = code.encode("utf-8", errors="surrogatepass")
    tree = _parser().parse(source)
    walk = _walk(tree.root_node)
    lines = code.splitlines()
    is_code = _code_rows(lines, walk.string_rows)

    functions = [
        FunctionMetrics(
            name=f.name,
            line=f.line,
            cyclomatic=f.cyclomatic,
            cognitive=f.cognitive,
            loc=sum(is_code[f.first_row : f.last_row + 1]),
        )
        for f in walk.functions
    ]
    return StaticMetrics(
        loc=sum(is_code),
        ast_nodes=walk.ast_nodes,
        cyclomatic=walk.cyclomatic,
        cognitive=walk.cognitive,
        functions=functions,
        syntax_errors=_syntax_errors(code, source, walk.ts_issues),
    )


def check_syntax(code: str) -> list[SyntaxIssue]:
    """Only the syntax errors (what `analyze(code).syntax_errors` holds)."""
    return analyze(code).syntax_errors


# --- the walk ----------------------------------------------------------------------------------
def _walk(root: tree_sitter.Node) -> _Walk:
    out = _Walk()
    # Anonymous nodes (keywords, punctuation) matter only as MISSING tokens: skip them
    # when the tree has no error at all, which is most of the walk's cost saved.
    full = root.has_error
    stack: list[tuple[tree_sitter.Node, _Frame]] = [(root, _Frame(0, (), ()))]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node, frame = pop()
        kind = node.type

        if full:
            if node.is_missing:
                if not frame.in_error:
                    out.ts_issues.append(_missing_issue(node, kind))
                continue
            if kind == "ERROR" and not frame.in_error:
                out.ts_issues.append(_error_issue(node))
                frame = _Frame(frame.nesting, frame.functions, frame.scope, in_error=True)
            if not node.is_named:
                continue
        if not node.is_extra:  # comments, line continuations and ERROR nodes are extras
            out.ast_nodes += 1

        if kind in _INTERESTING:
            _count(node, kind, frame, out)
        if kind == "string":
            first, last = node.start_point.row, node.end_point.row
            if last > first:
                out.string_rows.update(range(first + 1, last + 1))

        children = node.children if full else node.named_children
        if not children:
            continue
        children = children[::-1]  # a copy: py-tree-sitter caches `children`

        # Context for the children.
        if kind == "function_definition":
            frame = _enter_function(node, frame, out)
        elif kind == "class_definition":
            name = _text(node.child_by_field_name("name")) or "?"
            frame = _Frame(frame.nesting, frame.functions, (*frame.scope, name), frame.in_error)

        if kind in _NESTS_BLOCK:
            deeper = _deeper(frame)
            for child in children:
                push((child, deeper if child.type == "block" else frame))
        elif kind in _NESTS_ALL:
            extend(zip(children, repeat(_deeper(frame))))
        elif kind in _COMPREHENSIONS:
            deeper = _deeper(frame)
            for child in children:
                push((child, frame if child.type in _COMPREHENSION_CLAUSES else deeper))
        elif kind == "lambda":
            # The lambda's body is one level deeper; its parameters are not.
            body = node.child_by_field_name("body")
            deeper = _deeper(frame)
            for child in children:
                push((child, deeper if _same(child, body) else frame))
        else:
            extend(zip(children, repeat(frame)))

    if not root.is_extra:
        out.ast_nodes -= 1  # the `module` root is not counted
    return out


def _deeper(frame: _Frame) -> _Frame:
    return _Frame(frame.nesting + 1, frame.functions, frame.scope, frame.in_error)


def _count(node: tree_sitter.Node, kind: str, frame: _Frame, out: _Walk) -> None:
    """Add this node's cyclomatic and cognitive increments to the module and its functions."""
    cyclo = 1 if kind in _CYCLOMATIC else 0
    if kind == "case_clause" and not _is_default_case(node):
        cyclo = 1
    if cyclo:
        out.cyclomatic += 1
        if frame.functions:
            frame.functions[-1].cyclomatic += 1

    if kind in _COGNITIVE_NESTED:
        _add_cognitive(out, frame, nested=True)
    elif _is_flat_increment(node, kind):
        _add_cognitive(out, frame, nested=False)
    elif kind == "call" and frame.functions:
        current = frame.functions[-1]
        if not current.recursive and _calls_itself(node, current, frame.scope):
            current.recursive = True
            _add_cognitive(out, frame, nested=False)


def _is_flat_increment(node: tree_sitter.Node, kind: str) -> bool:
    if kind in _COGNITIVE_FLAT:
        return True
    if kind == "if_clause":
        return _is_filter(node)
    if kind == "boolean_operator":
        return _starts_sequence(node)
    return False


def _add_cognitive(out: _Walk, frame: _Frame, *, nested: bool) -> None:
    """An increment counts for every enclosing function (each from its own nesting base)
    and once for the module (as the outermost function, or module-level code, sees it)."""
    for function in frame.functions:
        function.cognitive += 1 + (frame.nesting - function.base_nesting if nested else 0)
    outer_base = frame.functions[0].base_nesting if frame.functions else 0
    out.cognitive += 1 + (frame.nesting - outer_base if nested else 0)


def _enter_function(node: tree_sitter.Node, frame: _Frame, out: _Walk) -> _Frame:
    name = _text(node.child_by_field_name("name")) or "?"
    function = _Function(
        name=".".join((*frame.scope, name)),
        line=node.start_point.row + 1,
        first_row=node.start_point.row,
        last_row=node.end_point.row,
        base_nesting=frame.nesting + 1,  # its block is one level deeper
    )
    out.functions.append(function)
    return _Frame(frame.nesting, (*frame.functions, function), (*frame.scope, name), frame.in_error)


def _is_default_case(node: tree_sitter.Node) -> bool:
    """`case _:` with no guard: the irrefutable default, like `else`."""
    if node.child_by_field_name("guard") is not None:
        return False
    patterns = [c for c in node.named_children if c.type == "case_pattern"]
    if len(patterns) != 1:
        return False
    inner = patterns[0].children
    return len(inner) == 1 and inner[0].type == "_"


def _is_filter(node: tree_sitter.Node) -> bool:
    """An `if_clause` is a comprehension filter unless it is a case guard."""
    parent = node.parent
    return parent is not None and parent.type != "case_clause"


def _starts_sequence(node: tree_sitter.Node) -> bool:
    """`a and b and c` is one sequence (+1); `a and b or c` two. A parenthesised group
    starts a new sequence."""
    parent = node.parent
    if parent is None or parent.type != "boolean_operator":
        return True
    return _operator(parent) != _operator(node)


def _operator(node: tree_sitter.Node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def _calls_itself(node: tree_sitter.Node, function: _Function, scope: tuple[str, ...]) -> bool:
    """A direct recursive call: `name(...)`, or `self.name(...)` / `cls.name(...)` in a method."""
    callee = node.child_by_field_name("function")
    if callee is None:
        return False
    own = scope[-1] if scope else ""
    if callee.type == "identifier":
        return _text(callee) == own
    if callee.type == "attribute":
        obj = callee.child_by_field_name("object")
        attr = callee.child_by_field_name("attribute")
        return (
            obj is not None
            and obj.type == "identifier"
            and _text(obj) in ("self", "cls")
            and _text(attr) == own
        )
    return False


def _same(a: tree_sitter.Node, b: tree_sitter.Node | None) -> bool:
    return b is not None and a.start_byte == b.start_byte and a.end_byte == b.end_byte


def _text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


# --- lines of code -----------------------------------------------------------------------------
def _code_rows(lines: list[str], string_rows: set[int]) -> list[int]:
    """1 per line that holds code: not blank, not only a comment. Lines of a multi-line
    string (docstrings included) are code."""
    flags = []
    for row, line in enumerate(lines):
        stripped = line.strip()
        comment_only = stripped.startswith("#") and row not in string_rows
        flags.append(1 if stripped and not comment_only else 0)
    return flags


# --- syntax errors -----------------------------------------------------------------------------
def _missing_issue(node: tree_sitter.Node, kind: str) -> tuple[int, int, str]:
    row, col = node.start_point
    if node.is_named:  # a missing identifier, block, ...
        return row, col, f"missing {kind.replace('_', ' ')}"
    return row, col, f"missing `{kind}`"


def _error_issue(node: tree_sitter.Node) -> tuple[int, int, str]:
    """Locate an ERROR node at its first token and quote what could not be parsed."""
    first = node
    while first.child_count:
        first = first.children[0]
    row, col = first.start_point
    leaves = _leaf_count(node, limit=2)
    if leaves <= 1:
        message = f"unexpected `{_snippet(_text(first))}`"
    else:
        message = f"invalid syntax near `{_snippet(_text(node))}`"
    return row, col, message


def _leaf_count(node: tree_sitter.Node, limit: int) -> int:
    count = 0
    stack = [node]
    while stack and count < limit:
        current = stack.pop()
        if current.child_count == 0:
            count += 1
        else:
            stack.extend(current.children)
    return count


def _snippet(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    line = line.replace("`", "'")
    return line if len(line) <= _SNIPPET_CHARS else line[: _SNIPPET_CHARS - 1] + "…"


def _syntax_errors(
    code: str, source: bytes, ts_issues: list[tuple[int, int, str]]
) -> list[SyntaxIssue]:
    """CPython decides; tree-sitter adds the errors CPython stops before reaching.

    - CPython accepts: no errors, whatever tree-sitter says (its grammar may lag).
    - CPython rejects: CPython's error first, then tree-sitter's errors on other lines.
    """
    cpython = _cpython_error(code)
    if cpython is None:
        return []
    source_lines = source.split(b"\n")
    extra: list[SyntaxIssue] = []
    for row, byte_col, message in sorted(ts_issues):
        line = row + 1
        if line == cpython.line:
            continue
        raw = source_lines[row] if row < len(source_lines) else b""
        column = len(raw[:byte_col].decode("utf-8", errors="replace")) + 1
        extra.append(SyntaxIssue(line=line, column=column, message=message))
        if len(extra) >= _MAX_TS_ISSUES:
            break
    return [cpython, *extra]


def _cpython_error(code: str) -> SyntaxIssue | None:
    """CPython's verdict on `code` (a full compile, so `return` outside a function and
    similar compiler-stage errors count), or None when it compiles."""
    try:
        # Warnings off: a `-W error` environment would turn a SyntaxWarning (`x is 1`) into
        # a SyntaxError although the sandboxed run only prints it. The filter change is
        # process-wide, hence the lock.
        with _compile_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<solution>", "exec", dont_inherit=True)
    except SyntaxError as exc:  # IndentationError and TabError included
        return _from_syntax_error(code, exc)
    except UnicodeError as exc:  # lone surrogates (a ValueError, so caught first)
        start = getattr(exc, "start", 0)
        return _locate(code, start, "the code is not valid Unicode (a lone surrogate)")
    except ValueError as exc:  # "source code string cannot contain null bytes" (3.11)
        return _locate(code, code.find("\x00"), str(exc))
    except (RecursionError, MemoryError):
        return SyntaxIssue(line=1, column=1, message="the code is nested too deeply to compile")
    return None


def _from_syntax_error(code: str, exc: SyntaxError) -> SyntaxIssue:
    lines = code.splitlines() or [""]
    line = exc.lineno or 1
    line = min(max(line, 1), len(lines) + 1)
    column = exc.offset or 1
    column = max(column, 1)
    message = exc.msg or "invalid syntax"
    return SyntaxIssue(line=line, column=column, message=message)


def _locate(code: str, index: int, message: str) -> SyntaxIssue:
    index = max(index, 0)
    before = code[:index]
    line = before.count("\n") + 1
    column = index - (before.rfind("\n") + 1) + 1
    return SyntaxIssue(line=line, column=column, message=message)
