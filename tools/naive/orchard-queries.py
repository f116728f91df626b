"""Naive orchard-queries: add up every rectangle row by row (O(rows * cols) per question)."""

import sys

data = sys.stdin.read().split()
n, m, q = int(data[0]), int(data[1]), int(data[2])
grid = [[int(ch) for ch in data[3 + r]] for r in range(n)]
nums = [int(x) for x in data[3 + n :]]
out = []
for k in range(q):
    r1, c1, r2, c2 = nums[4 * k : 4 * k + 4]
    out.append(sum(sum(grid[r][c1 - 1 : c2]) for r in range(r1 - 1, r2)))
print("\n".join(map(str, out)))
