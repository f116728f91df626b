"""Expected against actual output for the first failing test."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.sandbox.report import JudgeReport, TestResult


def first_failure(report: JudgeReport | None) -> TestResult | None:
    if report is None:
        return None
    return next((t for t in report.tests if not t.verdict.passed), None)


def io_renderable(test: TestResult | None, palette: Palette = DEFAULT) -> RenderableType:
    if test is None:
        return Text("Every public test passes.", style="italic")
    table = Table(expand=True, show_edge=False, pad_edge=False, box=None)
    table.add_column("expected", ratio=1, style=palette.success)
    table.add_column("actual", ratio=1, style=palette.error)
    table.add_row(_clip(test.expected_head) or "(not shown)", _clip(test.output_head) or "(nothing)")
    parts: list[RenderableType] = [
        Text(f"{test.name}: {test.verdict.value}" + (f" — {test.message}" if test.message else ""),
             style="bold"),
        table,
    ]
    if test.stderr_tail.strip():
        parts.append(Text("stderr: " + _clip(test.stderr_tail, 6), style="dim"))
    return Group(*parts)


def _clip(text: str, max_lines: int = 8) -> str:
    lines = text.rstrip("\n").splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"… {len(lines) - max_lines} more lines"]
    return "\n".join(line[:200] for line in lines)


class IoCompare(Static):
    def show(self, report: JudgeReport | None) -> None:
        self.update(io_renderable(first_failure(report), Palette.of(self.app)))
