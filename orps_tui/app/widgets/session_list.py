"""Recent sessions, each labelled by what opening it does: `resume` (quit or cut short
mid-search: it goes on), `review` (finished: read-only), `in use` (a process is writing
it now: it cannot be opened to resume). Enter opens a session as its label says; `v` opens
it read-only whatever it is (`orps --resume DIR --review`). `c` on one session, then `c` on
another, compares the two."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class SessionList(OptionList):
    BINDINGS = [
        Binding("c", "compare", "Compare two", id="sessions.compare", show=True),
        Binding("v", "review", "Open read-only", id="sessions.review", show=True),
    ]

    compare_first: str | None = None
    """The session `c` picked first; `c` on another compares the two."""

    class Chosen(Message):
        def __init__(self, path: str, *, review: bool = False) -> None:
            self.path = path
            self.review = review
            """Open it read-only, even a session that would resume."""
            super().__init__()

    def on_mount(self) -> None:
        self.add_option(Option("looking for sessions…", disabled=True))
        self.set_timer(0.2, self.load)  # after the first frame

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from orps_tui.search.session import list_sessions

        sessions = list_sessions()[:20]
        options = [
            Option(f"{s.opens_as:<6}  {s.problem_id}  ·  {s.model}  ·  "
                   f"{s.nodes} nodes  ·  {s.created}", id=str(s.directory))
            for s in sessions
        ]
        self.app.call_from_thread(self._show, options)

    def _show(self, options: list[Option]) -> None:
        self.clear_options()
        if options:
            self.add_options(options)
        else:
            self.add_option(Option("no saved session yet", disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def _highlighted_session(self) -> str | None:
        index = self.highlighted
        option = self.get_option_at_index(index) if index is not None else None
        return option.id if option is not None and option.id else None

    def action_review(self) -> None:
        path = self._highlighted_session()
        if path is not None:
            self.post_message(self.Chosen(path, review=True))

    def action_compare(self) -> None:
        from orps_tui.app.screens.compare_sessions import CompareScreen

        chosen = self._highlighted_session()
        if chosen is None:
            return
        if self.compare_first is None or self.compare_first == chosen:
            self.compare_first = chosen
            self.notify(f"compare {Path(chosen).name} with…: c on another session",
                        timeout=5)
            return
        first, self.compare_first = self.compare_first, None
        self.app.push_screen(CompareScreen([Path(first), Path(chosen)]))
