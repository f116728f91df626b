"""The node table's rows: per-role cost, score parts, fate and steering; sort and filter."""

from __future__ import annotations

from orps_tui.search.node_facts import FactColumn, filter_facts, node_facts, sort_facts
from orps_tui.search.tree import (
    CallStats,
    Node,
    NodeFate,
    NodeState,
    ScoreParts,
    SteeringMark,
)


def _node(node_id: int, critic: float | None, *, fate: NodeFate | None = None,
          steered: tuple[SteeringMark, ...] = ()) -> Node:
    node = Node(node_id, None, 0, state=NodeState.STOPPED, process_score=critic, fate=fate,
                steered=list(steered))
    node.calls = [CallStats("programmer", 100 + node_id, 40, total_s=1.5),
                  CallStats("critic", 300, 20, total_s=0.5),
                  CallStats("programmer", 10, 5, total_s=0.25)]
    node.score_parts = ScoreParts(1.0, 0.9, 0.8, 0.7)
    node.outcome_score = node.score_parts.outcome
    return node


def test_facts_sum_each_roles_calls_and_read_the_score_parts() -> None:
    facts = node_facts(_node(2, 4.0, fate=NodeFate.KEPT_BOOSTED,
                             steered=(SteeringMark("Boost", 1),)))
    assert (facts.programmer.calls, facts.programmer.prompt_tokens,
            facts.programmer.completion_tokens, facts.programmer.seconds) == (2, 112, 45, 1.75)
    assert (facts.critic_cost.calls, facts.critic_cost.prompt_tokens) == (1, 300)
    assert (facts.time_headroom, facts.memory_headroom, facts.static) == (0.9, 0.8, 0.7)
    assert facts.fate == "kept-boosted" and facts.steered == ("Boost@r1",)


def test_sort_puts_the_highest_critic_first_and_unknown_last() -> None:
    facts = [node_facts(_node(i, c)) for i, c in ((0, 3.0), (1, None), (2, 5.0), (3, 3.0))]
    assert [f.id for f in sort_facts(facts, FactColumn.CRITIC)] == [2, 0, 3, 1]
    assert [f.id for f in sort_facts(facts, FactColumn.CRITIC, reverse=True)] == [0, 3, 2, 1]
    assert [f.id for f in sort_facts(facts, FactColumn.ID)] == [0, 1, 2, 3]


def test_filter_matches_fate_and_steering_words() -> None:
    facts = [node_facts(_node(0, 3.0, fate=NodeFate.STOPPED_RANK)),
             node_facts(_node(1, 4.0, fate=NodeFate.KEPT_BOOSTED,
                              steered=(SteeringMark("Boost", 0),)))]
    assert [f.id for f in filter_facts(facts, "boost")] == [1]
    assert [f.id for f in filter_facts(facts, "stopped-rank")] == [0]
    assert [f.id for f in filter_facts(facts, "")] == [0, 1]
