"""Per-node facts a researcher reads, as one row per node, and the sort and filter over them.

Pure data over `Node` (no UI): tokens in/out and seconds per role, the critic score, the
outcome score and its parts, why the node was kept, stopped, retired or pruned (its fate),
and the steering commands that touched it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.prompts import Role
from orps_tui.search.tree import CallStats, Node


@dataclass(frozen=True)
class RoleCost:
    """What one role's calls on a node cost, summed over its calls (retries included)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


def role_cost(calls: Iterable[CallStats], role: Role) -> RoleCost:
    mine = [c for c in calls if c.role == role.value]
    return RoleCost(len(mine), sum(c.prompt_tokens for c in mine),
                    sum(c.completion_tokens for c in mine), sum(c.total_s for c in mine))


class FactColumn(StrEnum):
    """A column of the node table, and what it sorts by."""

    ID = "id"
    STATE = "state"
    FATE = "fate"
    STEERED = "steered"
    PASS = "pass"
    ALL_TESTS = "all tests"
    CRITIC = "critic"
    OUTCOME = "outcome"
    TIME = "time"
    MEMORY = "mem"
    STATIC = "static"
    PROGRAMMER_IN = "prog in"
    PROGRAMMER_OUT = "prog out"
    PROGRAMMER_S = "prog s"
    CRITIC_IN = "crit in"
    CRITIC_OUT = "crit out"
    CRITIC_S = "crit s"


ASCENDING = frozenset({FactColumn.ID, FactColumn.STATE, FactColumn.FATE, FactColumn.STEERED})
"""Columns sorted low to high first; the figures sort highest first."""


@dataclass(frozen=True)
class NodeFacts:
    id: int
    parent_id: int | None
    depth: int
    round: int
    state: str
    fate: str
    author: str
    pass_rate: float | None
    critic: float | None
    outcome: float | None
    time_headroom: float | None
    memory_headroom: float | None
    static: float | None
    programmer: RoleCost
    critic_cost: RoleCost
    steered: tuple[str, ...]
    """`Boost@r1`: the command's name and the round it came in."""
    all_tests: float | None = None
    """The pass rate on every test, hidden ones too, when the node was judged on them all
    (`r`, `R` in the app); None: not judged so."""

    def value(self, column: FactColumn) -> float | str | None:
        """What `column` sorts by (None: not known yet, sorted last)."""
        values: dict[FactColumn, float | str | None] = {
            FactColumn.ID: self.id, FactColumn.STATE: self.state,
            FactColumn.FATE: self.fate or None, FactColumn.PASS: self.pass_rate,
            FactColumn.ALL_TESTS: self.all_tests,
            FactColumn.CRITIC: self.critic, FactColumn.OUTCOME: self.outcome,
            FactColumn.TIME: self.time_headroom, FactColumn.MEMORY: self.memory_headroom,
            FactColumn.STATIC: self.static,
            FactColumn.PROGRAMMER_IN: self.programmer.prompt_tokens,
            FactColumn.PROGRAMMER_OUT: self.programmer.completion_tokens,
            FactColumn.PROGRAMMER_S: self.programmer.seconds,
            FactColumn.CRITIC_IN: self.critic_cost.prompt_tokens,
            FactColumn.CRITIC_OUT: self.critic_cost.completion_tokens,
            FactColumn.CRITIC_S: self.critic_cost.seconds,
            FactColumn.STEERED: " ".join(self.steered) or None,
        }
        return values[column]

    @property
    def words(self) -> str:
        """What the filter matches: state, fate, author, steering commands, and `all-pass`
        or `all-fail` once judged on every test."""
        judged = [] if self.all_tests is None else \
            ["all-pass" if self.all_tests >= 1.0 else "all-fail"]
        return " ".join([self.state, self.fate, self.author, *self.steered, *judged]).lower()


def node_facts(node: Node, all_tests: JudgeReport | None = None) -> NodeFacts:
    """`all_tests`: the node judged on every test, hidden ones too (None: not so judged)."""
    parts = node.score_parts
    return NodeFacts(
        node.id, node.parent_id, node.depth, node.round, node.state.value,
        node.fate.value if node.fate is not None else "", node.author.value, node.pass_rate,
        node.process_score, node.outcome_score,
        parts.time_headroom if parts else None, parts.memory_headroom if parts else None,
        parts.static if parts else None,
        role_cost(node.calls, Role.PROGRAMMER), role_cost(node.calls, Role.CRITIC),
        tuple(f"{m.command}@r{m.round}" for m in node.steered),
        all_tests.pass_rate if all_tests is not None else None,
    )


def sort_facts(facts: Sequence[NodeFacts], column: FactColumn,
               reverse: bool = False) -> list[NodeFacts]:
    """By `column` (figures highest first, names A-Z; `reverse` flips it), unknown values
    last, ties by node id."""
    descending = column not in ASCENDING
    if reverse:
        descending = not descending
    known = [f for f in facts if f.value(column) is not None]
    unknown = sorted((f for f in facts if f.value(column) is None), key=lambda f: f.id)
    ordered = sorted(known, key=lambda f: f.id)
    ordered.sort(key=lambda f: f.value(column), reverse=descending)  # type: ignore[arg-type,return-value]
    return ordered + unknown


def filter_facts(facts: Iterable[NodeFacts], query: str) -> list[NodeFacts]:
    """The nodes whose state, fate, author or steering matches every word of `query`
    (`stopped`, `boost`, `person kept`)."""
    words = query.lower().split()
    return [f for f in facts if all(w in f.words for w in words)]
