"""What the search screen drives: a live engine, or a loaded session (read-only).

The only module of the app that knows the engine's API beyond events and commands; the
screen asks it for nodes, header figures and the judge, and sends commands through it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orps_tui.app.node_format import hidden_grade
from orps_tui.app.widgets.status_header import HeaderInfo
from orps_tui.problems.model import Problem
from orps_tui.search import events as ev
from orps_tui.search.tree import Node, cached_share

READ_ONLY = "read-only session (opened with --review: open it without --review to continue it)"


class ReadOnlyError(Exception):
    """A steering command was sent to a session that is only being reviewed."""


@dataclass
class SearchLink:
    problem: Problem
    model_uri: str
    tree: Any
    """The engine's tree (or a loaded session's): `.nodes` and `best_id()`."""
    engine: Any | None = None
    judge: Any | None = None
    session_path: Path | None = None
    read_only: bool = False
    read_only_reason: str = READ_ONLY
    """What a steering key says in a read-only session."""
    budget: Mapping[str, int] = field(default_factory=dict)
    """samples, beam, rounds, concurrency as launched; for a reviewed session also
    `round` (the last) and `max_calls` (for the header)."""
    review_elapsed_s: float | None = None
    """A loaded session's recorded wall time (None hides the clock)."""
    review_answer_id: int | None = None
    """A loaded session's answer (from its end record)."""

    # ---- reading ---------------------------------------------------------------------

    @property
    def current_tree(self) -> Any:
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
        result = getattr(self.engine, "result", None)
        if result is not None:
            return result.answer_id
        return self.review_answer_id

    @property
    def autosaves(self) -> bool:
        """The engine writes the session as it goes: nothing is ever unsaved (a reopened
        finished session writes again once it continues)."""
        return getattr(self.engine, "session", None) is not None or \
            getattr(self.engine, "session_directory", None) is not None

    @property
    def last_round(self) -> bool:
        """The live search is in its last round: nothing it keeps is expanded again."""
        stats = getattr(self.engine, "stats", None)
        config = getattr(self.engine, "config", None)
        return stats is not None and config is not None and stats.round >= config.rounds

    @property
    def paused(self) -> bool:
        return bool(getattr(self.engine, "paused", False))

    def header(self, state: str, *, frozen_clock: bool = False) -> HeaderInfo:
        """The same figures live and in review, each from one source: calls and tokens from
        the calls recorded on the nodes (every call is, however it ended), nodes from the
        tree, the budget from the search's config, the time from the engine's clock (which
        a resumed search carries on) or the session's."""
        stats = getattr(self.engine, "stats", None)
        config = getattr(self.engine, "config", None)
        rounds = int(getattr(config, "rounds", self.budget.get("rounds", 0)))
        nodes = list(self.nodes.values())
        calls = [c for n in nodes for c in n.calls]
        if stats is not None:
            round_no, max_calls, elapsed = stats.round, stats.budget, stats.elapsed_s
        else:
            round_no = self.budget.get("round", max((n.round for n in nodes), default=0))
            max_calls = self.budget.get("max_calls", 0)
            elapsed = self.review_elapsed_s
        return HeaderInfo(
            problem=self.problem.id,
            model=self.model_uri,
            round=round_no,
            rounds=rounds,
            nodes=len(nodes),
            llm_calls=len(calls),
            max_calls=max_calls,
            tokens=sum(c.prompt_tokens + c.completion_tokens for c in calls),
            cached_share=cached_share(calls),
            elapsed_s=None if frozen_clock else elapsed,
            state=state,
            hidden=hidden_grade(getattr(self.node(self.answer_id), "hidden_report", None)),
        )

    # ---- driving ---------------------------------------------------------------------

    def subscribe(self, callback: Callable[[ev.Event], None]) -> Callable[[], None]:
        if self.engine is None:
            return lambda: None
        return self.engine.subscribe(callback)

    @property
    def finished(self) -> bool:
        """The live search has ended: its session file is closed, a command would change
        the tree on screen and nothing else."""
        return self.engine is not None and getattr(self.engine, "result", None) is not None

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
        return bool(getattr(self.engine, "can_continue", False))

    @property
    def config(self) -> Any:
        """The live (or continuable) search's config, None in a read-only review."""
        return getattr(self.engine, "config", None)

    async def run(self) -> Any:
        if self.engine is None:
            return None
        return await self.engine.run()

    def save(self) -> Path | None:
        """The session folder: the engine writes (and fsyncs) every change as it happens,
        so saving only flushes. None when this search has no session file."""
        session = getattr(self.engine, "session", None)
        if session is None:
            return self.session_path
        file = getattr(session, "_file", None)
        if file is not None and not file.closed:
            file.flush()
        self.session_path = Path(session.directory)
        return self.session_path

    def get_judge(self) -> Any:
        """The engine's judge, or a fresh one for a reviewed session (built on first use)."""
        if self.judge is None and self.engine is not None:
            self.judge = getattr(self.engine, "judge", None)
        if self.judge is None:
            from orps_tui.sandbox.judge import Judge

            self.judge = Judge(self.problem)
        return self.judge

    async def judge_all(self, code: str) -> Any:
        judge = self.get_judge()
        return await judge.arun(code, "all")

    async def profile(self, code: str, test_name: str) -> Any:
        judge = self.get_judge()
        return await asyncio.to_thread(judge.profile, code, test_name)

