"""A scripted steering policy: a careful person's habits as rules, run beside the engine.

The policy subscribes to the engine's events and steers only through `engine.send`, with
the same typed commands the app's keys send (Prune, Boost, AddHint); it never changes
engine data itself. It acts once per round, inside the callback of `RoundSettled`: every
node of the round has been judged and critiqued and the round's beam is not chosen yet, so
a prune or boost shapes that beam and a hint reaches the next round's prompts. What it
decides depends only on the settled nodes (`decide` is a pure function of the tree), never
on timing: the same seed gives the same steered tree.

The rules, applied in this order to the round's nodes that the beam would rank (ACTIVE or
BOOSTED; ids ascending):

1. `prune-fails-to-run-twice`: prune a node whose code fails to run (it does not compile,
   or every public test ends in CE/RE) when its parent's code failed to run too: two
   generations of a branch that never ran. Only the node is pruned, not the parent, whose
   other children may run.
2. `boost-efficiency`: boost at most one node per round: among the nodes that pass every
   public test that is not a performance input, and either TLE on a performance input or
   get a critique naming an efficiency problem (`names_efficiency_problem`), the one with
   the best public pass rate (then the engine's answer key, then the older node). A correct
   but slow program is the one worth refining, even when the critic's score ranks it low.
   A node the rank keeps anyway is boosted too (it then takes its beam slot first).
3. `hint-input-limits`: add `INPUT_LIMITS_HINT` to every node whose performance input ran
   out of time (once per node), so its children's programmer calls read it.

Nodes pruned by rule 1 get no boost or hint. In the search's last round (`RoundSettled.last`)
the policy sends nothing: no beam or prompt follows for a command to shape, and a command
that shapes nothing would count as steering. The call budget binds the steered search as
it binds the plain one: none of these commands starts a model call.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from orps_tui.sandbox.report import Verdict
from orps_tui.search import events as ev
from orps_tui.search.scoring import answer_key
from orps_tui.search.tree import Node, NodeFate, NodeState, SearchTree

if TYPE_CHECKING:
    from orps_tui.search.engine import SearchEngine

POLICY_NAME = "careful-1"
"""Recorded with every steered bench record; a change to the rules gets a new name."""

INPUT_LIMITS_HINT = ("mind the input limits: the largest input must run well under the "
                     "time limit")

_RANKED = (NodeState.ACTIVE, NodeState.BOOSTED)
_RANKED_FATES = (NodeFate.KEPT_RANK, NodeFate.STOPPED_RANK)
_FAILS = (Verdict.CE, Verdict.RE)

_EFFICIENCY = re.compile(
    r"(?<!not )too slow|slow for|inefficien|not efficient|not fast enough"
    r"|quadratic|cubic|exponential"
    r"|O\(\s*n\s*(\^|\*\*)\s*[2-9]|O\(\s*n\s*[²³]|O\(\s*2\s*\^\s*n|O\(\s*n\s*!"
    r"|exceed(s|ed|ing)? the time limit|time limit exceeded|(over|close to|near) the time limit"
    r"|\bTLE\b|times? out|timed out|brute[- ]?force|could be optimi[sz]"
    r"|needs? (to be )?optimi[sz]|scales? poorly|won'?t scale|will not scale|does not scale"
    r"|too many (operations|iterations)",
    re.IGNORECASE)


class Rule(StrEnum):
    PRUNE_FAILS_TO_RUN_TWICE = "prune-fails-to-run-twice"
    BOOST_EFFICIENCY = "boost-efficiency"
    HINT_INPUT_LIMITS = "hint-input-limits"


@dataclass(frozen=True)
class Action:
    """One command the policy sent, why, and in which round."""

    round: int
    rule: Rule
    command: ev.Prune | ev.Boost | ev.AddHint

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "rule": str(self.rule),
                "command": type(self.command).__name__, "node": self.command.node_id}


def fails_to_run(node: Node) -> bool:
    """The node's code does not compile, or every public test ended in CE or RE."""
    report = node.report
    if report is None:
        return False
    return report.compile_error is not None or (
        bool(report.tests) and all(t.verdict in _FAILS for t in report.tests))


def performance_tle(node: Node) -> bool:
    """A performance input (public, judged for time only) ran out of time."""
    return node.report is not None and any(
        t.performance and t.verdict is Verdict.TLE for t in node.report.tests)


def passes_functional(node: Node) -> bool:
    """Every public test that is not a performance input passes (at least one such test)."""
    if node.report is None:
        return False
    functional = [t for t in node.report.tests if not t.performance]
    return bool(functional) and all(t.verdict.passed for t in functional)


def names_efficiency_problem(critique: str) -> bool:
    """Whether a critique names a speed or complexity problem (a keyword heuristic:
    "too slow", "inefficient", "O(n^2)", "quadratic", "brute force", "time limit", ...).
    A bare "efficient" or "complexity" does not count: critiques praise them too."""
    return bool(_EFFICIENCY.search(critique))


def decide(tree: SearchTree, round_no: int) -> list[Action]:
    """The commands the policy sends when round `round_no` has settled (see the module
    docstring for the rules). Pure: reads the tree, changes nothing."""
    ranked = sorted((n for n in tree.nodes.values()
                     if n.round == round_no and n.state in _RANKED), key=lambda n: n.id)
    actions: list[Action] = []
    pruned: set[int] = set()
    for node in ranked:
        parent = tree[node.parent_id] if node.parent_id is not None else None
        if parent is not None and fails_to_run(node) and fails_to_run(parent):
            actions.append(Action(round_no, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(node.id)))
            pruned.add(node.id)
    alive = [n for n in ranked if n.id not in pruned]
    slow = [n for n in alive if n.state is NodeState.ACTIVE and passes_functional(n)
            and (performance_tle(n) or names_efficiency_problem(n.critique))]
    if slow:
        best = max(slow, key=lambda n: (n.pass_rate or 0.0, answer_key(n), -n.id))
        actions.append(Action(round_no, Rule.BOOST_EFFICIENCY, ev.Boost(best.id)))
    for node in alive:
        if performance_tle(node) and INPUT_LIMITS_HINT not in node.hints:
            actions.append(Action(round_no, Rule.HINT_INPUT_LIMITS,
                                  ev.AddHint(node.id, INPUT_LIMITS_HINT)))
    return actions


def first_actions(tree: SearchTree) -> list[Action]:
    """What the policy would send on a saved *unsteered* search, in the first round where
    it acts (after that a steered search's tree is not this one): each round but the last
    one in the tree, as its nodes stood when the round settled (a node the beam ranked,
    kept or stopped, was ACTIVE then). Empty: the policy never acts on this tree, so a
    steered search with the same seeds grows it unchanged. Reads a copy of `tree`."""
    settled = copy.deepcopy(tree)
    for node in settled.nodes.values():  # `decide` reads one round's states at a time
        if node.fate in _RANKED_FATES:
            node.state = NodeState.ACTIVE
    rounds = sorted({n.round for n in tree.nodes.values()})
    for round_no in rounds[:-1]:
        actions = decide(settled, round_no)
        if actions:
            return actions
    return []


_SENT_BY: dict[str, tuple[Rule, Callable[[int], ev.Prune | ev.Boost | ev.AddHint]]] = {
    "Prune": (Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune),
    "Boost": (Rule.BOOST_EFFICIENCY, ev.Boost),
    "AddHint": (Rule.HINT_INPUT_LIMITS, lambda node_id: ev.AddHint(node_id, INPUT_LIMITS_HINT)),
}
"""Each rule sends one kind of command, so a command's mark names the rule that sent it
and the command itself."""


def sent_before(tree: SearchTree) -> list[Action]:
    """The commands this policy sent to a steered search before it was cut short, read
    back from the marks they left on its nodes (a resumed steered search's session holds
    them; its new process does not), in the order `decide` sends them: by round, then by
    rule, then by node. Only for trees the policy alone steered (a bench run's)."""
    order = list(Rule)
    found: list[Action] = []
    for node in tree.nodes.values():
        for mark in node.steered:
            if mark.command in _SENT_BY:
                rule, make = _SENT_BY[mark.command]
                found.append(Action(mark.round, rule, make(node.id)))
    return sorted(found, key=lambda a: (a.round, order.index(a.rule), a.command.node_id))


@dataclass
class SteeringPolicy:
    """Runs `decide` on every settled round of one engine and sends its commands.

    `attach()` subscribes (before `engine.run()`); `actions` lists what was sent, in order;
    `failure` holds the error if a rule raised (the engine logs it and goes on unsteered
    for that round, so a bench must not count such a run as steered)."""

    engine: SearchEngine
    name: str = POLICY_NAME
    actions: list[Action] = field(default_factory=list)
    failure: str | None = None

    def attach(self) -> Callable[[], None]:
        return self.engine.subscribe(self._on_event)

    def _on_event(self, event: ev.Event) -> None:
        if not isinstance(event, ev.RoundSettled) or event.last:
            return
        try:
            for action in decide(self.engine.tree, event.round):
                self.actions.append(action)
                self.engine.send(action.command)
        except Exception as exc:
            self.failure = f"{type(exc).__name__}: {exc}"
            raise

    def counts(self) -> dict[str, int]:
        """Commands sent, by rule."""
        return _count(a.rule for a in self.actions)


def _count(rules: Iterable[Rule]) -> dict[str, int]:
    out = {str(rule): 0 for rule in Rule}
    for rule in rules:
        out[str(rule)] += 1
    return out
