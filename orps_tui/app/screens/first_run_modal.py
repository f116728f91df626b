"""The first run's offer: fetch the coder model (with a progress bar) and use it from then on.

Dismissed with the model URI to use: `embedded:coder` once fetched, else `embedded`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar, Static

from orps_tui.app.first_run import SMALL_DEFAULT, CoderAnswer, record, use_coder_from_now_on
from orps_tui.llm.embedded_models import CODER, SMOLLM2

Pull = Callable[[Callable[..., None]], Path]
"""`orps_tui.llm.coder_pull.pull_coder`, or a stand-in (tests): called with a progress
callback, returns the model file or raises ModelError."""

OFFER = (
    f"The default model, {SMOLLM2.title} ({SMOLLM2.parameters}), is tiny: it shows how the "
    "search works but rarely solves a problem. The coder model, "
    f"{CODER.title} ({CODER.parameters}, {CODER.size_bytes / 1e9:.1f} GB download, "
    f"{CODER.speed} on 2 CPU cores), solves easy ones. Fetch it now and use it from then on? "
    "(Later: `orps models pull coder`.)"
)


class FirstRunModal(ModalScreen[str]):
    BINDINGS = [
        Binding("escape,n", "keep_small", "Keep SmolLM2", id="first_run.no"),
        Binding("f,y", "fetch", "Fetch the coder model", id="first_run.fetch"),
    ]

    def __init__(self, pull: Pull | None = None) -> None:
        super().__init__()
        self.pull = pull
        self.fetching = False
        self.outcome: str | None = None
        self._last_step: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run", classes="dialog"):
            yield Label("Fetch a model that can solve problems?", classes="dialog-title")
            yield Static(Content(OFFER), id="first-run-text")
            yield ProgressBar(total=None, show_eta=False, id="first-run-progress")
            yield Static("", id="first-run-status")
            yield Label("f: fetch · n or esc: keep SmolLM2", classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Fetch and use it (f)", variant="primary", id="fetch")
                yield Button("Keep SmolLM2 (n)", id="keep")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#fetch", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fetch":
            self.action_fetch()
        elif event.button.id == "keep":
            self.action_keep_small()
        elif event.button.id == "close":
            self.dismiss(self.outcome or SMALL_DEFAULT)

    def action_keep_small(self) -> None:
        if self.fetching:
            return  # the download finishes or fails on its own; there is no half state
        if self.outcome is None:
            record(CoderAnswer.DECLINED)
        self.dismiss(self.outcome or SMALL_DEFAULT)

    def action_fetch(self) -> None:
        if self.fetching or self.outcome is not None:
            return
        self.fetching = True
        self.query_one(ProgressBar).display = True
        self.query_one(".dialog-buttons").display = False
        self.query_one(".dialog-help").display = False
        self._say("fetching…")
        self._fetch()

    def _say(self, text: str) -> None:
        self.query_one("#first-run-status", Static).update(Content(text))

    def _progress(self, step: object) -> None:
        """A `PullStep` from the fetching thread; shown at most once per percent."""
        total = int(getattr(step, "total", 0)) or 1
        key = (getattr(step, "phase", ""), int(100 * int(getattr(step, "done", 0)) / total))
        if key != self._last_step:
            self._last_step = key
            self.app.call_from_thread(self._show_step, step)

    def _show_step(self, step: object) -> None:
        phase = getattr(step, "phase", "")
        done, total = int(getattr(step, "done", 0)), int(getattr(step, "total", 0))
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=done)
        unit = getattr(step, "unit", "")
        amount = (f"{done / 1e6:,.0f} of {total / 1e6:,.0f} MB" if unit == "bytes"
                  else f"{done} of {total} {unit}")
        self._say({"download": "downloading", "join": "joining and checking",
                   "done": "done"}.get(phase, phase) + f": {amount}")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _fetch(self) -> None:
        from orps_tui.llm.base import ModelError

        pull = self.pull
        if pull is None:
            from orps_tui.llm.coder_pull import pull_coder

            pull = pull_coder
        try:
            pull(self._progress)
        except (ModelError, OSError) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._fetched)

    def _fetched(self) -> None:
        settings = self.app.settings  # type: ignore[attr-defined]
        try:
            where = use_coder_from_now_on(settings)
        except OSError as exc:
            self._finish(CODER.uri, f"fetched; could not write the config ({exc}): pick "
                                    f"{CODER.uri} in the model list")
            record(CoderAnswer.FETCHED, str(exc))
            return
        record(CoderAnswer.FETCHED)
        self._finish(CODER.uri, f"done: {CODER.uri} is your default model now ({where}).")

    def _failed(self, message: str) -> None:
        record(CoderAnswer.FAILED, message)
        self._finish(SMALL_DEFAULT, f"could not fetch it: {message}. Staying with SmolLM2; "
                                    "`orps models pull coder` tries again.")

    def _finish(self, outcome: str, text: str) -> None:
        self.fetching = False
        self.outcome = outcome
        self.query_one(ProgressBar).display = outcome == CODER.uri
        self._say(text)
        buttons = self.query_one(".dialog-buttons")
        buttons.remove_children()
        buttons.mount(Button("Close (esc)", variant="primary", id="close"))
        buttons.display = True
        self.call_after_refresh(lambda: self.query_one("#close", Button).focus())
