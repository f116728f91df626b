"""A modal text box for a hint the next programmer call from a node will see."""

from __future__ import annotations

from textual.widgets import TextArea

from orps_tui.app.screens.text_dialog import TextDialog, dialog_bindings


class HintModal(TextDialog):
    """Returns the hint text (stripped), or None when cancelled (esc)."""

    BINDINGS = dialog_bindings("Add hint")
    ok_label = "Add hint"
    empty_warning = "the hint is empty: type something, or esc to cancel"

    def __init__(self, node_id: int) -> None:
        super().__init__()
        self.node_id = node_id

    def title_text(self) -> str:
        return f"Hint for node #{self.node_id}"

    def help_text(self) -> str:
        return ("The next programmer call from this node sees it as critic feedback. "
                "ctrl+s adds it, esc cancels.")

    def make_editor(self) -> TextArea:
        return TextArea(id="hint-text", soft_wrap=True, tab_behavior="focus")

    def result(self, text: str) -> str:
        return text.strip()
