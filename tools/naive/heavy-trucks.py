"""Naive heavy-trucks: a breadth-first search over the usable bridges for every trip."""

import sys
from collections import deque

data = sys.stdin.read().split()
n, m, q = int(data[0]), int(data[1]), int(data[2])
nums = [int(x) for x in data[3:]]
adj: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
for j in range(m):
    u, v, cap = nums[3 * j : 3 * j + 3]
    adj[u].append((v, cap))
    adj[v].append((u, cap))
out = []
base = 3 * m
for i in range(q):
    s, t, x = nums[base + 3 * i : base + 3 * i + 3]
    seen = [False] * (n + 1)
    seen[s] = True
    todo = deque([s])
    while todo:
        u = todo.popleft()
        for v, cap in adj[u]:
            if cap >= x and not seen[v]:
                seen[v] = True
                todo.append(v)
    out.append("YES" if seen[t] else "NO")
print("\n".join(out))
