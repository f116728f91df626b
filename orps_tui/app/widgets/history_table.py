"""The practice history: this problem's attempts, and the overall solved/attempted view by
tag and by difficulty. x exports everything to JSON or CSV."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from orps_tui.app.palette import Palette
from orps_tui.practice.history import Attempt, Overview


class HistoryTable(VerticalScroll):
    DEFAULT_CSS = """
    HistoryTable { height: 1fr; }
    HistoryTable DataTable { height: auto; max-height: 12; }
    HistoryTable Static { height: auto; padding: 0 1; }
    """
    BINDINGS = [Binding("x", "export", "Export history", id="practice.history_export")]

    class ExportRequested(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static("", id="history-title")
        yield DataTable(id="history-attempts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-overview")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("when", "tests", "verdict", "passed", "CPU ms", "MB")

    def show(self, problem_id: str, attempts: list[Attempt], overview: Overview) -> None:
        self.query_one("#history-title", Static).update(
            Text(f"{problem_id}: {len(attempts)} attempt(s)  (x exports all history)",
                 style="bold"))
        table = self.query_one(DataTable)
        table.clear()
        palette = Palette.of(self.app)
        for a in attempts:
            style = palette.success if a.verdict == "AC" else palette.error
            table.add_row(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(a.created_at)),
                          a.tests, Text(a.verdict, style=style), f"{a.passed}/{a.total}",
                          f"{a.max_cpu_s * 1000:.0f}", f"{a.max_rss_mb:.1f}")
        lines = Text(f"overall: solved {overview.solved} of {overview.attempted} attempted "
                     f"problems ({overview.attempts} attempts)\n", style="bold")
        for title, groups in (("by difficulty", overview.by_difficulty),
                              ("by tag", overview.by_tag)):
            lines.append(f"{title}: ", style="bold")
            lines.append("  ".join(f"{g.key} {g.solved}/{g.attempted}" for g in groups) or "—")
            lines.append("\n")
        self.query_one("#history-overview", Static).update(lines)

    def action_export(self) -> None:
        self.post_message(self.ExportRequested())
