"""Per-test results of one node: verdict, CPU ms, peak MB, with the limits and overruns."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import JudgeReport, TestResult, Verdict

VERDICT_ROLES: dict[Verdict, str] = {
    Verdict.AC: "success",
    Verdict.WA: "error",
    Verdict.TLE: "accent",
    Verdict.MLE: "accent",
    Verdict.RE: "error",
    Verdict.CE: "error",
    Verdict.OLE: "accent",
}
"""The palette colour of each verdict; the others (SKIPPED, UNAVAILABLE) are dim."""


def verdict_style(verdict: Verdict, palette: Palette = DEFAULT) -> str:
    role = VERDICT_ROLES.get(verdict)
    return f"bold {getattr(palette, role)}" if role else "dim"


def usage_cell(value: float, limit: float, fmt: str, palette: Palette = DEFAULT) -> Text:
    """Red when over the limit, amber above 80% of it."""
    style = ""
    if limit > 0:
        if value > limit:
            style = f"bold reverse {palette.error}"
        elif value > 0.8 * limit:
            style = f"bold {palette.warning}"
    return Text(fmt.format(value), style=style, justify="right")


def test_rows(results: list[TestResult], limits: Limits,
              palette: Palette = DEFAULT) -> list[tuple[Text | str, ...]]:
    rows: list[tuple[Text | str, ...]] = []
    for t in results:
        rows.append((  # CPU and memory right after the verdict: visible in a narrow pane
            t.name,
            Text(t.verdict.value, style=verdict_style(t.verdict, palette)),
            usage_cell(t.cpu_s * 1000, limits.time_s * 1000, "{:.1f}", palette),
            usage_cell(t.peak_rss_mb, float(limits.memory_mb), "{:.1f}", palette),
            "perf" if t.performance else "public" if t.public else "hidden",
            _note(t),
        ))
    return rows


def _note(test: TestResult) -> str:
    if test.message:
        return test.message
    tail = test.stderr_tail.strip().splitlines()
    return tail[-1] if tail else ""


class TestTable(DataTable):
    """One row per test (public, then hidden when graded)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._key: object = None

    def on_mount(self) -> None:
        self.add_columns("test", "verdict", "CPU ms", "peak MB", "set", "note")

    def show(self, report: JudgeReport | None, hidden: JudgeReport | None, limits: Limits) -> None:
        results = (report.tests if report else []) + (
            [t for t in hidden.tests if not t.public] if hidden else []
        )
        palette = Palette.of(self.app)
        key = (id(report), id(hidden), len(results), palette)
        if key == self._key:
            return
        self._key = key
        self.clear()
        for row in test_rows(results, limits, palette):
            self.add_row(*row)
        self.border_subtitle = f"limits: {limits.time_s * 1000:.0f} ms CPU · {limits.memory_mb} MB"
