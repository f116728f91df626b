"""Naive nested-envelopes: quadratic longest-chain dynamic programming."""

import sys

data = sys.stdin.read().split()
n = int(data[0])
env = sorted((int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n))
chain = [1] * n
for i in range(n):
    for j in range(i):
        if env[j][0] < env[i][0] and env[j][1] < env[i][1] and chain[j] + 1 > chain[i]:
            chain[i] = chain[j] + 1
print(max(chain))
