"""Scores: the outcome score from real execution, the beam ranking and the answer key (docs/architecture.md).

outcome = pass_rate x (1 + mean(static, dynamic)) in [0, 2).

dynamic: how much of the problem's limits the slowest public test used, as a fraction:
mean(1 - cpu/time limit, 1 - peak memory/memory limit), each clamped to [0, 1]. Measured
against the limits (not on a fixed scale) so that on a maximum-size performance input a
linear solution (a few % of the limit) scores far above a quadratic one (near it).
static: a mean of 1 / (1 + metric / scale) terms over AST size, cyclomatic complexity and
lines of code (1 for a zero metric, 0.5 when the metric equals its scale).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from orps_tui.config import SearchSettings
from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.tree import Node, ScoreParts


class Ranking(StrEnum):
    LEXICOGRAPHIC = "lexicographic"
    """(critic score, outcome score), as the reference code sorts."""
    WEIGHTED = "weighted"
    """0.5 x critic/5 + 0.5 x outcome/2, as the paper states."""


@dataclass(frozen=True)
class Scales:
    """The static part's scales (the dynamic part is measured against the limits)."""

    ast_nodes: float = SearchSettings.ast_scale
    complexity: float = SearchSettings.complexity_scale
    loc: float = SearchSettings.loc_scale


def _term(metric: float, scale: float) -> float:
    return 1.0 / (1.0 + max(metric, 0.0) / scale) if scale > 0 else 0.0


def mean_cpu_s(report: JudgeReport) -> float:
    """Mean CPU seconds over the tests that ran (0 when none ran)."""
    ran = [t.cpu_s for t in report.tests if t.wall_s > 0 or t.cpu_s > 0]
    return sum(ran) / len(ran) if ran else 0.0


def max_cpu_s(report: JudgeReport) -> float:
    """CPU seconds of the slowest test (the largest input sets the pace)."""
    return max((t.cpu_s for t in report.tests), default=0.0)


def _headroom(used: float, limit: float) -> float:
    return 1.0 - min(1.0, max(used, 0.0) / limit) if limit > 0 else 0.0


def _headrooms(report: JudgeReport, limits: Limits) -> tuple[float, float]:
    """(1 - cpu/time limit, 1 - memory/memory limit) on the slowest / largest test."""
    return (_headroom(max_cpu_s(report), limits.time_s),
            _headroom(report.max_rss_mb, float(limits.memory_mb)))


def dynamic_score(report: JudgeReport, limits: Limits) -> float:
    """mean(1 - cpu/time limit, 1 - memory/memory limit) on the slowest / largest test."""
    return sum(_headrooms(report, limits)) / 2


def outcome_parts(report: JudgeReport, scales: Scales, limits: Limits) -> ScoreParts:
    """The outcome score's parts; `.outcome` is `outcome_score`, `.dynamic` `dynamic_score`."""
    return ScoreParts(report.pass_rate, *_headrooms(report, limits), static_score(report, scales))


def static_score(report: JudgeReport, scales: Scales) -> float:
    s = report.static
    return (_term(s.ast_nodes, scales.ast_nodes) + _term(s.cyclomatic, scales.complexity)
            + _term(s.loc, scales.loc)) / 3


def outcome_score(report: JudgeReport, scales: Scales, limits: Limits) -> float:
    """pass_rate x (1 + mean(static, dynamic)), in [0, 2)."""
    return outcome_parts(report, scales, limits).outcome


def beam_key(node: Node, ranking: Ranking) -> tuple[float, ...]:
    """Larger is better. A missing critic score ranks below every given score."""
    critic = node.process_score if node.process_score is not None else 0.0
    outcome = node.outcome_score or 0.0
    if ranking is Ranking.WEIGHTED:
        return (0.5 * critic / 5.0 + 0.5 * outcome / 2.0, outcome)
    return (critic, outcome)


def answer_key(node: Node) -> tuple[float, float, float, float]:
    """Larger is better: public pass rate, then code that runs over code that does not
    compile (a CE's CPU time of 0 must not win a tie), then lower mean CPU time, then
    outcome score."""
    if node.report is None:
        return (-1.0, 0.0, 0.0, 0.0)
    runs = 0.0 if node.report.compile_error is not None else 1.0
    return (node.report.pass_rate, runs, -mean_cpu_s(node.report), node.outcome_score or 0.0)


def select_beam(candidates: list[Node], boosted: list[Node], width: int,
                ranking: Ranking) -> list[Node]:
    """Boosted nodes first (in the order they were boosted), then the best of the rest
    up to `width` in all. Ties go to the older node (lower id), so selection is deterministic."""
    chosen = list(boosted)
    seen = {n.id for n in chosen}
    rest = sorted((n for n in candidates if n.id not in seen),
                  key=lambda n: (tuple(-k for k in beam_key(n, ranking)), n.id))
    for node in rest:
        if len(chosen) >= max(width, len(boosted)):
            break
        chosen.append(node)
    return chosen
