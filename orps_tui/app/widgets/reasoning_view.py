"""The Reasoning tab: the programmer's reasoning as Markdown, growing while it streams."""

from __future__ import annotations

from textual.widgets import Markdown


class ReasoningView(Markdown):
    """Appends the new tail when the text only grew (streaming), re-renders otherwise."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._shown = ""

    def show(self, text: str) -> None:
        if text == self._shown:
            return
        if self._shown and text.startswith(self._shown):
            delta = text[len(self._shown):]
            self._shown = text
            self.append(delta)
        else:
            self._shown = text
            self.update(text)

    @property
    def shown(self) -> str:
        return self._shown
