"""Command palette entries for practice mode (registered in the app's COMMANDS)."""

from __future__ import annotations

from functools import partial

from orps_tui.app.commands import Entry, EntryProvider


class PracticeCommands(EntryProvider):
    """`practice: open for the picked problem`, `practice: judge public tests`, ..."""

    def _entries(self) -> list[Entry]:
        from orps_tui.app.screens.practice import PRACTICE_KEYS, PracticeScreen
        from orps_tui.app.screens.practice_hooks import listener_of, toggle_listener

        app = self.app
        screen = self.screen
        state = "stop" if listener_of(app) is not None else "start"
        entries: list[Entry] = [
            (f"practice: {state} the Competitive Companion listener",
             partial(toggle_listener, app),
             "Receive problems from the browser extension (port 10043)"),
        ]
        if isinstance(screen, PracticeScreen):
            for keys, action, description, _bid, _show in PRACTICE_KEYS:
                entries.append((f"practice: {description}",
                                partial(app.call_later, screen.run_action, action),
                                f"key: {keys}"))
        elif getattr(screen, "problem_ref", None):
            from orps_tui.app.screens.practice_hooks import open_practice

            entries.append(("practice: open the picked problem",
                            partial(open_practice, app, screen.problem_ref),  # type: ignore[attr-defined]
                            "Write and judge your own solution"))
        return entries
