"""Where an actual output first differs from the expected one, at line and token level.

`diff_of` renders the judge checker's own `Mismatch` (so a float checker's accepted token is
never the one marked); `first_difference` is the plain token comparison for results without
one (custom checkers, results read from old sessions).
"""

from __future__ import annotations

from dataclasses import dataclass

from orps_tui.sandbox.report import Mismatch, TestResult


@dataclass(frozen=True)
class LineDiff:
    line: int
    """1-based line number (in both outputs: lines are compared pairwise)."""
    expected_line: str | None
    """None: the expected output has no such line (extra output)."""
    actual_line: str | None
    """None: the actual output ends before this line (missing output)."""
    token: int | None
    """1-based index of the first differing token in the line; None when only whitespace
    differs."""
    expected_token: str | None
    actual_token: str | None
    mismatch: Mismatch | None = None
    """The checker's mismatch this was rendered from, whose message is the summary."""

    def summary(self) -> str:
        if self.mismatch is not None:
            return self.mismatch.describe()
        if self.actual_line is None:
            return f"line {self.line}: missing (expected {self.expected_line!r})"
        if self.expected_line is None:
            return f"line {self.line}: extra output {self.actual_line!r}"
        if self.token is None:
            return f"line {self.line}: the same tokens, different spacing"
        exp = "nothing" if self.expected_token is None else repr(self.expected_token)
        act = "nothing" if self.actual_token is None else repr(self.actual_token)
        return f"line {self.line}, token {self.token}: expected {exp}, got {act}"


def first_difference(expected: str, actual: str, *, exact: bool = False) -> LineDiff | None:
    """None when the outputs agree (token-wise, or exactly with `exact`). Trailing blank
    lines are ignored unless `exact`."""
    e_lines, a_lines = expected.splitlines(), actual.splitlines()
    if not exact:
        while e_lines and not e_lines[-1].strip():
            e_lines.pop()
        while a_lines and not a_lines[-1].strip():
            a_lines.pop()
    for i in range(max(len(e_lines), len(a_lines))):
        e = e_lines[i] if i < len(e_lines) else None
        a = a_lines[i] if i < len(a_lines) else None
        if e is None or a is None:
            return LineDiff(i + 1, e, a, None, None, None)
        e_tok, a_tok = e.split(), a.split()
        if e_tok != a_tok:
            k = next((j for j, (x, y) in enumerate(zip(e_tok, a_tok, strict=False)) if x != y),
                     min(len(e_tok), len(a_tok)))
            return LineDiff(i + 1, e, a, k + 1, e_tok[k] if k < len(e_tok) else None,
                            a_tok[k] if k < len(a_tok) else None)
        if exact and e != a:
            return LineDiff(i + 1, e, a, None, None, None)
    return None


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
