"""Kattis / problemtools packages (also Google's Code Jam and Kick Start archive exports).

A package folder holds `problem.yaml`, `problem_statement/problem.{md,html,tex}` (or
`problem.<lang>.*`), `data/sample/*.in|.ans` (public) and `data/secret/**/*.in|.ans`
(hidden). The Kick Start archive keeps its samples as `problem_statement/*sample*input*`
/ `*sample*output*` files instead. SOURCE may be one package or a folder of packages.
Each becomes a directory problem with `tests/*.in|.ans`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from orps_tui.problems.importers import mini_yaml
from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    read_text,
    slugify,
)
from orps_tui.problems.load import natural_key
from orps_tui.problems.model import (
    Checker,
    CheckerType,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)

STATEMENT_FORMATS = (("md", "markdown"), ("html", "html"), ("tex", "latex"))
UNKNOWN_LICENSE = "unknown (not stated in problem.yaml; pass --license)"


def is_package(folder: Path) -> bool:
    return (folder / "problem.yaml").is_file()


def read(source: Path, options: ImportOptions) -> ImportResult:
    if not source.is_dir():
        raise ImportFailure(
            f"{source}: not a folder (expected a Kattis package or a folder of them)"
        )
    if is_package(source):
        packages = [source]
    else:
        packages = sorted(
            (d for d in source.iterdir() if d.is_dir() and is_package(d)),
            key=lambda d: natural_key(d.name),
        )
        if not packages:
            raise ImportFailure(
                f"{source}: no problem.yaml here or in its sub-folders; is this a Kattis package?"
            )
    result = ImportResult()
    for folder in packages[: options.limit] if options.limit is not None else packages:
        result.problems.append(_package(folder, options, result.notes))
    return result


def _package(folder: Path, options: ImportOptions, notes: list[str]) -> Problem:
    meta = _problem_yaml(folder)
    name = meta.get("name")
    title = str(name).strip() if name else folder.name
    validation = str(meta.get("validation") or "default").split()
    if "interactive" in validation:
        raise ImportFailure(f"{folder}: interactive problems are not supported")
    if validation and validation[0] == "custom":
        raise ImportFailure(
            f"{folder}: custom output validators are not supported yet (validation: custom)"
        )
    statement = _statement(folder)
    limits = _limits(folder, meta, options, statement.text)
    checker = _checker(folder, meta, notes)
    tests = _tests(folder)
    license_ = meta.get("license") or options.license or UNKNOWN_LICENSE
    dataset = str(meta.get("source") or "Kattis package")
    url = meta.get("source_url")
    return Problem(
        id=slugify(folder.name),
        title=title,
        kind=ProblemKind.STDIO,
        source=Source(
            dataset=dataset,
            license=str(license_),
            original_id=folder.name,
            url=str(url) if url else None,
        ),
        statement=statement,
        limits=limits,
        tests=tests,
        checker=checker,
    )


def _problem_yaml(folder: Path) -> dict[str, Any]:
    path = folder / "problem.yaml"
    text = read_text(path, "a Kattis problem.yaml")
    try:
        return mini_yaml.parse(text)
    except mini_yaml.YamlSubsetError as exc:
        raise ImportFailure(f"{path}:{exc.line}: {exc}") from None


def _number(value: Any, what: str, folder: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ImportFailure(
            f"{folder}/problem.yaml: {what} must be a positive number, got {value!r}"
        )
    return float(value)


# Code Jam / Kick Start statements state their limits in the text ("Time limit: 20 seconds
# per test set", "Memory limit: 1 GB"); problem.yaml does not.
_STATED_TIME = re.compile(r"Time limit:\s*([\d.]+)\s*seconds?", re.IGNORECASE)
_STATED_MEMORY = re.compile(r"Memory limit:\s*([\d.]+)\s*(GB|MB)", re.IGNORECASE)


def _limits(folder: Path, meta: dict[str, Any], options: ImportOptions, statement: str) -> Limits:
    """problem.yaml's limits, else the limits the statement states (the largest, when test
    sets differ), else the defaults; `--time-s` overrides the time."""
    defaults = Limits()
    stated_times = [float(m) for m in _STATED_TIME.findall(statement)]
    stated_memory = [
        float(n) * (1024 if unit.upper() == "GB" else 1)
        for n, unit in _STATED_MEMORY.findall(statement)
    ]
    raw = meta.get("limits") or {}
    if not isinstance(raw, dict):
        raise ImportFailure(f"{folder}/problem.yaml: limits must be a mapping")
    memory = raw.get("memory")
    if memory is not None:
        memory_mb = int(_number(memory, "limits.memory", folder))
    else:
        memory_mb = int(max(stated_memory)) if stated_memory else defaults.memory_mb
    output = raw.get("output")
    output_kb = (
        int(_number(output, "limits.output", folder) * 1024)
        if output is not None
        else defaults.output_kb
    )
    time_s = defaults.time_s
    if raw.get("time_limit") is not None:
        time_s = _number(raw["time_limit"], "limits.time_limit", folder)
    elif (folder / ".timelimit").is_file():
        try:
            time_s = float((folder / ".timelimit").read_text().split()[0])
        except (ValueError, IndexError, OSError):
            raise ImportFailure(f"{folder}/.timelimit: not a number of seconds") from None
    elif stated_times:
        time_s = max(stated_times)
    if options.time_s:
        time_s = options.time_s
    return Limits(time_s=time_s, memory_mb=memory_mb, output_kb=output_kb)


def _checker(folder: Path, meta: dict[str, Any], notes: list[str]) -> Checker:
    """The default output validator's flags: float tolerances make a float checker."""
    flags = str(meta.get("output_validator_flags") or meta.get("validator_flags") or "").split()
    abs_tol = rel_tol = None
    i = 0
    while i < len(flags):
        flag = flags[i]
        if flag in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
            try:
                value = float(flags[i + 1])
            except (IndexError, ValueError):
                raise ImportFailure(f"{folder}/problem.yaml: {flag} needs a number") from None
            if flag != "float_relative_tolerance":
                abs_tol = value
            if flag != "float_absolute_tolerance":
                rel_tol = value
            i += 2
            continue
        if flag in ("case_sensitive", "space_change_sensitive"):
            notes.append(
                f"{folder.name}: output validator flag {flag} is not enforced (tokens compare)"
            )
        i += 1
    if abs_tol is None and rel_tol is None:
        return Checker(type=CheckerType.TOKENS)
    return Checker(
        type=CheckerType.FLOAT,
        abs_tol=abs_tol if abs_tol is not None else 0.0,
        rel_tol=rel_tol if rel_tol is not None else 0.0,
    )


def _statement(folder: Path) -> Statement:
    statement_dir = folder / "problem_statement"
    for suffix, fmt in STATEMENT_FORMATS:
        candidates = [statement_dir / f"problem.{suffix}", statement_dir / f"problem.en.{suffix}"]
        candidates += (
            sorted(statement_dir.glob(f"problem.*.{suffix}")) if statement_dir.is_dir() else []
        )
        for path in candidates:
            if path.is_file():
                return Statement(text=read_text(path, "a problem statement"), format=fmt)
    raise ImportFailure(f"{folder}: no problem_statement/problem.md, .html or .tex")


def _read(path: Path) -> str:
    return read_text(path, "a test data file", newline="")


def _pairs(folder: Path, recursive: bool) -> list[tuple[Path, Path]]:
    if not folder.is_dir():
        return []
    inputs = folder.rglob("*.in") if recursive else folder.glob("*.in")
    pairs = []
    for path in inputs:
        answer = path.with_suffix(".ans")
        if answer.is_file():
            pairs.append((path, answer))
    return sorted(pairs, key=lambda p: natural_key(p[0].relative_to(folder).as_posix()))


def _statement_samples(folder: Path) -> list[tuple[str, Path, Path]]:
    """Kick Start archive: `problem_statement/<x>_sample_ts1_input.txt` + `..._output.txt`."""
    statement_dir = folder / "problem_statement"
    if not statement_dir.is_dir():
        return []
    found = []
    for path in statement_dir.glob("*sample*input*"):
        answer = path.with_name(path.name.replace("input", "output"))
        if answer.is_file() and answer != path:
            tail = path.name.split("sample", 1)[1]
            label = slugify(tail.replace("input", "").rsplit(".", 1)[0], fallback="")
            found.append((label, path, answer))
    return sorted(found, key=lambda item: natural_key(item[1].name))


def _tests(folder: Path) -> tuple[TestCase, ...]:
    tests: list[TestCase] = []
    names: set[str] = set()
    seen_data: set[tuple[str, str]] = set()

    def add(name: str, public: bool, input_path: Path, answer_path: Path) -> None:
        data = (_read(input_path), _read(answer_path))
        if data in seen_data:
            return  # the same sample in data/sample and in the statement folder
        seen_data.add(data)
        base, n = slugify(name, fallback="test"), 2
        unique = base
        while unique in names:
            unique, n = f"{base}-{n}", n + 1
        names.add(unique)
        tests.append(
            TestCase(
                name=unique,
                public=public,
                input=data[0],
                output=data[1],
                input_file=f"tests/{unique}.in",
                answer_file=f"tests/{unique}.ans",
            )
        )

    sample_dir = folder / "data" / "sample"
    for input_path, answer_path in _pairs(sample_dir, recursive=False):
        add(f"sample-{input_path.stem}", True, input_path, answer_path)
    for label, input_path, answer_path in _statement_samples(folder):
        add(f"sample-{label}" if label else "sample", True, input_path, answer_path)
    secret_dir = folder / "data" / "secret"
    for input_path, answer_path in _pairs(secret_dir, recursive=True):
        rel = input_path.relative_to(secret_dir).with_suffix("").as_posix()
        add(f"secret-{rel.replace('/', '-')}", False, input_path, answer_path)
    if not tests:
        raise ImportFailure(f"{folder}: no tests (data/sample, data/secret or statement samples)")
    return tuple(tests)
