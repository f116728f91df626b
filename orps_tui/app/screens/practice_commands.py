"""Command palette entries for practice mode (registered in the app's COMMANDS)."""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from typing import Any

from orps_tui.app.commands import Entry, EntryProvider


class ListenerAction(StrEnum):
    """What the palette's listener entry does now."""

    START = "start"
    STOP = "stop"


class PracticeCommands(EntryProvider):
    """`practice: open for the picked problem`, `practice: judge public tests`, ..."""

    def _entries(self) -> list[Entry]:
        from orps_tui.app.keymap import PRACTICE_KEYS
        from orps_tui.app.screens.practice import PracticeScreen
        from orps_tui.app.screens.practice_hooks import listener_of, toggle_listener

        app = self.app
        screen = self.screen
        action = ListenerAction.STOP if listener_of(app) is not None else ListenerAction.START
        entries: list[Entry] = [
            (f"practice: {action} the Competitive Companion listener",
             partial(toggle_listener, app),
             "Receive problems from the browser extension (port 10043)"),
        ]
        if isinstance(screen, PracticeScreen):
            for spec in PRACTICE_KEYS:
                entries.append((spec.palette, partial(app.call_later, screen.run_action,
                                                      spec.action), f"key: {spec.keys}"))
            from orps_tui.sandbox.languages import Language

            for language in Language:
                if language is not screen.language:
                    entries.append((
                        f"practice: switch to {language.label}",
                        partial(_switch_language, screen, language),
                        f"solution.{language.spec.extensions[0][1:]}: Python is the only "
                        "language for function problems"))
        elif getattr(screen, "problem_ref", None):
            from orps_tui.app.screens.practice_hooks import open_practice

            entries.append(("practice: open the picked problem",
                            partial(open_practice, app, screen.problem_ref),  # type: ignore[attr-defined]
                            "Write and judge your own solution"))
            from orps_tui.sandbox.languages import Language

            for language in Language:
                if language is not Language.PYTHON:
                    entries.append((
                        f"practice: open the picked problem in {language.label}",
                        partial(open_practice, app, screen.problem_ref, language),  # type: ignore[attr-defined]
                        f"solution.{language.spec.extensions[0][1:]}: stdio problems only"))
        return entries


def _switch_language(screen: Any, language: Any) -> None:
    """Reopen practice for the same problem with its solution file in `language`."""
    from orps_tui.app.screens.practice import PracticeScreen
    from orps_tui.sandbox.languages import UnsupportedLanguage

    try:
        replacement = PracticeScreen(screen.problem, language=language)
    except (UnsupportedLanguage, OSError) as exc:
        screen.app.notify(str(exc), severity="error")
        return
    screen.app.switch_screen(replacement)
