"""The Diff tab: a unified diff of the node's code against its parent's, coloured."""

from __future__ import annotations

import difflib

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette


def diff_text(parent_code: str | None, code: str, parent_label: str = "parent",
              palette: Palette = DEFAULT) -> Text:
    if parent_code is None:
        return Text("A root node: nothing to compare with.", style="italic")
    if not code:
        return Text("No code yet.", style="italic")
    lines = list(
        difflib.unified_diff(
            parent_code.splitlines(), code.splitlines(), fromfile=parent_label,
            tofile="this node", lineterm="",
        )
    )
    if not lines:
        return Text("Same code as the parent.", style="italic")
    out = Text()
    for line in lines:
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = f"bold {palette.primary}"
        elif line.startswith("+"):
            style = palette.success
        elif line.startswith("-"):
            style = palette.error
        else:
            style = ""
        out.append(line + "\n", style=style)
    return out


class DiffView(VerticalScroll):
    def compose(self):
        yield Static(id="diff-body")

    def show(self, text: Text) -> None:
        self.query_one("#diff-body", Static).update(text)
