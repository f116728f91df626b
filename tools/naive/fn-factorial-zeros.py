"""Brute force for fn-factorial-zeros: compute n! and divide by the base (small n only);
for large n fall back to the digit-sum form of Legendre's formula (an independent identity)."""


def factorial_zeros(n: int, base: int) -> int:
    if n <= 3000:
        f = 1
        for i in range(2, n + 1):
            f *= i
        zeros = 0
        while f % base == 0:
            f //= base
            zeros += 1
        return zeros
    best = None
    b = base
    for p in range(2, base + 1):
        e = 0
        while b % p == 0:
            b //= p
            e += 1
        if e:
            m, digits = n, 0
            while m:
                digits += m % p
                m //= p
            legendre = (n - digits) // (p - 1)
            best = legendre // e if best is None else min(best, legendre // e)
    return best
