"""HumanEval, as JSONL (or .jsonl.gz) or as the ORPS repository's CSV.

JSONL rows hold `task_id, prompt, entry_point, canonical_solution, test`: each task becomes
a function problem whose `check(candidate)` is one hidden test that defines `check` and
calls it on the entry point; docstring examples that parse become public tests
`assert f(x) == y`. CSV rows (`task_id, instruction, completion, test_setup, test_list`,
the completion being prompt + canonical solution) are read as LBPP/MBPP are: the asserts
are the tests. With `--public-from DEV.csv` the dev asserts are the public tests of either.
"""

from __future__ import annotations

import ast
import builtins
import gzip
import json
import re
from pathlib import Path

from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    id_from_task_id,
    read_text,
    unreadable,
)
from orps_tui.problems.importers.csv_sets import (
    assert_list,
    dev_asserts,
    from_completion,
    read_rows,
    split_tests,
)
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

_BUILTINS = frozenset(dir(builtins))
REQUIRED = ("task_id", "prompt", "entry_point", "canonical_solution", "test")
SOURCE_DATASET = "HumanEval (Chen et al. 2021)"
LICENSE = "MIT"
URL = "https://github.com/openai/human-eval"

# Separators between a call and its expected value in prose examples:
# `f(x) == y`, `f(x) ➞ y`, `f(x) => y`, `f(x) -> y`, `f(x) returns y`, `f(x) should return y`;
# not a bare `f(x) = y`: docstrings use that for definitions (`tri(n) = 1 + n / 2`).
_ARROW = re.compile(r"^\s*(?:==|➞|=>|->|should\s+return|returns)\s*(.+?)\s*\.?\s*$")


CSV_COLUMNS = ("task_id", "instruction", "completion", "test_setup", "test_list")


def read(source: Path, options: ImportOptions) -> ImportResult:
    if source.suffix.lower() == ".csv":
        return _read_csv(source, options)
    rows = _read_rows(source)
    result = ImportResult()
    dev = dev_asserts(options.public_from, [row for _, row in rows], result.notes, "HumanEval")
    for number, row in rows:
        if options.limit is not None and len(result.problems) >= options.limit:
            break
        public = None if dev is None else dev.get(row["task_id"].strip(), [])
        result.problems.append(_problem(row, number, source, options, public))
    return result


def _read_csv(source: Path, options: ImportOptions) -> ImportResult:
    rows = read_rows(source, CSV_COLUMNS, "HumanEval")
    result = ImportResult()
    dev = dev_asserts(options.public_from, [row for _, row in rows], result.notes, "HumanEval")
    for line, row in rows:
        if options.limit is not None and len(result.problems) >= options.limit:
            break
        public = None if dev is None else dev.get(row["task_id"].strip(), [])
        result.problems.append(
            _csv_problem(row, f"{source}:{line} ({row['task_id']})", options, public)
        )
    return result


def _csv_problem(
    row: dict[str, str], where: str, options: ImportOptions, public_asserts: list[str] | None
) -> Problem:
    task_id = row["task_id"].strip()
    if not task_id:
        raise ImportFailure(f"{where}: empty task_id")
    asserts = assert_list(row["test_list"], where)
    completion = row["completion"] or ""
    entry, _ = from_completion(completion, asserts, where)
    func = _top_level_function(completion, entry, f"{where}: the completion",
                               f"defines {entry!r} below the top level")
    lines = completion.splitlines()
    # The prompt is the completion up to the entry point's docstring; the rest is the answer.
    doc = func.body[0] if ast.get_docstring(func, clean=False) is not None else None
    prompt_end = doc.end_lineno if doc is not None and doc.end_lineno else func.body[0].lineno - 1
    head = (row["test_setup"] or "").strip()
    prompt = "\n".join(part for part in (head, "\n".join(lines[:prompt_end]).strip()) if part)
    before = "\n".join(lines[: min([func.lineno, *(d.lineno for d in func.decorator_list)]) - 1])
    setup = "\n\n".join(part for part in (head, before.strip()) if part)
    return Problem(
        id=id_from_task_id(task_id),
        title=entry,
        kind=ProblemKind.FUNCTION,
        source=Source(SOURCE_DATASET, LICENSE, original_id=task_id, url=URL),
        statement=Statement(
            text=f"Complete the function `{entry}`.\n\n```python\n{prompt}\n```\n",
            format="markdown",
        ),
        limits=Limits(time_s=options.time_s) if options.time_s else Limits(),
        tests=split_tests(asserts, public_asserts, options.public),
        function=FunctionSpec(
            name=entry, signature=_signature(lines, func), setup=setup + "\n" if setup else ""
        ),
        checker=Checker(type=CheckerType.ASSERT),
        reference=completion,
    )


def _read_rows(source: Path) -> list[tuple[int, dict]]:
    if not source.is_file():
        raise ImportFailure(f"{source}: not a file (expected HumanEval .jsonl or .jsonl.gz)")
    expected = "HumanEval .jsonl"
    if source.suffix == ".gz":
        try:
            with gzip.open(source, "rt", encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise unreadable(source, exc, expected) from None
    else:
        text = read_text(source, expected)
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFailure(
                f"{source}:{number}: not JSON ({exc.msg}); is this JSONL?"
            ) from None
        if not isinstance(row, dict):
            raise ImportFailure(f"{source}:{number}: each line must be a JSON object")
        missing = [k for k in REQUIRED if not isinstance(row.get(k), str)]
        if missing:
            raise ImportFailure(
                f"{source}:{number}: missing or non-string field(s) {', '.join(missing)} "
                f"(HumanEval rows have {', '.join(REQUIRED)})"
            )
        rows.append((number, row))
    if not rows:
        raise ImportFailure(f"{source}: no rows")
    return rows


def _problem(
    row: dict, number: int, source: Path, options: ImportOptions, public_asserts: list[str] | None
) -> Problem:
    task_id, prompt, entry = row["task_id"], row["prompt"], row["entry_point"]
    where = f"{source}:{number} ({task_id})"
    func = _top_level_function(prompt, entry, f"{where}: the prompt",
                               f"defines no function {entry!r}")
    lines = prompt.splitlines()
    signature = _signature(lines, func)
    setup = _setup(lines, func)
    docstring = ast.get_docstring(func, clean=True) or ""
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
    examples = docstring_examples(docstring, entry, params)
    public = [
        TestCase(name=f"example-{i}", public=True, code=code, call=call, expected=expected)
        for i, (code, call, expected) in enumerate(examples, start=1)
    ]
    if public_asserts is not None:
        public = [t for t in split_tests([], public_asserts, 0) if t.public]
    hidden_code = f"{row['test'].strip()}\n\n\ncheck({entry})\n"
    hidden = TestCase(name="check", public=False, code=hidden_code)
    limits = Limits(time_s=options.time_s) if options.time_s else Limits()
    return Problem(
        id=id_from_task_id(task_id),
        title=entry,
        kind=ProblemKind.FUNCTION,
        source=Source(SOURCE_DATASET, LICENSE, original_id=task_id, url=URL),
        statement=Statement(
            text=f"Complete the function `{entry}`.\n\n```python\n{prompt.strip()}\n```\n",
            format="markdown",
        ),
        limits=limits,
        tests=(*public, hidden),
        function=FunctionSpec(name=entry, signature=signature, setup=setup),
        checker=Checker(type=CheckerType.ASSERT),
        reference=prompt + row["canonical_solution"],
    )


def _signature(lines: list[str], func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The `def ...:` line(s), from the `def` keyword to the colon before the body."""
    end = func.body[0].lineno - 1 if func.body else func.lineno
    text = "\n".join(lines[func.lineno - 1 : max(end, func.lineno)]).rstrip()
    return text.strip()


def _setup(lines: list[str], func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The prompt without the entry point: its imports and the helpers it defines."""
    start = min([func.lineno, *(d.lineno for d in func.decorator_list)])
    end = func.end_lineno or len(lines)
    kept = lines[: start - 1] + lines[end:]
    text = "\n".join(kept).strip()
    return text + "\n" if text else ""


def docstring_examples(
    docstring: str, entry: str, params: list[str] | None = None
) -> list[tuple[str, str, str]]:
    """(assert code, call, expected) for each example in the docstring that parses.

    Forms: a doctest (`>>> f(x)` then the output line(s)); prose (`f(x) == y`,
    `f(x) ➞ y`, `f(x) => y`, `f(x) returns y`); and, given the parameter
    names, `For x = 1, y = 2 the output should be z` and `Input: x = 1` / `Output: z`
    (written as a keyword call). The expected value must be a Python literal; anything
    else is skipped.
    """
    found: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    lines = docstring.splitlines()

    def add(call: str, expected: str) -> None:
        example = _example(call, expected, entry)
        if example and example[0] not in seen:
            seen.add(example[0])
            found.append(example)

    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith(">>>"):
            call = line[3:].strip()
            output: list[str] = []
            j = i + 1
            while j < len(lines) and lines[j].strip() and not lines[j].strip().startswith(">>>"):
                output.append(lines[j].strip())
                j += 1
            if output:
                add(call, " ".join(output))
            i = j
            continue
        if params and (match := _FOR_OUTPUT.match(line)):
            keyword_call = _keyword_call(entry, match.group(1), params)
            if keyword_call:
                add(keyword_call, match.group(2))
        if params and (match := _INPUT.match(line)) and i + 1 < len(lines):
            output_match = _OUTPUT.match(lines[i + 1].strip())
            keyword_call = _keyword_call(entry, match.group(1), params)
            if output_match and keyword_call:
                add(keyword_call, output_match.group(1))
        if line.startswith(f"{entry}("):
            call_end = _call_end(line, entry)
            if call_end is not None:
                match = _ARROW.match(line[call_end:])
                if match:
                    add(line[:call_end], match.group(1))
        i += 1
    return found


_FOR_OUTPUT = re.compile(r"^For\s+(.+?),?\s+the\s+(?:output|result)\s+should\s+be\s+(.+?)\.?$")
_INPUT = re.compile(r"^Input:\s*(.+)$")
_OUTPUT = re.compile(r"^Output:\s*(.+)$")


def _keyword_call(entry: str, assignments: str, params: list[str]) -> str | None:
    """`x = 1, y = [2]` -> `f(x=1, y=[2])` when every name is a parameter of `f`."""
    call = f"{entry}({assignments.strip().rstrip(',')})"
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or node.args or not node.keywords:
        return None
    if any(k.arg not in params for k in node.keywords):
        return None
    for keyword in node.keywords:
        try:
            ast.literal_eval(keyword.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    return ast.unparse(node)


def _call_end(line: str, entry: str) -> int | None:
    """Index just past the call `entry(...)` that starts `line`, if it parses."""
    for at in (m.end() for m in re.finditer(r"\)", line)):
        candidate = line[:at]
        try:
            node = ast.parse(candidate, mode="eval").body
        except SyntaxError:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == entry:
            return at
    return None


def _example(call: str, expected: str, entry: str) -> tuple[str, str, str] | None:
    expected = re.sub(r"\s+#.*$", "", expected).strip()
    for candidate in (expected, expected.rstrip(".").strip()):
        try:
            call_node = ast.parse(call, mode="eval").body
            ast.literal_eval(ast.parse(candidate, mode="eval").body)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            continue
        calls = [
            n
            for n in ast.walk(call_node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == entry
        ]
        printed = (
            isinstance(call_node, ast.Call)
            and isinstance(call_node.func, ast.Name)
            and call_node.func.id == "print"
        )
        if not calls or printed:  # `>>> print(f(x))` shows str(), not a value to compare
            return None
        free = {n.id for n in ast.walk(call_node) if isinstance(n, ast.Name)}
        if free - {entry} - _BUILTINS:  # `is_happy(a)`: prose, not a runnable example
            return None
        code = f"assert {call} == {candidate}"
        try:
            ast.parse(code)
        except SyntaxError:
            return None
        return code, call, candidate
    return None


def _top_level_function(code: str, entry: str, what: str,
                        missing: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The top-level function `entry` of `code`; `what` names the code in errors."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise ImportFailure(f"{what} is not valid Python ({exc.msg})") from None
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and n.name == entry), None)
    if func is None:
        raise ImportFailure(f"{what} {missing}")
    return func
