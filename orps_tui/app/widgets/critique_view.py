"""The Critique tab: the critic's review and its 1-5 score."""

from __future__ import annotations

from orps_tui.app.widgets.markdown_text import MarkdownText
from orps_tui.search.tree import Node, NodeState


def critique_markdown(node: Node, streamed: str = "") -> str:
    if node.state is NodeState.CRITIQUING and streamed:
        return f"*The critic is writing…*\n\n{streamed}"
    if not node.critique and node.process_score is None:
        if node.state.busy:
            return "*No critique yet: the node is still being generated or judged.*"
        return "*No critique for this node.*"
    head = []
    if node.process_score is not None:
        head.append(f"**Critic score: {node.process_score:.1f} / 5**")
    if node.critic_finished:
        head.append("**The critic declared this solution finished.**")
    body = node.critique or "*(the critic gave a score without comments)*"
    return "\n\n".join([*head, body])


class CritiqueView(MarkdownText):
    pass
