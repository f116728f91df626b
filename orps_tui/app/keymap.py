"""Every key of the search screen in one table: binding id, default keys, action,
the name the command palette shows, and the line the help screen shows.

Bindings are built from this table, so the palette, the help screen and the keymap in
the config file (`[ui.keys]`, binding id -> key) can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str
    action: str
    palette: str
    """The command palette's name, `pane: what it does`."""
    help: str
    show: bool = False
    """Shown in the footer."""
    changes_search: bool = False
    """Refused (with a notification) in a read-only session."""
    continues: bool = False
    """Also offered once the search has finished: it continues the search."""
    key_display: str | None = None
    priority: bool = False
    """Handled before the focused widget (practice keys work while the editor has focus)."""


TREE_KEYS: tuple[KeySpec, ...] = (
    KeySpec("tree.up", "up,k", "cursor_up", "tree: previous node", "Move up one line"),
    KeySpec("tree.down", "down,j", "cursor_down", "tree: next node", "Move down one line"),
    KeySpec("tree.parent", "left,u", "go_parent", "tree: go to parent", "Go to the parent node"),
    KeySpec("tree.first_child", "right,l", "go_first_child", "tree: go to first child",
            "Go to the first child (expanding it)"),
    KeySpec("tree.next_sibling", "right_square_bracket,shift+down", "go_next_sibling",
            "tree: next sibling", "Go to the next sibling", key_display="]"),
    KeySpec("tree.prev_sibling", "left_square_bracket,shift+up", "go_prev_sibling",
            "tree: previous sibling", "Go to the previous sibling", key_display="["),
    KeySpec("tree.top", "home,g", "scroll_home", "tree: first node", "Go to the first node"),
    KeySpec("tree.bottom", "end,G", "scroll_end", "tree: last node", "Go to the last node"),
    KeySpec("tree.toggle", "enter", "toggle_node", "tree: fold or unfold",
            "Fold or unfold the node's children"),
    KeySpec("tree.next_best", "n", "next_best", "tree: go to next best",
            "Go to the best node, then the next best on each press", show=True),
    KeySpec("tree.next_failing", "f", "next_failing", "tree: go to next failing",
            "Go to the next node that fails a public test"),
)

SEARCH_KEYS: tuple[KeySpec, ...] = (
    KeySpec("tree.prune", "p", "prune", "tree: prune branch",
            "Prune the node and its subtree (again: unprune)", show=True, changes_search=True),
    KeySpec("tree.boost", "b", "boost", "tree: boost node",
            "Keep the node in the next beam whatever its rank", show=True, changes_search=True),
    KeySpec("tree.expand", "e", "expand", "tree: expand now",
            "Expand the node now with K children (a finished search continues)", show=True,
            changes_search=True, continues=True),
    KeySpec("tree.expand_with", "o", "expand_with", "tree: expand with settings",
            "Expand the node now, choosing K, temperature and an extra instruction",
            changes_search=True, continues=True),
    KeySpec("tree.hint", "h", "hint", "tree: add hint",
            "Add a hint the next programmer call from this node sees", show=True,
            changes_search=True, continues=True),
    KeySpec("tree.edit", "E", "edit", "tree: edit code into a new child",
            "Edit the code into a new person-written child (judged and critiqued)",
            changes_search=True, continues=True),
    KeySpec("tree.edit_external", "ctrl+e", "edit_external", "tree: edit code in $EDITOR",
            "Like E, in your $EDITOR", changes_search=True, continues=True),
    KeySpec("search.pause", "space", "pause", "search: pause or resume",
            "Pause or resume the search", show=True, changes_search=True),
    KeySpec("search.cancel", "escape", "cancel", "search: cancel in-flight calls",
            "Cancel the model calls in flight (their nodes become cancelled)",
            changes_search=True, key_display="esc"),
    KeySpec("search.budget", "B", "budget", "search: change the budget",
            "More rounds or calls, another K or beam (a finished search goes on)",
            changes_search=True, continues=True),
    KeySpec("search.stop", "S", "stop", "search: stop and grade the best",
            "Stop now: cancel the calls in flight, pick the best node and grade it",
            changes_search=True),
    KeySpec("tree.rejudge", "r", "rejudge", "tree: re-run judge on all tests",
            "Re-run the node's code on the public and hidden tests"),
    KeySpec("tree.rejudge_all", "R", "rejudge_all", "tree: re-run judge on all tests, every node",
            "Re-run every node's code on all tests; the tree marks ✓all / ✗all"),
    KeySpec("tree.copy", "c", "copy_code", "tree: copy code", "Copy the node's code"),
    KeySpec("tree.export", "x", "export", "search: export solution",
            "Export the selected (or best) solution to a file", show=True),
    KeySpec("search.save", "s", "save", "search: save session", "Save the session now"),
    KeySpec("tree.mark", "m", "mark", "tree: mark node for diff",
            "Mark the node: D then diffs any node against it"),
    KeySpec("tree.diff_mark", "D", "diff_mark", "tree: diff node against the mark",
            "Diff the node's code and reasoning against the marked node"),
    KeySpec("tree.table", "t", "node_table", "tree: node table (sort, filter)",
            "Every node with its costs, scores, fate and steering; sort and filter"),
    KeySpec("profiler.profile", "P", "profile", "profiler: profile a test",
            "Profile one test of the node: per-line heat next to the code"),
    KeySpec("detail.reasoning", "1", "show_tab('reasoning')", "detail: reasoning tab",
            "Show the reasoning"),
    KeySpec("detail.code", "2", "show_tab('code')", "detail: code tab", "Show the code"),
    KeySpec("detail.critique", "3", "show_tab('critique')", "detail: critique tab",
            "Show the critique"),
    KeySpec("detail.diff", "4", "show_tab('diff')", "detail: diff tab",
            "Show the diff against the parent"),
    KeySpec("detail.prompt", "5", "show_tab('prompt')", "detail: prompt tab",
            "Show the prompt sent to the programmer"),
    KeySpec("app.help", "question_mark", "help", "help: keys", "Keys of the focused pane",
            show=True, key_display="?"),
    KeySpec("app.guide", "f1", "guide", "help: about ORPS and the panes",
            "What ORPS does and what each pane shows"),
)

APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.quit", "ctrl+q", "request_quit", "app: quit", "Quit (asks if a search is running)",
            show=True),
    KeySpec("app.palette", "ctrl+p", "command_palette", "app: command palette",
            "Open the command palette", key_display="^p"),
)


def _practice(name: str, keys: str, action: str, what: str, *, show: bool = False) -> KeySpec:
    return KeySpec(f"practice.{name}", keys, action, f"practice: {what}", what, show=show,
                   priority=keys != "escape")


PRACTICE_KEYS: tuple[KeySpec, ...] = (
    _practice("save", "ctrl+s", "save", "Save", show=True),
    _practice("editor", "f2", "open_editor", "$EDITOR", show=True),
    _practice("watch", "f3", "toggle_watch", "Watch", show=True),
    _practice("judge_public", "f5", "judge('public')", "Judge public", show=True),
    _practice("judge_all", "f6", "judge('all')", "Judge all", show=True),
    _practice("add_test", "f7", "add_test", "Add test", show=True),
    _practice("mark_expected", "f8", "mark_expected", "Output→expected"),
    _practice("stress", "f9", "stress", "Stress", show=True),
    _practice("save_stress", "ctrl+g", "save_stress", "Save stress input"),
    _practice("coach", "f4", "coach", "Coach", show=True),
    _practice("coach_solutions", "f12", "coach_solutions", "Model solutions"),
    _practice("export", "f10", "export_history", "Export history"),
    _practice("back", "escape", "leave", "Back", show=True),
    _practice("tab_statement", "alt+1", "tab('tab-statement')", "Statement"),
    _practice("tab_results", "alt+2", "tab('tab-results')", "Results"),
    _practice("tab_tests", "alt+3", "tab('tab-tests')", "Custom tests"),
    _practice("tab_stress", "alt+4", "tab('tab-stress')", "Stress"),
    _practice("tab_coach", "alt+5", "tab('tab-coach')", "Coach"),
    _practice("tab_history", "alt+6", "tab('tab-history')", "History"),
    _practice("next_tab", "ctrl+pagedown", "next_tab(1)", "Next tab"),
    _practice("prev_tab", "ctrl+pageup", "next_tab(-1)", "Previous tab"),
)
"""Function keys, ctrl and alt keys, so they work while the inline editor has focus (Tab
indents there); the tab keys switch the right-hand pane without leaving the editor."""

ALL_KEYS: tuple[KeySpec, ...] = TREE_KEYS + SEARCH_KEYS + APP_KEYS + PRACTICE_KEYS
BY_ID: dict[str, KeySpec] = {k.id: k for k in ALL_KEYS}


def bindings(specs: tuple[KeySpec, ...]) -> list[BindingType]:
    return [
        Binding(s.keys, s.action, s.palette.split(": ", 1)[1], show=s.show, id=s.id,
                key_display=s.key_display, priority=s.priority)
        for s in specs
    ]


REFUSED_SUFFIX = ".refused"


def refusal_bindings(specs: tuple[KeySpec, ...]) -> list[BindingType]:
    """Hidden twins of the keys that change a search (id `<id>.refused`). Where the search
    cannot be changed (a review, a finished search) the screen hides the real binding, so
    the footer does not offer it, and the twin says why the key does nothing."""
    return [
        Binding(s.keys, f"refused('{s.id}')", s.palette.split(": ", 1)[1], show=False,
                id=s.id + REFUSED_SUFFIX, key_display=s.key_display)
        for s in specs if s.changes_search
    ]


def with_refusal_twins(keymap: dict[str, str]) -> dict[str, str]:
    """The keymap, with each remapped search-changing key's twin moved along with it."""
    twins = {k + REFUSED_SUFFIX: v for k, v in keymap.items()
             if k in BY_ID and BY_ID[k].changes_search}
    return {**keymap, **twins}


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """One line per keymap entry naming an unknown binding id."""
    return [
        f"ui.keys: unknown binding id `{bid}` (known: {', '.join(sorted(BY_ID))})"
        for bid in keymap
        if bid not in BY_ID
    ]
