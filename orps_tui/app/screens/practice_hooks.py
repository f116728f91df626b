"""How the rest of the app reaches practice mode: open it for a problem, and switch the
Competitive Companion listener on and off (problems it receives appear at once)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from orps_tui.problems.companion_listener import DEFAULT_PORT, CompanionListener, ListenerError
from orps_tui.problems.model import Problem
from orps_tui.sandbox.languages import Language, UnsupportedLanguage

LISTENER_ATTR = "practice_listener"


def open_practice(app: App[Any], ref: str | None, language: Language | None = None) -> None:
    """Open the practice screen for a problem file path or id (notify when there is none),
    with the solution file in `language` (default: the one last written, else Python)."""
    from orps_tui.app.screens.practice import PracticeScreen
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    if not ref:
        app.notify("pick a problem first", severity="warning")
        return
    try:
        problem = find_problem(ref)
    except (ProblemError, ProblemNotFound, OSError) as exc:
        app.notify(f"cannot open {ref}: {str(exc).splitlines()[0]}", severity="error")
        return
    try:
        screen = PracticeScreen(problem, language=language)
    except (UnsupportedLanguage, OSError) as exc:
        app.notify(str(exc), severity="error")
        return
    app.push_screen(screen)


def listener_of(app: App[Any]) -> CompanionListener | None:
    return getattr(app, LISTENER_ATTR, None)


def toggle_listener(app: App[Any], port: int = DEFAULT_PORT, out: Path | None = None) -> bool:
    """Start or stop the listener; True when it is running afterwards."""
    from orps_tui.problems.companion_listener import save_to
    from orps_tui.problems.library import inbox_dir

    current = listener_of(app)
    if current is not None:
        current.stop()
        setattr(app, LISTENER_ATTR, None)
        app.notify("Competitive Companion listener stopped")
        return False
    save = save_to(out or inbox_dir())

    def received(problem: Problem) -> Path | str | None:
        path = save(problem)  # on the listener's thread; the UI work goes to the app's loop
        app.call_from_thread(problem_arrived, app, problem, path)
        return path

    def rejected(message: str) -> None:
        app.call_from_thread(app.notify, f"listener rejected a problem: {message}",
                             severity="warning")

    listener = CompanionListener(received, port=port, on_error=rejected)
    try:
        listener.start()
    except ListenerError as exc:
        app.notify(str(exc), severity="error")
        return False
    setattr(app, LISTENER_ATTR, listener)
    app.notify(f"listening for Competitive Companion on {listener.url} "
               "(add the port in the extension's settings)")
    return True


def problem_arrived(app: App[Any], problem: Problem, path: Path) -> None:
    """On the app's loop: refresh every problem list, and say what arrived."""
    from orps_tui.app.widgets.problem_picker import ProblemPicker

    for screen in app.screen_stack:
        for picker in screen.query(ProblemPicker):
            picker.load()
    app.notify(f"received {problem.title} ({problem.id}) from the browser", timeout=8)
