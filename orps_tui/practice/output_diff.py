"""Where an actual output first differs from the expected one, at line and token level.

Only renders: the comparison is the judge's checkers' (sandbox/checkers.py). `diff_of` renders
the checker's own `Mismatch` (so a float checker's accepted token is never the one marked);
for results without one (custom checkers, results read from old sessions) `first_difference`
asks the `tokens` checker.
"""

from __future__ import annotations

from dataclasses import dataclass

from orps_tui.sandbox import checkers
from orps_tui.sandbox.report import Mismatch, TestResult


@dataclass(frozen=True)
class LineDiff:
    line: int
    """1-based line of the actual output the checker blamed (`expected_line_number` for
    the expected output: token checkers ignore line breaks)."""
    expected_line: str | None
    """None: the expected output has no such line (extra output)."""
    actual_line: str | None
    """None: the actual output ends before this line (missing output)."""
    token: int | None
    """1-based index of the first differing token in the line; None when only whitespace
    differs."""
    expected_token: str | None
    actual_token: str | None
    mismatch: Mismatch
    """The checker's mismatch this was rendered from."""

    @property
    def expected_line_number(self) -> int:
        return self.mismatch.expected_line or self.line

    def summary(self) -> str:
        """The checker's own message, so the view and the verdict say the same thing."""
        return self.mismatch.describe()


def first_difference(expected: str, actual: str, *, exact: bool = False) -> LineDiff | None:
    """None when the outputs agree (token-wise, or exactly with `exact`): the judge's own
    `tokens` / `exact` checker decides and blames, for results that carry no mismatch."""
    checked = checkers.exact(expected, actual) if exact else checkers.tokens(expected, actual)
    if checked.ok or checked.mismatch is None:
        return None
    return from_mismatch(checked.mismatch, expected, actual)


def diff_of(result: TestResult) -> LineDiff | None:
    """The failing test's first difference: the checker's mismatch when it gave one."""
    if result.mismatch is None:
        return first_difference(result.expected_head, result.output_head)
    return from_mismatch(result.mismatch, result.expected_head, result.output_head)


def from_mismatch(mismatch: Mismatch, expected: str, actual: str) -> LineDiff:
    """Both lines around the checker's mismatch, with the token it blamed."""
    e_lines, a_lines = expected.splitlines(), actual.splitlines()

    def line(lines: list[str], number: int) -> str | None:
        return lines[number - 1] if 0 < number <= len(lines) else None

    actual_line = line(a_lines, mismatch.line)
    expected_line = line(e_lines, mismatch.expected_line or mismatch.line)
    token = mismatch.token
    if mismatch.actual is None and token is None:  # exact: the whole line is missing
        actual_line = None
    return LineDiff(mismatch.line, expected_line, actual_line, token,
                    mismatch.expected, mismatch.actual, mismatch)


def token_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated token of `line`."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i].isspace():
            i += 1
        start = i
        while i < n and not line[i].isspace():
            i += 1
        if i > start:
            spans.append((start, i))
    return spans
