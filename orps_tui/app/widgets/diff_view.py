"""The Diff tab: a unified diff of the node's code against its parent's (or any other
node's: the mark), coloured."""

from __future__ import annotations

import difflib

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette


def diff_text(parent_code: str | None, code: str, parent_label: str = "parent",
              palette: Palette = DEFAULT, *, label: str = "this node",
              same: str = "Same code as the parent.", empty: str = "No code yet.") -> Text:
    """`code` against `parent_code` (or against any other node's, with the labels and the
    messages for no difference and for nothing to compare given)."""
    if parent_code is None:
        return Text("A root node: nothing to compare with.", style="italic")
    if not code:
        return Text(empty, style="italic")
    lines = list(
        difflib.unified_diff(
            parent_code.splitlines(), code.splitlines(), fromfile=parent_label,
            tofile=label, lineterm="",
        )
    )
    if not lines:
        return Text(same, style="italic")
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
