"""A planted wrong solution of warm-streak with an off-by-one: the loop stops one day early,
so a streak that runs to the last day is cut short. Both public samples pass (the first
ends on a cold day); `orps stress warm-streak` finds the bug."""

import sys

data = sys.stdin.read().split()
n = int(data[0])
temps = list(map(int, data[1 : 1 + n]))
best_len, best_start, start = 1, 0, 0
for i in range(1, n - 1):
    if temps[i] <= temps[i - 1]:
        start = i
    elif i - start + 1 > best_len:
        best_len, best_start = i - start + 1, start
print(best_len, best_start + 1)
