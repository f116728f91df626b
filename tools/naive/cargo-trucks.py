"""Brute force for cargo-trucks: build every truck load as an explicit list."""

import sys

data = sys.stdin.read().split()
n, cap = int(data[0]), int(data[1])
belt = [int(x) for x in data[2 : 2 + n]]
trucks: list[list[int]] = [[]]
for w in belt:
    if sum(trucks[-1]) + w <= cap:
        trucks[-1].append(w)
    else:
        trucks.append([w])
print(len(trucks))
