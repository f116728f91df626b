"""A modal with a title, a help line, one text area and OK / Cancel buttons: ctrl+s (or OK)
returns the text, esc (or Cancel) returns None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


def dialog_bindings(submit_label: str) -> list[BindingType]:
    return [
        # priority: a code editor would take the first esc to let go of the focus.
        Binding("escape", "cancel", "Cancel", id="modal.cancel", priority=True),
        Binding("ctrl+s", "submit", submit_label, id="modal.submit"),
    ]


class TextDialog(ModalScreen[str | None]):
    """Subclasses say what the dialog shows (`title_text`, `help_text`, `ok_label`,
    `make_editor`) and what an empty text is refused with (`empty_warning`)."""

    ok_label = "OK"
    empty_warning = "the text is empty"
    dialog_classes = "dialog"

    def title_text(self) -> str:
        raise NotImplementedError

    def help_text(self) -> str:
        raise NotImplementedError

    def make_editor(self) -> TextArea:
        raise NotImplementedError

    def result(self, text: str) -> str:
        """What the dialog returns for the text in the editor."""
        return text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes=self.dialog_classes):
            yield Label(self.title_text(), classes="dialog-title")
            yield Label(self.help_text(), classes="dialog-help")
            yield self.make_editor()
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify(self.empty_warning, severity="warning")
            return
        self.dismiss(self.result(text))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()
