"""Output checkers for stdio problems: pure functions returning (ok, message).

- `tokens` (the default): whitespace-insensitive token comparison.
- `exact`: byte-for-byte (as text) comparison.
- `float_tokens`: numbers compared with absolute/relative tolerance, other tokens exactly.
- `custom`: a checker program, run in the sandbox like any solution, with the input,
  expected and actual output files as argv; exit 0 accepts, its stdout is the message.

The message names the first difference (line and token), so a person or the model can
see what went wrong without diffing by hand.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from orps_tui.problems.model import Checker, CheckerType, Limits

CheckResult = tuple[bool, str]
_SHOW = 40

CUSTOM_CHECKER_LIMITS = Limits(time_s=10.0, memory_mb=512, output_kb=64)


def _show(token: str) -> str:
    return repr(token if len(token) <= _SHOW else token[:_SHOW] + "...")


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        for token in line.split():
            yield number, token


def _compare_tokens(expected: str, actual: str, same: Callable[[str, str], bool]) -> CheckResult:
    exp, act = list(_tokens(expected)), list(_tokens(actual))
    for index, ((e_line, e_tok), (a_line, a_tok)) in enumerate(zip(exp, act, strict=False)):
        if not same(e_tok, a_tok):
            return False, (
                f"line {a_line}, token {index + 1}: expected {_show(e_tok)}, got {_show(a_tok)}"
                + (f" (expected on line {e_line})" if e_line != a_line else "")
            )
    if len(act) < len(exp):
        e_line, e_tok = exp[len(act)]
        if not act:
            return False, f"no output: expected {_show(e_tok)} first"
        return False, (
            f"output ends after {len(act)} token(s): expected {_show(e_tok)} next "
            f"(line {e_line} of the answer)"
        )
    if len(act) > len(exp):
        a_line, a_tok = act[len(exp)]
        return (
            False,
            f"extra output on line {a_line}: {_show(a_tok)} after {len(exp)} expected token(s)",
        )
    return True, f"{len(exp)} token(s) match"


def tokens(expected: str, actual: str) -> CheckResult:
    """Whitespace-insensitive: the same tokens in the same order."""
    return _compare_tokens(expected, actual, str.__eq__)


def exact(expected: str, actual: str) -> CheckResult:
    """Exactly the same text (line endings included)."""
    if expected == actual:
        return True, "output matches exactly"
    e_lines, a_lines = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    for number, (e, a) in enumerate(zip(e_lines, a_lines, strict=False), start=1):
        if e != a:
            column = next(
                (i for i, (x, y) in enumerate(zip(e, a, strict=False)) if x != y),
                min(len(e), len(a)),
            )
            return False, f"line {number}, column {column + 1}: expected {_show(e)}, got {_show(a)}"
    if len(a_lines) < len(e_lines):
        return (
            False,
            f"output ends after line {len(a_lines)}: expected {_show(e_lines[len(a_lines)])} next",
        )
    return False, f"extra output from line {len(e_lines) + 1}: {_show(a_lines[len(e_lines)])}"


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

    ok, message = _compare_tokens(expected, actual, same)
    if ok:
        return True, f"{message} (abs/rel tolerance {abs_tol:g}/{rel_tol:g})"
    return False, message


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
        return False, f"checker {program}: cannot read: {exc.strerror or exc}"
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
        return False, f"checker {program.name}: cannot run it as a Python script: {exc}"
    message = outcome.stdout.decode("utf-8", "replace").strip()
    if outcome.timed_out:
        return False, "the checker ran out of time"
    if outcome.exit_code == 0:
        return True, message or "accepted by the checker"
    if outcome.record and outcome.record.get("status") == "exception":
        return False, f"the checker crashed: {outcome.record.get('message', '')}"
    return False, message or f"rejected by the checker (exit {outcome.exit_code})"


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
            return False, "custom checker without a program"
        program = Path(checker.program)
        if not program.is_absolute() and base_dir is not None:
            program = base_dir / program
        return custom(
            program,
            input=input.encode(),
            expected=expected.encode(),
            actual=actual.encode(),
        )
    return False, f"unknown checker type {kind!r}"
