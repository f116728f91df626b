"""Naive fn-voucher-cheapest-route: Bellman-Ford once per choice of discounted road."""


def _cheapest(n, roads):
    inf = float("inf")
    dist = [inf] * n
    dist[0] = 0
    for _ in range(n):
        changed = False
        for u, v, c in roads:
            if dist[u] + c < dist[v]:
                dist[v] = dist[u] + c
                changed = True
        if not changed:
            break
    return dist[n - 1]


def cheapest_with_voucher(n: int, roads: list[tuple[int, int, int]]) -> int:
    best = _cheapest(n, roads)
    for i, (u, v, c) in enumerate(roads):
        best = min(best, _cheapest(n, roads[:i] + [(u, v, c // 2)] + roads[i + 1 :]))
    return -1 if best == float("inf") else best
