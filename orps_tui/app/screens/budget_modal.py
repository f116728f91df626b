"""The budget of a running (or finished) search: rounds, call cap, K and beam, prefilled
with the current ones. ctrl+s applies (a SetBudget command), esc cancels."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label

from orps_tui.app.screens.form_dialog import FormDialog
from orps_tui.app.screens.text_dialog import dialog_bindings
from orps_tui.app.widgets.budget_form import whole_number
from orps_tui.search.events import SetBudget


@dataclass(frozen=True)
class BudgetNow:
    """What the dialog shows and starts from."""

    rounds: int
    max_calls: int | None
    samples: int
    beam: int
    round: int
    calls_used: int
    finished: bool


_FIELDS = (
    ("rounds", "R rounds", 0, 1000),
    ("max_calls", "call cap", 1, 100_000),
    ("samples", "K samples", 1, 1000),
    ("beam", "B beam", 1, 1000),
)


class BudgetModal(FormDialog[SetBudget]):
    BINDINGS = dialog_bindings("Apply")

    def __init__(self, now: BudgetNow) -> None:
        super().__init__()
        self.now = now

    def compose(self) -> ComposeResult:
        now = self.now
        cap = f" of a {now.max_calls}-call cap" if now.max_calls is not None else ""
        state = "finished: more rounds or calls continue it from its last beam" \
            if now.finished else "running: K and beam apply from the next expansion"
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Search budget", classes="dialog-title")
            yield Label(f"Round {now.round} of {now.rounds}, {now.calls_used} calls used{cap}. "
                        f"The search is {state}. Blank call cap: none set.",
                        classes="dialog-help")
            with Grid(id="budget-grid"):
                for name, label, _low, _high in _FIELDS:
                    value = getattr(now, name)
                    yield Label(label, classes="budget-label")
                    yield Input("" if value is None else str(value), id=f"budget-{name}",
                                type="integer")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#budget-rounds", Input).focus()

    def value(self) -> SetBudget | str:
        """The command, or one line saying which field is wrong."""
        values: dict[str, int | None] = {}
        for name, label, low, high in _FIELDS:
            raw = self.query_one(f"#budget-{name}", Input).value.strip()
            if not raw and name == "max_calls":
                values[name] = None
                continue
            value = whole_number(raw, label, low, high)
            if isinstance(value, str):
                return value
            values[name] = value
        return SetBudget(**values)  # type: ignore[arg-type]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()
