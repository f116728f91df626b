"""Paste or edit a problem's statement (a Competitive Companion problem arrives without one)."""

from __future__ import annotations

from textual.widgets import TextArea

from orps_tui.app.screens.text_dialog import TextDialog, dialog_bindings


class StatementModal(TextDialog):
    """Returns the statement text, or None when cancelled; the caller saves it."""

    BINDINGS = dialog_bindings("Save statement")
    ok_label = "Save statement"
    empty_warning = "the statement is empty: paste it, or esc to cancel"
    dialog_classes = "dialog wide"

    def __init__(self, problem_id: str, text: str) -> None:
        super().__init__()
        self.problem_id = problem_id
        self.text = text

    def title_text(self) -> str:
        return f"Statement of {self.problem_id}"

    def help_text(self) -> str:
        return "Markdown. Saved to the problem file. ctrl+s saves, esc cancels."

    def make_editor(self) -> TextArea:
        return TextArea(self.text, id="statement-text", soft_wrap=True, tab_behavior="focus")
