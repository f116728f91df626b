"""Outcome score, beam selection under both rankings, and the answer key."""

from __future__ import annotations

import pytest

from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import IsolationStatus, JudgeReport, StaticMetrics, TestResult, Verdict
from orps_tui.search.scoring import (
    Ranking,
    Scales,
    answer_key,
    dynamic_score,
    outcome_score,
    select_beam,
    static_score,
)
from orps_tui.search.tree import Node, NodeState, SearchTree


def report(passed: int, total: int, cpu: float = 0.0, rss: float = 0.0, ast_nodes: int = 0,
           cyclomatic: int = 0, loc: int = 0) -> JudgeReport:
    tests = [TestResult(f"t{i}", True, Verdict.AC if i < passed else Verdict.WA, cpu_s=cpu,
                        wall_s=cpu, peak_rss_mb=rss) for i in range(total)]
    return JudgeReport(Verdict.AC if passed == total else Verdict.WA, passed, total, tests,
                       StaticMetrics(loc=loc, ast_nodes=ast_nodes, cyclomatic=cyclomatic),
                       IsolationStatus())


LIMITS = Limits(time_s=2.0, memory_mb=256)


def test_static_terms_are_one_at_zero_and_half_at_the_scale() -> None:
    scales = Scales(ast_nodes=200, complexity=10, loc=50)
    assert static_score(report(1, 1, ast_nodes=200, cyclomatic=10, loc=50), scales) == pytest.approx(0.5)
    assert static_score(report(1, 1), scales) == pytest.approx(1.0)


def test_dynamic_part_is_the_headroom_left_under_the_limits() -> None:
    assert dynamic_score(report(1, 1), LIMITS) == pytest.approx(1.0)
    assert dynamic_score(report(1, 1, cpu=1.0, rss=128.0), LIMITS) == pytest.approx(0.5)
    assert dynamic_score(report(1, 1, cpu=5.0, rss=999.0), LIMITS) == 0.0


def test_a_linear_solution_outscores_a_quadratic_one_on_a_performance_input() -> None:
    linear = report(3, 3, cpu=0.08, rss=20.0)  # 4% of the limit
    quadratic = report(3, 3, cpu=1.7, rss=20.0)  # 85% of the limit, still AC
    gap = outcome_score(linear, Scales(), LIMITS) - outcome_score(quadratic, Scales(), LIMITS)
    # the time terms differ by 0.96 - 0.15; the dynamic part is half of quality
    assert gap == pytest.approx((0.96 - 0.15) / 2 / 2)
    assert dynamic_score(linear, LIMITS) - dynamic_score(quadratic, LIMITS) > 0.4


def test_outcome_score_formula() -> None:
    scales = Scales()
    r = report(3, 4, cpu=1.0, rss=128.0, ast_nodes=200, cyclomatic=10, loc=50)
    assert outcome_score(r, scales, LIMITS) == pytest.approx(0.75 * (1 + 0.5))
    assert outcome_score(report(0, 4), scales, LIMITS) == 0.0
    perfect = outcome_score(report(2, 2), scales, LIMITS)
    assert 1.9 < perfect <= 2.0


def test_static_scales_are_configurable() -> None:
    r = report(1, 1, loc=100)
    assert static_score(r, Scales(loc=200)) > static_score(r, Scales(loc=50))


def _nodes(specs: list[tuple[float | None, float]]) -> list[Node]:
    tree = SearchTree()
    out = []
    for critic, outcome in specs:
        n = tree.new_node(None, state=NodeState.ACTIVE)
        n.process_score, n.outcome_score = critic, outcome
        out.append(n)
    return out


def test_lexicographic_beam_ranks_critic_first() -> None:
    a, b, c = _nodes([(5, 0.1), (4, 1.9), (5, 0.5)])
    kept = select_beam([a, b, c], [], 2, Ranking.LEXICOGRAPHIC)
    assert [n.id for n in kept] == [c.id, a.id]


def test_weighted_beam_mixes_critic_and_outcome() -> None:
    a, b, c = _nodes([(5, 0.1), (4, 1.9), (5, 0.5)])
    # a: 0.5 + 0.025 = 0.525; b: 0.4 + 0.475 = 0.875; c: 0.5 + 0.125 = 0.625
    kept = select_beam([a, b, c], [], 2, Ranking.WEIGHTED)
    assert [n.id for n in kept] == [b.id, c.id]


def test_missing_critic_score_ranks_last_and_ties_go_to_older_nodes() -> None:
    a, b, c = _nodes([(None, 1.9), (3, 0.2), (3, 0.2)])
    kept = select_beam([a, b, c], [], 3, Ranking.LEXICOGRAPHIC)
    assert [n.id for n in kept] == [b.id, c.id, a.id]


def test_boosted_nodes_rank_first_and_take_slots() -> None:
    a, b, c = _nodes([(5, 1.9), (4, 1.0), (1, 0.0)])
    kept = select_beam([a, b, c], [c], 2, Ranking.LEXICOGRAPHIC)
    assert [n.id for n in kept] == [c.id, a.id]
    kept = select_beam([a, b], [c, b], 1, Ranking.LEXICOGRAPHIC)
    assert [n.id for n in kept] == [c.id, b.id]  # every boosted node is kept


def test_answer_key_prefers_pass_rate_then_speed_then_outcome() -> None:
    tree = SearchTree()
    slow_full = tree.new_node(None)
    slow_full.report, slow_full.outcome_score = report(2, 2, cpu=0.5), 1.0
    fast_full = tree.new_node(None)
    fast_full.report, fast_full.outcome_score = report(2, 2, cpu=0.1), 0.9
    fast_half = tree.new_node(None)
    fast_half.report, fast_half.outcome_score = report(1, 2, cpu=0.0), 1.5
    assert answer_key(fast_full) > answer_key(slow_full) > answer_key(fast_half)
    for n in (slow_full, fast_full, fast_half):
        n.code = "pass"
    assert tree.best_id() == fast_full.id
    fast_full.state = NodeState.PRUNED
    assert tree.best_id() == slow_full.id
