"""Competitive Companion payloads (the browser extension's JSON): one object or a list.

Fields used: `name`, `group`, `url`, `timeLimit` (ms), `memoryLimit` (MB),
`tests[{input, output}]`, `interactive`. Every test is a public sample (the sites show
no hidden tests). The statement is a link to the problem page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    read_text,
    slugify,
)
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
from orps_tui.problems.statement import placeholder

UNKNOWN_LICENSE = "unknown (check the site's terms before sharing)"


def read(source: Path, options: ImportOptions) -> ImportResult:
    if not source.is_file():
        raise ImportFailure(f"{source}: not a file (expected a Competitive Companion JSON file)")
    text = read_text(source, "a Competitive Companion JSON file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailure(f"{source}:{exc.lineno}: not JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    if options.limit is not None:
        items = items[: options.limit]
    result = ImportResult()
    for index, item in enumerate(items, start=1):
        where = f"{source} (item {index})" if isinstance(data, list) else str(source)
        result.problems.append(problem_from_payload(item, where, options))
    if not result.problems:
        raise ImportFailure(f"{source}: an empty list, no problems")
    return result


def problem_from_payload(
    payload: Any, where: str = "payload", options: ImportOptions | None = None
) -> Problem:
    """One Competitive Companion object -> a stdio problem; `ImportFailure` if malformed."""
    options = options or ImportOptions()
    if not isinstance(payload, dict):
        raise ImportFailure(f"{where}: expected a JSON object with name and tests")
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ImportFailure(f"{where}: missing or empty field 'name'")
    if payload.get("interactive"):
        raise ImportFailure(
            f"{where}: {name!r} is interactive; interactive problems are not supported"
        )
    tests = payload.get("tests")
    if not isinstance(tests, list) or not tests:
        raise ImportFailure(
            f"{where}: missing or empty field 'tests' (a list of {{input, output}})"
        )
    cases = []
    for i, test in enumerate(tests, start=1):
        if (
            not isinstance(test, dict)
            or not isinstance(test.get("input"), str)
            or not isinstance(test.get("output"), str)
        ):
            raise ImportFailure(f"{where}: tests[{i}] needs string fields 'input' and 'output'")
        cases.append(
            TestCase(name=f"sample-{i}", public=True, input=test["input"], output=test["output"])
        )
    url = payload.get("url") if isinstance(payload.get("url"), str) and payload.get("url") else None
    group = payload.get("group") if isinstance(payload.get("group"), str) else ""
    defaults = Limits()
    time_s = _positive(payload.get("timeLimit"), "timeLimit", where)
    memory = _positive(payload.get("memoryLimit"), "memoryLimit", where)
    limits = Limits(
        time_s=options.time_s or (time_s / 1000 if time_s else defaults.time_s),
        memory_mb=int(memory) if memory else defaults.memory_mb,
    )
    statement = placeholder(name, group or "", url)
    return Problem(
        id=slugify(name),
        title=name.strip(),
        kind=ProblemKind.STDIO,
        source=Source(
            dataset=group or "Competitive Companion",
            license=options.license or UNKNOWN_LICENSE,
            original_id=name.strip(),
            url=url,
        ),
        statement=Statement(text=statement, format="markdown"),
        limits=limits,
        tests=tuple(cases),
        checker=Checker(type=CheckerType.TOKENS),
    )


def _positive(value: Any, field: str, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ImportFailure(f"{where}: {field} must be a positive number, got {value!r}")
    return float(value)
