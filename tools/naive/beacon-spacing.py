"""Naive beacon-spacing: lower the gap one metre at a time from the widest possible one."""

import sys

data = sys.stdin.read().split()
n, k = int(data[0]), int(data[1])
x = sorted(int(v) for v in data[2 : 2 + n])
gap = (x[-1] - x[0]) // (k - 1)
while True:
    placed, last = 1, x[0]
    for site in x[1:]:
        if site - last >= gap:
            placed += 1
            last = site
    if placed >= k:
        print(gap)
        break
    gap -= 1
