"""Naive fn-longest-distinct-run: grow a set from every start (O(n * answer))."""


def longest_distinct(s: str) -> int:
    best = 0
    for i in range(len(s)):
        seen = set()
        for ch in s[i:]:
            if ch in seen:
                break
            seen.add(ch)
        best = max(best, len(seen))
    return best
