"""The coach: the search engine's critic reviews the user's own code.

The code becomes a person-written root of a fresh search tree; the engine judges it on the
public tests and the critic reviews it with that execution analysis (a critique and a 1-5
score, no code). Only when asked does `expand()` let the programmer model write children
of that root, which may hold full solutions.

Both steps run the real `SearchEngine`, started from a tree built here (the engine's
`restore` path), so the prompts, parsing and scoring are exactly the search's own.
"""

from __future__ import annotations

from orps_tui.llm.base import ChatModel
from orps_tui.problems.model import Problem
from orps_tui.search import events as ev
from orps_tui.search.engine import JudgeLike, SearchConfig
from orps_tui.search.launch import rounds_on_tree
from orps_tui.search.tree import Author, Node, SearchTree


class CoachError(RuntimeError):
    """The model could not review the code (no server, model missing, ...): one line."""


class Coach:
    """Review, then optionally expand, one person-written root. Runs on one event loop."""

    def __init__(self, problem: Problem, model: ChatModel, judge: JudgeLike,
                 config: SearchConfig | None = None):
        self.problem = problem
        self.model = model
        self.judge = judge
        base = config or SearchConfig()
        self.config = base.with_overrides(rounds=0, samples=1, beam=1, grade_hidden=False)
        self.expand_samples = base.samples
        self.tree = SearchTree()
        self.root: Node | None = None
        self.errors: list[str] = []

    async def review(self, code: str, note: str = "") -> Node:
        """Judge and critique `code`; the root node holds report, critique and score."""
        self.tree = SearchTree()
        self.errors = []
        self.root = self.tree.new_node(None, author=Author.PERSON, strategy="written by a person",
                                       code=code, raw_output=code, reasoning=note, round=0)
        await self._run(self.config, [])
        if not self.root.critique and self.errors:
            raise CoachError(self.errors[-1])
        return self.root

    async def expand(self) -> list[Node]:
        """The programmer model's children of the reviewed root (judged and critiqued)."""
        if self.root is None:
            raise CoachError("nothing reviewed yet: ask for a review first")
        config = self.config.with_overrides(rounds=1, samples=self.expand_samples)
        before = set(self.root.children)
        await self._run(config, [(0, [self.root.id])])
        children = [self.tree[c] for c in self.root.children if c not in before]
        if not any(c.code for c in children) and self.errors:
            raise CoachError(self.errors[-1])
        return children

    async def _run(self, config: SearchConfig, rounds: list[tuple[int, list[int]]]) -> None:
        engine = rounds_on_tree(self.problem, self.tree, rounds, model=self.model,
                                judge=self.judge, config=config)
        engine.subscribe(self._on_event)
        await engine.run()

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.EngineError):
            self.errors.append(event.message)
