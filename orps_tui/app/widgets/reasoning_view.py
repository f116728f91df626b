"""The Reasoning tab: the programmer's reasoning as Markdown, growing while it streams."""

from __future__ import annotations

from orps_tui.app.widgets.markdown_text import MarkdownText


class ReasoningView(MarkdownText):
    pass
