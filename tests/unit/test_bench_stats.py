"""Paired statistics of `orps bench` against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from orps_tui.search.bench_stats import auc, bootstrap_mean_ci, mcnemar_exact, paired


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (0, 0, 1.0),  # no discordant pair: no evidence either way
        (0, 5, 2 / 32),  # 2 * P(X <= 0), X ~ Bin(5, 1/2)
        (5, 0, 2 / 32),  # symmetric
        (1, 9, 2 * (1 + 10) / 1024),  # 2 * (C(10,0) + C(10,1)) / 2^10
        (3, 3, 1.0),  # 2 * P(X <= 3) for Bin(6, 1/2) = 2 * 42/64 > 1: capped
        (2, 8, 2 * (1 + 10 + 45) / 1024),
    ],
)
def test_exact_mcnemar(b: int, c: int, expected: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(expected)


def test_mcnemar_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        mcnemar_exact(-1, 2)


def test_bootstrap_of_a_constant_difference_is_that_constant() -> None:
    iv = bootstrap_mean_ci([0.5, 0.5, 0.5])
    assert (iv.mean, iv.low, iv.high) == (0.5, 0.5, 0.5)


def test_bootstrap_interval_matches_the_binomial_quantiles() -> None:
    # Differences (1, 1, 1, 0): a resampled mean is K/4 with K ~ Bin(4, 3/4).
    # P(K = 0) = 1/256 < 2.5% <= P(K <= 1) = 13/256, so the 2.5% quantile is 1/4;
    # P(K = 4) = 81/256 > 2.5%, so the 97.5% quantile is 1.
    iv = bootstrap_mean_ci([1, 1, 1, 0])
    assert (iv.mean, iv.low, iv.high) == (0.75, 0.25, 1.0)


def test_bootstrap_is_reproducible_and_needs_pairs() -> None:
    values = [1, 0, -1, 1, 0, 0, 1, -1, 1, 1]
    assert bootstrap_mean_ci(values) == bootstrap_mean_ci(values)
    iv = bootstrap_mean_ci(values)
    assert iv.mean == pytest.approx(0.3) and iv.low <= iv.mean <= iv.high
    # Normal approximation: sd of the mean = sqrt(var / n) ~ 0.25 here; the percentile
    # interval should be about mean +- 2 sd, i.e. inside (-0.3, 0.9).
    sd = math.sqrt(sum((v - 0.3) ** 2 for v in values) / len(values) / len(values))
    assert iv.low > 0.3 - 3 * sd and iv.high < 0.3 + 3 * sd
    with pytest.raises(ValueError):
        bootstrap_mean_ci([])


def test_auc_counts_pairs_and_halves_ties() -> None:
    # positives 5 and 3, negatives 4 and 1: 5>4, 5>1, 3<4, 3>1 -> 3 of 4 pairs
    assert auc([(5, True), (4, False), (3, True), (1, False)]) == 0.75
    assert auc([(4, True), (4, False)]) == 0.5
    assert auc([(1, True), (5, False)]) == 0.0
    assert auc([(3, True), (4, True)]) is None  # no negative


def test_paired_comparison() -> None:
    outcomes = [(1.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    c = paired("orps", "bestofn", outcomes)
    assert (c.pairs, c.only_a, c.only_b) == (5, 2, 1)
    assert c.a_pass == pytest.approx(0.6) and c.b_pass == pytest.approx(0.4)
    assert c.p_value == pytest.approx(1.0)  # 2 * P(X <= 1), X ~ Bin(3, 1/2) = 2 * 4/8
    assert c.interval.mean == pytest.approx(0.2)
    mean = paired("orps", "oneshot-mean", [(1.0, 0.25), (0.0, 0.5)])
    assert mean.p_value is None and mean.only_a is None
    assert mean.interval.mean == pytest.approx(0.125)


def test_bootstrap_resamples_problems_not_seeds() -> None:
    # Two problems, three seeds each: ORPS always wins on a, ties on b. Drawn by problem, a
    # resample is all-a (1), all-b (0) or mixed (1/2), each all-one-problem case with chance
    # 1/4, so the interval is [0, 1]. Drawn by seed, as if six problems, it would be
    # [1/6, 5/6]: too narrow, since the seeds of one problem move together.
    differences = [1, 1, 1, 0, 0, 0]
    problems = ["a", "a", "a", "b", "b", "b"]
    grouped = bootstrap_mean_ci(differences, groups=problems)
    assert (grouped.mean, grouped.low, grouped.high) == (0.5, 0.0, 1.0)
    loose = bootstrap_mean_ci(differences)
    assert (loose.low, loose.high) == (pytest.approx(1 / 6), pytest.approx(5 / 6))
    c = paired("orps", "bestofn", [(d, 0.0) for d in differences], problems=problems)
    assert (c.interval.low, c.interval.high) == (0.0, 1.0)
    with pytest.raises(ValueError):
        bootstrap_mean_ci(differences, groups=problems[:2])
