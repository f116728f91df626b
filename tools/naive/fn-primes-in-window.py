"""Naive fn-primes-in-window: trial division of every number in the window."""


def _is_prime(m: int) -> bool:
    if m < 2:
        return False
    d = 2
    while d * d <= m:
        if m % d == 0:
            return False
        d += 1
    return True


def count_primes_between(lo: int, hi: int) -> int:
    return sum(1 for m in range(lo, hi + 1) if _is_prime(m))
