"""The detail pane: tabs Reasoning, Code, Critique, Diff and Prompt for the selected node."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from orps_tui.app.node_format import generation_note, node_summary
from orps_tui.app.palette import Palette
from orps_tui.app.widgets.code_view import CodeView
from orps_tui.app.widgets.critique_view import CritiqueView, critique_markdown
from orps_tui.app.widgets.diff_view import DiffView, diff_text
from orps_tui.app.widgets.prompt_view import PromptView, prompt_text
from orps_tui.app.widgets.reasoning_view import ReasoningView
from orps_tui.search.tree import Node, NodeState

TABS = ("reasoning", "code", "critique", "diff", "prompt")


def reasoning_markdown(node: Node, streamed: str = "") -> str:
    if node.state is NodeState.GENERATING or (streamed and not node.reasoning and not node.code):
        return streamed or "*Waiting for the first tokens…*"
    if node.reasoning:
        return node.reasoning
    if node.state is NodeState.ERROR:
        return f"**Error:** {node.error}\n\n{node.raw_output}"
    if node.state is NodeState.PENDING:
        return "*Waiting for a model slot.*"
    return "*No reasoning: the answer held code only.*"


class DetailPane(Vertical):
    HELP = "Node detail. Keys 1-5 switch tabs: Reasoning, Code, Critique, Diff, Prompt."

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "detail"
        self.node_id: int | None = None
        self._static_key: dict[str, tuple[object, ...]] = {}
        self._summary = ""
        self._shown: tuple[Node, Node | None, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Select a node in the tree.", id="detail-summary")
        with TabbedContent(id="detail-tabs", initial="reasoning"):
            yield TabPane("Reasoning", ReasoningView(id="reasoning-view"), id="reasoning")
            yield TabPane("Code", CodeView(id="code-view"), id="code")
            yield TabPane("Critique", CritiqueView(id="critique-view"), id="critique")
            yield TabPane("Diff", DiffView(id="diff-view"), id="diff")
            yield TabPane("Prompt", PromptView(id="prompt-view"), id="prompt")

    def show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.query_one(TabbedContent).active = tab

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def show_node(
        self,
        node: Node,
        parent: Node | None,
        *,
        programmer_stream: str = "",
        critic_stream: str = "",
        answer: bool = False,
    ) -> None:
        """Show `node` (`answer`: the search's answer); cheap to call again (each view
        skips unchanged content)."""
        self.node_id = node.id
        summary = ("★ the answer · " if answer else "") + node_summary(node) \
            + generation_note(node)
        if summary != self._summary:
            self._summary = summary
            self.query_one("#detail-summary", Static).update(summary)
        self._shown = (node, parent, programmer_stream, critic_stream)
        # Only the tab in view is drawn now; another is drawn when it is opened. Loading
        # the code view (highlighting) on every move cost most of a key in review.
        self._draw_tab(self.active_tab)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id is not None:
            self._draw_tab(event.pane.id)

    def _draw_tab(self, tab: str) -> None:
        if self._shown is None:
            return
        node, parent, programmer_stream, critic_stream = self._shown
        if tab == "reasoning":
            self.query_one(ReasoningView).show(reasoning_markdown(node, programmer_stream))
        elif tab == "code":
            self.query_one(CodeView).show(node.code)
        elif tab == "critique":
            self.query_one(CritiqueView).show(critique_markdown(node, critic_stream))
        elif tab in ("diff", "prompt"):
            # Diff and prompt change only with the code and the prompt: skip them while
            # streaming.
            palette = Palette.of(self.app)
            key = (tab, node.id, node.code, id(node.prompt), len(node.prompt),
                   parent.code if parent else None, palette)
            if key == self._static_key.get(tab):
                return
            self._static_key[tab] = key
            if tab == "diff":
                parent_code = parent.code if parent is not None else None
                parent_label = f"#{parent.id}" if parent is not None else "parent"
                self.query_one(DiffView).show(diff_text(parent_code, node.code, parent_label,
                                                        palette))
            else:
                self.query_one(PromptView).show(prompt_text(node.prompt))
