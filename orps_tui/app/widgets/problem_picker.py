"""Pick a problem: the starter set (and the user's problems) by difficulty and tag, with a
filter box, or any TOML file by path."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from orps_tui.app.palette import Palette
from orps_tui.problems.model import Problem
from orps_tui.problems.statement import lacks_statement

DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2, "": 3}
DIFFICULTY_WORDS = ("easy", "medium", "hard")
LEVEL = {"easy": "easy", "medium": "med", "hard": "hard"}


@dataclass(frozen=True)
class ProblemRow:
    ref: str
    """What `load_problem_ref` takes: the file path."""
    id: str
    title: str
    difficulty: str
    tags: tuple[str, ...]
    kind: str
    statement: str

    def matches(self, words: list[str]) -> bool:
        """Every word matches: a difficulty word the difficulty exactly, others any of id,
        title, kind or a tag (as a substring)."""
        hay = " ".join([self.id, self.title, self.kind, *self.tags]).lower()
        return all(self.difficulty == w if w in DIFFICULTY_WORDS else w in hay for w in words)

    @classmethod
    def of(cls, p: Problem) -> ProblemRow:
        return cls(str(p.path) if p.path else p.id, p.id, p.title,
                   p.difficulty.value if p.difficulty else "", p.tags, p.kind.value,
                   p.statement.text)


_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*|(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])"
                     r"|\[([^\]\n]+)\]\([^)\s]+\)")


def markdown_inline(text: str) -> Text:
    """Markdown's inline marks as styles, the rest as literal text (brackets stay text):
    `code`, **bold**, *italic* / _italic_, [link](url)."""
    out = Text()
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(text[pos:match.start()])
        code, bold, italic, link = match.groups()
        if code is not None:
            out.append(code, style="bold")
        elif bold is not None:
            out.append(bold, style="bold")
        elif italic is not None:
            out.append(italic, style="italic")
        else:
            out.append(link or "", style="underline")
        pos = match.end()
    out.append(text[pos:])
    return out


def row_facts(row: ProblemRow) -> str:
    """`Cargo Trucks · medium · stdio · greedy, sorting`: whole, whatever the table cuts."""
    return " · ".join(p for p in (row.title, row.difficulty, row.kind, ", ".join(row.tags))
                      if p)


def statement_preview(statement: str, max_chars: int = 600) -> str:
    """The statement's first paragraphs, each reflowed into one line (the file's own line
    breaks would break the pane's wrapping), headings left out."""
    paragraphs: list[str] = []
    for block in statement.strip().split("\n\n"):
        lines = [ln.strip() for ln in block.splitlines()
                 if ln.strip() and not ln.lstrip().startswith("#")]
        if lines:
            paragraphs.append(" ".join(lines))
        if sum(map(len, paragraphs)) >= max_chars:
            break
    return "\n".join(paragraphs)[:max_chars]


def sort_rows(rows: list[ProblemRow]) -> list[ProblemRow]:
    return sorted(rows, key=lambda r: (DIFFICULTY_ORDER.get(r.difficulty, 3), r.id))


NO_STATEMENT = "no statement: the model will read only the tests (ctrl+t pastes one)"


class ProblemPicker(Vertical):
    HELP = "Type to filter by id, title, difficulty or tag; enter picks. Or give a TOML path."
    # Not in the footer: the picked problem's line offers it when it has no statement.
    BINDINGS = [Binding("ctrl+t", "edit_statement", "Edit statement", id="home.statement",
                        show=False)]

    class Chosen(Message):
        def __init__(self, ref: str, label: str) -> None:
            self.ref = ref
            self.label = label
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "problem"
        self.rows: list[ProblemRow] = []
        self.shown: list[ProblemRow] = []
        self.load_errors: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: easy, graph, fn-…", id="problem-filter")
        yield DataTable(id="problem-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="problem-statement")
        yield Input(placeholder="or a problem file: path/to/problem.toml (enter)",
                    id="problem-path")

    def on_mount(self) -> None:
        self._set_columns()
        self.set_timer(0.1, self.load)  # after the first frame

    def _set_columns(self) -> None:
        """Short columns first, so a narrow pane never cuts the id (the title, tags and kind
        are also in the line above the statement). Widths are set from all the rows: the
        table's own lazy measuring could leave ids cut to the header's width."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("level", width=5)
        table.add_column("id", width=max([2, *(len(r.id) for r in self.rows)]))
        table.add_column("title", width=max([5, *(len(r.title) for r in self.rows)]))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from orps_tui.problems.library import scan, search_dirs

        result = scan(*[d for d in search_dirs() if d.exists()])
        rows = sort_rows([ProblemRow.of(p) for p in result.problems])
        self.app.call_from_thread(self.set_rows, rows, result.error_lines())

    def set_rows(self, rows: list[ProblemRow], errors: list[str] | None = None) -> None:
        self.rows = rows
        self.load_errors = errors or []
        self._set_columns()
        self.refilter()

    def refilter(self) -> None:
        words = self.query_one("#problem-filter", Input).value.lower().split()
        self.shown = [r for r in self.rows if r.matches(words)]
        table = self.query_one(DataTable)
        table.clear()
        for r in self.shown:
            table.add_row(LEVEL.get(r.difficulty, "–"), r.id, r.title, key=r.ref)
        self.border_subtitle = f"{len(self.shown)} of {len(self.rows)}"
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "problem-filter":
            self.refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "problem-filter" and self.shown:
            self.query_one(DataTable).focus()
        elif event.input.id == "problem-path" and event.value.strip():
            ref = event.value.strip()
            if not Path(ref).expanduser().exists():
                self.notify(f"{ref}: no such problem file", severity="warning")
                return
            self.post_message(self.Chosen(ref, ref))

    def selected(self) -> ProblemRow | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _preview(self) -> None:
        row = self.selected()
        preview = Text()
        if row is not None:
            # Literal text with Markdown's inline marks as styles: a statement's
            # `grid[i][j]` or `[/]` is text, not markup.
            preview.append(row_facts(row) + "\n", style="italic")
            if lacks_statement(row.statement):
                preview.append(f"⚠ {NO_STATEMENT}\n", style=f"bold {Palette.of(self.app).warning}")
            preview.append_text(markdown_inline(statement_preview(row.statement)))
        self.query_one("#problem-statement", Static).update(preview)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._preview()
        row = self.selected()
        if row is not None:
            self.post_message(self.Chosen(row.ref, f"{row.id} — {row.title}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = self.selected()
        if row is not None:
            self.post_message(self.Chosen(row.ref, f"{row.id} — {row.title}"))
            self.screen.focus_next()

    def action_edit_statement(self) -> None:
        from orps_tui.app.screens.statement_modal import StatementModal

        row = self.selected()
        if row is None or row.ref == row.id:
            self.notify("pick a problem with a file first", severity="warning")
            return

        def done(text: str | None) -> None:
            if text is not None:
                self._save_statement(row, text)

        self.app.push_screen(StatementModal(row.id, row.statement), done)

    def _save_statement(self, row: ProblemRow, text: str) -> None:
        from orps_tui.problems.write import save_statement

        try:
            save_statement(row.ref, text)
        except (OSError, ValueError) as exc:
            self.notify(f"could not save the statement of {row.id}: {exc}", severity="error")
            return
        self.notify(f"statement of {row.id} saved to {row.ref}")
        self.rows = [replace(r, statement=text) if r.ref == row.ref else r
                     for r in self.rows]
        self.shown = [next(r for r in self.rows if r.ref == s.ref) for s in self.shown]
        self._preview()
