"""The profiler's per-test table marks a performance test in its `set` column."""

from __future__ import annotations

from orps_tui.app.widgets import test_table
from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import TestResult, Verdict


def test_performance_rows_are_tagged_perf() -> None:
    results = [
        TestResult("sample-1", True, Verdict.AC, cpu_s=0.01),
        TestResult("perf-max", True, Verdict.TLE, cpu_s=2.1, performance=True),
        TestResult("hidden-1", False, Verdict.AC, cpu_s=0.02),
    ]
    rows = test_table.test_rows(results, Limits(time_s=2.0))
    assert [(row[0], row[4]) for row in rows] == [  # name, then the set after the figures
        ("sample-1", "public"),
        ("perf-max", "perf"),
        ("hidden-1", "hidden"),
    ]
    assert str(rows[1][1]) == "TLE"
