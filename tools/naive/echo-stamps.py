"""Naive echo-stamps: count the occurrences of every prefix by scanning the string."""

import sys

s = sys.stdin.read().split()[0]
best = 0
for length in range(1, len(s) + 1):
    stamp = s[:length]
    count, pos = 0, s.find(stamp)
    while pos != -1:
        count += 1
        pos = s.find(stamp, pos + 1)
    best = max(best, length * count)
print(best)
