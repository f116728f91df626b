"""The orps Textual app: themes, keymap, command palette, and which screen opens first."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver

from orps_tui.app.commands import SteeringCommands
from orps_tui.app.keymap import APP_KEYS, BY_ID, check_keymap, with_refusal_twins
from orps_tui.app.launch import Launch
from orps_tui.app.screens.practice_commands import PracticeCommands
from orps_tui.app.search_link import SearchLink
from orps_tui.app.themes import DEFAULT_THEME, discover_themes
from orps_tui.config import Settings


class OrpsApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "orps"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {SteeringCommands, PracticeCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(s.keys, s.action, s.palette.split(": ", 1)[1], show=s.show, id=s.id,
                priority=s.id == "app.quit", key_display=s.key_display)
        for s in APP_KEYS
    ]

    def __init__(
        self,
        settings: Settings,
        launch: Launch | None = None,
        *,
        link: SearchLink | None = None,
        frozen_clock: bool = False,
    ) -> None:
        """`link`: open the search screen on this (tests, `--resume`); else follow `launch`."""
        super().__init__()
        self.settings = settings
        self.launch = launch or Launch()
        self.initial_link = link
        self.frozen_clock = frozen_clock
        self.coder_pull: Any = None
        """What the first run's offer calls to fetch the coder model (None: the real
        `pull_coder`; tests put a stand-in here)."""
        self.user_theme_names: set[str] = set()
        self.startup_problems: list[str] = []
        self._load_themes()
        problems = check_keymap(settings.ui.keys)
        self.startup_problems += problems
        self.key_overrides: dict[str, str] = {
            k: v for k, v in settings.ui.keys.items() if k in BY_ID}
        """The remapped keys by binding id (the help screen shows them)."""
        if self.key_overrides:
            self.set_keymap(with_refusal_twins(self.key_overrides))

    def _load_themes(self) -> None:
        loaded = discover_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
            self.user_theme_names.add(theme.name)
        self.startup_problems += loaded.problems
        wanted = self.settings.ui.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.startup_problems.append(
                f"ui.theme: no theme named `{wanted}` (have: "
                f"{', '.join(sorted(self.user_theme_names))})"
            )
            if DEFAULT_THEME in self.available_themes:
                self.theme = DEFAULT_THEME

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from orps_tui.app.terminal_driver import HangupAwareDriver

            return HangupAwareDriver
        return driver

    def on_mount(self) -> None:
        for problem in self.startup_problems:
            self.notify(problem, severity="warning", timeout=10)
        if self.initial_link is not None:
            self.open_search(self.initial_link)
        elif self.launch.problem is not None or self.launch.resume is not None:
            from orps_tui.app.screens.starting import StartingScreen

            self.push_screen(StartingScreen(self.launch))
        else:
            from orps_tui.app.screens.home import HomeScreen

            self.push_screen(HomeScreen())

    def open_search(self, link: SearchLink) -> None:
        from orps_tui.app.screens.search import SearchScreen

        self.push_screen(SearchScreen(link))

    def action_request_quit(self) -> None:
        from orps_tui.app.screens.confirm_modal import ConfirmModal
        from orps_tui.app.screens.search import SearchScreen

        running = [s for s in self.screen_stack if isinstance(s, SearchScreen)
                   and s.running_unsaved]
        if not running:
            self.exit(0)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(ConfirmModal("A search is running and not saved. Quit anyway?",
                                      yes="Quit", no="Keep running"), answer)
