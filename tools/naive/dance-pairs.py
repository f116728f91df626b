"""Naive dance-pairs: compare every pair of students (O(n^2))."""

import sys

data = sys.stdin.read().split()
n, d = int(data[0]), int(data[1])
h = [int(x) for x in data[2 : 2 + n]]
print(sum(1 for i in range(n) for j in range(i + 1, n) if abs(h[i] - h[j]) <= d))
