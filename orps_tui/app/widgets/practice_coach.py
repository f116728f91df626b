"""The coach's answer: the critic's review of the user's code (score, critique, the public
test results it saw), and, only on request, the model's own attempts."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.syntax import Syntax
from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import Palette
from orps_tui.search.tree import Node


class PracticeCoach(Static):
    DEFAULT_CSS = """
    PracticeCoach { height: auto; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.update("f4 asks the model to review your code (a critique, not a solution); "
                    "f12 then asks it for solutions.")

    shown: object = ""
    """What the view shows now (a Rich renderable), for tests and copy."""

    def busy(self, what: str) -> None:
        self.shown = Text(what, style="italic")
        self.update(self.shown)

    def show(self, root: Node, children: list[Node] | None = None) -> None:
        report = root.report
        tests = f"{report.passed}/{report.total} public tests pass" if report else "not judged"
        score = f"{root.process_score:g}/5" if root.process_score is not None else "no score"
        parts: list[object] = [Text(f"coach review: {score}, {tests}", style="bold"),
                               Markdown(root.critique or "(the critic gave no critique)")]
        if not children:
            parts.append(Text("\nf12: show the model's solutions", style="dim"))
        for child in children or []:
            rate = f"{child.report.passed}/{child.report.total}" if child.report else "—"
            parts.append(Text(f"\nmodel solution #{child.id} ({rate} public tests)",
                              style="bold"))
            if child.code:
                parts.append(Syntax(child.code, "python", line_numbers=False))
            elif child.error:
                parts.append(Text(child.error, style=Palette.of(self.app).error))
        self.shown = Group(*parts)  # type: ignore[arg-type]
        self.update(self.shown)
