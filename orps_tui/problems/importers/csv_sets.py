"""LBPP and MBPP, as the CSVs distributed with the ORPS paper's repository.

Columns: LBPP `task_id, language, title, instruction, completion, test_setup, test_list,
signature, categories`; MBPP `task_id, instruction, completion, test_setup, test_list`.
`test_list` is a Python-literal list of assert snippets; `test_setup` runs before each
and may say `from code import ...` (the judge makes the solution importable as `code`).
The first `--public` asserts are public tests, the rest hidden (at least one stays hidden);
with `--public-from DEV.csv` the dev CSV's asserts for the same task_id are the public tests
(`dev-N`) and every assert of the source is hidden (`test-N`), as the ORPS paper searches on
dev and grades on test.
"""

from __future__ import annotations

import ast
import csv
import re
import sys
import warnings
from pathlib import Path

from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    id_from_task_id,
    unreadable,
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

LBPP_COLUMNS = ("task_id", "instruction", "completion", "test_setup", "test_list", "signature")
MBPP_COLUMNS = ("task_id", "instruction", "completion", "test_setup", "test_list")
LBPP_SOURCE = (
    "LBPP (Matton et al. 2024)",
    "Apache-2.0",
    "https://huggingface.co/datasets/CohereForAI/lbpp",
)
MBPP_SOURCE = (
    "MBPP sanitized (Austin et al. 2021)",
    "CC-BY-4.0",
    "https://github.com/google-research/google-research/tree/master/mbpp",
)
DEV_COLUMNS = ("task_id", "test_list")
_DEF_NAME = re.compile(r"^\s*(?:async\s+)?(?:def\s+)?([A-Za-z_]\w*)\s*\(")


def read_lbpp(source: Path, options: ImportOptions) -> ImportResult:
    return _read(source, options, lbpp=True)


def read_mbpp(source: Path, options: ImportOptions) -> ImportResult:
    return _read(source, options, lbpp=False)


def _read(source: Path, options: ImportOptions, *, lbpp: bool) -> ImportResult:
    name = "LBPP" if lbpp else "MBPP"
    required = LBPP_COLUMNS if lbpp else MBPP_COLUMNS
    rows = read_rows(source, required, name)
    result = ImportResult()
    dev = dev_asserts(options.public_from, [row for _, row in rows], result.notes, name)
    for line, row in rows:
        if options.limit is not None and len(result.problems) >= options.limit:
            break
        where = f"{source}:{line} ({row['task_id']})"
        language = (row.get("language") or "python").strip().lower()
        if language != "python":
            result.notes.append(
                f"{where}: skipped, language {language!r} (only Python is supported)"
            )
            continue
        public = None if dev is None else dev.get(row["task_id"].strip(), [])
        result.problems.append(_problem(row, where, options, public, lbpp=lbpp))
    return result


def read_rows(
    source: Path, required: tuple[str, ...], name: str
) -> list[tuple[int, dict[str, str]]]:
    if not source.is_file():
        raise ImportFailure(f"{source}: not a file (expected the {name} CSV)")
    csv.field_size_limit(sys.maxsize)
    try:
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailure(
                    f"{source}: missing column(s) {', '.join(missing)}; a {name} CSV has "
                    f"{', '.join(required)} (found: {', '.join(header) or 'no header'})"
                )
            rows = []
            for row in reader:
                rows.append((reader.line_num, row))
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(source, exc, f"the {name} CSV") from None
    except csv.Error as exc:
        raise ImportFailure(f"{source}: not a valid CSV ({exc})") from None
    if not rows:
        raise ImportFailure(f"{source}: no rows")
    return rows


def dev_asserts(
    path: Path | None, rows: list[dict[str, str]], notes: list[str], name: str
) -> dict[str, list[str]] | None:
    """task_id -> the asserts `path` (a dev CSV) holds for it; None without `path`.
    Tasks of `rows` it lacks, and tasks it has that `rows` lack, are noted."""
    if path is None:
        return None
    found: dict[str, list[str]] = {}
    for line, row in read_rows(path, DEV_COLUMNS, f"{name} dev"):
        task_id = row["task_id"].strip()
        found[task_id] = assert_list(
            row["test_list"], f"{path}:{line} ({task_id})", allow_empty=True
        )
    wanted = [row["task_id"].strip() for row in rows]
    missing = [t for t in wanted if t not in found]
    if missing:
        notes.append(
            f"{path}: no row for {len(missing)} task(s), so no public tests: {', '.join(missing)}"
        )
    extra = sorted(set(found) - set(wanted))
    if extra:
        notes.append(f"{path}: {len(extra)} task(s) not in the source, ignored: {', '.join(extra)}")
    return found


def split_tests(
    asserts: list[str], public_asserts: list[str] | None, public: int
) -> tuple[TestCase, ...]:
    """Public then hidden assert tests: `public_asserts` (dev-N) public and every assert
    hidden (test-N) when given, else the first `public` asserts public (one stays hidden)."""
    if public_asserts is not None:
        dev = [TestCase(name=f"dev-{i}", public=True, code=code) for i, code in
               enumerate(public_asserts, start=1)]  # fmt: skip
        hidden = [TestCase(name=f"test-{i}", public=False, code=code) for i, code in
                  enumerate(asserts, start=1)]  # fmt: skip
        return (*dev, *hidden)
    public_count = min(max(public, 0), max(len(asserts) - 1, 0))
    return tuple(
        TestCase(name=f"test-{i}", public=i <= public_count, code=code)
        for i, code in enumerate(asserts, start=1)
    )


def _problem(
    row: dict[str, str],
    where: str,
    options: ImportOptions,
    public_asserts: list[str] | None,
    *,
    lbpp: bool,
) -> Problem:
    task_id = row["task_id"].strip()
    if not task_id:
        raise ImportFailure(f"{where}: empty task_id")
    asserts = assert_list(row["test_list"], where)
    completion = row["completion"] or ""
    if lbpp:
        name, signature = _from_signature(row["signature"], where)
        tags = _categories(row.get("categories") or "", where)
        title = (row.get("title") or "").strip() or name
        dataset, license_, url = LBPP_SOURCE
    else:
        name, signature = from_completion(completion, asserts, where)
        tags = ()
        title = name
        dataset, license_, url = MBPP_SOURCE
    tests = split_tests(asserts, public_asserts, options.public)
    return Problem(
        id=id_from_task_id(task_id),
        title=title,
        kind=ProblemKind.FUNCTION,
        source=Source(dataset, license_, original_id=task_id, url=url),
        statement=Statement(text=row["instruction"].strip() + "\n", format="markdown"),
        limits=Limits(time_s=options.time_s) if options.time_s else Limits(),
        tests=tests,
        tags=tags,
        function=FunctionSpec(name=name, signature=signature, setup=row["test_setup"] or ""),
        checker=Checker(type=CheckerType.ASSERT),
        reference=completion or None,
    )


def assert_list(text: str, where: str, *, allow_empty: bool = False) -> list[str]:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ImportFailure(f"{where}: test_list is not a Python list literal") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportFailure(f"{where}: test_list must be a list of strings (assert statements)")
    if not value and not allow_empty:
        raise ImportFailure(f"{where}: test_list is empty")
    return value


def _from_signature(signature: str, where: str) -> tuple[str, str]:
    signature = signature.strip()
    match = _DEF_NAME.match(signature)
    if not match:
        raise ImportFailure(f"{where}: cannot find a function name in signature {signature!r}")
    if not re.match(r"^\s*(?:async\s+)?def\s", signature):
        signature = f"def {signature}"  # a few LBPP rows leave out the `def`
    return match.group(1), signature


def _categories(text: str, where: str) -> tuple[str, ...]:
    if not text.strip():
        return ()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ImportFailure(f"{where}: categories is not a Python list literal") from None
    if not isinstance(value, list | tuple):
        raise ImportFailure(f"{where}: categories must be a list of strings")
    return tuple(str(v) for v in value)


def _parse(code: str) -> ast.Module | None:
    """`ast.parse`, quietly: data set code has old-style escapes that only warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return ast.parse(code)
        except SyntaxError:
            return None


def from_completion(completion: str, asserts: list[str], where: str) -> tuple[str, str]:
    """The completion's function that the asserts call, and its `def` line."""
    called: list[str] = []
    for code in asserts:
        tree = _parse(code)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called.append(node.func.id)
    tree = _parse(completion)
    if tree is not None:
        lines = completion.splitlines()
        defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for func in sorted(
            defs, key=lambda f: called.index(f.name) if f.name in called else 1 << 30
        ):
            if func.name in called:
                end = func.body[0].lineno - 1 if func.body else func.lineno
                signature = "\n".join(lines[func.lineno - 1 : max(end, func.lineno)]).strip()
                return func.name, signature
    for line in completion.splitlines():
        match = re.match(r"^\s*def\s+([A-Za-z_]\w*)\s*\(.*\)\s*(?:->.*)?:", line)
        if match and match.group(1) in called:
            return match.group(1), line.strip()
    raise ImportFailure(
        f"{where}: the completion defines no function that the asserts call "
        f"({', '.join(dict.fromkeys(called)) or 'no calls found'})"
    )
