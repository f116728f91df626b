"""Naive bus-sync: walk the departures of the longest-period line until all lines agree."""

import sys
from math import lcm

data = sys.stdin.read().split()
n = int(data[0])
lines = [(int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n)]
period, offset = max(lines)
horizon = lcm(*(p for p, _ in lines))
t = offset
while t < horizon and any(t % p != r for p, r in lines):
    t += period
print(t if t < horizon else -1)
