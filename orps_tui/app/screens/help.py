"""`?`: the keys of the focused pane (current bindings, so remapped keys show as remapped)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from orps_tui.app.keymap import KeySpec


def keys_markdown(title: str, about: str, sections: list[tuple[str, list[tuple[str, KeySpec]]]]) -> str:
    out = [f"# Keys: {title}", "", about, ""]
    for heading, rows in sections:
        if not rows:
            continue
        out += [f"## {heading}", "", "| key | what it does | binding id |", "|---|---|---|"]
        out += [f"| `{key}` | {spec.help} | `{spec.id}` |" for key, spec in rows]
        out.append("")
    out.append("Remap any key in the config file: `[ui.keys]` `\"tree.prune\" = \"d\"`. "
               "Every key is also in the command palette (ctrl+p). F1: about ORPS and the panes. "
               "esc or ? closes this.")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss_help", "Close", id="help.close")]

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog wide"):
            yield Markdown(self.markdown)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
