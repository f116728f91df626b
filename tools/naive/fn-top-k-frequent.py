"""Naive fn-top-k-frequent: count every distinct value with list.count (O(n * distinct))."""


def top_k_frequent(xs: list[int], k: int) -> list[int]:
    ranked = sorted(set(xs), key=lambda v: (-xs.count(v), v))
    return ranked[:k]
