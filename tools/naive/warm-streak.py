"""Brute force for warm-streak: try every start and extend while strictly increasing."""

import sys

data = sys.stdin.read().split()
n = int(data[0])
t = [int(x) for x in data[1 : 1 + n]]
best = (0, 0)
for start in range(n):
    end = start
    while end + 1 < n and t[end + 1] > t[end]:
        end += 1
    if end - start + 1 > best[0]:
        best = (end - start + 1, start + 1)
print(*best)
