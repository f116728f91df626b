"""The user's custom tests of a problem: a table; a adds, enter edits, d deletes."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from orps_tui.practice.custom_tests import CustomTest


def _one_line(text: str, limit: int = 40) -> str:
    flat = " ⏎ ".join(text.strip().splitlines())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CustomTestsTable(DataTable[str]):
    DEFAULT_CSS = """
    CustomTestsTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("a", "add", "Add test", id="practice.test_add"),
        Binding("enter,e", "edit", "Edit test", id="practice.test_edit"),
        Binding("d,delete", "delete", "Delete test", id="practice.test_delete"),
    ]

    class Requested(Message):
        """`what` is add | edit | delete; `test` is None for add."""

        def __init__(self, what: str, test: CustomTest | None) -> None:
            self.what = what
            self.test = test
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.tests: list[CustomTest] = []

    def on_mount(self) -> None:
        self.add_columns("name", "input", "expected")

    def show(self, tests: list[CustomTest]) -> None:
        self.tests = tests
        self.clear()
        for t in tests:
            expected = "(any output)" if t.expected is None else _one_line(t.expected)
            self.add_row(t.name, _one_line(t.input), expected, key=t.name)
        self.border_title = f"custom tests ({len(tests)})"

    def current(self) -> CustomTest | None:
        if not self.tests or not 0 <= self.cursor_row < len(self.tests):
            return None
        return self.tests[self.cursor_row]

    def action_add(self) -> None:
        self.post_message(self.Requested("add", None))

    def action_edit(self) -> None:
        if (test := self.current()) is not None:
            self.post_message(self.Requested("edit", test))

    def action_delete(self) -> None:
        if (test := self.current()) is not None:
            self.post_message(self.Requested("delete", test))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()
