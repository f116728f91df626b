"""Turns the profiler's `ProfileReport` into what the line-heat view draws."""

from __future__ import annotations

from orps_tui.app.widgets.line_heat import HeatInput, LineStat
from orps_tui.sandbox.profiler import ProfileReport


def heat_from_profile(report: ProfileReport, code: str, test_name: str) -> HeatInput:
    lines = {s.line: LineStat(s.hits, s.time_s) for s in report.lines if s.line > 0}
    functions = tuple((f.name, f.calls, f.cumtime_s) for f in report.functions)
    functions += tuple((f.name, f.calls, f.cumtime_s) for f in report.external[:3])
    allocations = tuple((f"line {a.line} ({a.count} blocks)", a.size_kb)
                        for a in report.allocations)
    title = (f"profiled run of {report.test_name}: {report.verdict.value}, "
             f"{report.cpu_s * 1000:.1f} ms CPU, {report.peak_rss_mb:.1f} MB "
             f"— a separate, instrumented re-run")
    if report.line_time_source:
        title += f" (line times from {report.line_time_source})"
    if report.partial:
        title += " [partial]"
    if report.note:
        title += f"\n{report.note}"
    return HeatInput(test_name=test_name, code=code, lines=lines, total_s=report.line_time_s,
                     title=title, functions=functions, allocations=allocations)
