"""The reference check: no problem is imported with a test its own reference fails.

Each problem that carries a reference solution is judged on all its tests in the real
sandbox, after the static layout repairs (`layout`). Then, per test:

- AC: kept;
- TLE: the test is re-run under a generous limit to measure the reference's CPU time; if
  it passes it is kept, else it is dropped;
- then the limit must leave the reference SLOW_FACTOR x room on every test it passes
  (those it passed in time and those re-run): a reference near the limit times out on a
  slower or busier machine, failing the users' right answers with it. Where it does not,
  the limit becomes SLOW_FACTOR x the slowest CPU time (rounded up to 0.5 s);
- UNAVAILABLE (the reference needs numpy, pandas, pytest ...): kept, and the problem is
  reported as unavailable (left out with `skip_unavailable`);
- any other verdict: the test is dropped.

A problem left with no hidden test cannot be graded and is left out; one left with no
public test is kept (the model then works from the statement alone).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from orps_tui.problems.importers.layout import FixedLayout, fix_layout
from orps_tui.problems.model import LIMIT_MAX, Problem
from orps_tui.sandbox.judge import Judge, with_limits
from orps_tui.sandbox.report import JudgeReport, TestResult, Verdict

if TYPE_CHECKING:
    from orps_tui.sandbox.forkserver import ForkServer

SLOW_FACTOR = 3.0
"""A raised limit leaves the reference this much room over its measured CPU time."""
MEASURE_FACTOR = 10.0
"""A test the reference timed out on is measured under this many times the limit."""
LIMIT_STEP_S = 0.5

Progress = Callable[[int, int, str], None]
"""(problems done, problems in all, id of the one just judged)."""


class LeftOut(StrEnum):
    UNAVAILABLE = "unavailable"
    """The reference needs a module the judge does not provide (`skip_unavailable`)."""
    NO_HIDDEN_TEST = "no-hidden-test"
    """The reference fails every hidden test: nothing is left to grade on."""


@dataclass(frozen=True)
class DroppedTest:
    name: str
    public: bool
    verdict: Verdict
    message: str


@dataclass(frozen=True)
class RaisedLimit:
    old_s: float
    new_s: float
    measured_s: float
    """The reference's CPU time on its slowest passed test (re-run under a generous
    limit where it had timed out)."""
    test: str

    def describe(self) -> str:
        return (
            f"time limit {self.old_s:g} s -> {self.new_s:g} s (the reference takes "
            f"{self.measured_s:.2f} s CPU on {self.test})"
        )


@dataclass
class Vetted:
    """One problem after the check: `problem` is what would be written."""

    problem: Problem
    judged: bool = True
    """False when the problem has no reference: nothing to judge against."""
    fixes: list[FixedLayout] = field(default_factory=list)
    dropped: list[DroppedTest] = field(default_factory=list)
    raised: RaisedLimit | None = None
    unavailable: str | None = None
    """The judge's message when the reference needs a module it does not provide."""
    left_out: LeftOut | None = None


def check_reference(problem: Problem, server: ForkServer | None = None) -> JudgeReport:
    """The problem's reference judged on all its tests in the sandbox (on `server`, a warm
    fork server shared by many such checks, when given)."""
    if not problem.reference:
        raise ValueError(f"{problem.id} has no reference solution")
    with Judge(problem, server=server) as judge:
        return judge.run(problem.reference, "all")


@contextmanager
def shared_server() -> Iterator[ForkServer]:
    """One warm fork server for a run of reference checks, stopped at the end."""
    from orps_tui.sandbox.forkserver import ForkServer

    server = ForkServer()
    try:
        yield server
    finally:
        server.stop()


def failures(report: JudgeReport) -> list[TestResult]:
    """The tests a reference fails: anything but AC, UNAVAILABLE aside (not a failure:
    the judge could not run it)."""
    return [t for t in report.tests if t.verdict not in (Verdict.AC, Verdict.UNAVAILABLE)]


def unavailable_message(report: JudgeReport) -> str | None:
    return next((t.message for t in report.tests if t.verdict is Verdict.UNAVAILABLE), None)


def vet(problem: Problem, *, skip_unavailable: bool = False,
        server: ForkServer | None = None) -> Vetted:
    """Repair, judge and trim one problem (see the module's docstring)."""
    if not problem.reference:
        return Vetted(problem, judged=False)
    fixed, fixes = fix_layout(problem)
    report = check_reference(fixed, server)
    vetted = Vetted(fixed, fixes=fixes, unavailable=unavailable_message(report))
    failed = failures(report)
    passed = [t for t in report.tests if t.verdict is Verdict.AC]
    slow = [t.name for t in failed if t.verdict is Verdict.TLE]
    if slow:
        measured = _measure(fixed, slow, server)
        # A test still failing under the generous limit is reported as that run saw it.
        failed = [measured.get(t.name, t) for t in failed]
        passed += [t for t in failed if t.verdict is Verdict.AC]
        failed = [t for t in failed if t.verdict not in (Verdict.AC, Verdict.UNAVAILABLE)]
    vetted.raised = _room(fixed.limits.time_s, passed)
    if vetted.raised is not None:
        fixed = with_limits(fixed, time_s=vetted.raised.new_s)
    vetted.dropped = [DroppedTest(t.name, t.public, t.verdict, t.message) for t in failed]
    gone = {t.name for t in failed}
    vetted.problem = replace(fixed, tests=tuple(t for t in fixed.tests if t.name not in gone))
    if not vetted.problem.hidden_tests:
        vetted.left_out = LeftOut.NO_HIDDEN_TEST
    elif vetted.unavailable is not None and skip_unavailable:
        vetted.left_out = LeftOut.UNAVAILABLE
    return vetted


def _measure(
    problem: Problem, names: list[str], server: ForkServer | None
) -> dict[str, TestResult]:
    """Each of the tests `names` re-run under MEASURE_FACTOR x the limit."""
    trial = replace(
        with_limits(problem, time_s=_generous(problem.limits.time_s)),
        tests=tuple(t for t in problem.tests if t.name in names),
    )
    return {t.name: t for t in check_reference(trial, server).tests}


def _generous(limit_s: float) -> float:
    return min(LIMIT_MAX["time_s"], limit_s * MEASURE_FACTOR)


def _room(old: float, passed: list[TestResult]) -> RaisedLimit | None:
    """The raised limit that leaves the reference SLOW_FACTOR x its CPU time on the
    tests it `passed`, or None when `old` already does."""
    if not passed:
        return None
    slowest = max(passed, key=lambda t: t.cpu_s)
    if SLOW_FACTOR * slowest.cpu_s <= old:
        return None
    new = math.ceil(SLOW_FACTOR * slowest.cpu_s / LIMIT_STEP_S) * LIMIT_STEP_S
    new = min(new, max(old, _generous(old)))
    return RaisedLimit(old, new, slowest.cpu_s, slowest.name) if new > old else None


@dataclass
class VetSummary:
    """What the check did to a whole import, for the user."""

    vetted: list[Vetted] = field(default_factory=list)
    """Every problem, in source order."""

    @property
    def kept(self) -> list[Problem]:
        return [v.problem for v in self.vetted if v.left_out is None]

    @property
    def judged(self) -> list[Vetted]:
        return [v for v in self.vetted if v.judged]

    def counts(self, public: bool) -> tuple[int, int]:
        """(kept, dropped) tests of one visibility, over the judged problems."""
        counted = [v for v in self.judged if v.left_out is None]
        kept = sum(sum(t.public == public for t in v.problem.tests) for v in counted)
        dropped = sum(sum(d.public == public for d in v.dropped) for v in counted)
        return kept, dropped

    def lines(self, public_label: str = "public tests") -> list[str]:
        """The summary, one fact per line, each case named."""
        judged = self.judged
        unjudged = len(self.vetted) - len(judged)
        if not judged:
            return [f"reference check: no reference solution to judge ({unjudged} problem(s))"]
        out = [f"reference check: {len(judged)} reference(s) judged on every test in the sandbox"]
        if unjudged:
            out.append(f"  {unjudged} problem(s) have no reference, not judged")
        for label, public in ((public_label, True), ("hidden tests", False)):
            kept, dropped = self.counts(public)
            out.append(f"  {label}: {kept} kept, {dropped} dropped")
        dropping = [v for v in self.vetted if v.dropped and v.left_out is None]
        out.append(
            f"  problems with tests dropped because the reference fails them: {len(dropping)}"
        )
        for v in dropping:
            out.append(f"    {v.problem.id}: " + ", ".join(_dropped(d) for d in v.dropped))
        fixed = [v for v in self.vetted if v.fixes]
        out.append(f"  layouts fixed: {len(fixed)} problem(s)")
        out.extend(f"    {v.problem.id}: {f.describe()}" for v in fixed for f in v.fixes)
        raised = [v for v in self.vetted if v.raised]
        out.append(f"  time limits raised: {len(raised)}")
        out.extend(f"    {v.problem.id}: {v.raised.describe()}" for v in raised if v.raised)
        unavailable = [v for v in self.vetted if v.unavailable]
        skipped = any(v.left_out is LeftOut.UNAVAILABLE for v in unavailable)
        what = (
            "left out (--skip-unavailable)"
            if skipped
            else "imported, their tests unchecked; --skip-unavailable leaves them out"
        )
        out.append(
            f"  reference needs a module the judge does not provide (UNAVAILABLE): "
            f"{len(unavailable)}, {what}"
        )
        if unavailable:
            out.append(
                "    "
                + ", ".join(f"{v.problem.id} ({_module(v.unavailable)})" for v in unavailable)
            )
        hopeless = [v for v in self.vetted if v.left_out is LeftOut.NO_HIDDEN_TEST]
        if hopeless:
            out.append(f"  left out, the reference fails every hidden test: {len(hopeless)}")
            for v in hopeless:
                out.append(f"    {v.problem.id}: " + ", ".join(_dropped(d) for d in v.dropped))
        return out


def vet_all(
    problems: Iterable[Problem], *, skip_unavailable: bool = False, progress: Progress | None = None
) -> VetSummary:
    problems = list(problems)
    summary = VetSummary()
    with shared_server() as server:
        for done, problem in enumerate(problems, start=1):
            summary.vetted.append(vet(problem, skip_unavailable=skip_unavailable, server=server))
            if progress is not None:
                progress(done, len(problems), problem.id)
    return summary


def _dropped(d: DroppedTest) -> str:
    """A dropped hidden test with the judge's reason; a public one, many of them in a dev
    split, with its verdict only."""
    if d.public:
        return f"{d.name} ({d.verdict.value})"
    message = d.message if len(d.message) <= 120 else d.message[:117] + "..."
    return f"{d.name} ({d.verdict.value}: {message})"


def _module(message: str | None) -> str:
    match = re.search(r"module '([^']+)'", message or "")
    return match.group(1) if match else (message or "?")
