"""Brute force for podium-ranking: pick the best remaining pupil three times by scanning."""

import sys

data = sys.stdin.read().split()
m = int(data[0])
names: list[str] = []
points: list[int] = []
for k in range(m):
    name, p = data[1 + 2 * k], int(data[2 + 2 * k])
    if name in names:
        points[names.index(name)] += p
    else:
        names.append(name)
        points.append(p)
for _ in range(min(3, len(names))):
    best = 0
    for i in range(1, len(names)):
        if points[i] > points[best] or (points[i] == points[best] and names[i] < names[best]):
            best = i
    print(names[best], points[best])
    names.pop(best)
    points.pop(best)
