"""Naive fn-smallest-topo-order: scan for the smallest ready task every step (O(n^2 + m))."""


def smallest_order(n: int, edges: list[tuple[int, int]]) -> list[int]:
    indegree = [0] * n
    after = [[] for _ in range(n)]
    for a, b in edges:
        indegree[b] += 1
        after[a].append(b)
    done = [False] * n
    order = []
    for _ in range(n):
        v = next((v for v in range(n) if not done[v] and indegree[v] == 0), None)
        if v is None:
            return []
        done[v] = True
        order.append(v)
        for w in after[v]:
            indegree[w] -= 1
    return order
