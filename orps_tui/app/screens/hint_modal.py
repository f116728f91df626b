"""A modal text box for a hint the next programmer call from a node will see."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class HintModal(ModalScreen[str | None]):
    """Returns the hint text, or None when cancelled (esc)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("ctrl+s", "submit", "Add hint", id="modal.submit"),
    ]

    def __init__(self, node_id: int) -> None:
        super().__init__()
        self.node_id = node_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(f"Hint for node #{self.node_id}", classes="dialog-title")
            yield Label(
                "The next programmer call from this node sees it as critic feedback. "
                "ctrl+s adds it, esc cancels.",
                classes="dialog-help",
            )
            yield TextArea(id="hint-text", soft_wrap=True, tab_behavior="focus")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add hint", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("the hint is empty: type something, or esc to cancel",
                        severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()
