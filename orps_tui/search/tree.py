"""The search tree: nodes and their states. Pure data; the engine mutates it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from orps_tui.sandbox.report import JudgeReport


class NodeState(StrEnum):
    PENDING = "pending"  # created, waiting for a model slot
    GENERATING = "generating"  # the programmer call is streaming
    JUDGING = "judging"  # running on the public tests
    CRITIQUING = "critiquing"  # the critic call is streaming
    ACTIVE = "active"  # scored, waiting for the round's beam selection
    KEPT = "kept"  # in the beam: will be (or was) expanded
    STOPPED = "stopped"  # scored but fell out of the beam
    PRUNED = "pruned"  # a person pruned it (or an ancestor): never expands
    BOOSTED = "boosted"  # a person boosted it: kept in the next beam whatever its rank
    FINISHED = "finished"  # the critic declared it done
    CANCELLED = "cancelled"  # its in-flight call was cancelled
    ERROR = "error"  # unusable output or a model failure; see `error`

    @property
    def busy(self) -> bool:
        return self in (NodeState.PENDING, NodeState.GENERATING, NodeState.JUDGING,
                        NodeState.CRITIQUING)


class NodeFate(StrEnum):
    """Why a settled node was kept, stopped, retired or pruned (None: never ranked yet)."""

    KEPT_RANK = "kept-rank"  # in the round's beam by its rank
    KEPT_BOOSTED = "kept-boosted"  # in the beam because it was boosted
    STOPPED_RANK = "stopped-rank"  # ranked below the beam
    RETIRED_PASSED_AND_DONE = "retired-passed-and-done"  # passes every public test, critic done
    PRUNED = "pruned"  # a Prune command named it (a person, or a policy in their place)
    PRUNED_WITH_ANCESTOR = "pruned-with-ancestor"  # an ancestor was pruned
    REPEATED = "repeated"  # the same program as an ancestor's: not judged, reviewed or expanded


_REPEAT_PREFIX = "the same program as #"


def repeat_message(earlier_id: int) -> str:
    """A repeated node's `error`: it names the node whose program it repeats."""
    return f"{_REPEAT_PREFIX}{earlier_id}, on its branch: not judged or reviewed again"


def repeated_id(node: Node) -> int | None:
    """The node whose program a repeated node repeats (None: not a repeat), read back from
    `repeat_message`'s words."""
    if node.fate is not NodeFate.REPEATED or not node.error:
        return None
    found = re.match(re.escape(_REPEAT_PREFIX) + r"(\d+)", node.error)
    return int(found.group(1)) if found else None


class Author(StrEnum):
    MODEL = "model"
    PERSON = "person"


class CallOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"  # a model error, after the engine's retries
    CANCELLED = "cancelled"  # esc, a prune, a quit


@dataclass
class CallStats:
    """One LLM call's cost. Every call the engine makes is recorded on its node, however it
    ended, so the calls of a tree add up to the search's `llm_calls`."""

    role: str  # programmer | critic
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float = 0.0
    total_s: float = 0.0
    prompt_evaluated: int | None = None
    """Prompt tokens the server evaluated (the rest were served from its cache); None
    when the server does not say."""
    outcome: CallOutcome = CallOutcome.OK

    @property
    def cached_tokens(self) -> int:
        if self.prompt_evaluated is None:
            return 0
        return max(0, self.prompt_tokens - self.prompt_evaluated)


def cached_share(calls: Sequence[CallStats]) -> float | None:
    """Share of the prompt tokens sent that the server served from its cache, over the
    calls whose server said how many it evaluated (None when none did)."""
    known = [c for c in calls if c.prompt_evaluated is not None]
    sent = sum(c.prompt_tokens for c in known)
    return sum(c.cached_tokens for c in known) / sent if sent else None


@dataclass(frozen=True)
class SteeringMark:
    """A steering command that touched a node: its class name and the search's round then."""

    command: str
    round: int


@dataclass(frozen=True)
class ScoreParts:
    """The outcome score's parts (`scoring.outcome_parts`): outcome = pass_rate x
    (1 + mean(static, dynamic)), dynamic = mean(time_headroom, memory_headroom)."""

    pass_rate: float
    time_headroom: float
    """1 - CPU of the slowest public test / the time limit, clamped to [0, 1]."""
    memory_headroom: float
    """1 - peak memory / the memory limit, clamped to [0, 1]."""
    static: float

    @property
    def dynamic(self) -> float:
        return (self.time_headroom + self.memory_headroom) / 2

    @property
    def outcome(self) -> float:
        return self.pass_rate * (1.0 + (self.static + self.dynamic) / 2)


@dataclass
class Node:
    id: int
    parent_id: int | None
    depth: int
    strategy: str = ""
    """The strategy hint this sample was nudged with."""
    author: Author = Author.MODEL
    state: NodeState = NodeState.PENDING
    error: str = ""
    reasoning: str = ""
    code: str = ""
    raw_output: str = ""
    thinking: str = ""
    """Reasoning a thinking model streamed separately (Chunk.thinking), if any."""
    prompt: list[dict[str, str]] = field(default_factory=list)
    """The messages sent to the programmer (role/content), for the Prompt tab."""
    report: JudgeReport | None = None
    """Execution analysis on the public tests."""
    hidden_report: JudgeReport | None = None
    """Filled only when the node is graded on hidden tests (the answer, or on request)."""
    critique: str = ""
    critic_raw: str = ""
    process_score: float | None = None
    """The critic's 1-5 score."""
    outcome_score: float | None = None
    """pass_rate x (1 + mean(static, dynamic)), in [0, 2)."""
    score_parts: ScoreParts | None = None
    """The outcome score's breakdown, set when the node is judged."""
    fate: NodeFate | None = None
    """Why it was kept, stopped, retired or pruned; None until decided."""
    steered: list[SteeringMark] = field(default_factory=list)
    """The steering commands that named this node, in order."""
    critic_finished: bool = False
    hints: list[str] = field(default_factory=list)
    """Text a person added; the next programmer call from this node sees it as feedback."""
    temperature: float | None = None
    """This node's sampling temperature when a person's ExpandNow set one (None: the
    search's)."""
    instruction: str = ""
    """Extra text a person's ExpandNow gave this node's programmer call (where hints go)."""
    rewrite_of: int | None = None
    """The node of the same round, with no usable code, that this one writes again (a round
    in which every node was unusable is written again)."""
    calls: list[CallStats] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    round: int = 0
    seed: int = 0
    """The sampling seed of this node's programmer call (siblings differ)."""
    issues: list[str] = field(default_factory=list)
    """Notes from parsing (several code blocks, clamped score, ...), for the detail view."""
    started_s: float = 0.0
    """Seconds after the search started when the node's work began."""
    finished_s: float = 0.0
    """Seconds after the search started when the node settled (0 while busy)."""

    @property
    def pass_rate(self) -> float | None:
        return self.report.pass_rate if self.report else None

    @property
    def settled(self) -> bool:
        return not self.state.busy


class SearchTree:
    """All nodes of one search, by id, with parent/child links. Ids grow from 0."""

    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.roots: list[int] = []
        self._next_id = 0

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, node_id: int) -> Node:
        return self.nodes[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def new_node(self, parent_id: int | None, **fields: object) -> Node:
        """Create a node with the next id and link it under `parent_id` (None: a root)."""
        parent = self.nodes[parent_id] if parent_id is not None else None
        node = Node(id=self._next_id, parent_id=parent_id,
                    depth=parent.depth + 1 if parent else 0, **fields)  # type: ignore[arg-type]
        self.add(node)
        return node

    def add(self, node: Node) -> None:
        """Insert an existing node (used when loading a session)."""
        self.nodes[node.id] = node
        self._next_id = max(self._next_id, node.id + 1)
        if node.parent_id is None:
            if node.id not in self.roots:
                self.roots.append(node.id)
        else:
            parent = self.nodes.get(node.parent_id)
            if parent is not None and node.id not in parent.children:
                parent.children.append(node.id)

    def children(self, node_id: int) -> list[Node]:
        return [self.nodes[c] for c in self.nodes[node_id].children]

    def subtree(self, node_id: int) -> list[Node]:
        """The node and all its descendants, parents before children."""
        out: list[Node] = []
        stack = [node_id]
        while stack:
            node = self.nodes[stack.pop()]
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def path_to(self, node_id: int) -> list[Node]:
        """Root first, ending with the node itself: the branch's history."""
        path: list[Node] = []
        current: int | None = node_id
        while current is not None:
            node = self.nodes[current]
            path.append(node)
            current = node.parent_id
        path.reverse()
        return path

    def best_id(self) -> int | None:
        """The answer (docs/search.md): best public pass rate, then lower time, then outcome."""
        from orps_tui.search.scoring import answer_key

        usable = [n for n in self.nodes.values()
                  if n.report is not None and n.code and n.state is not NodeState.PRUNED]
        if not usable:
            return None
        return max(usable, key=lambda n: (answer_key(n), -n.id)).id
