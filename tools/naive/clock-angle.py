"""Brute force for clock-angle: floating-point hand angles measured from 12 o'clock."""

import sys

data = sys.stdin.read().split()
for stamp in data[1:]:
    h, m, s = map(int, stamp.split(":"))
    seconds = h * 3600 + m * 60 + s
    hour_angle = (seconds / 43200 * 360) % 360
    minute_angle = (seconds / 3600 * 360) % 360
    gap = abs(hour_angle - minute_angle)
    print(f"{min(gap, 360 - gap):.9f}")
