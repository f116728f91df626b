"""Brute force for shop-banner: place each line character by character in a blank row."""

import sys

lines = sys.stdin.read().split("\n")
n = int(lines[0])
texts = lines[1 : 1 + n]
width = max(map(len, texts))
rows = ["+" + "-" * (width + 2) + "+"]
for number, text in enumerate(texts, start=1):
    cells = [" "] * width
    pad = width - len(text)
    left = pad // 2 if (pad % 2 == 0 or number % 2 == 1) else pad // 2 + 1
    for j, ch in enumerate(text):
        cells[left + j] = ch
    rows.append("| " + "".join(cells) + " |")
rows.append(rows[0])
for row in rows:
    print(row)
