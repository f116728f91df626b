"""What the search screen drives: a live engine, or a loaded session (read-only).

The only module of the app that knows the engine's API beyond events and commands; the
screen asks it for nodes, header figures and the judge, and sends commands through it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from orps_tui.app.node_format import hidden_grade
from orps_tui.app.widgets.status_header import HeaderInfo
from orps_tui.problems.model import Problem
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search import events as ev
from orps_tui.search.search_config import SearchMethod
from orps_tui.search.tree import Node, SearchTree, cached_share

if TYPE_CHECKING:  # the engine is imported on demand (start_search.py), not with the app
    from orps_tui.search.engine import SearchConfig, SearchEngine, SearchResult


class LinkJudge(Protocol):
    """What the screen uses of a judge: `orps_tui.sandbox.judge.Judge` fits."""

    async def arun(self, code: str, which: str = "public") -> JudgeReport: ...

    def profile(self, code: str, test_name: str) -> Any: ...

READ_ONLY = "read-only session (opened with --review: open it without --review to continue it)"


class ReadOnlyError(Exception):
    """A steering command was sent to a session that is only being reviewed."""


@dataclass
class SearchLink:
    problem: Problem
    model_uri: str
    tree: SearchTree
    """The engine's tree (or a loaded session's)."""
    engine: SearchEngine | None = None
    judge: LinkJudge | None = None
    session_path: Path | None = None
    read_only: bool = False
    read_only_reason: str = READ_ONLY
    """What a steering key says in a read-only session."""
    budget: Mapping[str, int] = field(default_factory=dict)
    """samples, beam, rounds, concurrency as launched; for a reviewed session also
    `round` (the last) and `max_calls` (for the header)."""
    method: SearchMethod = SearchMethod.ORPS
    """A loaded session's method (a live search's is its engine's)."""
    review_elapsed_s: float | None = None
    """A loaded session's recorded wall time (None hides the clock)."""
    review_answer_id: int | None = None
    """A loaded session's answer (from its end record)."""
    _listeners: list[Callable[[ev.Event], None]] = field(default_factory=list)
    """Subscribers of a reviewed session (no engine): they hear its regrades."""
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # ---- reading ---------------------------------------------------------------------

    @property
    def current_tree(self) -> SearchTree:
        # A resumed engine swaps in the saved tree when it starts: always ask it.
        return self.engine.tree if self.engine is not None else self.tree

    @property
    def nodes(self) -> Mapping[int, Node]:
        return self.current_tree.nodes

    def node(self, node_id: int | None) -> Node | None:
        return None if node_id is None else self.current_tree.nodes.get(node_id)

    def best_id(self) -> int | None:
        return self.current_tree.best_id()

    @property
    def answer_id(self) -> int | None:
        """The search's answer once it has ended (None before, or with no answer)."""
        if self.engine is not None and self.engine.result is not None:
            return self.engine.result.answer_id
        return self.review_answer_id

    @property
    def autosaves(self) -> bool:
        """The engine writes the session as it goes: nothing is ever unsaved (a reopened
        finished session writes again once it continues)."""
        return self.engine is not None and (self.engine.session is not None
                                            or self.engine.session_directory is not None)

    @property
    def last_round(self) -> bool:
        """The live search is in its last round: nothing it keeps is expanded again."""
        return self.engine is not None and self.engine.stats.round >= self.engine.config.rounds

    @property
    def paused(self) -> bool:
        return self.engine is not None and self.engine.paused

    def header(self, state: str, *, frozen_clock: bool = False) -> HeaderInfo:
        """The same figures live and in review, each from one source: calls and tokens from
        the calls recorded on the nodes (every call is, however it ended), nodes from the
        tree, the budget from the search's config, the time from the engine's clock (which
        a resumed search carries on) or the session's."""
        nodes = list(self.nodes.values())
        calls = [c for n in nodes for c in n.calls]
        elapsed: float | None
        if self.engine is not None:
            stats = self.engine.stats
            rounds = self.engine.config.rounds
            round_no, max_calls, elapsed = stats.round, stats.budget, stats.elapsed_s
            method = self.engine.config.method
        else:
            rounds = self.budget.get("rounds", 0)
            round_no = self.budget.get("round", max((n.round for n in nodes), default=0))
            max_calls = self.budget.get("max_calls", 0)
            elapsed = self.review_elapsed_s
            method = self.method
        answer = self.node(self.answer_id)
        return HeaderInfo(
            problem=self.problem.id,
            model=self.model_uri,
            round=round_no,
            rounds=rounds,
            method="" if method is SearchMethod.ORPS else str(method),
            nodes=len(nodes),
            llm_calls=len(calls),
            max_calls=max_calls,
            tokens=sum(c.prompt_tokens + c.completion_tokens for c in calls),
            cached_share=cached_share(calls),
            elapsed_s=None if frozen_clock else elapsed,
            state=state,
            hidden=hidden_grade(answer.hidden_report if answer is not None else None),
        )

    # ---- driving ---------------------------------------------------------------------

    def subscribe(self, callback: Callable[[ev.Event], None]) -> Callable[[], None]:
        if self.engine is not None:
            return self.engine.subscribe(callback)
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    @property
    def finished(self) -> bool:
        """The live search has ended: its session file is closed, a command would change
        the tree on screen and nothing else."""
        return self.engine is not None and self.engine.result is not None

    def refusal(self, *, continues: bool = False) -> str | None:
        """Why a steering command cannot be sent now, or None when it can. `continues`:
        the command may continue a finished search (expand, hint, edit, budget)."""
        if self.read_only or self.engine is None:
            return self.read_only_reason
        if self.finished and not continues:
            return "the search has finished"
        return None

    def send(self, command: ev.Command, *, continues: bool = False) -> None:
        why = self.refusal(continues=continues)
        if why is not None:
            raise ReadOnlyError(why)
        assert self.engine is not None  # refusal() says why when there is no engine
        self.engine.send(command)

    @property
    def can_continue(self) -> bool:
        """The finished search has work queued: run it again to continue."""
        return self.engine is not None and self.engine.can_continue

    @property
    def config(self) -> SearchConfig | None:
        """The live (or continuable) search's config, None in a read-only review."""
        return None if self.engine is None else self.engine.config

    def regrade(self, node_id: int) -> None:
        """Judge a node on every test; the answer comes to subscribers as `NodeRegraded`
        (or `EngineError`). Works live, finished and in review: it changes nothing. The
        engine does it (`Regrade`); a reviewed session has none, so the same engine-side
        function runs here."""
        if self.engine is not None:
            self.engine.send(ev.Regrade(node_id))
            return
        node = self.node(node_id)
        if node is None:
            self._tell(ev.EngineError(f"regrade: no node {node_id}"))
            return
        task = asyncio.get_running_loop().create_task(self._review_regrade(node))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _review_regrade(self, node: Node) -> None:
        from orps_tui.search.steering import regrade

        self._tell(await regrade(self.get_judge(), node))

    def _tell(self, event: ev.Event) -> None:
        for callback in list(self._listeners):
            callback(event)

    async def run(self) -> SearchResult | None:
        if self.engine is None:
            return None
        return await self.engine.run()

    def save(self) -> Path | None:
        """The session folder: the engine writes every change as it happens (flushed to
        the OS at once, fsynced soon after), so there is nothing left to save. None when
        this search has no session file."""
        if self.engine is None or self.engine.session is None:
            return self.session_path
        self.session_path = Path(self.engine.session.directory)
        return self.session_path

    def get_judge(self) -> LinkJudge:
        """The link's judge (the engine's), or a fresh one for a reviewed session (built
        on first use)."""
        if self.judge is None:
            from orps_tui.sandbox.judge import Judge

            self.judge = Judge(self.problem)
        return self.judge

    async def profile(self, code: str, test_name: str) -> Any:
        judge = self.get_judge()
        return await asyncio.to_thread(judge.profile, code, test_name)

