"""The ORPS search engine (docs/architecture.md): a beam search over programmer answers, each judged on
the public tests, scored from real execution and reviewed by a critic call.

One engine runs one search on one asyncio event loop. Everything it does is a task on that
loop: model calls stream concurrently up to `concurrency`, the judge runs in its own threads
(its `arun` is awaited, never called blocking), and nothing here blocks the loop.

Talking to it: `subscribe(callback)` for typed events (events.py), `send(command)` for typed
steering commands. Both must be used from the engine's own event loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from orps_tui.llm.base import (
    ChatModel,
    Completion,
    GenOptions,
    Message,
    ModelError,
    ModelErrorKind,
    Usage,
)
from orps_tui.problems.model import Problem, ProblemKind
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search import events as ev
from orps_tui.search.parsing import (
    CRITIC_SCHEMA,
    parse_critique,
    parse_program,
    repetition_detected,
    same_program,
)
from orps_tui.search.prompts import LAYOUT, PromptLayout, Role, strategy_for
from orps_tui.search.scoring import outcome_parts, select_beam
from orps_tui.search.search_config import SearchConfig, SearchResult, SearchStats, StopReason
from orps_tui.search.steering import HANDLERS, SteeringMixin, expand_settings_problem
from orps_tui.search.tree import (
    Author,
    CallOutcome,
    CallStats,
    Node,
    NodeFate,
    NodeState,
    SearchTree,
    repeat_message,
)

if TYPE_CHECKING:
    from orps_tui.search.session import LoadedSession, SessionWriter

__all__ = ["JudgeLike", "SearchConfig", "SearchEngine", "SearchResult", "SearchStats", "StopReason"]

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.075
"""At most one TextStreamed event per node and role in this many seconds."""

REPETITION = "repetition"
ROUND_REWRITES = 3
"""How many times a round whose every node was unusable is written again (see
`_retry_unusable_round`)."""
"""The finish reason of a call the engine cut because the model was looping."""

_FATAL_KINDS = {ModelErrorKind.NOT_FOUND, ModelErrorKind.NOT_INSTALLED}

class JudgeLike(Protocol):
    """What the engine needs of a judge: `orps_tui.sandbox.judge.Judge` fits, and so does a
    test double. `arun` never raises on bad code: it reports CE/RE/... instead."""

    async def arun(self, code: str, which: str = "public") -> JudgeReport: ...


class _Fatal(Exception):
    pass


class _Gate:
    """A FIFO semaphore whose limit can change and which holds everyone while paused.
    Entirely synchronous bookkeeping on the loop, so `send()` can change it.

    `first=True` waiters (critic calls) go before the others: a critic call extends the
    programmer call it reviews, so running it next lets the server's prompt cache serve
    the whole conversation instead of re-reading it after other branches' calls."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.busy = 0
        self.paused = False
        self._first: deque[asyncio.Future[None]] = deque()
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, first: bool = False) -> None:
        if not self._first and not self._waiters and not self.paused \
                and self.busy < self.limit:
            self.busy += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._first if first else self._waiters
        queue.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(fut)
            raise

    def release(self) -> None:
        self.busy -= 1
        self.pump()

    def pump(self) -> None:
        while (self._first or self._waiters) and not self.paused and self.busy < self.limit:
            fut = (self._first or self._waiters).popleft()
            if not fut.done():
                self.busy += 1
                fut.set_result(None)


class _Stream:
    """Coalesces one node's streamed text for one role into at most one event per interval."""

    __slots__ = ("parts", "last", "handle")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.last = 0.0
        self.handle: asyncio.TimerHandle | None = None


@contextlib.asynccontextmanager
async def _closing(stream: Any) -> AsyncIterator[None]:
    """Close an async-generator stream at once when the call ends early (cancel, timeout,
    error), so the backend drops its HTTP connection now rather than at garbage collection."""
    try:
        yield
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()


class SearchEngine(SteeringMixin):
    """One ORPS search on one problem. Create it, `subscribe`, then `await run()`.

    `tree` holds every node; `stats`, `paused` and `running` can be read at any time.
    Pass `restore=load_session(path)` (and a `session` writer appending to that session)
    to continue a saved search: nodes that were in flight are generated again.
    """

    def __init__(self, problem: Problem, model: ChatModel, *, judge: JudgeLike,
                 config: SearchConfig, session: SessionWriter | None = None,
                 restore: LoadedSession | None = None, prompts: PromptLayout = LAYOUT) -> None:
        config.validate()
        self.problem = problem
        self.model = model
        self.judge = judge
        self.config = config
        self.session = session
        self.tree = SearchTree()
        self.stats = SearchStats(budget=config.budget)
        self.paused = False
        self.running = False
        self.result: SearchResult | None = None
        self._restore = restore
        self._prompts = prompts
        self._subscribers: list[Callable[[ev.Event], None]] = []
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._side_tasks: set[asyncio.Task[None]] = set()
        """Tasks that are no node's pipeline (regrades): held here so they are not lost."""
        self._in_flight: set[int] = set()
        """Nodes whose model call holds a slot now (what CancelInFlight cancels)."""
        self._cancel_as: dict[int, NodeState] = {}
        self._boosted: list[int] = []
        self._pruned_from: dict[int, NodeState] = {}
        self._fate_before_prune: dict[int, NodeFate | None] = {}
        self._round_ids: list[int] = []
        self._gate = _Gate(config.concurrency)
        self._held: dict[int, bool] = {}
        """Nodes whose programmer call ended and that keep its gate slot for their critic."""
        self._wake: asyncio.Event | None = None
        self._stop_reason: StopReason | None = None
        self._stop_message = ""
        self._failures_in_a_row = 0
        self._critic_json = config.critic_json
        self._streams: dict[tuple[int, str], _Stream] = {}
        self._function_name = (problem.function.name
                               if problem.kind is ProblemKind.FUNCTION and problem.function else None)
        # continuing a finished search (see `send` and `run`)
        self._queued: list[ev.Command] = []
        """Commands that grow a finished search, applied when `run()` continues it."""
        self._given_more = False
        """More rounds or calls were given after the search finished: it goes on from its
        last beam when continued (otherwise only what a person asked for is generated)."""
        self._round_cap: int | None = None
        """A continued search's last round, unless more rounds were given."""
        self._settled_round = -1
        self._last_kept: list[int] = []
        self._session_dir = session.directory if session is not None else None
        if restore is not None and not restore.resumable:
            self._load_finished(restore)

    # ---- public API --------------------------------------------------------------------

    def subscribe(self, callback: Callable[[ev.Event], None]) -> Callable[[], None]:
        """Call `callback(event)` for every event, on the engine's loop; returns an
        unsubscribe function. A callback that raises is logged and kept."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def send(self, command: ev.Command) -> None:
        """Apply a steering command now. Call it from the engine's event loop thread
        (a Textual app on the same loop can call it directly; another thread must use
        `loop.call_soon_threadsafe(engine.send, command)`). Commands naming an unknown or
        unsuitable node produce an EngineError event and change nothing."""
        if type(command) not in HANDLERS:
            self._emit(ev.EngineError(f"unknown command {command.name()}"))
            return
        if self.finished:
            self._send_finished(command)
            return
        if self.session is not None and command.recorded:
            self.session.command(command)
        self._apply(command)

    def _apply(self, command: ev.Command) -> None:
        HANDLERS[type(command)](self, command)
        self._poke()

    @property
    def finished(self) -> bool:
        """The search has ended (or was restored from a finished session) and is not
        running: commands that grow it are queued for the next `run()`."""
        return self.result is not None and not self.running

    @property
    def concluded(self) -> SearchResult | None:
        """The result of a search that has ended (a finished session opened again is
        reported as it ended and never run); None while it has still to run."""
        return self.result if self.finished else None

    @property
    def session_directory(self) -> Path | None:
        """The session folder this search writes to (also while finished, between runs)."""
        return self._session_dir

    @property
    def can_continue(self) -> bool:
        """A finished search has something to do if `run()` again: queued commands, or
        more rounds or calls given and a beam to go on from."""
        if not self.finished:
            return False
        return bool(self._queued) or (self._given_more and bool(self._last_kept)
                                      and self.stats.round < self.config.rounds
                                      and self._affordable_nodes() > 0)

    def _send_finished(self, command: ev.Command) -> None:
        """A finished search: ExpandNow and AddHandWritten wait for the next `run()`;
        AddHint, SetBudget, Prune and Unprune apply now and are written to the session at
        once; the rest (Boost, Pause, Stop, ...) make no sense once it has ended."""
        name = command.name()
        if isinstance(command, ev.Regrade):  # reports only: nothing to write or queue
            self._apply(command)
            return
        if isinstance(command, ev.ExpandNow | ev.AddHandWritten):
            if why := self._growth_problem(command):
                self._emit(ev.EngineError(why))
                return
            self._queued.append(command)
            return
        if not isinstance(command, ev.AddHint | ev.SetBudget | ev.Prune | ev.Unprune):
            self._emit(ev.EngineError(f"{name.lower()}: the search has finished"))
            return
        try:
            self.session = self._open_session(continuing=False) or self.session
        except Exception as exc:  # SessionError: another process writes it
            self._emit(ev.EngineError(f"{name.lower()}: {exc}"))
            return
        if self.session is not None and command.recorded:
            self.session.command(command)
        self._apply(command)
        if self.session is not None:
            self.session.close()

    def _growth_problem(self, command: ev.ExpandNow | ev.AddHandWritten) -> str | None:
        """Why a queued command cannot run on this finished tree (checked again when run)."""
        if isinstance(command, ev.ExpandNow):
            node = self.tree.nodes.get(command.node_id)
            if node is None:
                return f"expand: no node {command.node_id}"
            if node.state in (NodeState.PRUNED, NodeState.ERROR) or not node.code:
                return f"expand: node {node.id} is {node.state}"
            if why := expand_settings_problem(command):
                return f"expand: {why}"
            return None
        if command.parent_id is not None and command.parent_id not in self.tree:
            return f"edit: no node {command.parent_id}"
        return None if command.code.strip() else "edit: the code is empty"

    def _open_session(self, *, continuing: bool) -> SessionWriter | None:
        """A writer appending to this search's session again (None without one)."""
        if self._session_dir is None:
            return None
        from orps_tui.search.session import SessionWriter

        return SessionWriter.append_to(self._session_dir, resumed=continuing)

    async def run(self) -> SearchResult:
        """Run the search to its end and return the answer (graded once on hidden tests).
        Cancelling the task running this cancels in-flight calls (nodes become CANCELLED)
        and still writes the session, then re-raises. Either way the session writer is
        closed when this returns (later commands are not recorded)."""
        if self.running:
            raise RuntimeError("this search is already running")
        continuing = self.result is not None
        if continuing:
            try:
                self.session = self._open_session(continuing=True) or self.session
            except Exception as exc:  # SessionError: another process writes it
                self._queued.clear()
                self._emit(ev.EngineError(f"cannot continue: {exc}"))
                assert self.result is not None
                return self.result
            elapsed = self.stats.elapsed_s
            self.result = None
            self._stop_reason = None
            self._stop_message = ""
            self.stats.started_at = time.monotonic() - elapsed
            self.stats.ended_at = None
        else:
            self.stats.started_at = time.monotonic()
        self.running = True
        self._wake = asyncio.Event()
        self._emit(ev.SearchStarted(self.problem.id, self.model.uri,
                                    str(self.session.path) if self.session else None))
        try:
            await self._search(continuing)
            result = await self._conclude()
        except asyncio.CancelledError:
            self._stop_reason = StopReason.CANCELLED
            await self._cancel_all(NodeState.CANCELLED)
            self._finish_stats()
            if self.session is not None:
                self.session.finished(None, StopReason.CANCELLED, None, self.stats, "")
                self.session.close()
            self.running = False
            self._emit(ev.SearchFinished(None, StopReason.CANCELLED))
            raise
        if self.session is not None:
            self.session.close()
        self.running = False
        return result

    # ---- the search loop ---------------------------------------------------------------

    async def _search(self, continuing: bool) -> None:
        if self._restore is not None:
            restore, self._restore = self._restore, None
            if not self._resume_from(restore):
                return
        elif continuing:
            self._continue()
        else:
            self._start_round(0, [None])
        while True:
            await self._drain()
            if self._stop_reason:
                return
            if self._retry_unusable_round():
                continue
            # commands sent now shape this beam
            self._emit(ev.RoundSettled(self.stats.round, last=self._last_round()))
            kept = self._select_beam()
            self._settled_round, self._last_kept = self.stats.round, [n.id for n in kept]
            self._emit(ev.RoundFinished(self.stats.round, tuple(n.id for n in kept)))
            if self.session is not None:
                self.session.round(self.stats.round, [n.id for n in kept])
            if self._stop_reason:  # a Stop sent while the round closed
                return
            stop = self._solved_stop_reason()
            if stop:
                self._stop_reason = stop
                return
            if self._last_round():
                self._stop_reason = StopReason.BUDGET
                return
            if not kept:
                self._stop_reason = StopReason.NOTHING_ACTIVE
                return
            self._start_round(self.stats.round + 1, [n.id for n in kept])

    def _continue(self) -> None:
        """Go on with a finished search (a second `run()`). Its round is the next one, or the
        round a Stop cut short (its cancelled nodes stay cancelled). It holds the nodes of
        the queued commands and, only if more rounds or calls were given, the last beam's
        children, as a round normally would; it ends after that round unless rounds remain
        of those given."""
        queued, self._queued = self._queued, []
        more, self._given_more = self._given_more, False
        settled = self._settled_round == self.stats.round
        current = self.stats.round + 1 if settled else self.stats.round
        self._round_cap = None if more else current
        if self.session is not None:
            from orps_tui.search.session import Continuation

            self.session.continued(Continuation(current, self._round_cap,
                                                max(self.tree.nodes, default=-1) + 1))
        if settled:
            self._round_ids = []
            parents = self._last_kept if more and current <= self.config.rounds else []
            self._start_round(current, list(parents))
        else:
            self._round_ids = [n.id for n in self.tree.nodes.values() if n.round == current]
            self.stats.round = current
        for command in queued:
            if self.session is not None:
                self.session.command(command)
            self._apply(command)

    def _start_round(self, round_no: int, parents: Sequence[int | None]) -> None:
        self.stats.round = round_no
        # nodes a person added while the last round was closing join this one
        self._round_ids = [i for i in self._round_ids if i in self._tasks]
        for node_id in self._round_ids:
            self.tree[node_id].round = round_no
        live = [p for p in parents if p is None or self.tree[p].state is not NodeState.PRUNED]
        counts = _share(self._affordable_nodes(), len(live), self.config.samples)
        for parent, count in zip(live, counts, strict=True):
            if count:
                self._spawn_children(parent, count)

    def _retry_unusable_round(self) -> bool:
        """When every node of the round ended in ERROR although the model answered (no
        usable code: a loop cut short, no code block, a repeat), nothing is left to rank and the
        search would end with its budget unspent: write each such node again, as a new
        sibling with its own seed, in the same round, while the budget pays, up to
        `ROUND_REWRITES` times a round. A line of work of one node (reflexion, K=1) would
        otherwise end on one bad answer; a small model repeats its last program about a
        third of the time, so one rewrite still ended such a line early about one round in
        nine. Failed calls (a server down) are not retried here; the call layer retries
        those."""
        nodes = [self.tree[i] for i in self._round_ids]
        if not nodes or any(n.state is not NodeState.ERROR for n in nodes):
            return False
        # read from the tree (`Node.rewrite_of`), so a resumed search counts the same
        if max(self._rewrite_depth(n) for n in nodes) >= ROUND_REWRITES:
            return False
        rewritten = {n.rewrite_of for n in nodes}
        # the model answered: its last call is OK (a resumed node keeps its cancelled one)
        again = [n for n in nodes if n.id not in rewritten and n.calls
                 and n.calls[-1].outcome is CallOutcome.OK
                 and (n.parent_id is None
                      or self.tree[n.parent_id].state is not NodeState.PRUNED)]
        again = again[:self._affordable_nodes()]
        for node in again:
            self._launch(self._new_node(node.parent_id, strategy=node.strategy,
                                        rewrite_of=node.id))
        return bool(again)

    def _rewrite_depth(self, node: Node) -> int:
        depth = 0
        while node.rewrite_of is not None:
            node, depth = self.tree[node.rewrite_of], depth + 1
        return depth

    def _last_round(self) -> bool:
        """No round may follow the current one: its rounds or its call budget are spent."""
        capped = self._round_cap is not None and self.stats.round >= self._round_cap
        return self.stats.round >= self.config.rounds or capped or self._affordable_nodes() == 0

    def _affordable_nodes(self) -> int:
        """How many more model-written nodes the call budget pays for (each costs a
        programmer and, with a critic, a critic call). Steering by a person is not bound
        by it: a person's ExpandNow spends what it spends."""
        if self.config.max_calls is None:
            return 1 << 30
        left = self.config.max_calls - self.stats.llm_calls
        return max(0, left // self.config.calls_per_node)

    def _spawn_children(self, parent_id: int | None, count: int, first_index: int = 0,
                        **values: Any) -> None:
        """`values`: per-node settings a person gave (temperature, instruction)."""
        for j in range(first_index, first_index + count):
            hint = strategy_for(j) if self.config.strategy_hints else ""
            node = self._new_node(parent_id, strategy=hint, **values)
            self._launch(node)

    def _new_node(self, parent_id: int | None, **values: Any) -> Node:
        node = self.tree.new_node(parent_id, round=self.stats.round, **values)
        node.seed = node_seed(self.config.seed, node.id)
        self._round_ids.append(node.id)
        self.stats.nodes = len(self.tree)
        if self.session is not None:
            self.session.node_added(node)
        self._emit(ev.NodeAdded(node.id, parent_id))
        return node

    def _launch(self, node: Node) -> None:
        task = asyncio.get_running_loop().create_task(self._pipeline(node),
                                                      name=f"orps-node-{node.id}")
        self._tasks[node.id] = task
        task.add_done_callback(lambda _: self._never_started(node, task))

    def _never_started(self, node: Node, task: asyncio.Task[None]) -> None:
        """A task cancelled before its first step never runs `_pipeline`'s cleanup (a Stop
        sent while a round's nodes are being added): settle its node here."""
        if self._tasks.get(node.id) is not task:
            return
        self._tasks.pop(node.id)
        if node.state.busy:
            self._set_state(node, self._cancel_as.pop(node.id, NodeState.CANCELLED))
            if self.session is not None:
                self.session.node(node)
        self._poke()

    async def _drain(self) -> None:
        assert self._wake is not None
        while self._tasks:
            self._wake.clear()
            await self._wake.wait()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _select_beam(self) -> list[Node]:
        candidates = [self.tree[i] for i in self._round_ids
                      if self.tree[i].state in (NodeState.ACTIVE, NodeState.BOOSTED)]
        boosted = [self.tree[i] for i in self._boosted
                   if self.tree[i].state is NodeState.BOOSTED]
        kept = select_beam(candidates, boosted, self.config.beam, self.config.ranking)
        kept_ids = {n.id for n in kept}
        boosted_ids = {n.id for n in boosted}
        for node in kept:
            node.fate = NodeFate.KEPT_BOOSTED if node.id in boosted_ids else NodeFate.KEPT_RANK
            self._set_state(node, NodeState.KEPT, record=True)
        for node in candidates:
            if node.id not in kept_ids:
                node.fate = NodeFate.STOPPED_RANK
                self._set_state(node, NodeState.STOPPED, record=True)
        self._boosted = [i for i in self._boosted if i not in kept_ids]
        return kept

    def _solved_stop_reason(self) -> StopReason | None:
        """Only the explicit options stop a search because something passed; a high critic
        score never does (the search spends its budget, as the paper's does)."""
        for i in self._round_ids:
            node = self.tree[i]
            if not passes_public(node):
                continue
            if self.config.stop_on_public_pass:
                return StopReason.SOLVED
            if self.config.stop_when_solved and node.state is NodeState.FINISHED:
                return StopReason.SOLVED
        return None

    async def _conclude(self) -> SearchResult:
        reason = self._stop_reason or StopReason.BUDGET
        failed = [n for n in self.tree.nodes.values()
                  if any(c.outcome is CallOutcome.FAILED for c in n.calls)]
        if reason in (StopReason.BUDGET, StopReason.NOTHING_ACTIVE) and failed and not any(
                c.outcome is CallOutcome.OK for n in self.tree.nodes.values() for c in n.calls):
            reason = self._stop_reason = StopReason.ERROR  # the model never answered
            self._stop_message = f"no model call succeeded; last: {failed[-1].error}"
        answer_id = self.tree.best_id()
        answer = self.tree[answer_id] if answer_id is not None else None
        hidden = None
        if answer is not None and self.config.grade_hidden and self.problem.hidden_tests:
            if answer.hidden_report is None:
                try:
                    answer.hidden_report = await self.judge.arun(answer.code, "hidden")
                except Exception as exc:  # the judge promises not to raise; be safe anyway
                    self._emit(ev.EngineError(f"grading on hidden tests failed: {exc}", answer.id))
                if self.session is not None:
                    self.session.node(answer)
            hidden = answer.hidden_report
        self._finish_stats()
        if self.session is not None:
            self.session.finished(answer_id, reason, hidden, self.stats, self._stop_message)
        self.result = SearchResult(answer_id, answer, hidden, self.stats, reason,
                                   self._stop_message,
                                   str(self.session.directory) if self.session else None)
        self._emit(ev.SearchFinished(answer_id, reason))
        return self.result

    def _finish_stats(self) -> None:
        self.stats.ended_at = time.monotonic()
        self.stats.nodes = len(self.tree)

    # ---- one node: generate, judge, critique --------------------------------------------

    async def _pipeline(self, node: Node) -> None:
        node.started_s = self.stats.elapsed_s
        if node.state is not NodeState.PENDING:  # pruned or cancelled before it started
            self._tasks.pop(node.id, None)
            self._poke()
            return
        try:
            if node.author is Author.MODEL and not await self._generate(node):
                return
            if not await self._judge_node(node):
                return
            if self.config.critic:
                await self._critique(node)
            if node.critic_finished and passes_public(node):
                final = NodeState.FINISHED  # retired: an answer candidate, not expanded
                node.fate = NodeFate.RETIRED_PASSED_AND_DONE
            elif node.id in self._boosted:
                final = NodeState.BOOSTED
            else:
                final = NodeState.ACTIVE
            self._set_state(node, final)
        except asyncio.CancelledError:
            self._set_state(node, self._cancel_as.pop(node.id, NodeState.CANCELLED))
        except _Fatal:
            if node.state.busy:
                self._set_state(node, NodeState.ACTIVE if node.report else NodeState.ERROR)
        finally:
            if self._held.pop(node.id, False):
                self._gate.release()
            for role in ("programmer", "critic"):
                self._flush(node, role)
            node.finished_s = self.stats.elapsed_s
            self._tasks.pop(node.id, None)
            if self.session is not None:
                self.session.node(node)
            self._poke()

    async def _generate(self, node: Node) -> bool:
        # The node stays PENDING until it has a model slot; _attempt marks it GENERATING.
        parent_branch = self.tree.path_to(node.parent_id) if node.parent_id is not None else []
        messages = self._prompts.programmer(self.problem, parent_branch, node.strategy,
                                            node.instruction)
        node.prompt = [{"role": m.role, "content": m.content} for m in messages]
        try:
            done = await self._call(node, Role.PROGRAMMER, messages, self._options(node))
        except ModelError as exc:
            self._model_failed(node, exc)
            return False
        node.raw_output = done.text
        node.thinking = done.thinking
        parsed = parse_program(done.text, self._function_name,
                               truncated=done.finish_reason in ("length", REPETITION))
        node.issues.extend(parsed.issues)
        if not parsed.ok:
            node.error = parsed.error
            self._set_state(node, NodeState.ERROR)
            return False
        node.reasoning, node.code = parsed.reasoning, parsed.code
        if (earlier := self._repeated(node)) is not None:
            # Small models often copy their last answer; judging and reviewing it again
            # would only spend the critic call, which the budget keeps for another node.
            node.fate = NodeFate.REPEATED
            node.error = repeat_message(earlier.id)
            self._set_state(node, NodeState.ERROR)
            return False
        return True

    def _repeated(self, node: Node) -> Node | None:
        """The nearest ancestor whose program the model-written `node` repeats, if any."""
        if node.parent_id is None:
            return None
        for earlier in reversed(self.tree.path_to(node.parent_id)):
            if earlier.code and same_program(node.code, earlier.code):
                return earlier
        return None

    async def _judge_node(self, node: Node) -> bool:
        self._set_state(node, NodeState.JUDGING)
        try:
            report = await self.judge.arun(node.code, "public")
        except Exception as exc:  # the judge promises not to raise; never let it end the search
            node.error = f"the judge failed: {exc}"
            self._set_state(node, NodeState.ERROR)
            self._emit(ev.EngineError(node.error, node.id))
            return False
        node.report = report
        node.score_parts = outcome_parts(report, self.config.scales, self.problem.limits)
        node.outcome_score = node.score_parts.outcome
        self._emit(ev.NodeJudged(node.id))
        return True

    async def _critique(self, node: Node) -> None:
        self._set_state(node, NodeState.CRITIQUING)
        use_json = self._critic_json
        messages = self._prompts.critic(self.problem, self.tree.path_to(node.id), use_json)
        options = self._options(node, critic=True)
        try:
            try:
                done = await self._call(node, Role.CRITIC, messages, options,
                                        CRITIC_SCHEMA if use_json else None)
            except ModelError as exc:
                if not (use_json and exc.kind is ModelErrorKind.BAD_REQUEST):
                    raise
                self._critic_json = False
                node.issues.append("the backend refused JSON output: asked for text")
                messages = self._prompts.critic(self.problem, self.tree.path_to(node.id), False)
                done = await self._call(node, Role.CRITIC, messages, options)
        except ModelError as exc:
            self._note_failure(exc)
            node.issues.append(f"no critique: {exc.message}")
            self._emit(ev.EngineError(f"node {node.id}: critic call failed: {exc}", node.id))
            return
        node.critic_raw = done.text
        parsed = parse_critique(done.text)
        node.issues.extend(f"critic: {i}" for i in parsed.issues)
        node.critique = parsed.critique
        node.process_score = parsed.score
        node.critic_finished = parsed.finished
        if parsed.error:
            node.issues.append(f"critic: {parsed.error}")
        self._emit(ev.NodeCritiqued(node.id))

    def _options(self, node: Node, critic: bool = False) -> GenOptions:
        c = self.config
        temperature = c.temperature if critic or node.temperature is None else node.temperature
        return GenOptions(temperature=temperature, seed=node.seed + (1 if critic else 0),
                          max_tokens=c.critic_max_tokens if critic else c.max_tokens,
                          num_ctx=c.num_ctx, timeout_s=c.timeout_s)

    async def _call(self, node: Node, role: str, messages: Sequence[Message], options: GenOptions,
                    schema: dict[str, Any] | None = None) -> Completion:
        """One model call. The backend owns its deadline and retries (`llm.calls`); a retry
        after chunks arrived comes as a restart chunk, and the streamed text starts over.
        Raises ModelError when the backend gives up. A call that fails or is cancelled is
        recorded on the node too, so the tree's calls add up to `llm_calls`."""
        self.stats.llm_calls += 1
        started = time.monotonic()
        try:
            return await self._attempt(node, role, messages, options, schema)
        except (ModelError, asyncio.CancelledError) as exc:
            outcome = CallOutcome.FAILED if isinstance(exc, ModelError) else CallOutcome.CANCELLED
            node.calls.append(CallStats(str(role), total_s=time.monotonic() - started,
                                        outcome=outcome))
            raise

    async def _attempt(self, node: Node, role: str, messages: Sequence[Message],
                       options: GenOptions, schema: dict[str, Any] | None) -> Completion:
        if not self._held.pop(node.id, False):
            await self._gate.acquire(first=role == Role.CRITIC)
        self._in_flight.add(node.id)
        keep = False
        if role == Role.PROGRAMMER and node.state is NodeState.PENDING:
            self._set_state(node, NodeState.GENERATING)
        started = time.monotonic()
        ttft: float | None = None
        text: list[str] = []
        thinking: list[str] = []
        usage: Usage | None = None
        finish: str | None = None
        stream = self.model.stream_chat(messages, options, json_schema=schema)
        try:
            async with _closing(stream):
                async for chunk in stream:
                    if chunk.restart:
                        self.stats.retries += 1
                        node.issues.append(f"{role} call was cut; it starts over")
                        self._reset_stream(node, role)
                        ttft = None
                        text.clear()
                        thinking.clear()
                        continue
                    if ttft is None and (chunk.text or chunk.thinking):
                        ttft = time.monotonic() - started
                    if chunk.text:
                        text.append(chunk.text)
                        self._stream(node, role, chunk.text)
                        if len(text) % 16 == 0 and repetition_detected("".join(text)):
                            finish = REPETITION
                            node.issues.append(f"{role}: the model repeated the same lines; "
                                               "its answer was cut there")
                            break
                    if chunk.thinking:
                        thinking.append(chunk.thinking)
                    if chunk.done:
                        usage, finish = chunk.usage, chunk.finish_reason
            keep = role == Role.PROGRAMMER and self.config.critic
        except (ModelError, asyncio.CancelledError):
            raise
        except Exception as exc:  # a backend bug or an unexpected transport error
            raise ModelError(ModelErrorKind.SERVER, f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._in_flight.discard(node.id)
            if keep:
                # The node keeps its slot through judging for its critic call, which
                # extends this conversation: another call in between would evict it from
                # the server's cache. `_pipeline` gives it back if no critic call comes.
                self._held[node.id] = True
            else:
                self._gate.release()
        total = time.monotonic() - started
        # A call cut for repetition has no usage from the server: count its chunks
        # (one token each on llama.cpp, vLLM and Ollama); the prompt is not counted.
        usage = usage or Usage(completion_tokens=len(text) if finish == REPETITION else 0)
        call = CallStats(str(role), usage.prompt_tokens, usage.completion_tokens,
                         ttft or total, total, usage.prompt_evaluated)
        node.calls.append(call)
        self.stats.add_call(call)
        self._flush(node, role)
        self._failures_in_a_row = 0
        return Completion("".join(text), "".join(thinking), usage, finish)

    def _model_failed(self, node: Node, exc: ModelError) -> None:
        node.error = exc.message + (f" ({exc.fix})" if exc.fix else "")
        self._set_state(node, NodeState.ERROR)
        self._emit(ev.EngineError(f"node {node.id}: {node.error}", node.id))
        self._note_failure(exc)

    def _note_failure(self, exc: ModelError) -> None:
        self._failures_in_a_row += 1
        if exc.kind in _FATAL_KINDS or self._failures_in_a_row >= self.config.fatal_after:
            why = str(exc) if exc.kind in _FATAL_KINDS else \
                f"{self._failures_in_a_row} model calls in a row failed; last: {exc}"
            self._fatal(why)
            raise _Fatal(why)

    def _fatal(self, message: str) -> None:
        if self._stop_reason is StopReason.ERROR:
            return
        self._stop_reason = StopReason.ERROR
        self._stop_message = message
        self._emit(ev.EngineError(message, fatal=True))
        current = asyncio.current_task()
        for node_id, task in list(self._tasks.items()):
            if task is not current:
                self._cancel_as[node_id] = NodeState.CANCELLED
                task.cancel()

    async def _cancel_all(self, state: NodeState) -> None:
        tasks = list(self._tasks.items())
        for node_id, task in tasks:
            self._cancel_as[node_id] = state
            task.cancel()
        if tasks:
            await asyncio.gather(*(t for _, t in tasks), return_exceptions=True)

    # ---- streaming text, coalesced -------------------------------------------------------

    def _stream(self, node: Node, role: str, text: str) -> None:
        key = (node.id, role)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream()
        stream.parts.append(text)
        now = time.monotonic()
        wait = STREAM_INTERVAL_S - (now - stream.last)
        if wait <= 0:
            self._flush(node, role)
        elif stream.handle is None:
            stream.handle = asyncio.get_running_loop().call_later(wait, self._flush, node, role)

    def _flush(self, node: Node, role: str) -> None:
        stream = self._streams.get((node.id, role))
        if stream is None:
            return
        if stream.handle is not None:
            stream.handle.cancel()
            stream.handle = None
        if not stream.parts:
            return
        text = "".join(stream.parts)
        stream.parts.clear()
        stream.last = time.monotonic()
        if role == "programmer":
            node.raw_output += text
        else:
            node.critic_raw += text
        self._emit(ev.TextStreamed(node.id, role, text))

    def _reset_stream(self, node: Node, role: str) -> None:
        stream = self._streams.pop((node.id, role), None)
        if stream is not None and stream.handle is not None:
            stream.handle.cancel()
        if role == "programmer":
            node.raw_output = ""
        else:
            node.critic_raw = ""
        self._emit(ev.TextStreamed(node.id, role, "", reset=True))

    # ---- events and states --------------------------------------------------------------

    def _emit(self, event: ev.Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # a broken subscriber must not stop the search
                log.exception("event subscriber failed on %s", type(event).__name__)

    def _set_state(self, node: Node, new: NodeState, *, record: bool = False) -> None:
        old = node.state
        if old is new:
            return
        node.state = new
        if record and self.session is not None:
            self.session.state(node.id, old, new, node.fate)
        self._emit(ev.NodeStateChanged(node.id, old, new))

    # ---- resuming a saved session -------------------------------------------------------

    def _load_finished(self, saved: LoadedSession) -> None:
        """A finished session, as the finished engine that wrote it: its tree, counts and
        result, ready for review and for commands that continue it."""
        self._restore = None
        self._session_dir = saved.directory
        self._rebuild(saved)
        self.stats.started_at, self.stats.ended_at = 0.0, saved.elapsed_s
        if saved.rounds:
            self._settled_round, self._last_kept = saved.rounds[-1][0], list(saved.rounds[-1][1])
        self.stats.round = max([self._settled_round]
                               + [n.round for n in self.tree.nodes.values()], default=0)
        end = saved.finished or {}
        self._stop_reason = _saved_reason(end.get("reason"))
        self._stop_message = str(end.get("message", ""))
        answer_id = end.get("answer_id")
        answer = self.tree.nodes.get(answer_id) if isinstance(answer_id, int) else None
        self.result = SearchResult(answer.id if answer else None, answer,
                                   answer.hidden_report if answer else None, self.stats,
                                   self._stop_reason, self._stop_message, str(saved.directory))

    def _rebuild(self, saved: LoadedSession) -> None:
        self.tree = saved.tree
        self._count_calls()
        for node in self.tree.nodes.values():
            if node.state is NodeState.BOOSTED:
                self._boosted.append(node.id)
        self.stats.nodes = len(self.tree)

    def _resume_from(self, saved: LoadedSession) -> bool:
        """Rebuild the tree from `saved` and queue what was unfinished. False: nothing to do
        (the saved search had already finished)."""
        self._rebuild(saved)
        assert self.stats.started_at is not None
        self.stats.started_at -= saved.elapsed_s  # the clock goes on from where it stopped
        if not saved.resumable:
            assert saved.finished is not None
            self._stop_reason = _saved_reason(saved.finished.get("reason"))
            self._stop_message = saved.finished.get("message", "")
            return False
        last_round, kept = (saved.rounds[-1] if saved.rounds else (-1, []))
        self._settled_round, self._last_kept = last_round, list(kept)
        current = last_round + 1
        self.stats.round = current
        in_round = [n for n in self.tree.nodes.values() if n.round == current]
        self._round_ids = [n.id for n in in_round]
        went_on = saved.continuation
        last_allowed = self.config.rounds
        if went_on is not None:  # it was continued by a person: keep to what was asked
            self._round_cap = went_on.round_cap
            if went_on.round_cap is not None:
                last_allowed = min(last_allowed, went_on.round_cap - 1)
            if went_on.round == current:  # a Stop had cancelled these before: they stay so
                in_round = [n for n in in_round if n.id >= went_on.first_node
                            or n.state is not NodeState.CANCELLED]
        if current > last_allowed and not in_round:
            self._stop_reason = StopReason.BUDGET
            return True
        if current > last_allowed:
            pass  # a continued search's extra round: only the nodes a person asked for
        elif current == 0:
            missing = self.config.samples - len([n for n in in_round if n.parent_id is None])
            if missing > 0:
                self._spawn_children(None, missing, first_index=self.config.samples - missing)
        else:
            for parent_id in kept:
                have = len([c for c in self.tree[parent_id].children
                            if self.tree[c].round == current])
                if have < self.config.samples:
                    self._spawn_children(parent_id, self.config.samples - have, first_index=have)
        cut = [n for n in in_round if n.state.busy or n.state is NodeState.CANCELLED]
        for node in cut:
            # written again from the start: the calls cut short with the process that made
            # them are not counted twice (a resumed search spends one run's budget)
            node.calls = []
        self._count_calls()
        for node in cut:
            self._requeue(node)
        return True

    def _count_calls(self) -> None:
        self.stats.count_calls(call for node in self.tree.nodes.values() for call in node.calls)

    def _requeue(self, node: Node) -> None:
        node.state = NodeState.PENDING
        node.error = ""
        node.raw_output = node.critic_raw = node.thinking = ""
        if node.author is Author.MODEL:
            node.code = node.reasoning = ""
        node.report = None
        node.critique = ""
        node.process_score = node.outcome_score = node.score_parts = node.fate = None
        node.critic_finished = False
        self._launch(node)



def node_seed(search_seed: int, node_id: int) -> int:
    """The sampling seed of a node's programmer call (its critic uses the next one):
    reproducible from the search's seed, and different for every sibling."""
    return (search_seed * 1_000_003 + node_id * 7_919) % 2**31


def passes_public(node: Node) -> bool:
    """Whether a node passed every public test (and there was at least one): the only
    nodes the critic may retire, and what `stop_when_solved` looks for."""
    return node.report is not None and node.report.passes_every_test


def _share(total: int, parents: int, per_parent: int) -> list[int]:
    """Children per parent when `total` nodes are affordable: K each while it lasts,
    the best-ranked parents first, never more than K."""
    out = []
    for _ in range(parents):
        n = min(per_parent, max(0, total))
        out.append(n)
        total -= n
    return out


def _saved_reason(value: object) -> StopReason:
    """A saved session's reason; sessions from before this list ended on 'finished'
    (the critic's word), which now reads as a finished search with nothing to resume."""
    try:
        return StopReason(str(value))
    except ValueError:
        return StopReason.BUDGET
