"""The problem model: what a problem file holds once loaded and validated (docs/architecture.md).

Plain frozen dataclasses, no I/O: loading lives in `load.py`, writing in `write.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

SCHEMA_VERSION = 1


class ProblemKind(StrEnum):
    STDIO = "stdio"
    FUNCTION = "function"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CheckerType(StrEnum):
    TOKENS = "tokens"
    EXACT = "exact"
    FLOAT = "float"
    CUSTOM = "custom"
    ASSERT = "assert"


@dataclass(frozen=True)
class Source:
    """Provenance: where the problem comes from and under which licence."""

    dataset: str
    license: str
    original_id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Statement:
    text: str
    format: str = "markdown"  # markdown | html | text


@dataclass(frozen=True)
class Limits:
    time_s: float = 2.0
    """CPU seconds per test."""
    memory_mb: int = 256
    output_kb: int = 1024


# The largest limits a problem may set: beyond these a test is not a test any more, and the
# sandbox's rlimits would overflow (TOML allows `inf` and 1e308).
LIMIT_MAX: dict[str, float] = {"time_s": 600.0, "memory_mb": 65536, "output_kb": 1 << 20}


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    signature: str
    setup: str = ""
    """Code run before each test (imports, helpers)."""


@dataclass(frozen=True)
class Checker:
    type: CheckerType = CheckerType.TOKENS
    abs_tol: float = 1e-6
    rel_tol: float = 1e-6
    program: str | None = None
    """custom: path of a checker program, relative to the problem file's folder."""


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # tells pytest this is not a test class
    name: str
    public: bool
    input: str | None = None
    """stdio: the program's standard input."""
    output: str | None = None
    """stdio: the expected answer."""
    code: str | None = None
    """function: assertion code run after the solution is defined."""
    call: str | None = None
    """function: display only, e.g. `solve([1, 2, 3])`."""
    expected: str | None = None
    """function: display only, e.g. `6`."""
    input_file: str | None = None
    """Where `input` was read from, relative to the problem folder (kept for round trips)."""
    answer_file: str | None = None
    performance: bool = False
    """A performance input: a maximum-size input judged only for TLE/MLE/RE/OLE and time,
    never for output (so it has no expected output and no assertions). Always public."""


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    kind: ProblemKind
    source: Source
    statement: Statement
    limits: Limits
    tests: tuple[TestCase, ...]
    difficulty: Difficulty | None = None
    rating: int | None = None
    tags: tuple[str, ...] = ()
    function: FunctionSpec | None = None
    checker: Checker = field(default_factory=Checker)
    reference: str | None = None
    """Gold solution code. Never put it in a prompt."""
    path: Path | None = None
    """The file it was loaded from (problem.toml for directory problems)."""

    @property
    def public_tests(self) -> tuple[TestCase, ...]:
        return tuple(t for t in self.tests if t.public)

    @property
    def hidden_tests(self) -> tuple[TestCase, ...]:
        return tuple(t for t in self.tests if not t.public)

    @property
    def performance_tests(self) -> tuple[TestCase, ...]:
        """The performance inputs (also among `public_tests`)."""
        return tuple(t for t in self.tests if t.performance)

    @property
    def base_dir(self) -> Path | None:
        return self.path.parent if self.path else None

    def select_tests(self, which: str) -> tuple[TestCase, ...]:
        """`public`, `hidden` or `all` (public first, then hidden, each in file order)."""
        if which == "public":
            return self.public_tests
        if which == "hidden":
            return self.hidden_tests
        if which == "all":
            return self.public_tests + self.hidden_tests
        raise ValueError(f"unknown test selection {which!r}: use public, hidden or all")


@dataclass(frozen=True)
class ProblemIssue:
    """One thing wrong with a problem file, located as precisely as the parser knows."""

    file: Path
    message: str
    field: str | None = None
    line: int | None = None
    severity: str = "error"
    """`error` (the file cannot be used) or `warning` (it loads, but look at it)."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
        level = "warning: " if self.severity == "warning" else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {level}{what}{self.message}"


class ProblemError(Exception):
    """A problem file could not be loaded; `issues` lists every problem found."""

    def __init__(self, issues: list[ProblemIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))

    def summary(self, limit: int = 5) -> str:
        """The first `limit` issues, one per line, and a count of the rest."""
        lines = [str(i) for i in self.issues[:limit]] or [super().__str__()]
        if len(self.issues) > limit:
            lines.append(f"(and {len(self.issues) - limit} more)")
        return "\n".join(lines)
