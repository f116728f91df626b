"""The execution profiler: a separate, labelled re-run of ONE test under instrumentation.

`profile(problem, code, test)` runs the test in the sandbox several times, one
instrumentation per run so that each figure is measured without the others' overhead:

1. `run`: no instrumentation, the problem's own limits: the verdict, the output, and
   the baseline for the slowdown ratios.
2. `lines`: `sys.settrace`: exact hits and per-line self time of the solution's lines.
3. `functions`: `cProfile`: the solution's functions and the top external calls.
4. `memory`: `tracemalloc`: the top allocating lines of the solution near the peak.

Instrumented runs get a larger CPU budget than the problem's limit (instrumentation
slows code down 2-30x); when a run still outruns it, the child stops itself and
returns what it measured so far (`partial`). How the figures are measured and what
they cost is written up in docs/profiler.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import CodeType
from typing import Any

from orps_tui.problems.model import Limits, Problem, ProblemKind, TestCase
from orps_tui.sandbox.judge import spec_for_test
from orps_tui.sandbox.report import SyntaxIssue, TestResult, Verdict
from orps_tui.sandbox.runner import FRESH, RunOutcome, RunSpec, execute
from orps_tui.sandbox.static_metrics import check_syntax
from orps_tui.sandbox.verdicts import classify

__all__ = [
    "ALL_PASSES",
    "AllocationStat",
    "FunctionStat",
    "LineStat",
    "PassSummary",
    "ProfileReport",
    "Runner",
    "profile",
]

ALL_PASSES = ("lines", "functions", "memory")

SOLUTION_FILE = "solution.py"

BUDGET_LIMIT_FACTOR = 10.0
"""An instrumented run may use this many times the problem's CPU limit..."""
BUDGET_SLOWDOWN_ALLOWANCE = 30.0
"""...or this many times the plain run's CPU time, whichever is larger..."""
BUDGET_CAP_S = 60.0
"""...but never more than this."""
MIN_BUDGET_S = 0.1
COLLECT_SLACK_S = 1.0
"""Extra CPU seconds past the budget (at least; or half the budget) for the child to
gather and write its figures before the sandbox kills it."""
EXTRA_MEMORY_MB = 128
"""Instrumented runs get this much more memory (cProfile and tracemalloc tables)."""
MIN_RATIO_CPU_S = 0.1
"""From this much plain CPU time on, slowdowns are CPU ratios (CPU clocks tick in 4 ms
steps on some VMs, so shorter runs use wall time, which a busy machine inflates)."""
MIN_RATIO_WALL_S = 0.02
"""Below this much plain wall time, a slowdown ratio is noise: it is not reported."""

TOP_EXTERNAL = 10
TOP_ALLOCATIONS = 10
HEAD_CHARS = 2000
TAIL_CHARS = 2000


# --- the runner ---------------------------------------------------------------------------------
Runner = Callable[[RunSpec], RunOutcome]
"""Runs one spec in the sandbox (default: `runner.execute` in a fresh interpreter)."""


# --- the report --------------------------------------------------------------------------------
@dataclass
class LineStat:
    line: int
    """1-based line of the solution."""
    hits: int
    """How many times the line started (a loop header counts once per iteration, +1)."""
    time_s: float
    """Estimated self time: the line and the library and builtin calls it made, not the
    solution's own functions it called (those are charged to their own lines), measured
    under tracing less the tracer's calibrated cost per charged interval."""
    raw_time_s: float
    """Self time as the tracer measured it, its own cost included (pass `lines`)."""
    share: float
    """time_s / the sum over all lines."""


@dataclass
class FunctionStat:
    name: str
    """Qualified name for the solution's functions (`Solver.fib`, `main.<locals>.dfs`),
    `<module>` for its top level; cProfile's name for the rest (`builtins.sorted`)."""
    file: str
    """`solution.py`, a shortened library path, or "" for builtins."""
    line: int
    calls: int
    primitive_calls: int
    """Calls that were not recursive."""
    tottime_s: float
    cumtime_s: float
    own: bool
    """Defined in the solution."""


@dataclass
class AllocationStat:
    line: int
    size_kb: float
    """Live memory allocated by the line (and library calls it made) at the snapshot."""
    count: int
    """Live memory blocks."""


@dataclass
class PassSummary:
    name: str
    """run | lines | functions | memory."""
    cpu_s: float
    """CPU time of the solution under this pass, measured in the child (start-up excluded)."""
    wall_s: float
    peak_rss_mb: float
    """VmHWM of the child at its end (includes the instrumentation's own tables)."""
    cpu_budget_s: float
    """The CPU seconds this pass was allowed."""
    completed: bool
    """The solution ran to its end (or to its error) under this pass."""
    stopped: str = ""
    """Why it did not: `budget` (stopped itself, figures partial), `limit` (killed by
    the sandbox, no figures), `crash` (no report from the child)."""
    slowdown: float | None = None
    """This pass's time / the plain run's: CPU time from 0.1 s of plain CPU on, wall
    time from 20 ms; None for shorter runs or passes that did not complete."""
    error: str = ""


@dataclass
class ProfileReport:
    problem_id: str
    test_name: str
    verdict: Verdict
    message: str = ""
    cpu_s: float = 0.0
    """Of the normal (uninstrumented) run."""
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    """Peak RSS of the normal run (VmHWM)."""
    stdout_head: str = ""
    stderr_tail: str = ""
    lines: list[LineStat] = field(default_factory=list)
    """Every solution line that ran, in line order (pass `lines`)."""
    functions: list[FunctionStat] = field(default_factory=list)
    """The solution's functions, highest cumulative time first (pass `functions`)."""
    external: list[FunctionStat] = field(default_factory=list)
    """The top calls outside the solution by cumulative time (pass `functions`)."""
    allocations: list[AllocationStat] = field(default_factory=list)
    """The solution's top allocating lines, largest first (pass `memory`)."""
    traced_peak_kb: float | None = None
    """tracemalloc's peak of Python allocations (pass `memory`)."""
    snapshot_kb: float | None = None
    """What the snapshot behind `allocations` held: compare with traced_peak_kb to see
    how close to the peak it was taken."""
    line_time_source: str = ""
    """Which run the line times come from: `trace` (the `lines` pass), "" when not run."""
    tracing_cost_s: float | None = None
    """The line tracer's cost per charged interval, calibrated in the `lines` run and
    subtracted from each line's time."""
    passes: list[PassSummary] = field(default_factory=list)
    partial: bool = False
    """Some instrumented pass stopped early: its figures cover part of the run."""
    note: str = ""
    syntax_errors: list[SyntaxIssue] = field(default_factory=list)

    @property
    def line_time_s(self) -> float:
        return sum(s.time_s for s in self.lines)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["verdict"] = self.verdict.value
        return d


# --- profiling -----------------------------------------------------------------------------------
_INSTRUMENT: list[CodeType] = []


def instrument_code() -> CodeType:
    """instrument.py compiled once per process: the probe the runner loads in the child."""
    if not _INSTRUMENT:
        path = Path(__file__).with_name("instrument.py")
        source = path.read_text(encoding="utf-8")
        _INSTRUMENT.append(compile(source, str(path), "exec", dont_inherit=True))
    return _INSTRUMENT[0]


def _fresh(spec: RunSpec) -> RunOutcome:
    return execute(spec, FRESH)


def profile(
    problem: Problem,
    code: str,
    test: TestCase,
    *,
    runner: Runner | None = None,
    baseline: TestResult | None = None,
    passes: Sequence[str] = ALL_PASSES,
    wall_factor: float | None = None,
) -> ProfileReport:
    """Profile `code` on `test` of `problem`; always returns a report for any code.

    Every pass runs the judge's own spec for the test (`judge.spec_for_test`); the
    instrumented ones add only their probe and a larger budget. `runner` defaults to a
    fresh sandboxed interpreter. `baseline`, when the judge has already run this test
    normally, supplies the verdict and the headline figures; without it the plain run
    decides them, by the judge's own rule (`verdicts.classify`).
    `passes` picks the instrumented runs (all three by default). Raises ValueError, with
    a one-line message, for a problem or test that cannot be run at all.
    """
    unknown = [p for p in passes if p not in ALL_PASSES]
    if unknown:
        raise ValueError(f"unknown profile pass {unknown[0]!r}: use {', '.join(ALL_PASSES)}")
    _check_runnable(problem, test)
    report = ProfileReport(problem_id=problem.id, test_name=test.name, verdict=Verdict.CE)

    issues = check_syntax(code)
    if issues:
        first = issues[0]
        report.syntax_errors = issues
        report.message = f"line {first.line}:{first.column}: {first.message}"
        report.note = "Not run: the code does not compile, so there is nothing to profile."
        return report

    run = runner if runner is not None else _fresh
    job = _Job(spec_for_test(problem, code, test, wall_factor=wall_factor), run)

    plain_outcome, plain = job.run_pass("run", budget_s=0.0)
    report.passes.append(plain.summary)
    _fill_verdict(report, problem, test, plain_outcome, plain, baseline)
    if plain_outcome is None:  # the sandbox itself failed; the other passes would too
        report.note = f"Not profiled: {plain.summary.error}"
        return report

    budget = _budget(problem.limits.time_s, plain)
    results: dict[str, _PassResult] = {}
    for name in passes:
        _, result = job.run_pass(name, budget_s=budget)
        result.summary.slowdown = _ratio(result.summary, plain.summary)
        report.passes.append(result.summary)
        results[name] = result
    if "lines" in results:
        _fill_lines(report, results["lines"].data)
    if "functions" in results:
        _fill_functions(report, results["functions"].data)
    if "memory" in results:
        _fill_memory(report, results["memory"].data)

    report.partial = any(not p.completed for p in report.passes[1:])
    report.note = _note(report, problem.limits.time_s, budget)
    return report


def _check_runnable(problem: Problem, test: TestCase) -> None:
    if problem.kind is ProblemKind.FUNCTION:
        if problem.function is None:
            raise ValueError(f"problem {problem.id!r} is a function problem without [function]")
        if not (test.code or "").strip():
            raise ValueError(f"test {test.name!r} of {problem.id!r} has no code to run")


# --- one pass ----------------------------------------------------------------------------------
@dataclass
class _PassResult:
    summary: PassSummary
    data: dict[str, Any]
    """The child's JSON report ({} when it wrote none)."""


class _Job:
    def __init__(self, spec: RunSpec, run: Runner) -> None:
        self.spec = spec
        """The judge's spec for this test: every pass runs it."""
        self.run = run

    def _spec(self, name: str, budget_s: float) -> RunSpec:
        if name == "run":
            return self.spec
        limits = self.spec.limits
        job = dict(self.spec.job)
        job["profile"] = {
            "mode": name,
            "code": instrument_code(),
            "discard_output": True,  # the plain run has it; no OLE kill mid-profile
            "budget_cpu_s": budget_s,
            "budget_wall_s": budget_s * 2 + 1,
        }
        limits = Limits(
            time_s=budget_s + max(COLLECT_SLACK_S, budget_s / 2),
            memory_mb=limits.memory_mb * 2 + EXTRA_MEMORY_MB,
            output_kb=limits.output_kb,
        )
        return replace(self.spec, job=job, limits=limits)

    def run_pass(self, name: str, *, budget_s: float) -> tuple[RunOutcome | None, _PassResult]:
        spec = self._spec(name, budget_s)
        summary = PassSummary(
            name=name,
            cpu_s=0.0,
            wall_s=0.0,
            peak_rss_mb=0.0,
            cpu_budget_s=budget_s if name != "run" else spec.limits.time_s,
            completed=False,
        )
        try:
            outcome = self.run(spec)
        except Exception as exc:  # the sandbox itself failed: say so, keep going
            summary.stopped = "crash"
            summary.error = f"the sandbox could not run this pass: {exc}"
            return None, _PassResult(summary, {})

        record = outcome.record or {}
        figures = record.get("profile")
        data: dict[str, Any] = figures if isinstance(figures, dict) else {}
        summary.cpu_s = float(data.get("cpu_s", outcome.solution_cpu_s) or 0.0)
        summary.wall_s = float(data.get("wall_s", outcome.wall_s) or 0.0)
        summary.peak_rss_mb = outcome.peak_rss_mb
        if data.get("stopped") == "budget":
            summary.stopped = "budget"
        elif _hit_limit(outcome):
            summary.stopped = "limit"
        elif not record or (name != "run" and not data):
            summary.stopped = "crash"
        else:
            summary.completed = True
        if summary.stopped == "limit":
            summary.error = _limit_text(outcome)
        elif record.get("status") not in (None, "ok", "budget") and record.get("message"):
            summary.error = str(record["message"])[:300]
        return outcome, _PassResult(summary, data)


def _hit_limit(outcome: RunOutcome) -> bool:
    return bool(
        outcome.timed_out
        or outcome.output_exceeded
        or outcome.disk_exceeded
        or (outcome.memory_exceeded and outcome.record is None)
    )


def _limit_text(outcome: RunOutcome) -> str:
    if outcome.timed_out:
        return "killed: over the time limit"
    if outcome.memory_exceeded:
        return "killed: over the memory limit"
    return "killed: over the output limit"


def _budget(time_limit_s: float, plain: _PassResult) -> float:
    """CPU seconds for each instrumented pass. A plain run that hit the limit gets only
    the limit again (an endless loop shows where it loops in that much time)."""
    if not plain.summary.completed:
        return max(time_limit_s, MIN_BUDGET_S)
    wanted = max(
        BUDGET_LIMIT_FACTOR * time_limit_s, BUDGET_SLOWDOWN_ALLOWANCE * plain.summary.cpu_s
    )
    return min(BUDGET_CAP_S, wanted)


def _ratio(run: PassSummary, plain: PassSummary) -> float | None:
    """Instrumented / plain time of the solution, both measured in the child."""
    if not (run.completed and plain.completed):
        return None
    if plain.cpu_s >= MIN_RATIO_CPU_S:
        return run.cpu_s / plain.cpu_s
    if plain.wall_s >= MIN_RATIO_WALL_S:
        return run.wall_s / plain.wall_s
    return None


# --- the verdict -------------------------------------------------------------------------------
def _fill_verdict(
    report: ProfileReport,
    problem: Problem,
    test: TestCase,
    outcome: RunOutcome | None,
    plain: _PassResult,
    baseline: TestResult | None,
) -> None:
    """The plain run's verdict, by the judge's own rule; or the judge's, when it ran."""
    if outcome is not None:
        report.stdout_head = _head(outcome.stdout)
        report.stderr_tail = _tail(outcome.stderr)
        report.cpu_s = outcome.solution_cpu_s
        report.wall_s = outcome.wall_s
        report.peak_rss_mb = outcome.peak_rss_mb
    if baseline is not None:
        report.verdict = baseline.verdict
        report.message = baseline.message
        report.cpu_s, report.wall_s = baseline.cpu_s, baseline.wall_s
        report.peak_rss_mb = baseline.peak_rss_mb or report.peak_rss_mb
        return
    if outcome is None:
        report.verdict, report.message = Verdict.UNAVAILABLE, plain.summary.error
        return
    classified = classify(problem, test, outcome)
    report.verdict, report.message = classified.verdict, classified.message


# --- merging the passes ------------------------------------------------------------------------
def _fill_lines(report: ProfileReport, data: dict[str, Any]) -> None:
    if isinstance(data.get("lines"), list):
        report.line_time_source = "trace"
    report.tracing_cost_s = _number(data.get("tracing_cost_s"))
    cost = report.tracing_cost_s or 0.0
    stats = []
    for row in data.get("lines", []):
        if isinstance(row, list) and len(row) == 4:
            line, hits, raw, intervals = int(row[0]), int(row[1]), float(row[2]), int(row[3])
            estimate = max(raw - cost * intervals, 0.0)
            stats.append(LineStat(line=line, hits=hits, time_s=estimate, raw_time_s=raw, share=0.0))
    total = sum(stat.time_s for stat in stats)
    if total > 0:
        for stat in stats:
            stat.share = stat.time_s / total
    else:  # everything within the tracer's cost: the raw figures still rank the lines
        raw_total = sum(stat.raw_time_s for stat in stats)
        for stat in stats:
            stat.share = stat.raw_time_s / raw_total if raw_total > 0 else 0.0
    report.lines = sorted(stats, key=lambda stat: stat.line)


def _fill_functions(report: ProfileReport, data: dict[str, Any]) -> None:
    stats = [_function_stat(r) for r in data.get("functions", []) if isinstance(r, dict)]
    own = [s for s in stats if s.own]
    own.sort(key=lambda s: (-s.cumtime_s, s.line))
    external = [s for s in stats if not s.own]
    external.sort(key=lambda s: -s.cumtime_s)
    report.functions = own
    report.external = external[:TOP_EXTERNAL]


def _fill_memory(report: ProfileReport, data: dict[str, Any]) -> None:
    memory = data.get("memory")
    if not isinstance(memory, dict):
        return
    rows = [r for r in memory.get("lines", []) if isinstance(r, list) and len(r) == 3]
    rows.sort(key=lambda r: -int(r[1]))
    report.allocations = [
        AllocationStat(line=int(line), size_kb=int(size) / 1024, count=int(count))
        for line, size, count in rows[:TOP_ALLOCATIONS]
    ]
    report.traced_peak_kb = int(memory.get("traced_peak_bytes", 0)) / 1024
    report.snapshot_kb = int(memory.get("snapshot_bytes", 0)) / 1024


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _function_stat(row: dict[str, Any]) -> FunctionStat:
    own = bool(row.get("own"))
    raw_file = str(row.get("file", ""))
    name = str(row.get("name", "?"))
    if not own and raw_file == "~":
        name = name.strip("<>")  # `<built-in method builtins.sorted>`
    return FunctionStat(
        name=name,
        file=SOLUTION_FILE if own else _short_path(raw_file),
        line=int(row.get("line", 0)),
        calls=int(row.get("calls", 0)),
        primitive_calls=int(row.get("primitive_calls", 0)),
        tottime_s=float(row.get("tottime_s", 0.0)),
        cumtime_s=float(row.get("cumtime_s", 0.0)),
        own=own,
    )


def _short_path(path: str) -> str:
    if path in ("~", ""):
        return ""
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else path


# --- text --------------------------------------------------------------------------------------
def _note(report: ProfileReport, time_limit_s: float, budget_s: float) -> str:
    parts = [
        f"Profiled re-run of test {report.test_name!r}: {len(report.passes)} separate runs "
        "(a plain one for the verdict, then one per instrumentation). Times measured under "
        "instrumentation are inflated; compare lines and functions with each other, "
        "not with the limit."
    ]
    ratios = [f"{p.name} {p.slowdown:.1f}x" for p in report.passes[1:] if p.slowdown is not None]
    if ratios:
        parts.append("Measured slowdown against the plain run: " + ", ".join(ratios) + ".")
    elif report.passes and report.passes[0].completed:
        parts.append("The plain run was too short to measure a slowdown.")
    if budget_s > time_limit_s:
        parts.append(
            f"Instrumented runs were allowed {budget_s:g} s of CPU "
            f"(the problem's limit is {time_limit_s:g} s)."
        )
    stopped = [p.name for p in report.passes[1:] if p.stopped == "budget"]
    if stopped:
        parts.append(
            f"Stopped early at the {budget_s:g} s budget, figures cover part of the run: "
            + ", ".join(stopped)
            + "."
        )
    failed = [
        f"{p.name} ({p.error or p.stopped})"
        for p in report.passes[1:]
        if p.stopped in ("limit", "crash")
    ]
    if failed:
        parts.append("No figures from: " + ", ".join(failed) + ".")
    return " ".join(parts)


def _head(data: bytes) -> str:
    return data[:HEAD_CHARS].decode("utf-8", errors="replace")


def _tail(data: bytes) -> str:
    return data[-TAIL_CHARS:].decode("utf-8", errors="replace")
