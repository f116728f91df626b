"""Naive fn-merge-intervals: insert each interval into the result, scanning all of it."""


def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
    result: list[list[int]] = []
    for lo, hi in intervals:
        keep = []
        for a, b in result:
            if b < lo or hi < a:
                keep.append([a, b])
            else:
                lo, hi = min(lo, a), max(hi, b)
        keep.append([lo, hi])
        result = keep
    return sorted(result)
