"""Expected vs actual output of one failing test: the line where the judge's checker found
the first difference, with the token it blamed marked, below both outputs' heads."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from orps_tui.practice.output_diff import LineDiff, diff_of, token_spans
from orps_tui.sandbox.report import TestResult

CONTEXT_LINES = 8


def _marked(prefix: str, line: str | None, token: int | None, style: str) -> Text:
    text = Text(prefix, style="bold")
    if line is None:
        text.append("(no such line)", style="dim italic")
        return text
    start = len(text)
    text.append(line)
    if token is not None:
        spans = token_spans(line)
        if token - 1 < len(spans):
            a, b = spans[token - 1]
            text.stylize(style, start + a, start + b)
        else:
            text.append(" ⟂ (nothing here)", style=style)
    return text


def render_diff(result: TestResult) -> Group | Text:
    if not result.expected_head and result.verdict.value != "WA":
        return Text(f"{result.name}: {result.verdict} — {result.message}")
    diff: LineDiff | None = diff_of(result)  # the token the checker blamed
    head = Text(f"first failing test: {result.name} ({result.verdict})", style="bold")
    if diff is None:
        return Group(head, Text(result.message))
    parts: list[Text] = [head, Text(diff.summary(), style="bold red")]
    parts.append(_marked(f"expected line {diff.expected_line_number}: ", diff.expected_line, diff.token,
                         "bold black on green"))
    parts.append(_marked(f"actual   line {diff.line}: ", diff.actual_line, diff.token,
                         "bold white on red"))
    for title, body in (("expected", result.expected_head), ("actual", result.output_head)):
        lines = body.splitlines()
        shown = "\n".join(lines[:CONTEXT_LINES]) + ("\n…" if len(lines) > CONTEXT_LINES else "")
        parts.append(Text(f"\n{title} output:", style="bold"))
        parts.append(Text(shown or "(empty)", style="dim" if not shown else ""))
    return Group(*parts)


class PracticeDiff(Static):
    DEFAULT_CSS = """
    PracticeDiff { height: auto; padding: 0 1; }
    """

    def show(self, result: TestResult | None) -> None:
        self.update("" if result is None else render_diff(result))
