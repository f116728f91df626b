"""The home screen: pick a problem, a model and a budget, then start; or reopen a session."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from orps_tui.app.launch import Budget, Launch
from orps_tui.app.start_search import default_budget
from orps_tui.app.widgets.budget_form import BudgetForm
from orps_tui.app.widgets.model_picker import ModelPicker
from orps_tui.app.widgets.problem_picker import ProblemPicker
from orps_tui.app.widgets.session_list import SessionList


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start search", id="home.start", show=True),
        Binding("ctrl+f", "focus_filter", "Filter problems", id="home.filter", show=True),
        Binding("f1", "guide", "About ORPS", id="home.guide", show=True),
        Binding("ctrl+o", "practice", "Practice", id="home.practice", show=True),
        Binding("ctrl+l", "listener", "Listener", id="home.listener", show=True),
    ]
    AUTO_FOCUS = "#problem-filter"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    """In a narrow or short terminal (80x24) the side column is narrower and its inputs,
    button and summary compact, so every choice and the Start button fit (app.tcss)."""

    def __init__(self) -> None:
        super().__init__()
        self.problem_ref: str | None = None
        self.problem_label = ""
        self.model_uri: str | None = None

    def compose(self) -> ComposeResult:
        settings = self.app.settings  # type: ignore[attr-defined]
        yield Static(" orps  ·  pick a problem, a model and a budget, then start (ctrl+s)",
                     id="status-header")
        with Horizontal(id="home-columns"):
            yield ProblemPicker(id="home-problems")
            with Vertical(id="home-side"):
                default_model = self.app.launch.model or settings.model.default  # type: ignore[attr-defined]
                yield ModelPicker(default_model, id="home-model")
                with Vertical(id="home-budget"):
                    yield BudgetForm(default_budget(settings), id="budget-form")
                    yield Static("", id="home-choice")
                    yield Button("Start search  (ctrl+s)", variant="primary",
                                 id="start-button")
                with Vertical(id="home-sessions"):
                    yield SessionList(id="session-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-budget").border_title = "budget"
        self.query_one("#home-sessions").border_title = "recent sessions"
        self.model_uri = self.query_one(ModelPicker).chosen
        self._show_choice()
        self._offer_coder_once()

    def _offer_coder_once(self) -> None:
        from orps_tui.app.first_run import should_offer_coder

        settings = self.app.settings  # type: ignore[attr-defined]
        if not should_offer_coder(settings, asked_for_model=bool(self.app.launch.model)):  # type: ignore[attr-defined]
            return
        from orps_tui.app.screens.first_run_modal import FirstRunModal

        def chosen(uri: str | None) -> None:
            if uri:
                self.query_one(ModelPicker).use(uri)

        self.app.push_screen(FirstRunModal(getattr(self.app, "coder_pull", None)), chosen)

    def _show_choice(self) -> None:
        problem = self.problem_label or "(pick a problem)"
        self.query_one("#home-choice", Static).update(
            f"problem: {problem}\nmodel:   {self.model_uri or '(pick a model)'}")

    def on_problem_picker_chosen(self, event: ProblemPicker.Chosen) -> None:
        self.problem_ref, self.problem_label = event.ref, event.label
        self._show_choice()
        if event.ref == event.label:  # typed as a path: on to the next choice, the model
            self.query_one("#model-list").focus()

    def on_model_picker_chosen(self, event: ModelPicker.Chosen) -> None:
        self.model_uri = event.uri
        self._show_choice()

    def on_session_list_chosen(self, event: SessionList.Chosen) -> None:
        from orps_tui.app.screens.starting import StartingScreen

        self.app.push_screen(StartingScreen(Launch(resume=Path(event.path), review=event.review)))

    def action_start(self) -> None:
        from orps_tui.app.screens.starting import StartingScreen

        if self.problem_ref is None:
            self.notify("pick a problem first", severity="warning")
            return
        budget = self.query_one(BudgetForm).budget()
        if not isinstance(budget, Budget):
            self.notify(budget, severity="error")
            return
        self.app.push_screen(StartingScreen(
            Launch(problem=Path(self.problem_ref), model=self.model_uri, budget=budget)))

    def action_focus_filter(self) -> None:
        self.query_one("#problem-filter").focus()

    def action_guide(self) -> None:
        from orps_tui.app.screens.guide import GuideScreen

        self.app.push_screen(GuideScreen())

    def action_practice(self) -> None:
        from orps_tui.app.screens.practice_hooks import open_practice

        open_practice(self.app, self.problem_ref)

    def action_listener(self) -> None:
        from orps_tui.app.screens.practice_hooks import toggle_listener

        toggle_listener(self.app)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start-button":
            self.action_start()
