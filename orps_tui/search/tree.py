"""The search tree: nodes and their states. Pure data; the engine mutates it."""

from __future__ import annotations

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


class Author(StrEnum):
    MODEL = "model"
    PERSON = "person"


@dataclass
class CallStats:
    """One LLM call's cost."""

    role: str  # programmer | critic
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float = 0.0
    total_s: float = 0.0


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
    critic_finished: bool = False
    hints: list[str] = field(default_factory=list)
    """Text a person added; the next programmer call from this node sees it as feedback."""
    calls: list[CallStats] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    round: int = 0

    @property
    def pass_rate(self) -> float | None:
        return self.report.pass_rate if self.report else None
