"""Naive fair-split: classic boolean subset-sum table, one Python step per (coin, sum)."""

import sys

data = sys.stdin.read().split()
n = int(data[0])
coins = [int(x) for x in data[1 : 1 + n]]
total = sum(coins)
half = total // 2
can = [False] * (half + 1)
can[0] = True
for v in coins:
    for s in range(half, v - 1, -1):
        if can[s - v]:
            can[s] = True
best = max(s for s in range(half + 1) if can[s])
print(total - 2 * best)
