"""The live search tree: one line per node (glyph, id, pass rate, scores), best marked.

It is fed in batches (`sync`) by the search screen, never per engine event, so a tree of
thousands of nodes stays responsive while the engine streams.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from orps_tui.app.keymap import TREE_KEYS, bindings
from orps_tui.app.node_format import node_label
from orps_tui.app.palette import Palette
from orps_tui.search.tree import Node, NodeState


class SearchTree(Tree[int], inherit_bindings=False):
    """Tree of search nodes; `data` of each line is the node id (the root line holds -1)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(TREE_KEYS)
    HELP = "The search tree. Each line: state glyph, node id, pass rate on public tests, " \
           "critic (process) score p, outcome score o, strategy. ★ marks the best node."

    class NodeFocused(Message):
        """The cursor moved onto a search node."""

        def __init__(self, node_id: int) -> None:
            self.node_id = node_id
            super().__init__()

    def __init__(self, title: str = "search", **kwargs) -> None:
        super().__init__(Text(title, style="bold"), data=-1, **kwargs)
        self.show_root = False
        self.guide_depth = 3
        self._line_of: dict[int, TreeNode[int]] = {}
        self._best_id: int | None = None
        self._best_cycle: list[int] = []
        self._best_pos = -1
        self._search_nodes: Mapping[int, Node] = {}
        self._all_tests: dict[int, bool] = {}

    # ---- feeding ---------------------------------------------------------------

    def sync(
        self,
        nodes: Mapping[int, Node],
        changed: Iterable[int] = (),
        best_id: int | None = None,
    ) -> None:
        """Add lines for new nodes and relabel changed ones, in one pass."""
        self._search_nodes = nodes
        palette = Palette.of(self.app)
        to_label: set[int] = set(changed)
        if best_id != self._best_id:
            to_label.update(i for i in (best_id, self._best_id) if i is not None)
            self._best_id = best_id
        for node_id in sorted(nid for nid in nodes if nid not in self._line_of):
            node = nodes[node_id]
            parent_line = self._line_of.get(node.parent_id) if node.parent_id is not None else None
            anchor = parent_line if parent_line is not None else self.root
            line = anchor.add(self._label(node, node_id == best_id, palette),
                              data=node_id,
                              expand=True, allow_expand=False)
            self._line_of[node_id] = line
            to_label.discard(node_id)
            if anchor is not self.root:
                anchor.allow_expand = True
        for node_id in to_label:
            shown = self._line_of.get(node_id)
            latest = nodes.get(node_id)
            if shown is not None and latest is not None:
                shown.set_label(self._label(latest, node_id == self._best_id, palette))
        if self.cursor_node is None and self._line_of:
            self.move_to(min(self._line_of))

    def _label(self, node: Node, best: bool, palette: Palette) -> Text:
        """The node's line, its strategy cut to what the pane leaves beside the guides."""
        width = self.scrollable_content_region.width or 40
        indent = self.guide_depth * node.depth + 2  # the guides, or a root's fold mark
        return node_label(node, best=best, palette=palette, width=width - indent,
                          all_tests=self._all_tests.get(node.id))

    def mark_all_tests(self, node_id: int, passed: bool) -> None:
        """Mark a node judged on every test (hidden ones too): it passed them all or not."""
        self._all_tests[node_id] = passed
        line, node = self._line_of.get(node_id), self._search_nodes.get(node_id)
        if line is not None and node is not None:
            line.set_label(self._label(node, node_id == self._best_id, Palette.of(self.app)))

    def on_resize(self) -> None:
        if self._search_nodes:
            self.sync(self._search_nodes, list(self._line_of), self._best_id)

    @property
    def selected_id(self) -> int | None:
        node = self.cursor_node
        if node is None or node.data is None or node.data < 0:
            return None
        return node.data

    def line_for(self, node_id: int) -> TreeNode[int] | None:
        return self._line_of.get(node_id)

    def move_to(self, node_id: int) -> bool:
        line = self._line_of.get(node_id)
        if line is None:
            return False
        parent = line.parent
        while parent is not None:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        self.move_cursor(line)
        if self.cursor_node is line:
            self.post_message(self.NodeFocused(node_id))
        else:
            # The line cache rebuilds on the next refresh; retry then.
            self.call_after_refresh(self._retry_move, line, node_id)
        return True

    def _retry_move(self, line: TreeNode[int], node_id: int) -> None:
        self.move_cursor(line)
        self.post_message(self.NodeFocused(node_id))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        event.stop()
        if event.node.data is not None and event.node.data >= 0:
            self.post_message(self.NodeFocused(event.node.data))

    # ---- navigation actions ------------------------------------------------------

    def action_go_parent(self) -> None:
        node = self.cursor_node
        if node is not None and node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_go_first_child(self) -> None:
        node = self.cursor_node
        if node is None or not node.children:
            return
        if not node.is_expanded:
            node.expand()
        self.move_to(node.children[0].data)  # type: ignore[arg-type]

    def _siblings(self) -> tuple[list[TreeNode[int]], int] | None:
        node = self.cursor_node
        if node is None or node.parent is None:
            return None
        siblings = list(node.parent.children)
        return siblings, siblings.index(node)

    def action_go_next_sibling(self) -> None:
        found = self._siblings()
        if found and found[1] + 1 < len(found[0]):
            self.move_cursor(found[0][found[1] + 1])

    def action_go_prev_sibling(self) -> None:
        found = self._siblings()
        if found and found[1] > 0:
            self.move_cursor(found[0][found[1] - 1])

    def action_next_best(self) -> None:
        """Best first, then down the ranking (pass rate, process, outcome) on each press."""
        ranked = sorted(
            (n for n in self._search_nodes.values() if n.report is not None),
            key=lambda n: (n.pass_rate or 0.0, n.process_score or 0.0, n.outcome_score or 0.0,
                           -n.id),
            reverse=True,
        )
        if self._best_id is not None:
            ranked.sort(key=lambda n: n.id != self._best_id)
        ids = [n.id for n in ranked]
        if not ids:
            self.notify("no scored node yet")
            return
        if ids != self._best_cycle:
            self._best_cycle, self._best_pos = ids, -1
        self._best_pos = (self._best_pos + 1) % len(ids)
        self.move_to(ids[self._best_pos])

    def action_next_failing(self) -> None:
        failing = sorted(
            n.id for n in self._search_nodes.values()
            if (n.report is not None and n.report.pass_rate < 1.0) or n.state is NodeState.ERROR
        )
        if not failing:
            self.notify("no failing node")
            return
        current = self.selected_id if self.selected_id is not None else -1
        later = [i for i in failing if i > current]
        self.move_to(later[0] if later else failing[0])
