"""Between the command line (or the home screen) and the search: load the problem, check
the model, build the engine. Problems are shown here with their fix, never as tracebacks."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, LoadingIndicator, Static

from orps_tui.app.launch import Budget, Launch
from orps_tui.app.start_search import (
    StartError,
    build_link,
    default_budget,
    load_problem_ref,
    open_session,
)
from orps_tui.problems.statement import missing_statement_note
from orps_tui.search.launch import model_answers


class StartingScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back to home", id="starting.back"),
        Binding("m", "use_embedded", "Use the embedded model", id="starting.embedded"),
    ]

    def __init__(self, launch: Launch) -> None:
        super().__init__()
        self.launch = launch
        self.offer_embedded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="starting-body"):
            with Center():
                yield Label("Starting…", id="starting-title", classes="dialog-title")
            with Center():
                yield LoadingIndicator(id="starting-spinner")
            with Center():
                yield Static("", id="starting-message")
            with Center(), Horizontal(id="starting-buttons", classes="dialog-buttons"):
                yield Button("Use the embedded model (m)", id="embedded")
                yield Button("Back (esc)", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#starting-buttons").display = False
        self.start(self.launch)

    def _say(self, title: str, message: str = "") -> None:
        # Plain content: paths, TOML errors and model messages hold brackets, not markup.
        self.query_one("#starting-title", Label).update(Content(title))
        self.query_one("#starting-message", Static).update(Content(message))

    def _fail(self, title: str, message: str, offer_embedded: bool = False) -> None:
        self._say(title, message)
        self.query_one("#starting-spinner").display = False
        self.query_one("#starting-buttons").display = True
        self.query_one("#embedded").display = offer_embedded
        self.offer_embedded = offer_embedded
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`m` (use the embedded model) is offered only when the model was the problem."""
        if action == "use_embedded":
            return self.offer_embedded
        return True

    @work(exclusive=True, exit_on_error=False)
    async def start(self, launch: Launch) -> None:
        settings = self.app.settings  # type: ignore[attr-defined]
        self.query_one("#starting-spinner").display = True
        self.query_one("#starting-buttons").display = False
        self.offer_embedded = False
        self.refresh_bindings()
        try:
            if launch.resume is not None:
                self._say(f"Opening session {launch.resume}…")
                link = open_session(launch.resume, settings, resume=not launch.review)
            else:
                assert launch.problem is not None
                self._say(f"Loading {launch.problem}…")
                problem = load_problem_ref(launch.problem)
                note = missing_statement_note(problem)
                if note is not None:
                    self.notify(note, severity="warning", timeout=10)
                uri = launch.model or settings.model.default
                self._say(f"Checking {uri}…")
                health = await model_answers(uri, settings.model)
                if not health.ok:
                    fix = f"\n\nFix: {health.fix}" if health.fix else ""
                    self._fail(f"{uri} cannot answer", f"{health.message}{fix}",
                               offer_embedded=not uri.startswith("embedded"))
                    return
                budget: Budget = launch.budget or default_budget(settings)
                link = build_link(problem, uri, budget, settings)
        except StartError as exc:
            fix = f"\n\nFix: {exc.fix}" if exc.fix else ""
            self._fail("Cannot start", f"{exc.message}{fix}")
            return
        from orps_tui.app.screens.search import SearchScreen

        self.app.switch_screen(SearchScreen(link))

    def action_use_embedded(self) -> None:
        if self.offer_embedded and self.launch.problem is not None:
            self.launch = Launch(self.launch.problem, "embedded", self.launch.budget)
            self.start(self.launch)

    def action_back(self) -> None:
        from orps_tui.app.screens.home import HomeScreen

        stack = self.app.screen_stack
        if len(stack) >= 2 and isinstance(stack[-2], HomeScreen):
            self.app.pop_screen()
        else:
            self.app.switch_screen(HomeScreen())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "embedded":
            self.action_use_embedded()
        else:
            self.action_back()
