"""Any two nodes side by side: the selected node's code and reasoning against the marked
node's (`m` marks, `D` diffs), as unified diffs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from orps_tui.app.node_format import node_summary
from orps_tui.app.palette import Palette
from orps_tui.app.widgets.diff_view import diff_text
from orps_tui.search.tree import Node


def node_diff_text(mark: Node, node: Node, palette: Palette) -> Text:
    """Code, then reasoning: `#mark` is the `---` side, `#node` the `+++` side."""
    out = Text()
    for what, old, new in (("code", mark.code, node.code),
                           ("reasoning", mark.reasoning, node.reasoning)):
        out.append(f"{what.capitalize()}\n", style=f"bold underline {palette.primary}")
        if not old and not new:
            out.append(f"Neither node has {what}.\n\n", style="italic")
            continue
        out.append_text(diff_text(old, new, f"#{mark.id} {what}", palette,
                                  label=f"#{node.id} {what}", same=f"Same {what}.",
                                  empty=f"#{node.id} has no {what}."))
        out.append("\n")
    return out


class NodeDiffScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,D", "close", "Close", id="diff.close")]
    def __init__(self, mark: Node, node: Node) -> None:
        super().__init__()
        self.mark = mark
        self.node = node

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="node-diff", classes="dialog wide"):
            yield Label(f"#{self.node.id} against the mark #{self.mark.id}",
                        classes="dialog-title")
            yield Label(f"--- {node_summary(self.mark)}\n+++ {node_summary(self.node)}\n"
                        "esc closes", classes="dialog-help")
            yield Static(node_diff_text(self.mark, self.node, Palette.of(self.app)),
                         id="node-diff-body")

    def on_mount(self) -> None:
        self.query_one("#node-diff").focus()

    def action_close(self) -> None:
        self.dismiss(None)
