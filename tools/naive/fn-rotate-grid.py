"""Brute force for fn-rotate-grid: one index-formula quarter turn at a time."""


def rotate(grid: list[list[int]], k: int) -> list[list[int]]:
    turns = k % 4
    g = [row[:] for row in grid]
    for _ in range(turns):
        rows, cols = len(g), len(g[0]) if g else 0
        g = [[g[rows - 1 - j][i] for j in range(rows)] for i in range(cols)]
    return g
