"""What the judge returns: verdicts, per-test results, static metrics, isolation status.

Plain dataclasses with `to_dict()` for `orps judge --json`, sessions and the app.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    AC = "AC"  # accepted
    WA = "WA"  # wrong answer
    TLE = "TLE"  # CPU time over the limit, or the wall guard fired
    MLE = "MLE"  # MemoryError or the address-space limit
    RE = "RE"  # runtime error
    CE = "CE"  # does not parse; nothing was run
    OLE = "OLE"  # output over the limit
    SKIPPED = "SKIPPED"  # not run (e.g. after CE)
    UNAVAILABLE = "UNAVAILABLE"  # the test needs something the judge does not provide (e.g. numpy)

    @property
    def passed(self) -> bool:
        return self is Verdict.AC


@dataclass(frozen=True)
class Mismatch:
    """Where a checker found the first difference: what the verdict message and the
    practice diff both render, so they always blame the same token."""

    line: int
    """1-based line of the actual output (of the expected one when the output ended early)."""
    token: int | None
    """1-based token within that line; None when the whole line differs (exact checker)."""
    expected: str | None
    """None: the expected output has nothing here (extra output)."""
    actual: str | None
    """None: the output ended before this point (missing output)."""
    expected_line: int | None = None
    """The expected token's line when it is not `line` (token checkers ignore line breaks)."""
    column: int | None = None
    """1-based first differing character (exact checker)."""

    def describe(self) -> str:
        """The one-line message a verdict carries and the practice diff shows."""
        if self.actual is None:
            return f"output ends early: expected {shown(self.expected)} next (line {self.line})"
        if self.expected is None:
            return f"extra output on line {self.line}: {shown(self.actual)}"
        where = f"line {self.line}, " + (
            f"token {self.token}" if self.token is not None else f"column {self.column or 1}"
        )
        elsewhere = (
            f" (expected on line {self.expected_line})"
            if self.expected_line not in (None, self.line)
            else ""
        )
        return f"{where}: expected {shown(self.expected)}, got {shown(self.actual)}{elsewhere}"


def shown(text: str | None, limit: int = 40) -> str:
    if text is None:
        return "nothing"
    return repr(text if len(text) <= limit else text[:limit] + "...")


@dataclass
class TestResult:
    __test__ = False  # tells pytest this is not a test class
    name: str
    public: bool
    verdict: Verdict
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    stderr_tail: str = ""
    output_head: str = ""
    """The first few KB of what the program printed (stdio) - for expected/actual views."""
    expected_head: str = ""
    message: str = ""
    """The checker's or harness's one-line explanation (e.g. `line 2: expected 5, got 6`)."""
    exit_code: int | None = None
    performance: bool = False
    """A performance input: only limits and exit were judged, never the output."""
    mismatch: Mismatch | None = None
    """The checker's first difference (stdio WA), for views that mark it."""

    def __post_init__(self) -> None:
        if isinstance(self.mismatch, dict):  # read back from a session file
            self.mismatch = Mismatch(**self.mismatch)


@dataclass
class SyntaxIssue:
    line: int  # 1-based
    column: int  # 1-based
    message: str


@dataclass
class FunctionMetrics:
    name: str
    line: int
    cyclomatic: int
    cognitive: int
    loc: int


@dataclass
class StaticMetrics:
    loc: int = 0
    """Non-blank, non-comment lines."""
    ast_nodes: int = 0
    cyclomatic: int = 1
    """Whole-module cyclomatic complexity (1 + decision points)."""
    cognitive: int = 0
    functions: list[FunctionMetrics] = field(default_factory=list)
    syntax_errors: list[SyntaxIssue] = field(default_factory=list)


@dataclass
class IsolationStatus:
    rlimits: bool = False
    landlock: bool = False
    seccomp: bool = False
    process_group: bool = False
    clean_env: bool = False
    notices: list[str] = field(default_factory=list)
    """Human-readable lines on what is NOT enforced here and why."""


@dataclass
class JudgeReport:
    verdict: Verdict
    passed: int
    total: int
    tests: list[TestResult]
    static: StaticMetrics
    isolation: IsolationStatus
    compile_error: SyntaxIssue | None = None
    language: str = "python"
    """The solution's language (languages.Language's value)."""

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def passes_every_test(self) -> bool:
        """At least one test ran and every one passed."""
        return self.total > 0 and self.passed == self.total

    @property
    def max_cpu_s(self) -> float:
        return max((t.cpu_s for t in self.tests), default=0.0)

    @property
    def max_rss_mb(self) -> float:
        return max((t.peak_rss_mb for t in self.tests), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d
