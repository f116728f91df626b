"""Per-test results of one node: verdict, CPU ms, peak MB, with the limits and overruns."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import JudgeReport, TestResult, Verdict

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.AC: "bold #2fa84f",
    Verdict.WA: "bold #e0433a",
    Verdict.TLE: "bold #e07b00",
    Verdict.MLE: "bold #e07b00",
    Verdict.RE: "bold #e0433a",
    Verdict.CE: "bold #e0433a",
    Verdict.OLE: "bold #e07b00",
    Verdict.SKIPPED: "dim",
    Verdict.UNAVAILABLE: "dim",
}


def usage_cell(value: float, limit: float, fmt: str) -> Text:
    """Red when over the limit, amber above 80% of it."""
    style = ""
    if limit > 0:
        if value > limit:
            style = "bold reverse #e0433a"
        elif value > 0.8 * limit:
            style = "bold #d4a017"
    return Text(fmt.format(value), style=style, justify="right")


def test_rows(results: list[TestResult], limits: Limits) -> list[tuple[Text | str, ...]]:
    rows: list[tuple[Text | str, ...]] = []
    for t in results:
        rows.append((
            t.name,
            "public" if t.public else "hidden",
            Text(t.verdict.value, style=VERDICT_STYLES.get(t.verdict, "")),
            usage_cell(t.cpu_s * 1000, limits.time_s * 1000, "{:.1f}"),
            usage_cell(t.peak_rss_mb, float(limits.memory_mb), "{:.1f}"),
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
        self.add_columns("test", "set", "verdict", "CPU ms", "peak MB", "note")

    def show(self, report: JudgeReport | None, hidden: JudgeReport | None, limits: Limits) -> None:
        results = (report.tests if report else []) + (
            [t for t in hidden.tests if not t.public] if hidden else []
        )
        key = (id(report), id(hidden), len(results))
        if key == self._key:
            return
        self._key = key
        self.clear()
        for row in test_rows(results, limits):
            self.add_row(*row)
        self.border_subtitle = f"limits: {limits.time_s * 1000:.0f} ms CPU · {limits.memory_mb} MB"
