"""Naive fn-split-min-largest: DP over (pieces, prefix) trying every last cut (O(k * n^2))."""


def min_largest_part(xs: list[int], k: int) -> int:
    n = len(xs)
    prefix = [0]
    for x in xs:
        prefix.append(prefix[-1] + x)
    inf = float("inf")
    best = [0] + [inf] * n  # best[i]: first i jobs with the pieces used so far
    answer = inf
    for _ in range(k):
        new = [inf] * (n + 1)
        for i in range(1, n + 1):
            for j in range(i):
                cand = max(best[j], prefix[i] - prefix[j])
                if cand < new[i]:
                    new[i] = cand
        best = new
        answer = min(answer, best[n])
    return answer
