"""The Code tab: the node's code, read-only, with tree-sitter Python highlighting."""

from __future__ import annotations

from textual.widgets import TextArea


class CodeView(TextArea):
    """Read-only code. Only Python is ever highlighted (other grammars crash tree-sitter 0.26)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            "",
            language=None,
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="focus",
            **kwargs,
        )
        self._code = ""

    def on_mount(self) -> None:
        # The grammar loads here, not at import: tree-sitter stays out of the first frame.
        if "python" in self.available_languages:
            self.language = "python"

    def show(self, code: str) -> None:
        if code != self._code:
            self._code = code
            self.load_text(code)
