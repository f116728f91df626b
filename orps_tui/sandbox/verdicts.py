"""The one verdict rule: what a sandboxed run of one test means (docs/judge.md, Verdicts).

`classify(problem, test, outcome)` turns the outcome of a run (what the kernel and the
parent saw, and the child's verified record), the problem's limits and the checker's
result into a verdict and its one-line message. The judge and the profiler's plain run
both call it, so a test gets the same verdict whichever of them ran it.
"""

from __future__ import annotations

import signal
from typing import NamedTuple

from orps_tui.problems.model import CheckerType, Problem, ProblemKind, TestCase
from orps_tui.sandbox import checkers
from orps_tui.sandbox.report import Mismatch, Verdict
from orps_tui.sandbox.runner import RunOutcome


class Classified(NamedTuple):
    verdict: Verdict
    message: str
    mismatch: Mismatch | None = None
    """The checker's first difference, for a stdio wrong answer."""


def classify(problem: Problem, test: TestCase, outcome: RunOutcome) -> Classified:
    """The verdict for one run, from what the kernel and the parent saw first and the
    child's verified record second; stdout is only ever compared, never interpreted."""
    result = _classify_run(problem, test, outcome)
    return result if isinstance(result, Classified) else Classified(*result)


def _classify_run(
    problem: Problem, test: TestCase, outcome: RunOutcome
) -> tuple[Verdict, str] | Classified:
    limits = problem.limits
    record = outcome.record or {}
    status = record.get("status")
    if outcome.output_exceeded:
        # the size seen is where the cap stopped it, not what it would have printed
        return Verdict.OLE, f"printed more than the {_kb_text(limits.output_kb)} output limit"
    if outcome.disk_exceeded:
        return Verdict.OLE, "wrote too much to the work dir"
    if outcome.wall_timed_out:
        return Verdict.TLE, "still running when the wall-clock guard fired"
    if outcome.timed_out:
        return Verdict.TLE, f"CPU time over the limit of {limits.time_s:g} s"
    if outcome.memory_exceeded:
        return Verdict.MLE, f"ran out of memory (limit {limits.memory_mb} MB)"
    if outcome.tampered:
        return Verdict.RE, "the solution wrote to the judge's report channel"
    how = _how_it_ended(outcome)
    if test.performance:
        return _performance_verdict(problem, outcome, how)
    if problem.kind is ProblemKind.FUNCTION:
        if not outcome.record:
            return Verdict.RE, f"the process ended ({how}) before the test's assertions finished"
        message = str(record.get("message", ""))
        if status == "ok" and outcome.exit_code == 0:
            return Verdict.AC, "all assertions passed"
        if status == "assert":
            return Verdict.WA, message
        if status == "unavailable":
            return Verdict.UNAVAILABLE, message
        return Verdict.RE, message or how
    if outcome.signal is not None or outcome.exit_code != 0:
        detail = (
            record.get("message")
            if status in ("exception", "harness_error")
            else outcome.runtime_error
        )
        return Verdict.RE, f"{how}: {detail}" if detail else how
    if test.output is None and problem.checker.type is not CheckerType.CUSTOM:
        return Verdict.AC, "no expected output: any output is accepted"
    checked = checkers.check(
        problem.checker,
        input=test.input or "",
        expected=test.output or "",
        actual=outcome.stdout.decode("utf-8", "replace"),
        base_dir=problem.base_dir,
    )
    return Classified(Verdict.AC if checked.ok else Verdict.WA, checked.message, checked.mismatch)


def _performance_verdict(problem: Problem, outcome: RunOutcome, how: str) -> tuple[Verdict, str]:
    """A performance input within the limits: AC if the run ended normally, whatever it
    printed or returned (its output is never checked); RE otherwise."""
    record = outcome.record or {}
    status = record.get("status")
    if problem.kind is ProblemKind.FUNCTION:
        if status == "unavailable":
            return Verdict.UNAVAILABLE, str(record.get("message", ""))
        ended_normally = status == "ok" and outcome.exit_code == 0
    else:
        ended_normally = outcome.signal is None and outcome.exit_code == 0
    if ended_normally:
        return Verdict.AC, (
            f"performance input: {outcome.solution_cpu_s:.2f} s of "
            f"{problem.limits.time_s:g} s CPU; output not checked"
        )
    detail = record.get("message") if status not in (None, "ok") else ""
    return Verdict.RE, f"{how}: {detail}" if detail else how


def _how_it_ended(outcome: RunOutcome) -> str:
    if outcome.signal is not None:
        try:
            name = signal.Signals(outcome.signal).name
        except ValueError:
            name = str(outcome.signal)
        return f"killed by {name}"
    return f"exit code {outcome.exit_code}"


def _kb_text(kb: int) -> str:
    """`16 MiB`, `512 KB`."""
    return f"{kb // 1024} MiB" if kb >= 1024 and kb % 1024 == 0 else f"{kb} KB"
