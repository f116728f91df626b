"""Write a `Problem` back to TOML so that `load_problem(write_problem(p, ...))` equals `p`.

Code, statements and test data are written as multi-line strings. In a directory problem,
tests that were read from files, or whose data is larger than `INLINE_LIMIT_BYTES`, go to
`tests/<name>.in` / `.ans` instead of giant inline strings; a single-file problem keeps
everything inline.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from orps_tui.problems.load import DIR_PROBLEM_FILE, TESTS_DIR
from orps_tui.problems.model import (
    SCHEMA_VERSION,
    Checker,
    CheckerType,
    Problem,
    ProblemKind,
    TestCase,
)

INLINE_LIMIT_BYTES = 64 * 1024
"""Test data bigger than this (input plus answer) is written to files in a directory problem."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def needs_directory(problem: Problem) -> bool:
    """Whether the problem is better written as `<id>/problem.toml` with data files."""
    if problem.checker.program:
        return True
    return any(t.input_file or t.answer_file or _is_big(t) for t in problem.tests)


def problem_target(problem: Problem, out_dir: Path) -> Path:
    """Where `write_problem_into` puts the problem: `<id>.toml` or `<id>/` (a folder).
    A problem whose id is `problem` gets a folder too: `problem.toml` would make `out_dir`
    itself a problem folder."""
    single = out_dir / f"{problem.id}.toml"
    if needs_directory(problem) or single.name == DIR_PROBLEM_FILE:
        return out_dir / problem.id
    return single


def write_problem_into(problem: Problem, out_dir: str | Path) -> Path:
    """Write into a problems folder, choosing the layout; returns the TOML file written."""
    return write_problem(problem, problem_target(problem, Path(out_dir)))


def write_problem(problem: Problem, path: str | Path) -> Path:
    """Write `problem` to `path` and return the TOML file written.

    `path` ending in `.toml` (other than `problem.toml`) is a single-file problem; anything
    else is a problem folder, written as `path/problem.toml` plus `tests/` data files.
    """
    path = Path(path)
    if path.suffix == ".toml" and path.name != DIR_PROBLEM_FILE:
        file, folder = path, None
    else:
        folder = path.parent if path.name == DIR_PROBLEM_FILE else path
        file = folder / DIR_PROBLEM_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    document = problem_document(problem, data_dir=folder)
    file.write_text(dump_toml(document), encoding="utf-8")
    _copy_checker(problem, file.parent)
    return file


def dump_toml(document: dict[str, Any]) -> str:
    """TOML text with multi-line strings where that round-trips exactly (it does not for CR)."""
    text = tomli_w.dumps(document, multiline_strings=True)
    if tomllib.loads(text) != document:
        text = tomli_w.dumps(document)
    return text


def problem_document(problem: Problem, data_dir: Path | None = None) -> dict[str, Any]:
    """The TOML tables for `problem`; with `data_dir`, large or file-backed tests are
    written under `data_dir/tests/` and referenced by path."""
    doc: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "id": problem.id,
        "title": problem.title,
        "kind": problem.kind.value,
    }
    if problem.difficulty is not None:
        doc["difficulty"] = problem.difficulty.value
    if problem.rating is not None:
        doc["rating"] = problem.rating
    if problem.tags:
        doc["tags"] = list(problem.tags)
    doc["source"] = _drop_none(
        {
            "dataset": problem.source.dataset,
            "license": problem.source.license,
            "original_id": problem.source.original_id,
            "url": problem.source.url,
        }
    )
    doc["statement"] = {"format": problem.statement.format, "text": problem.statement.text}
    doc["limits"] = {
        "time_s": float(problem.limits.time_s),
        "memory_mb": problem.limits.memory_mb,
        "output_kb": problem.limits.output_kb,
    }
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        doc["function"] = {
            "name": problem.function.name,
            "signature": problem.function.signature,
        }
        if problem.function.setup:
            doc["function"]["setup"] = problem.function.setup
    doc["checker"] = _checker_table(problem.checker)
    used_names: set[str] = set()
    doc["tests"] = [_test_table(t, data_dir, used_names) for t in problem.tests]
    if problem.reference is not None:
        doc["reference"] = {"code": problem.reference}
    return doc


def _checker_table(checker: Checker) -> dict[str, Any]:
    table: dict[str, Any] = {"type": checker.type.value}
    defaults = Checker()
    if (
        checker.type is CheckerType.FLOAT
        or checker.abs_tol != defaults.abs_tol
        or checker.rel_tol != defaults.rel_tol
    ):
        table["abs_tol"] = checker.abs_tol
        table["rel_tol"] = checker.rel_tol
    if checker.program:
        table["program"] = checker.program
    return table


def _test_table(test: TestCase, data_dir: Path | None, used_names: set[str]) -> dict[str, Any]:
    table: dict[str, Any] = {"name": test.name, "public": test.public}
    if test.performance:
        table["performance"] = True
    to_files = data_dir is not None and (test.input_file or test.answer_file or _is_big(test))
    if to_files and data_dir is not None:
        stem = _file_stem(test.name, used_names)
        input_rel = _safe_rel(test.input_file) or f"{TESTS_DIR}/{stem}.in"
        answer_rel = _safe_rel(test.answer_file) or f"{TESTS_DIR}/{stem}.ans"
        if test.input is not None:
            _write_data(data_dir / input_rel, test.input)
            table["input_file"] = input_rel
        if test.output is not None:
            _write_data(data_dir / answer_rel, test.output)
            table["answer_file"] = answer_rel
    else:
        if test.input is not None:
            table["input"] = test.input
        if test.output is not None:
            table["output"] = test.output
    for key in ("code", "call", "expected"):
        value = getattr(test, key)
        if value is not None:
            table[key] = value
    return table


def _write_data(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="" keeps "\r\n" in test data byte-exact.
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _is_big(test: TestCase) -> bool:
    size = len((test.input or "").encode()) + len((test.output or "").encode())
    return size > INLINE_LIMIT_BYTES


def _file_stem(name: str, used: set[str]) -> str:
    stem = _UNSAFE.sub("-", name).strip("-.") or "test"
    candidate, n = stem, 2
    while candidate.lower() in used:
        candidate, n = f"{stem}-{n}", n + 1
    used.add(candidate.lower())
    return candidate


def _safe_rel(rel: str | None) -> str | None:
    """A stored relative data path, if it stays inside the folder."""
    if not rel:
        return None
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts:
        return None
    return path.as_posix()


def _copy_checker(problem: Problem, dest_dir: Path) -> None:
    program = problem.checker.program
    if not program or problem.base_dir is None:
        return
    source = problem.base_dir / program
    target = dest_dir / program
    if source.is_file() and source.resolve() != target.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None}


def save_statement(problem_file: str | Path, text: str, fmt: str | None = None) -> Path:
    """Replace the statement in a problem file (a single `.toml` or a folder's
    `problem.toml`), leaving everything else as it was read; returns the file written.
    `fmt` None keeps the file's statement format (markdown when it has none)."""
    path = Path(problem_file)
    if path.is_dir():
        path = path / DIR_PROBLEM_FILE
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    old = document.get("statement")
    old_format = old.get("format") if isinstance(old, dict) else None
    document["statement"] = {"format": fmt or old_format or "markdown",
                             "text": text if text.endswith("\n") else text + "\n"}
    path.write_text(dump_toml(document), encoding="utf-8")
    return path
