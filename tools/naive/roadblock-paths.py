"""Naive roadblock-paths, per question: dynamic programming over the grid when the box is
small, exact big-integer binomials (no modular tables) otherwise."""

import sys
from math import comb

MOD = 10**9 + 7


def by_grid(a: int, b: int, c: int, d: int) -> int:
    row = [0] * (b + 1)  # row[y] = routes to (x, y) for the current x
    for x in range(a + 1):
        for y in range(b + 1):
            if (x, y) == (c, d):
                row[y] = 0
            elif x == 0 and y == 0:
                row[y] = 1
            else:
                row[y] = (row[y] + (row[y - 1] if y > 0 else 0)) % MOD
    return row[b]


def by_binomials(a: int, b: int, c: int, d: int) -> int:
    ways = comb(a + b, a)
    if c <= a and d <= b:
        ways -= comb(c + d, c) * comb(a - c + b - d, a - c)
    return ways % MOD


data = sys.stdin.read().split()
q = int(data[0])
nums = [int(x) for x in data[1 : 1 + 4 * q]]
out = []
for k in range(q):
    a, b, c, d = nums[4 * k : 4 * k + 4]
    out.append(by_grid(a, b, c, d) if (a + 1) * (b + 1) <= 10_000 else by_binomials(a, b, c, d))
print("\n".join(map(str, out)))
