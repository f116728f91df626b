"""Add or edit a custom test: the input, and the expected output or "any output"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, TextArea

from orps_tui.practice.custom_tests import CustomTest

TestDraft = tuple[str, str | None]
"""(input, expected); expected None means any output."""


class PracticeTestModal(ModalScreen[TestDraft | None]):
    DEFAULT_CSS = """
    PracticeTestModal { align: center middle; }
    PracticeTestModal #test-dialog { width: 80%; height: 80%; border: thick $primary;
        background: $surface; padding: 0 1; }
    PracticeTestModal TextArea { height: 1fr; min-height: 4; }
    PracticeTestModal Checkbox { height: auto; }
    PracticeTestModal #test-buttons { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="practice.modal_cancel"),
        Binding("ctrl+s", "save", "Save test", id="practice.modal_save", priority=True),
    ]

    def __init__(self, title: str, test: CustomTest | None = None, *,
                 function_kind: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.test = test
        self.function_kind = function_kind

    def compose(self) -> ComposeResult:
        with Vertical(id="test-dialog"):
            yield Label(f"{self.title_text}  (ctrl+s saves, esc cancels)", classes="dialog-title")
            what = "test code (asserts, or a bare call for a crash check)" if self.function_kind \
                else "input"
            yield Label(what)
            yield TextArea(self.test.input if self.test else "", id="test-input")
            if not self.function_kind:
                yield Label("expected output")
                yield TextArea(self.test.expected or "" if self.test else "", id="test-expected")
                yield Checkbox("any output (only a crash or a limit fails it)",
                               self.test is not None and self.test.expected is None,
                               id="test-any")
            with Horizontal(id="test-buttons"):
                yield Button("Save", variant="primary", id="test-save")
                yield Button("Cancel", id="test-cancel")

    def on_mount(self) -> None:
        self.query_one("#test-input", TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one("#test-input", TextArea).text
        if not text.strip():
            self.notify("the test's input is empty", severity="warning")
            return
        if self.function_kind:
            self.dismiss((text, None))
            return
        any_output = self.query_one("#test-any", Checkbox).value
        expected = None if any_output else self.query_one("#test-expected", TextArea).text
        self.dismiss((text if text.endswith("\n") else text + "\n", expected))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "test-save":
            self.action_save()
        else:
            self.action_cancel()
