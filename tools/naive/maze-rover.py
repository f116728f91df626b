"""Naive maze-rover: relax distances by full sweeps over the map until nothing changes."""

import sys

data = sys.stdin.read().split()
r, c = int(data[0]), int(data[1])
rows = data[2 : 2 + r]
INF = float("inf")
dist = [[INF] * c for _ in range(r)]
for i in range(r):
    for j in range(c):
        if rows[i][j] == "S":
            dist[i][j] = 0
changed = True
while changed:
    changed = False
    for i in range(r):
        for j in range(c):
            if rows[i][j] == "#":
                continue
            best = dist[i][j]
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                a, b = i + di, j + dj
                if 0 <= a < r and 0 <= b < c and dist[a][b] + 1 < best:
                    best = dist[a][b] + 1
            if best < dist[i][j]:
                dist[i][j] = best
                changed = True
for i in range(r):
    for j in range(c):
        if rows[i][j] == "E":
            print(-1 if dist[i][j] == INF else dist[i][j])
