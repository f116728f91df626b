"""Two sessions of a problem side by side (answer, grades, calls, tokens, stop reason, tree
shape), and a picker for them. From the home screen's session list (`c` on one, `c` on
another) or the palette (`sessions: compare two`)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static


def comparison_text(paths: list[Path]) -> tuple[str, str | None]:
    """The table, and a warning line (sessions of different problems), or an error line
    in place of the table when a session cannot be read."""
    from orps_tui.search.session import SessionError, load_session
    from orps_tui.search.session_compare import compare_table, problem_mismatch, session_facts

    try:
        facts = [session_facts(load_session(p)) for p in paths]
    except (SessionError, OSError) as exc:
        return f"cannot compare: {exc}", None
    return compare_table(facts), problem_mismatch(facts)


class CompareScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close", id="compare.close")]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self.table, self.warning = comparison_text(paths)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="compare", classes="dialog") as box:
            box.border_title = "two sessions side by side"
            box.border_subtitle = "esc closes"
            if self.warning:
                yield Label(Text(f"⚠ {self.warning}"), classes="dialog-help")
            yield Static(Text(self.table), id="compare-table")

    def on_mount(self) -> None:
        # Set here, not in DEFAULT_CSS: the app's `.dialog` rule would win over it.
        box = self.query_one("#compare")
        box.styles.width = 84
        box.styles.max_width = "100%"
        box.styles.padding = (0, 1)
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class SessionPickModal(ModalScreen[list[Path] | None]):
    """Pick two saved sessions (space marks, enter or ctrl+s compares)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel", priority=True),
        Binding("ctrl+s", "submit", "Compare", id="modal.submit"),
    ]

    def compose(self) -> ComposeResult:
        from orps_tui.search.session import list_sessions

        options = [(f"{s.problem_id}  ·  {s.model}  ·  {s.nodes} nodes  ·  {s.created}",
                    str(s.directory)) for s in list_sessions()[:40]]
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Compare two sessions", classes="dialog-title")
            yield Label("space marks a session; mark two, then ctrl+s. esc cancels.",
                        classes="dialog-help")
            yield SelectionList[str](*options, id="session-pick")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Compare", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_submit(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if len(chosen) != 2:
            self.notify(f"mark two sessions ({len(chosen)} marked)", severity="warning")
            return
        self.dismiss([Path(p) for p in chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()
