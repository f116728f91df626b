"""Brute force for fn-anagram-pairs: compare letter counts of every pair."""

from collections import Counter


def anagram_pairs(words: list[str]) -> int:
    counts = [Counter(w) for w in words]
    return sum(
        1 for i in range(len(words)) for j in range(i + 1, len(words)) if counts[i] == counts[j]
    )
