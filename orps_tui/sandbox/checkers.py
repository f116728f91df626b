"""Output checkers for stdio problems: pure functions returning a `CheckResult`.

- `tokens` (the default): whitespace-insensitive token comparison.
- `exact`: byte-for-byte (as text) comparison.
- `float_tokens`: numbers compared with absolute/relative tolerance, other tokens exactly.
- `custom`: a checker program, run in the sandbox like any solution, with the input,
  expected and actual output files as argv; exit 0 accepts, its stdout is the message.

A failed built-in check carries a structured `Mismatch` (line, token, expected, actual): the
verdict message is rendered from it, and the practice diff marks the same token.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from orps_tui.problems.model import Checker, CheckerType, Limits
from orps_tui.sandbox.report import Mismatch, shown


class CheckResult(NamedTuple):
    ok: bool
    message: str
    mismatch: Mismatch | None = None


CUSTOM_CHECKER_LIMITS = Limits(time_s=10.0, memory_mb=512, output_kb=64)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(line, index within the line, token), all 1-based."""
    return [
        (number, index, token)
        for number, line in enumerate(text.splitlines(), start=1)
        for index, token in enumerate(line.split(), start=1)
    ]


def _failed(mismatch: Mismatch, message: str | None = None) -> CheckResult:
    return CheckResult(False, message or mismatch.describe(), mismatch)


def _compare_tokens(expected: str, actual: str, same: Callable[[str, str], bool]) -> CheckResult:
    exp, act = _tokens(expected), _tokens(actual)
    for (e_line, _, e_tok), (a_line, a_index, a_tok) in zip(exp, act, strict=False):
        if not same(e_tok, a_tok):
            return _failed(Mismatch(a_line, a_index, e_tok, a_tok, expected_line=e_line))
    if len(act) < len(exp):
        e_line, e_index, e_tok = exp[len(act)]
        mismatch = Mismatch(e_line, e_index, e_tok, None, expected_line=e_line)
        if not act:
            return _failed(mismatch, f"no output: expected {shown(e_tok)} first")
        return _failed(mismatch)
    if len(act) > len(exp):
        a_line, a_index, a_tok = act[len(exp)]
        return _failed(Mismatch(a_line, a_index, None, a_tok))
    return CheckResult(True, f"{len(exp)} token(s) match")


def tokens(expected: str, actual: str) -> CheckResult:
    """Whitespace-insensitive: the same tokens in the same order."""
    return _compare_tokens(expected, actual, str.__eq__)


def exact(expected: str, actual: str) -> CheckResult:
    """Exactly the same text (line endings included)."""
    if expected == actual:
        return CheckResult(True, "output matches exactly")
    e_lines, a_lines = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    for number, (e, a) in enumerate(zip(e_lines, a_lines, strict=False), start=1):
        if e != a:
            column = next(
                (i for i, (x, y) in enumerate(zip(e, a, strict=False)) if x != y),
                min(len(e), len(a)),
            )
            return _failed(Mismatch(number, None, e, a, column=column + 1))
    if len(a_lines) < len(e_lines):
        return _failed(Mismatch(len(a_lines) + 1, None, e_lines[len(a_lines)], None))
    return _failed(Mismatch(len(e_lines) + 1, None, None, a_lines[len(e_lines)]))


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def float_tokens(
    expected: str, actual: str, abs_tol: float = 1e-6, rel_tol: float = 1e-6
) -> CheckResult:
    """Numeric tokens equal within `abs_tol` or `rel_tol`; other tokens exactly."""

    def same(e: str, a: str) -> bool:
        x, y = _number(e), _number(a)
        if x is None or y is None:
            return e == a
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        if math.isinf(x) or math.isinf(y):
            return x == y
        return abs(x - y) <= abs_tol or abs(x - y) <= rel_tol * abs(x)

    result = _compare_tokens(expected, actual, same)
    if result.ok:
        return CheckResult(True, f"{result.message} (abs/rel tolerance {abs_tol:g}/{rel_tol:g})")
    return result


def custom(
    program: Path,
    *,
    input: bytes,
    expected: bytes,
    actual: bytes,
    limits: Limits = CUSTOM_CHECKER_LIMITS,
) -> CheckResult:
    """Run a Python checker program in the sandbox: argv = input, expected, actual files."""
    from orps_tui.sandbox.runner import run_isolated

    try:
        source = program.read_bytes()
    except OSError as exc:
        return CheckResult(False, f"checker {program}: cannot read: {exc.strerror or exc}")
    files = {
        "checker.py": source,
        "input.txt": input,
        "expected.txt": expected,
        "actual.txt": actual,
    }
    try:
        outcome = run_isolated(
            [sys.executable, "checker.py", "input.txt", "expected.txt", "actual.txt"],
            limits=limits,
            files=files,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        return CheckResult(
            False, f"checker {program.name}: cannot run it as a Python script: {exc}"
        )
    message = outcome.stdout.decode("utf-8", "replace").strip()
    if outcome.timed_out:
        return CheckResult(False, "the checker ran out of time")
    if outcome.exit_code == 0:
        return CheckResult(True, message or "accepted by the checker")
    if outcome.record and outcome.record.get("status") == "exception":
        return CheckResult(False, f"the checker crashed: {outcome.record.get('message', '')}")
    return CheckResult(False, message or f"rejected by the checker (exit {outcome.exit_code})")


def check(
    checker: Checker,
    *,
    input: str,
    expected: str,
    actual: str,
    base_dir: Path | None = None,
) -> CheckResult:
    """Dispatch on the problem's checker type."""
    kind = checker.type
    if kind in (CheckerType.TOKENS, CheckerType.ASSERT):
        return tokens(expected, actual)
    if kind is CheckerType.EXACT:
        return exact(expected, actual)
    if kind is CheckerType.FLOAT:
        return float_tokens(expected, actual, checker.abs_tol, checker.rel_tol)
    if kind is CheckerType.CUSTOM:
        if not checker.program:
            return CheckResult(False, "custom checker without a program")
        program = Path(checker.program)
        if not program.is_absolute() and base_dir is not None:
            program = base_dir / program
        return custom(
            program,
            input=input.encode(),
            expected=expected.encode(),
            actual=actual.encode(),
        )
    return CheckResult(False, f"unknown checker type {kind!r}")
