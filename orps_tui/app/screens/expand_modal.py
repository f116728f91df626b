"""Expand a node with its own generation settings: K children, their temperature, and an
optional extra instruction for their programmer call (recorded on the children)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, TextArea

from orps_tui.app.screens.form_dialog import FormDialog
from orps_tui.app.screens.text_dialog import dialog_bindings
from orps_tui.config import SETTING_BOUNDS
from orps_tui.search.events import ExpandNow
from orps_tui.search.steering import expand_settings_problem


class ExpandModal(FormDialog[ExpandNow]):
    BINDINGS = dialog_bindings("Expand")

    def __init__(self, node_id: int, samples: int, temperature: float) -> None:
        super().__init__()
        self.node_id = node_id
        self.samples = samples
        self.temperature = temperature

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(f"Expand #{self.node_id} with these settings", classes="dialog-title")
            yield Label("For these children only. ctrl+s expands, esc cancels.",
                        classes="dialog-help")
            with Grid(id="expand-grid"):
                yield Label("K children", classes="budget-label")
                yield Input(str(self.samples), id="expand-samples", type="integer")
                yield Label("temperature", classes="budget-label")
                yield Input(f"{self.temperature:g}", id="expand-temperature", type="number")
            yield Label("Extra instruction for their programmer (optional)")
            yield TextArea(id="expand-instruction", soft_wrap=True, tab_behavior="focus")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Expand", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#expand-samples", Input).focus()

    def value(self) -> ExpandNow | str:
        """The command, or one line saying which field is wrong."""
        raw_k = self.query_one("#expand-samples", Input).value.strip()
        raw_t = self.query_one("#expand-temperature", Input).value.strip()
        try:
            samples = int(raw_k)
        except ValueError:
            return f"K: `{raw_k}` is not a whole number"
        try:
            temperature = float(raw_t)
        except ValueError:
            high = SETTING_BOUNDS["model.temperature"].high
            return f"temperature: `{raw_t}` is not a number (0 to {high:g})"
        instruction = self.query_one("#expand-instruction", TextArea).text.strip()
        command = ExpandNow(self.node_id, samples=samples, temperature=temperature,
                            instruction=instruction)
        why = expand_settings_problem(command)
        return why if why is not None else command
