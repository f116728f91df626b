"""Per-test results of one judged attempt (verdict, time, memory), and the diff of the first
failing test."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from orps_tui.app.palette import Palette
from orps_tui.app.widgets.practice_diff import PracticeDiff
from orps_tui.app.widgets.test_table import verdict_style
from orps_tui.sandbox.report import JudgeReport, TestResult


class PracticeResults(VerticalScroll):
    DEFAULT_CSS = """
    PracticeResults { height: 1fr; }
    PracticeResults #practice-summary { height: auto; padding: 0 1; }
    PracticeResults DataTable { height: auto; max-height: 14; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.report: JudgeReport | None = None

    def compose(self) -> ComposeResult:
        yield Static("not judged yet: f5 judges on the public and custom tests, f6 on all",
                     id="practice-summary")
        yield DataTable(id="practice-test-table", cursor_type="row", zebra_stripes=True)
        yield PracticeDiff(id="practice-diff")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("test", "verdict", "CPU ms", "MB", "message")

    def show(self, report: JudgeReport, which: str) -> None:
        from rich.text import Text

        self.report = report
        table = self.query_one(DataTable)
        table.clear()
        palette = Palette.of(self.app)
        for r in report.tests:
            table.add_row(r.name, Text(str(r.verdict), style=verdict_style(r.verdict, palette)),
                          f"{r.cpu_s * 1000:.0f}", f"{r.peak_rss_mb:.1f}",
                          (r.message or "").splitlines()[0][:70] if r.message else "",
                          key=r.name)
        style = f"bold {palette.success if report.verdict == 'AC' else palette.error}"
        summary = Text(f"{report.verdict}", style=style)
        summary.append(f"  {report.passed}/{report.total} passed on {which} tests  "
                       f"max CPU {report.max_cpu_s * 1000:.0f} ms  "
                       f"max memory {report.max_rss_mb:.1f} MB")
        if report.compile_error is not None:
            e = report.compile_error
            kind = "syntax error" if report.language == "python" else "compile error"
            summary.append(f"\n{kind} line {e.line}, column {e.column}: {e.message}",
                           style=palette.error)
        self.query_one("#practice-summary", Static).update(summary)
        self.query_one(PracticeDiff).show(self.first_failing())

    def first_failing(self) -> TestResult | None:
        if self.report is None:
            return None
        return next((t for t in self.report.tests
                     if not t.verdict.passed and t.verdict.value != "SKIPPED"), None)

    def selected(self) -> TestResult | None:
        if self.report is None or not self.report.tests:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.report.tests[row] if 0 <= row < len(self.report.tests) else None
