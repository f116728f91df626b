"""A modal form: OK (or ctrl+s) dismisses with `value()`, or warns with the one line it
returns instead; Cancel (or esc) dismisses with None."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Button

T = TypeVar("T")


class FormDialog(ModalScreen[T | None], Generic[T]):
    def value(self) -> T | str:
        """What the form returns, or one line saying which field is wrong."""
        raise NotImplementedError

    def action_submit(self) -> None:
        result = self.value()
        if isinstance(result, str):
            self.notify(result, severity="warning")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()
