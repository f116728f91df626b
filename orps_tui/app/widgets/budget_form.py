"""The search budget: K samples, B beam, R rounds, concurrency (defaults from the config)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.validation import Integer
from textual.widgets import Input, Label

from orps_tui.app.launch import Budget

FIELDS = (
    ("samples", "K samples", 1, 50),
    ("beam", "B beam", 1, 20),
    ("rounds", "R rounds", 0, 20),
    ("concurrency", "concurrency", 1, 64),
)


class BudgetForm(Vertical):
    HELP = "K children per expansion, B nodes kept per round, R rounds, calls in flight."

    def __init__(self, default: Budget, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "budget"
        self.default = default

    def compose(self) -> ComposeResult:
        with Grid(id="budget-grid"):
            for name, label, low, high in FIELDS:
                yield Label(label, classes="budget-label")
                yield Input(str(getattr(self.default, name)), id=f"budget-{name}",
                            type="integer", validators=[Integer(low, high)])
        yield Label("", id="budget-calls", classes="dialog-help")

    def on_mount(self) -> None:
        self._explain()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._explain()

    def _explain(self) -> None:
        budget = self.budget()
        text = budget if isinstance(budget, str) else (
            f"up to {2 * budget.samples * (1 + budget.rounds * budget.beam)} model calls")
        self.query_one("#budget-calls", Label).update(text)

    def budget(self) -> Budget | str:
        """The budget, or one line saying which field is wrong."""
        values: dict[str, int] = {}
        for name, label, low, high in FIELDS:
            value = whole_number(self.query_one(f"#budget-{name}", Input).value, label, low, high)
            if isinstance(value, str):
                return value
            values[name] = value
        return Budget(**values)


def whole_number(raw: str, label: str, low: int, high: int) -> int | str:
    """A budget field's value, or one line saying what is wrong with it (every budget form
    reads its fields by this rule)."""
    raw = raw.strip()
    try:
        value = int(raw)
    except ValueError:
        return f"{label}: `{raw}` is not a whole number"
    if not low <= value <= high:
        return f"{label}: must be between {low} and {high}"
    return value
