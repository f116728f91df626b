"""Paired statistics for `orps bench`: exact McNemar test, paired bootstrap interval, AUC.

Pure functions over plain numbers (no scipy), so the figures can be checked by hand.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 20_261_202
"""Fixed, so the same records always print the same interval."""


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: a binomial test of the discordant pairs, `b` where
    only the first method passed and `c` where only the second did, against p = 1/2.
    1.0 when there is no discordant pair."""
    if b < 0 or c < 0:
        raise ValueError("discordant counts cannot be negative")
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**n)


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


def bootstrap_mean_ci(differences: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES,
                      seed: int = BOOTSTRAP_SEED, level: float = 0.95,
                      groups: Sequence[str] | None = None) -> Interval:
    """Percentile bootstrap interval of the mean of paired `differences`. With `groups`
    (one key per difference: its problem) whole groups are drawn with replacement, so the
    seeds of one problem, which are not independent, move together (a cluster bootstrap);
    without, each difference is its own group. The mean of a resample is over every
    difference drawn; the bounds are the (1-level)/2 and (1+level)/2 empirical quantiles of
    the resampled means (lower: the value at rank ⌈q·B⌉, 1-based)."""
    n = len(differences)
    if n == 0:
        raise ValueError("no pairs to resample")
    if groups is not None and len(groups) != n:
        raise ValueError("one group key per difference")
    clusters: dict[str, list[float]] = {}
    for i, value in enumerate(differences):
        clusters.setdefault(str(i) if groups is None else groups[i], []).append(value)
    sums = [(sum(values), len(values)) for values in clusters.values()]
    rng = random.Random(seed)

    def resample() -> float:
        drawn = rng.choices(sums, k=len(sums))
        return sum(total for total, _ in drawn) / sum(count for _, count in drawn)

    means = sorted(resample() for _ in range(resamples))
    alpha = (1.0 - level) / 2

    def quantile(q: float) -> float:
        rank = max(1, math.ceil(q * resamples - 1e-9))
        return means[min(rank, resamples) - 1]

    return Interval(sum(differences) / n, quantile(alpha), quantile(1.0 - alpha))


def auc(scores_and_labels: Sequence[tuple[float, bool]]) -> float | None:
    """Area under the ROC curve of `score` for predicting `label`: the chance that a random
    positive scores above a random negative, ties counting one half (Mann-Whitney).
    None unless there is at least one positive and one negative."""
    positives = [s for s, label in scores_and_labels if label]
    negatives = [s for s, label in scores_and_labels if not label]
    if not positives or not negatives:
        return None
    wins = 0.0
    for p in positives:
        for q in negatives:
            wins += 1.0 if p > q else 0.5 if p == q else 0.0
    return wins / (len(positives) * len(negatives))


@dataclass(frozen=True)
class PairedComparison:
    """ORPS (`a`) against another method (`b`) over the (problem, seed) pairs both have."""

    a: str
    b: str
    pairs: int
    a_pass: float
    """pass@1 of `a` over the pairs."""
    b_pass: float
    only_a: int | None
    """Pairs that only `a` solved (None when `b`'s outcomes are not 0/1, e.g. a mean)."""
    only_b: int | None
    p_value: float | None
    """Exact McNemar p-value (None when `b`'s outcomes are not 0/1)."""
    interval: Interval
    """Bootstrap 95% interval of pass@1(a) - pass@1(b), resampling problems."""


def paired(a: str, b: str, outcomes: Sequence[tuple[float, float]],
           problems: Sequence[str] | None = None) -> PairedComparison:
    """`outcomes`: per pair, (a's pass, b's pass), each 0/1 or a share in [0, 1], in a fixed
    order (the caller sorts the pairs, so the bootstrap is reproducible); `problems`: each
    pair's problem, so the interval resamples problems, not seeds."""
    n = len(outcomes)
    binary = all(x in (0.0, 1.0) and y in (0.0, 1.0) for x, y in outcomes)
    only_a = sum(1 for x, y in outcomes if x > y) if binary else None
    only_b = sum(1 for x, y in outcomes if y > x) if binary else None
    p = mcnemar_exact(only_a, only_b) if only_a is not None and only_b is not None else None
    return PairedComparison(a, b, n, sum(x for x, _ in outcomes) / n,
                            sum(y for _, y in outcomes) / n, only_a, only_b, p,
                            bootstrap_mean_ci([x - y for x, y in outcomes], groups=problems))
