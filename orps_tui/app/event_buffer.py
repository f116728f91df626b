"""Coalesces engine events between two UI refreshes.

The engine may emit hundreds of events a second (node states, streamed text); the
search screen drains this buffer every ~75 ms and applies one batch: new lines in the
tree, relabelled nodes (streamed text is read from the node itself), header counters. `push` is thread-safe, so
an engine thread (or a judge callback) can publish straight into it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from orps_tui.search import events as ev


@dataclass
class Batch:
    changed: set[int] = field(default_factory=set)
    """Nodes added or changed since the last drain."""
    paused: bool | None = None
    finished: ev.SearchFinished | None = None
    errors: list[ev.EngineError] = field(default_factory=list)
    regraded: list[ev.NodeRegraded] = field(default_factory=list)
    events: int = 0

    @property
    def empty(self) -> bool:
        return self.events == 0


class EventBuffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batch = Batch()

    def push(self, event: ev.Event) -> None:
        with self._lock:
            b = self._batch
            b.events += 1
            match event:
                case ev.TextStreamed(node_id=nid) | ev.NodeAdded(node_id=nid) | \
                        ev.NodeJudged(node_id=nid) | \
                        ev.NodeCritiqued(node_id=nid) | ev.NodeStateChanged(node_id=nid) | \
                        ev.NodeChanged(node_id=nid):
                    b.changed.add(nid)
                case ev.SearchPaused(paused=paused):
                    b.paused = paused
                case ev.SearchFinished():
                    b.finished = event
                case ev.RoundFinished():
                    b.changed.update(event.kept)
                case ev.NodeRegraded():
                    b.regraded.append(event)
                case ev.EngineError():
                    b.errors.append(event)
                    if event.node_id is not None:
                        b.changed.add(event.node_id)
                case _:
                    pass

    def drain(self) -> Batch:
        with self._lock:
            batch, self._batch = self._batch, Batch()
        return batch
