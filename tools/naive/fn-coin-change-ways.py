"""Naive fn-coin-change-ways: for each coin, try every count of it (O(coins * amount^2 / c))."""


def count_ways(coins: list[int], amount: int) -> int:
    mod = 1_000_000_007
    ways = [1] + [0] * amount
    for c in coins:
        new = [0] * (amount + 1)
        for a in range(amount + 1):
            total = 0
            for used in range(0, a + 1, c):
                total += ways[a - used]
            new[a] = total % mod
        ways = new
    return ways[amount]
