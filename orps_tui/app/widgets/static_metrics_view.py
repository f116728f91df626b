"""Static metrics of the node's code (from tree-sitter): size and complexity."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.sandbox.report import JudgeReport


def metrics_text(report: JudgeReport | None, palette: Palette = DEFAULT) -> Text:
    if report is None:
        return Text("No judge report yet.", style="italic")
    s = report.static
    out = Text()
    out.append("static  ", style="bold")
    out.append(f"{s.loc} lines · {s.ast_nodes} AST nodes · cyclomatic {s.cyclomatic} · "
               f"cognitive {s.cognitive}")
    for issue in s.syntax_errors[:3]:
        out.append(f"\nsyntax error line {issue.line}:{issue.column}: {issue.message}",
                   style=palette.error)
    notices = report.isolation.notices
    if notices:
        count = f"{len(notices)} protection{'s' if len(notices) > 1 else ''}"
        out.append(f"\nsandbox: {count} missing here (? says which)", style="dim")
    return out


def sandbox_help(report: JudgeReport | None) -> str:
    """What the sandbox does not enforce on this machine, for the profiler's help (Markdown)."""
    notices = report.isolation.notices if report is not None else []
    if not notices:
        return ""
    return "\n".join(["## The sandbox on this machine", "",
                      *(f"- {notice}" for notice in notices), ""])


class StaticMetricsView(Static):
    def show(self, report: JudgeReport | None) -> None:
        self.update(metrics_text(report, Palette.of(self.app)))
