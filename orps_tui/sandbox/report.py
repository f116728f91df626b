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

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def max_cpu_s(self) -> float:
        return max((t.cpu_s for t in self.tests), default=0.0)

    @property
    def max_rss_mb(self) -> float:
        return max((t.peak_rss_mb for t in self.tests), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d
