"""An inline code editor: the edited code becomes a new person-written child node."""

from __future__ import annotations

from textual.widgets import TextArea

from orps_tui.app.screens.text_dialog import TextDialog, dialog_bindings


class EditModal(TextDialog):
    """Returns the edited code, or None when cancelled."""

    BINDINGS = dialog_bindings("Submit as child")
    ok_label = "Submit as child"
    empty_warning = "the code is empty"
    dialog_classes = "dialog wide"

    def __init__(self, node_id: int, code: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.code = code

    def title_text(self) -> str:
        return f"Edit the code of #{self.node_id} into a new child"

    def help_text(self) -> str:
        return "It is judged and critiqued like any other node. ctrl+s submits, esc cancels."

    def make_editor(self) -> TextArea:
        return TextArea.code_editor(self.code, id="edit-code", tab_behavior="indent")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        if "python" in editor.available_languages:
            editor.language = "python"
