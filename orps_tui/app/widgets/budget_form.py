"""The search budget: method, K samples, B beam, R rounds, concurrency (defaults from the
config). Sampling uses K alone: beam and rounds are greyed out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.validation import Integer
from textual.widgets import Input, Label, Select

from orps_tui.app.launch import Budget
from orps_tui.search.search_config import SearchConfig, SearchMethod

FIELDS = (
    ("samples", "K samples", 1, 50),
    ("beam", "B beam", 1, 20),
    ("rounds", "R rounds", 0, 20),
    ("concurrency", "concurrency", 1, 64),
)
METHOD_LABELS = {SearchMethod.ORPS: "ORPS tree search",
                 SearchMethod.SAMPLING: "sampling"}
_ORPS_ONLY = ("beam", "rounds")


class BudgetForm(Vertical):
    HELP = ("ORPS: K children per expansion, B nodes kept per round, R rounds. Sampling: K "
            "independent programs, no critic. Concurrency: calls in flight.")

    def __init__(self, default: Budget, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "budget"
        self.default = default

    def compose(self) -> ComposeResult:
        with Grid(id="budget-method-row"):
            yield Label("method", classes="budget-label")
            yield Select([(label, method) for method, label in METHOD_LABELS.items()],
                         value=self.default.method, allow_blank=False, compact=True,
                         id="budget-method")
        with Grid(id="budget-grid"):
            for name, label, low, high in FIELDS:
                yield Label(label, classes="budget-label")
                yield Input(str(getattr(self.default, name)), id=f"budget-{name}",
                            type="integer", validators=[Integer(low, high)])
        yield Label("", id="budget-calls", classes="dialog-help")

    def on_mount(self) -> None:
        self._apply_method()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._explain()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._apply_method()

    def _apply_method(self) -> None:
        for name in _ORPS_ONLY:
            self.query_one(f"#budget-{name}", Input).disabled = \
                self.method() is SearchMethod.SAMPLING
        self._explain()

    def method(self) -> SearchMethod:
        value = self.query_one("#budget-method", Select).value
        return value if isinstance(value, SearchMethod) else SearchMethod.ORPS

    def _explain(self) -> None:
        budget = self.budget()
        if isinstance(budget, str):
            text = budget
        else:
            config = SearchConfig(samples=budget.samples, beam=budget.beam,
                                  rounds=budget.rounds).with_method(budget.method)
            text = (f"{config.budget} calls: {config.samples} programs, no critic"
                    if budget.method is SearchMethod.SAMPLING
                    else f"up to {config.budget} model calls")
        self.query_one("#budget-calls", Label).update(text)

    def budget(self) -> Budget | str:
        """The budget, or one line saying which field is wrong (beam and rounds are not
        read for sampling, which does not use them)."""
        method = self.method()
        values: dict[str, int] = {}
        for name, label, low, high in FIELDS:
            if method is SearchMethod.SAMPLING and name in _ORPS_ONLY:
                values[name] = getattr(self.default, name)
                continue
            value = whole_number(self.query_one(f"#budget-{name}", Input).value, label, low, high)
            if isinstance(value, str):
                return value
            values[name] = value
        return Budget(**values, method=method)


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
