"""Command palette entries: every key of the search screen, by its palette name, and themes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual.command import DiscoveryHit, Hit, Hits, Provider

from orps_tui.app.keymap import SEARCH_KEYS, TREE_KEYS, KeySpec

Entry = tuple[str, Callable[[], object], str]
"""A palette entry: its name, what it runs, its help line."""


class EntryProvider(Provider):
    """A provider over a list of entries (made afresh on each discover / search, as they
    depend on the current screen)."""

    def _entries(self) -> list[Entry]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, callback, help_text in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class SteeringCommands(EntryProvider):
    """`tree: prune branch`, `search: pause or resume`, `theme: orps-light`, ..."""

    def _entries(self) -> list[Entry]:
        from orps_tui.app.screens.search import SearchScreen
        from orps_tui.app.widgets.search_tree import SearchTree

        entries: list[Entry] = []
        screen = self.screen
        if isinstance(screen, SearchScreen):
            tree = screen.query_one(SearchTree)

            def run(target: object, spec: KeySpec) -> None:
                self.app.call_later(target.run_action, spec.action)  # type: ignore[attr-defined]

            for spec in TREE_KEYS:
                entries.append((spec.palette, partial(run, tree, spec), spec.help))
            for spec in SEARCH_KEYS:
                entries.append((spec.palette, partial(run, screen, spec), spec.help))
        entries.append(("sessions: compare two", self._compare_sessions,
                        "Two saved sessions side by side: answer, calls, tokens, tree shape"))
        for name in sorted(self.app.available_themes):
            if name.startswith("orps") or name in getattr(self.app, "user_theme_names", ()):
                entries.append((f"theme: {name}", partial(setattr, self.app, "theme", name),
                                "Switch to this colour theme"))
        return entries

    def _compare_sessions(self) -> None:
        from orps_tui.app.screens.compare_sessions import CompareScreen, SessionPickModal

        def chosen(paths: list[Path] | None) -> None:
            if paths:
                self.app.push_screen(CompareScreen(paths))

        self.app.push_screen(SessionPickModal(), chosen)
