"""Naive fn-gcd-pair-sum: gcd of every pair (O(n^2))."""

from math import gcd


def gcd_pair_sum(xs: list[int]) -> int:
    return sum(gcd(xs[i], xs[j]) for i in range(len(xs)) for j in range(i + 1, len(xs)))
