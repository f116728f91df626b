"""Every node as a table row with the facts a researcher reads (cost per role, critic and
outcome scores with the outcome's parts, fate, steering), sorted and filtered by them.
`s` sorts by the next column, `S` by the previous, `r` reverses, the box above filters by
state, fate, author or steering; enter goes to the node in the tree. It follows a running
search."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.node_facts import (
    ASCENDING,
    FactColumn,
    NodeFacts,
    filter_facts,
    node_facts,
    sort_facts,
)
from orps_tui.search.tree import Node

COLUMNS = tuple(FactColumn)
FOLLOW_S = 0.5
"""How often the table looks for changes of a running search."""


def _num(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def row_cells(f: NodeFacts) -> tuple[str, ...]:
    """The row's text, in `COLUMNS` order."""
    return (f"#{f.id}", f.state, f.fate or "–", " ".join(f.steered) or "–",
            "–" if f.pass_rate is None else f"{f.pass_rate:.0%}",
            "–" if f.all_tests is None else f"{f.all_tests:.0%}",
            _num(f.critic, 1), _num(f.outcome), _num(f.time_headroom),
            _num(f.memory_headroom), _num(f.static),
            str(f.programmer.prompt_tokens), str(f.programmer.completion_tokens),
            _num(f.programmer.seconds, 1),
            str(f.critic_cost.prompt_tokens), str(f.critic_cost.completion_tokens),
            _num(f.critic_cost.seconds, 1))


class NodeTableScreen(ModalScreen[int | None]):
    """Returns the node id to go to (enter), or None (esc)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="nodes.close"),
        Binding("s", "sort(1)", "Sort: next column", id="nodes.sort_next", show=True),
        Binding("S", "sort(-1)", "Sort: previous column", id="nodes.sort_prev"),
        Binding("r", "reverse", "Reverse", id="nodes.reverse", show=True),
        Binding("slash", "focus_filter", "Filter", id="nodes.filter", show=True,
                key_display="/"),
    ]
    DEFAULT_CSS = """
    NodeTableScreen #node-table-box {
        width: 100%; height: 100%; padding: 0 1; border: thick $primary; background: $surface;
    }
    NodeTableScreen #node-table-keys { color: $text-muted; }
    NodeTableScreen DataTable { height: 1fr; }
    """

    def __init__(self, nodes: Mapping[int, Node], sort: FactColumn = FactColumn.ID,
                 regrades: Mapping[int, JudgeReport] | None = None) -> None:
        """`regrades`: nodes judged on every test (`r`, `R`), for the `all tests` column."""
        super().__init__()
        self.nodes = nodes
        self.regrades = regrades if regrades is not None else {}
        self.facts = self._facts()
        self.sort_by = sort
        self.reverse = False
        self.shown: list[NodeFacts] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="node-table-box"):
            yield Label("s/S sort · r reverse · / filter · → more columns · enter goes to "
                        "the node", id="node-table-keys")
            yield Input(placeholder="filter: stopped, kept-boosted, person, Boost, all-pass…",
                        id="node-filter")
            yield DataTable(id="node-table", cursor_type="row", zebra_stripes=True,
                            fixed_columns=1)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column.value, key=column.value)
        self.refill()
        table.focus()
        self.set_interval(FOLLOW_S, self.follow)

    def follow(self) -> None:
        """Redraw when a running search changed a node, keeping the cursor on its node."""
        facts = self._facts()
        if facts == self.facts:
            return
        self.facts = facts
        table = self.query_one(DataTable)
        at = self.shown[table.cursor_row].id if 0 <= table.cursor_row < len(self.shown) \
            else None
        self.refill()
        if at is not None and at in self.order:
            table.move_cursor(row=self.order.index(at))

    def _facts(self) -> list[NodeFacts]:
        return [node_facts(n, self.regrades.get(n.id)) for n in list(self.nodes.values())]

    def refill(self) -> None:
        query = self.query_one("#node-filter", Input).value
        self.shown = sort_facts(filter_facts(self.facts, query), self.sort_by, self.reverse)
        table = self.query_one(DataTable)
        table.clear()
        for f in self.shown:
            table.add_row(*row_cells(f), key=str(f.id))
        arrow = "↑" if (self.sort_by in ASCENDING) != self.reverse else "↓"
        self.query_one("#node-table-box").border_title = (
            f"{len(self.shown)} of {len(self.facts)} nodes · sorted by {self.sort_by.value} "
            f"{arrow}")

    @property
    def order(self) -> list[int]:
        """Node ids as shown, top to bottom."""
        return [f.id for f in self.shown]

    def action_sort(self, step: int) -> None:
        index = (COLUMNS.index(self.sort_by) + step) % len(COLUMNS)
        self.sort_by = COLUMNS[index]
        self.reverse = False
        self.refill()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.refill()

    def action_focus_filter(self) -> None:
        self.query_one("#node-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = FactColumn(str(event.column_key.value))
        self.reverse = not self.reverse if column is self.sort_by else False
        self.sort_by = column
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.dismiss(int(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)
