"""The stress run's progress and outcome: the failing input and both outputs."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import Palette
from orps_tui.practice.stress import Progress, StressResult, StressStatus


class PracticeStress(Static):
    DEFAULT_CSS = """
    PracticeStress { height: auto; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.update("f9 runs a stress test: a generator's inputs go to your code and to a brute "
                    "force (default: the problem's reference) until they disagree.")

    def progress(self, p: Progress) -> None:
        self.update(f"stress: {p.done}/{p.total} inputs agree ({p.per_s:.1f}/s)…")

    def show(self, result: StressResult) -> None:
        rate = f"{result.iterations} inputs, {result.per_s:.1f}/s"
        if result.status is StressStatus.AGREED:
            self.update(Text(f"stress OK: {result.message} ({rate})", style=f"bold {Palette.of(self.app).success}"))
            return
        if result.status is StressStatus.FOUND:
            title = Text(f"stress FOUND a bug on input #{result.iterations} "
                         f"(seed {result.seed}): {result.message}\n"
                         "ctrl+g saves it as a custom test", style=f"bold {Palette.of(self.app).error}")
        else:
            title = Text(f"stress {result.status.value}: {result.message} "
                         "(not a bug in your code)", style=f"bold {Palette.of(self.app).warning}")
        blocks: list[Text] = [title]
        for name, body in (("input", result.input), ("your output", result.solution_output),
                           ("brute force output", result.brute_output)):
            if body or name == "input":
                blocks.append(Text(f"\n{name}:", style="bold"))
                blocks.append(Text(body.rstrip("\n") or "(nothing)"))
        self.update(Group(*blocks))
