"""Ask for a stress run: the generator file, the brute force (blank: the reference), N."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


@dataclass(frozen=True)
class StressRequest:
    generator: Path
    brute: Path | None
    n: int
    seed: int | None


class PracticeStressModal(ModalScreen[StressRequest | None]):
    DEFAULT_CSS = """
    PracticeStressModal { align: center middle; }
    PracticeStressModal #stress-dialog { width: 80; height: auto; border: thick $primary;
        background: $surface; padding: 1; }
    PracticeStressModal #stress-buttons { height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="practice.stress_cancel")]

    def __init__(self, generator: str = "", brute: str = "", n: int = 500) -> None:
        super().__init__()
        self.defaults = (generator, brute, n)

    def compose(self) -> ComposeResult:
        generator, brute, n = self.defaults
        with Vertical(id="stress-dialog"):
            yield Label("stress test (enter runs, esc cancels)", classes="dialog-title")
            yield Label("generator GEN.py (gets a seed as its first argument, prints one input)")
            yield Input(generator, placeholder="path/to/gen.py", id="stress-gen")
            yield Label("brute force BRUTE.py (blank: the problem's reference)")
            yield Input(brute, placeholder="(reference)", id="stress-brute")
            yield Label("inputs to try, and an optional seed")
            with Horizontal(id="stress-numbers"):
                yield Input(str(n), id="stress-n", type="integer")
                yield Input("", placeholder="seed (random)", id="stress-seed", type="integer")
            with Horizontal(id="stress-buttons"):
                yield Button("Run", variant="primary", id="stress-run")
                yield Button("Cancel", id="stress-cancel")

    def on_mount(self) -> None:
        self.query_one("#stress-gen", Input).focus()

    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    def submit(self) -> None:
        gen = Path(self._value("#stress-gen")).expanduser()
        if not self._value("#stress-gen") or not gen.is_file():
            self.notify(f"generator: no such file {str(gen)!r}", severity="error")
            return
        brute_text = self._value("#stress-brute")
        brute = Path(brute_text).expanduser() if brute_text else None
        if brute is not None and not brute.is_file():
            self.notify(f"brute force: no such file {brute_text!r}", severity="error")
            return
        try:
            n = int(self._value("#stress-n") or "500")
            seed = int(self._value("#stress-seed")) if self._value("#stress-seed") else None
        except ValueError:
            self.notify("inputs and seed must be whole numbers", severity="error")
            return
        if n < 1:
            self.notify("inputs to try: at least 1", severity="error")
            return
        self.dismiss(StressRequest(gen, brute, n, seed))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "stress-run":
            self.submit()
        else:
            self.action_cancel()
