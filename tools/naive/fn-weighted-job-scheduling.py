"""Naive fn-weighted-job-scheduling: O(n^2) DP over jobs sorted by end."""


def max_profit(jobs: list[tuple[int, int, int]]) -> int:
    jobs = sorted(jobs, key=lambda job: job[1])
    best = []
    for i, (start, _end, profit) in enumerate(jobs):
        value = profit
        for j in range(i):
            if jobs[j][1] <= start and best[j] + profit > value:
                value = best[j] + profit
        best.append(value)
    return max(best, default=0)
