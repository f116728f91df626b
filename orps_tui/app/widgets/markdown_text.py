"""Markdown drawn as one block of text: for views redrawn on every move in the tree.

Textual's `Markdown` widget mounts a widget per block and lays them all out again on each
update, which was most of the cost of a key in review (about 140 ms of 320 on a loaded
2-core machine, `bench/ui.py --nav`). Here Rich renders the whole text in one widget that
scrolls; a text that only grew (streaming) is drawn again the same way.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.containers import VerticalScroll
from textual.widgets import Static


class MarkdownText(VerticalScroll):
    """`show(text)` draws `text` as Markdown; unchanged text costs nothing."""

    DEFAULT_CSS = """
    MarkdownText > Static { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(Static(""), **kwargs)
        self._shown = ""
        self._dark: bool | None = None

    def show(self, text: str) -> None:
        dark = self.app.current_theme.dark
        if text == self._shown and dark == self._dark:
            return
        self._shown, self._dark = text, dark
        code_theme = "monokai" if dark else "default"
        self.query_one(Static).update(Markdown(text, code_theme=code_theme, hyperlinks=False))

    @property
    def shown(self) -> str:
        return self._shown
