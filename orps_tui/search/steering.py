"""Steering: how the engine applies each typed command (DESIGN §4, "Human steering").

A mixin of `SearchEngine`: `send()` dispatches each command type to its handler
(`HANDLERS`). Every handler runs synchronously on the engine's loop, changes states at
once, and starts tasks for commands that add work (expand, hand-written child, regrade).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orps_tui.search import events as ev
from orps_tui.search.search_config import StopReason
from orps_tui.search.tree import Author, Node, NodeFate, NodeState, SteeringMark

if TYPE_CHECKING:
    from orps_tui.search.engine import JudgeLike, _Gate
    from orps_tui.search.search_config import SearchConfig, SearchStats
    from orps_tui.search.session import SessionWriter
    from orps_tui.search.tree import SearchTree


class SteeringMixin:
    """The `_cmd_<Command>` handlers `SearchEngine.send` dispatches to."""

    if TYPE_CHECKING:  # what the handlers use of SearchEngine (which defines all of it)
        tree: SearchTree
        stats: SearchStats
        config: SearchConfig
        session: SessionWriter | None
        judge: JudgeLike
        paused: bool
        running: bool
        _gate: _Gate
        _tasks: dict[int, asyncio.Task[None]]
        _in_flight: set[int]
        _boosted: list[int]
        _cancel_as: dict[int, NodeState]
        _pruned_from: dict[int, NodeState]
        _fate_before_prune: dict[int, NodeFate | None]
        _stop_reason: StopReason | None
        _wake: asyncio.Event | None
        _given_more: bool
        _side_tasks: set[asyncio.Task[None]]

        def _emit(self, event: ev.Event) -> None: ...
        def _set_state(self, node: Node, new: NodeState, *, record: bool = False) -> None: ...
        def _spawn_children(self, parent_id: int | None, count: int,
                            first_index: int = 0, **values: object) -> None: ...
        def _new_node(self, parent_id: int | None, **values: object) -> Node: ...
        def _launch(self, node: Node) -> None: ...
        def _requeue(self, node: Node) -> None: ...

    def _node_or_error(self, node_id: int | None, what: str) -> Node | None:
        if node_id is None or node_id not in self.tree:
            self._emit(ev.EngineError(f"{what}: no node {node_id}"))
            return None
        return self.tree[node_id]

    def _mark(self, node: Node, cmd: ev.Command) -> None:
        """Record on the node that `cmd` touched it (saved with the node)."""
        mark = SteeringMark(cmd.name(), self.stats.round)
        node.steered.append(mark)
        if self.session is not None:
            self.session.steered(node.id, mark)

    def _cmd_Prune(self, cmd: ev.Prune) -> None:
        if self._node_or_error(cmd.node_id, "prune") is None:
            return
        named = self.tree[cmd.node_id]
        self._mark(named, cmd)
        for node in self.tree.subtree(cmd.node_id):
            if node.state is NodeState.PRUNED:
                continue
            self._pruned_from[node.id] = node.state
            self._fate_before_prune[node.id] = node.fate
            node.fate = NodeFate.PRUNED if node is named else NodeFate.PRUNED_WITH_ANCESTOR
            if node.id in self._boosted:
                self._boosted.remove(node.id)
            task = self._tasks.get(node.id)
            if task is not None:
                self._cancel_as[node.id] = NodeState.PRUNED
                task.cancel()
            else:
                self._set_state(node, NodeState.PRUNED, record=True)

    def _cmd_Unprune(self, cmd: ev.Unprune) -> None:
        if self._node_or_error(cmd.node_id, "unprune") is None:
            return
        named = self.tree[cmd.node_id]
        self._mark(named, cmd)
        for node in self.tree.subtree(cmd.node_id):
            if node.state is not NodeState.PRUNED:
                continue
            old = self._pruned_from.pop(node.id, NodeState.ACTIVE)
            if old.busy and node.id not in self._tasks and self._growing():
                # it was queued or running when pruned: it goes back in the queue
                if self.session is not None:
                    self.session.state(node.id, node.state, NodeState.PENDING)
                self._requeue(node)
                self._emit(ev.NodeStateChanged(node.id, NodeState.PRUNED, NodeState.PENDING))
                continue
            if old.busy:
                old = NodeState.CANCELLED
            elif old is NodeState.BOOSTED:
                old = NodeState.ACTIVE
            node.fate = self._fate_before_prune.pop(node.id, None)
            self._set_state(node, old, record=True)

    def _cmd_Boost(self, cmd: ev.Boost) -> None:
        node = self._node_or_error(cmd.node_id, "boost")
        if node is None:
            return
        if node.state in (NodeState.PRUNED, NodeState.ERROR, NodeState.CANCELLED):
            self._emit(ev.EngineError(f"boost: node {node.id} is {node.state}", node.id))
            return
        self._mark(node, cmd)
        if node.id not in self._boosted:
            self._boosted.append(node.id)
        if not node.state.busy:
            self._set_state(node, NodeState.BOOSTED, record=True)

    def _cmd_ExpandNow(self, cmd: ev.ExpandNow) -> None:
        node = self._node_or_error(cmd.node_id, "expand")
        if node is None:
            return
        if not self._can_grow("expand"):
            return
        if node.state.busy or node.state in (NodeState.PRUNED, NodeState.ERROR) or not node.code:
            self._emit(ev.EngineError(f"expand: node {node.id} is {node.state}", node.id))
            return
        if why := expand_settings_problem(cmd):
            self._emit(ev.EngineError(f"expand: {why}", node.id))
            return
        self._mark(node, cmd)
        values: dict[str, object] = {}
        if cmd.temperature is not None:
            values["temperature"] = float(cmd.temperature)
        if cmd.instruction.strip():
            values["instruction"] = cmd.instruction.strip()
        self._spawn_children(node.id, cmd.samples or self.config.samples,
                             first_index=len(node.children), **values)

    def _cmd_AddHint(self, cmd: ev.AddHint) -> None:
        node = self._node_or_error(cmd.node_id, "hint")
        if node is not None and cmd.text.strip():
            self._mark(node, cmd)
            node.hints.append(cmd.text.strip())
            if self.session is not None:
                self.session.node(node)
            self._emit(ev.NodeChanged(node.id))

    def _cmd_AddHandWritten(self, cmd: ev.AddHandWritten) -> None:
        if cmd.parent_id is not None and self._node_or_error(cmd.parent_id, "edit") is None:
            return
        if not self._can_grow("edit"):
            return
        if not cmd.code.strip():
            self._emit(ev.EngineError("edit: the code is empty"))
            return
        if cmd.parent_id is not None:
            self._mark(self.tree[cmd.parent_id], cmd)
        node = self._new_node(cmd.parent_id, author=Author.PERSON, strategy="written by a person",
                              code=cmd.code, raw_output=cmd.code, reasoning=cmd.reasoning)
        self._launch(node)

    def _growing(self) -> bool:
        return self.running and not self._stop_reason and self._wake is not None

    def _can_grow(self, what: str) -> bool:
        if not self._growing():
            self._emit(ev.EngineError(f"{what}: the search is not running"))
            return False
        return True

    def _cmd_Pause(self, cmd: ev.Pause) -> None:
        if not self.paused:
            self.paused = self._gate.paused = True
            self._emit(ev.SearchPaused(True))

    def _cmd_Resume(self, cmd: ev.Resume) -> None:
        if self.paused:
            self.paused = self._gate.paused = False
            self._gate.pump()
            self._emit(ev.SearchPaused(False))

    def _cmd_CancelInFlight(self, cmd: ev.CancelInFlight) -> None:
        """Only calls holding a model slot: nodes waiting for one stay queued, and the
        search goes on with them."""
        for node_id in list(self._in_flight):
            task = self._tasks.get(node_id)
            if task is not None:
                self._cancel_as[node_id] = NodeState.CANCELLED
                task.cancel()

    def _cmd_SetBudget(self, cmd: ev.SetBudget) -> None:
        before = self.config
        try:
            self.config = self.config.with_overrides(samples=cmd.samples, beam=cmd.beam,
                                                     rounds=cmd.rounds,
                                                     concurrency=cmd.concurrency,
                                                     max_calls=cmd.max_calls)
        except ValueError as exc:
            self._emit(ev.EngineError(f"budget: {exc}"))
            return
        if not self.running and (self.config.rounds > before.rounds
                                 or _calls(self.config) > _calls(before)):
            self._given_more = True  # a finished search may go on from its last beam
        self.stats.budget = self.config.budget
        self._gate.limit = self.config.concurrency
        self._gate.pump()

    def _cmd_Stop(self, cmd: ev.Stop) -> None:
        if self._stop_reason is None:
            self._stop_reason = StopReason.STOPPED
        for node_id, task in list(self._tasks.items()):
            self._cancel_as[node_id] = NodeState.CANCELLED
            task.cancel()
        if self.paused:
            self._cmd_Resume(ev.Resume())

    def _cmd_Regrade(self, cmd: ev.Regrade) -> None:
        node = self._node_or_error(cmd.node_id, "regrade")
        if node is None:
            return
        task = asyncio.get_running_loop().create_task(self._regrade(node))
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    async def _regrade(self, node: Node) -> None:
        self._emit(await regrade(self.judge, node))


def _calls(config: SearchConfig) -> float:
    return float("inf") if config.max_calls is None else config.max_calls


def expand_settings_problem(cmd: ev.ExpandNow) -> str | None:
    """Why an ExpandNow's own settings cannot be used (one line), or None."""
    from orps_tui.config import SETTING_BOUNDS

    if cmd.samples is not None and (why := SETTING_BOUNDS["search.samples"].problem(cmd.samples)):
        return f"K {why}, got {cmd.samples}"
    if cmd.temperature is not None and (
            why := SETTING_BOUNDS["model.temperature"].problem(cmd.temperature)):
        return f"temperature {why}, got {cmd.temperature}"
    return None


async def regrade(judge: JudgeLike, node: Node) -> ev.NodeRegraded | ev.EngineError:
    """The one place a node is judged on every test on request (the engine's `Regrade`,
    and a reviewed session's, which has no engine). Only reported: nothing is stored on
    the node, so its hidden grade and scores stay the search's own."""
    if not node.code.strip():
        return ev.EngineError(f"regrade: node {node.id} has no code", node.id)
    try:
        report = await judge.arun(node.code, "all")
    except Exception as exc:  # the judge promises not to raise; a message either way
        return ev.EngineError(f"regrade: the judge failed on node {node.id}: {exc}", node.id)
    return ev.NodeRegraded(node.id, report)


HANDLERS: dict[type[ev.Command], Callable[[Any, Any], None]] = {
    ev.Prune: SteeringMixin._cmd_Prune,
    ev.Unprune: SteeringMixin._cmd_Unprune,
    ev.Boost: SteeringMixin._cmd_Boost,
    ev.ExpandNow: SteeringMixin._cmd_ExpandNow,
    ev.AddHint: SteeringMixin._cmd_AddHint,
    ev.AddHandWritten: SteeringMixin._cmd_AddHandWritten,
    ev.Pause: SteeringMixin._cmd_Pause,
    ev.Resume: SteeringMixin._cmd_Resume,
    ev.CancelInFlight: SteeringMixin._cmd_CancelInFlight,
    ev.SetBudget: SteeringMixin._cmd_SetBudget,
    ev.Stop: SteeringMixin._cmd_Stop,
    ev.Regrade: SteeringMixin._cmd_Regrade,
}
"""Each command type's handler (`SearchEngine.send` dispatches through it)."""
