"""The profiler pane: per-test table, expected vs actual, static metrics, bars, line heat."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from orps_tui.app.widgets.io_compare import IoCompare
from orps_tui.app.widgets.line_heat import HeatInput, LineHeat
from orps_tui.app.widgets.resource_bars import ResourceBars
from orps_tui.app.widgets.static_metrics_view import StaticMetricsView
from orps_tui.app.widgets.test_table import TestTable
from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.tree import Node


class ProfilerPane(VerticalScroll):
    HELP = ("Execution profile of the selected node on the public tests (hidden too after "
            "`r`). P profiles one test: per-line heat next to the code.")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "profiler"
        self._heat_for: int | None = None
        self._shown_key: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="profiler-empty")
        yield TestTable(id="test-table")
        yield IoCompare(id="io-compare")
        yield StaticMetricsView(id="static-metrics")
        yield ResourceBars(id="resource-bars")
        yield LineHeat(id="line-heat")

    def show_node(self, node: Node, limits: Limits, regraded: JudgeReport | None = None) -> None:
        """`regraded`: the node judged on every test by `r`, shown instead of its hidden
        grade."""
        hidden = regraded or node.hidden_report
        key = (node.id, id(node.report), id(hidden), limits, node.state)
        if key == self._shown_key:
            return
        self._shown_key = key
        judged = node.report is not None
        empty = self.query_one("#profiler-empty", Static)
        empty.display = not judged
        if not judged:
            empty.update(Text(f"#{node.id} {_why_not_judged(node)} "
                              f"(limits: {limits.time_s * 1000:.0f} ms CPU, "
                              f"{limits.memory_mb} MB per test).", style="italic"))
        for widget in (TestTable, IoCompare, StaticMetricsView, ResourceBars):
            self.query_one(widget).display = judged
        self.query_one(TestTable).show(node.report, hidden, limits)
        self.query_one(IoCompare).show(node.report)
        self.query_one(StaticMetricsView).show(node.report)
        self.query_one(ResourceBars).show(node.report, limits)
        if self._heat_for != node.id:
            self._heat_for = None
            self.query_one(LineHeat).show(None, offer=bool(node.code.strip()))

    def forget_shown(self) -> None:
        """Draw the next `show_node` afresh, even for the node shown now."""
        self._shown_key = None

    def show_heat(self, node_id: int, data: HeatInput | None, message: str = "") -> None:
        self._heat_for = node_id
        heat = self.query_one(LineHeat)
        heat.show(data, message)
        # The heat sits below the tables: bring it into view, or P seems to do nothing.
        self.call_after_refresh(self.scroll_to_widget, heat, animate=False, top=True)


def _why_not_judged(node: Node) -> str:
    if node.state.busy:
        return "has not been judged yet"
    if not node.code:
        return "has no code to judge"
    return "was not judged"
