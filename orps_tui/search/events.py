"""Typed events the engine emits and typed commands it accepts.

The UI and the headless CLI subscribe to events; both steer only by sending commands.
Events name nodes by id; a subscriber reads the node itself from `engine.tree`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.search_config import StopReason
from orps_tui.search.tree import NodeState

# ---- events (engine -> subscribers) ------------------------------------------------


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class SearchStarted(Event):
    problem_id: str
    model: str
    session_path: str | None


@dataclass(frozen=True)
class NodeAdded(Event):
    node_id: int
    parent_id: int | None


@dataclass(frozen=True)
class TextStreamed(Event):
    """Coalesced model output for one node (emitted at most every ~75 ms per node)."""

    node_id: int
    role: str  # programmer | critic
    text: str  # the new text since the last TextStreamed for this node and role
    reset: bool = False
    """True when a retried call starts over: drop what was streamed before, then append."""


@dataclass(frozen=True)
class NodeJudged(Event):
    node_id: int


@dataclass(frozen=True)
class NodeCritiqued(Event):
    node_id: int


@dataclass(frozen=True)
class NodeStateChanged(Event):
    node_id: int
    old: NodeState
    new: NodeState


@dataclass(frozen=True)
class RoundSettled(Event):
    """Every node of the round has settled and its beam is not chosen yet (not emitted when
    the search is stopping). A callback may send commands: Prune and Boost then shape this
    round's beam, AddHint the next round's prompts, before anything else starts."""

    round: int
    last: bool = False
    """No round follows this one (its rounds or its call budget are spent, as things stand
    when it settles), so no command can shape a next beam or prompt."""


@dataclass(frozen=True)
class NodeChanged(Event):
    """A node's data changed without a change of state (a person added a hint)."""

    node_id: int


@dataclass(frozen=True)
class NodeRegraded(Event):
    """The answer to `Regrade`: the node's code judged on every test. Only reported: the
    node's own reports, hidden grade and scores are left as they were."""

    node_id: int
    report: JudgeReport


@dataclass(frozen=True)
class RoundFinished(Event):
    round: int
    kept: tuple[int, ...]


@dataclass(frozen=True)
class SearchFinished(Event):
    answer_id: int | None
    reason: StopReason


@dataclass(frozen=True)
class SearchPaused(Event):
    paused: bool


@dataclass(frozen=True)
class EngineError(Event):
    """Something went wrong that the user should see; the search goes on unless fatal."""

    message: str
    node_id: int | None = None
    fatal: bool = False


# ---- commands (steering -> engine) ---------------------------------------------------


@dataclass(frozen=True)
class Command:
    recorded: ClassVar[bool] = True
    """Written to the session (it changes the search); False for a command that only asks."""

    @classmethod
    def name(cls) -> str:
        """What a session records it as (a key of `COMMANDS`)."""
        return cls.__name__


@dataclass(frozen=True)
class Prune(Command):
    node_id: int


@dataclass(frozen=True)
class Unprune(Command):
    node_id: int


@dataclass(frozen=True)
class Boost(Command):
    node_id: int


@dataclass(frozen=True)
class ExpandNow(Command):
    """Children of `node_id` now. The optional settings apply to these children only and
    are recorded on them: `samples` (K, default the search's), `temperature` (default the
    search's), `instruction` (extra text for their programmer call, placed where a hint goes)."""

    node_id: int
    samples: int | None = None
    temperature: float | None = None
    instruction: str = ""


@dataclass(frozen=True)
class AddHint(Command):
    node_id: int
    text: str


@dataclass(frozen=True)
class AddHandWritten(Command):
    """A person-written child of `parent_id` (None: a new root), judged and critiqued."""

    parent_id: int | None
    code: str
    reasoning: str = ""


@dataclass(frozen=True)
class Pause(Command):
    pass


@dataclass(frozen=True)
class Resume(Command):
    pass


@dataclass(frozen=True)
class CancelInFlight(Command):
    """Cancel every in-flight model call; their nodes become CANCELLED, not lost."""


@dataclass(frozen=True)
class SetBudget(Command):
    """Change the budget (None: unchanged). Sent to a finished search, more rounds or calls
    let it go on from its last beam at its next `run()`."""

    samples: int | None = None
    beam: int | None = None
    rounds: int | None = None
    concurrency: int | None = None
    max_calls: int | None = None


@dataclass(frozen=True)
class Stop(Command):
    """End the search now (after cancelling in-flight calls) and pick the answer."""


@dataclass(frozen=True)
class Regrade(Command):
    """Judge a node's code on every test (public and hidden) and report it as
    `NodeRegraded`. Changes nothing, so it also works on a finished search."""

    recorded: ClassVar[bool] = False
    node_id: int


COMMANDS: dict[str, type[Command]] = {cls.__name__: cls for cls in (
    Prune, Unprune, Boost, ExpandNow, AddHint, AddHandWritten, Pause, Resume, CancelInFlight,
    SetBudget, Stop, Regrade)}
"""Every command by the name a session records it under."""
