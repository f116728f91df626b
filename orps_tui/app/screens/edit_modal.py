"""An inline code editor: the edited code becomes a new person-written child node."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class EditModal(ModalScreen[str | None]):
    """Returns the edited code, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("ctrl+s", "submit", "Submit as child", id="modal.submit"),
    ]

    def __init__(self, node_id: int, code: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(f"Edit the code of #{self.node_id} into a new child",
                        classes="dialog-title")
            yield Label("It is judged and critiqued like any other node. "
                        "ctrl+s submits, esc cancels.", classes="dialog-help")
            editor = TextArea.code_editor(self.code, id="edit-code", tab_behavior="indent")
            yield editor
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit as child", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        if "python" in editor.available_languages:
            editor.language = "python"
        editor.focus()

    def action_submit(self) -> None:
        code = self.query_one(TextArea).text
        if not code.strip():
            self.notify("the code is empty", severity="warning")
            return
        self.dismiss(code)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()
