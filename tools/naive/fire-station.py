"""Naive fire-station: walk the tree from every village (O(n^2))."""

import sys

data = sys.stdin.read().split()
n = int(data[0])
adj: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
for j in range(n - 1):
    u, v, w = (int(x) for x in data[1 + 3 * j : 4 + 3 * j])
    adj[u].append((v, w))
    adj[v].append((u, w))
best = None
for s in range(1, n + 1):
    far = 0
    stack = [(s, 0, 0)]
    while stack:
        u, parent, d = stack.pop()
        far = max(far, d)
        for v, w in adj[u]:
            if v != parent:
                stack.append((v, u, d + w))
    if best is None or far < best[0]:
        best = (far, s)
print(*best)
