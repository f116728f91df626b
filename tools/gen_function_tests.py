"""Write the tests of the function-kind starter problems (`problems/fn-*.toml`).

Each problem file holds its metadata, statement and reference solution, written by hand. Its
`[[tests]]` live at the end of the file between two marker lines and are written by this
script from the cases in `CASES` below:

- a `Small` case is a call expression; its expected value is whatever the reference returns
  (`tools/naive/<id>.py`, an independent brute force, is checked against it by `--measure`);
- a `Large` case holds code that builds a big input deterministically (an inline 64-bit LCG,
  no `random`), the call, and checks on the result (`r`): their expected values come from
  running the reference here, and the test asserts them;
- a `Perf` case (one per medium and hard problem) is the performance input `perf-max`: code
  that builds a new maximum-size input (its own LCG seed) and calls the function on it,
  asserting nothing. It is public and marked `performance = true`: the search sees it, and
  the judge checks only time, memory and exit on it.

Everything is deterministic, so running the script again leaves the files unchanged; `--check`
verifies that without writing. `--measure` runs the reference and the naive solution on every
test in a fresh subprocess (CPU-time limited) and prints their CPU times. `--stress N` compares
the reference with the brute force on N seeded random small inputs per problem (`STRESS`).

    .venv/bin/python tools/gen_function_tests.py [--check | --measure | --stress N] [ID ...]
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import re
import resource
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

REPO = Path(__file__).resolve().parent.parent
PROBLEMS = REPO / "problems"
NAIVE = REPO / "tools" / "naive"

BEGIN = "# BEGIN GENERATED TESTS: written by tools/gen_function_tests.py; edit the cases there"
END = "# END GENERATED TESTS"
MAX_INLINE_EXPECTED = 400
"""Longest expected-value repr a test may inline; check a digest of bigger results."""


@dataclass(frozen=True)
class Small:
    call: str
    public: bool = False
    name: str | None = None


@dataclass(frozen=True)
class Large:
    name: str
    build: str
    """Code that defines the call's arguments, deterministically."""
    call: str
    display: str
    """What the test shows as its call (the real arguments are too big to print)."""
    checks: tuple[str, ...] = ("r",)
    """Expressions over the result `r` whose reference values the test asserts."""


@dataclass(frozen=True)
class Perf:
    build: str
    """Code that defines a maximum-size input, deterministically, from a seed of its own."""
    call: str
    display: str


PERF_NAME = "perf-max"
PERF_REFERENCE_SHARE = 0.5
"""The reference may use at most this share of the time limit on the performance input."""


def lcg_list(var: str, count: int, value: str, seed: int) -> str:
    """Code that builds `var`, a list of `count` values of `value` (an expression over `x`,
    a fresh 64-bit LCG state each step; use its high bits, e.g. `x >> 33`)."""
    return (
        f"x = {seed}\n"
        f"{var} = []\n"
        f"for _ in range({count}):\n"
        f"    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
        f"    {var}.append({value})"
    )


LIST_DIGEST = "sum((i + 1) * v for i, v in enumerate(r)) % 1000000007"
"""A position-weighted checksum of a list of ints: catches wrong values and wrong order."""
PAIR_DIGEST = "sum((i + 1) * (3 * a + b) for i, (a, b) in enumerate(r)) % 1000000007"
"""The same for a list of pairs."""


def small(*calls: str, public: int = 0) -> list[Small]:
    """Cases from call expressions; the first `public` of them are public."""
    return [Small(c, public=i < public) for i, c in enumerate(calls)]


CASES: dict[str, list[Small | Large]] = {
    "fn-bracket-first-error": [
        *small(
            'first_error("a(b[c]d)e")',
            'first_error("([)]")',
            'first_error("{[")',
            public=3,
        ),
        *small(
            'first_error("")',
            'first_error("plain text, no brackets")',
            'first_error(")(")',
            'first_error("(()")',
            'first_error("()]")',
            'first_error("[{}]()")',
            'first_error("((((")',
            'first_error("x}y")',
            'first_error("({[]})]")',
            'first_error("([]{)}")',
            'first_error("f(a[i], {k: v}) + g([)")',
            'first_error("(" * 50000 + ")" * 50000)',
            'first_error("[" * 30000 + "(" + "]" * 30000)',
        ),
    ],
    "fn-run-length-encode": [
        *small('encode_runs("aaabccdddd")', 'encode_runs("abc")', public=2),
        *small(
            'encode_runs("")',
            'encode_runs("z")',
            'encode_runs("zz")',
            'encode_runs("a" * 12)',
            'encode_runs("abba")',
            'encode_runs("aabbaa")',
            'encode_runs("ab" * 5)',
            'encode_runs("qqqqqqqqqqw")',
            'encode_runs("m" * 9 + "n" * 10 + "m")',
            'encode_runs("x" * 100000)',
        ),
    ],
    "fn-rotate-grid": [
        *small("rotate([[1, 2], [3, 4]], 1)", "rotate([[1, 2, 3]], -1)", public=2),
        *small(
            "rotate([], 5)",
            "rotate([[7]], 3)",
            "rotate([[1, 2], [3, 4]], 2)",
            "rotate([[1, 2, 3], [4, 5, 6]], 1)",
            "rotate([[1, 2, 3], [4, 5, 6]], 3)",
            "rotate([[1, 2, 3], [4, 5, 6]], -2)",
            "rotate([[1, 2, 3], [4, 5, 6]], 0)",
            "rotate([[1, 2], [3, 4], [5, 6]], 10**18 + 1)",
            "rotate([[1, 2], [3, 4], [5, 6]], -(10**18) - 3)",
            "rotate([[i * 4 + j for j in range(4)] for i in range(3)], 7)",
        ),
    ],
    "fn-anagram-pairs": [
        *small(
            'anagram_pairs(["listen", "silent", "enlist", "google"])',
            'anagram_pairs(["ab", "ba", "ab"])',
            public=2,
        ),
        *small(
            "anagram_pairs([])",
            'anagram_pairs(["a"])',
            'anagram_pairs(["abc", "def"])',
            'anagram_pairs(["aa", "a"])',
            'anagram_pairs(["abc", "cab", "bca", "acb", "xyz", "zyx"])',
            'anagram_pairs(["aab", "aba", "abb"])',
            'anagram_pairs(["z"] * 5)',
            'anagram_pairs(["ab", "abc", "cba", "bac", "ba"])',
        ),
        Large(
            "large-many-words",
            lcg_list("words", 100000, '"".join("abcd"[(x >> s) % 4] for s in (33, 40, 47))', 7),
            "anagram_pairs(words)",
            "anagram_pairs(<100,000 three-letter words over 'abcd'>)",
        ),
    ],
    "fn-factorial-zeros": [
        *small("factorial_zeros(10, 10)", "factorial_zeros(5, 2)", public=2),
        *small(
            "factorial_zeros(0, 10)",
            "factorial_zeros(1, 2)",
            "factorial_zeros(25, 10)",
            "factorial_zeros(100, 10)",
            "factorial_zeros(20, 16)",
            "factorial_zeros(30, 12)",
            "factorial_zeros(7, 36)",
            "factorial_zeros(6, 7)",
            "factorial_zeros(7, 7)",
            "factorial_zeros(1000, 30)",
            "factorial_zeros(10**18, 10)",
            "factorial_zeros(10**18, 36)",
            "factorial_zeros(123456789012345678, 2)",
            "factorial_zeros(10**18, 31)",
        ),
    ],
    "fn-longest-distinct-run": [
        *small('longest_distinct("abcbdae")', 'longest_distinct("zzzz")', public=2),
        *small(
            'longest_distinct("")',
            'longest_distinct("a")',
            'longest_distinct("ab")',
            'longest_distinct("abba")',
            'longest_distinct("xyzzyx")',
            'longest_distinct("aXbXcXd")',
            'longest_distinct("a b c")',
            'longest_distinct("0123456789" * 3)',
            'longest_distinct("h\\u00e9llo w\\u00f6rld")',
            'longest_distinct("\\U0001F642\\U0001F643\\U0001F642")',
        ),
        Large(
            "large-cyclic",
            'chars = [chr(0x10000 + i % 50000) for i in range(200000)]\ns = "".join(chars)',
            "longest_distinct(s)",
            "longest_distinct(<200,000 chars cycling through 50,000 code points>)",
        ),
        Large(
            "large-random",
            lcg_list("chars", 200000, "chr(0x10000 + (x >> 33) % 100000)", 11)
            + '\ns = "".join(chars)',
            "longest_distinct(s)",
            "longest_distinct(<200,000 random chars from 100,000 code points>)",
        ),
    ],
    "fn-merge-intervals": [
        *small(
            "merge_intervals([[1, 4], [2, 6], [8, 9]])",
            "merge_intervals([[5, 7], [1, 3], [3, 4]])",
            public=2,
        ),
        *small(
            "merge_intervals([])",
            "merge_intervals([[2, 2]])",
            "merge_intervals([[1, 10], [2, 3], [4, 5]])",
            "merge_intervals([[1, 3], [4, 5]])",
            "merge_intervals([[-5, -1], [-1, 0], [2, 2], [2, 2]])",
            "merge_intervals([[0, 0], [1, 1], [0, 1]])",
            "merge_intervals([[3, 8], [1, 2], [9, 12], [2, 3]])",
            "merge_intervals([[-10**9, 10**9], [0, 0]])",
            "merge_intervals([[6, 6], [5, 5], [4, 4]])",
            "merge_intervals([[1, 2], [2, 4], [4, 9], [10, 10]])",
        ),
        Large(
            "large-sparse",
            "x = 5\nivs = []\nfor _ in range(100000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    l = (x >> 34) % 2000000000 - 1000000000\n"
            "    ivs.append([l, min(l + (x >> 20) % 5000, 1000000000)])",
            "merge_intervals(ivs)",
            "merge_intervals(<100,000 short random intervals>)",
            ("type(r) is list", "len(r)", PAIR_DIGEST),
        ),
        Large(
            "large-dense",
            "x = 9\nivs = []\nfor _ in range(100000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    l = (x >> 34) % 100000000\n"
            "    ivs.append([l, l + (x >> 20) % 3000])",
            "merge_intervals(ivs)",
            "merge_intervals(<100,000 random intervals, many overlapping>)",
            ("type(r) is list", "len(r)", PAIR_DIGEST),
        ),
    ],
    "fn-coin-change-ways": [
        *small("count_ways([2, 3, 7], 12)", "count_ways([4], 6)", public=2),
        *small(
            "count_ways([1], 0)",
            "count_ways([3], 0)",
            "count_ways([7, 3], 1)",
            "count_ways([1, 2], 10)",
            "count_ways([1, 5, 10, 25, 50], 100)",
            "count_ways([9973], 2 * 9973)",
            "count_ways([20000], 20000)",
            "count_ways([3, 1, 2], 1000)",
            "count_ways(list(range(1, 31)), 300)",
            "count_ways([1, 2], 20000)",
        ),
        Large(
            "large-small-coins",
            "coins = list(range(1, 51))",
            "count_ways(coins, 20000)",
            "count_ways([1, 2, ..., 50], 20000)",
        ),
        Large(
            "large-random-coins",
            "x = 3\ncoins = []\nwhile len(coins) < 50:\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    c = (x >> 33) % 400 + 1\n"
            "    if c not in coins:\n"
            "        coins.append(c)",
            "count_ways(coins, 19999)",
            "count_ways(<50 random coins up to 400>, 19999)",
        ),
    ],
    "fn-top-k-frequent": [
        *small(
            "top_k_frequent([4, 1, 4, 2, 2, 4, 3], 2)",
            "top_k_frequent([5, 5, 9, 9, 1], 3)",
            public=2,
        ),
        *small(
            "top_k_frequent([7], 1)",
            "top_k_frequent([3, 1, 2], 3)",
            "top_k_frequent([-1, -1, 2, 2, 0], 2)",
            "top_k_frequent([10**9, -10**9, 10**9], 1)",
            "top_k_frequent([0] * 5 + [1] * 5 + [2] * 4, 2)",
            "top_k_frequent([2, 2, 1, 1, 1, 3, 3, 3], 2)",
            "top_k_frequent([8, 6, 8, 6, 7], 3)",
            "top_k_frequent(list(range(20, 0, -1)) * 2 + [15], 4)",
        ),
        Large(
            "large-spread",
            lcg_list("xs", 200000, "(x >> 33) % 60000 - 30000", 13),
            "top_k_frequent(xs, 2000)",
            "top_k_frequent(<200,000 values from 60,000>, 2000)",
            ("len(r)", LIST_DIGEST),
        ),
        Large(
            "large-skewed",
            lcg_list("xs", 200000, "((x >> 33) % 300) * ((x >> 50) % 300) * 10007", 17),
            "top_k_frequent(xs, 500)",
            "top_k_frequent(<200,000 skewed values>, 500)",
            ("len(r)", LIST_DIGEST),
        ),
    ],
    "fn-split-min-largest": [
        *small(
            "min_largest_part([3, 1, 4, 1, 5, 9, 2, 6], 3)",
            "min_largest_part([5, 5, 5], 1)",
            public=2,
        ),
        *small(
            "min_largest_part([0], 1)",
            "min_largest_part([4, 4], 2)",
            "min_largest_part([9, 1, 1, 1], 2)",
            "min_largest_part([0, 0, 0, 0], 3)",
            "min_largest_part([1, 1, 1, 1, 1, 1], 4)",
            "min_largest_part([10000] * 10, 3)",
            "min_largest_part([2, 3, 1, 2, 4, 3], 6)",
            "min_largest_part(list(range(1, 11)), 4)",
            "min_largest_part([1, 8, 1, 8, 1, 8, 0, 0], 3)",
        ),
        Large(
            "large-few-workers",
            lcg_list("xs", 100000, "(x >> 33) % 10001", 19),
            "min_largest_part(xs, 37)",
            "min_largest_part(<100,000 random durations>, 37)",
        ),
        Large(
            "large-many-workers",
            lcg_list("xs", 100000, "(x >> 33) % 10001", 23),
            "min_largest_part(xs, 40000)",
            "min_largest_part(<100,000 random durations>, 40000)",
        ),
    ],
    "fn-smallest-topo-order": [
        *small(
            "smallest_order(4, [(2, 0), (3, 1)])",
            "smallest_order(3, [(0, 1), (1, 2), (2, 0)])",
            public=2,
        ),
        *small(
            "smallest_order(1, [])",
            "smallest_order(3, [])",
            "smallest_order(2, [(1, 0)])",
            "smallest_order(2, [(0, 0)])",
            "smallest_order(5, [(4, 0), (4, 0), (3, 2)])",
            "smallest_order(6, [(5, 4), (4, 3), (3, 2), (2, 1), (1, 0)])",
            "smallest_order(6, [(0, 5), (5, 1), (1, 4), (4, 2), (2, 3), (3, 1)])",
            "smallest_order(6, [(3, 0), (1, 0), (5, 2), (4, 2)])",
            "smallest_order(7, [(6, 1), (2, 1), (1, 0), (3, 5)])",
        ),
        Large(
            "large-dag",
            "n = 100000\nx = 29\nedges = []\nfor _ in range(200000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    a, b = (x >> 33) % n, (x >> 13) % n\n"
            "    if a != b:\n"
            "        edges.append((max(a, b), min(a, b)))",
            "smallest_order(n, edges)",
            "smallest_order(100000, <~200,000 random edges, all from a larger to a smaller task>)",
            ("len(r)", LIST_DIGEST),
        ),
        Large(
            "large-one-cycle",
            "n = 100000\nx = 31\nedges = [(i + 1, i) for i in range(n - 1)]\n"
            "for _ in range(100000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    a, b = (x >> 33) % n, (x >> 13) % n\n"
            "    if a != b:\n"
            "        edges.append((max(a, b), min(a, b)))\n"
            "edges.append((0, n - 1))",
            "smallest_order(n, edges)",
            "smallest_order(100000, <a chain n-1 -> ... -> 0, random downward edges, and 0 -> n-1>)",
        ),
    ],
    "fn-voucher-cheapest-route": [
        *small(
            "cheapest_with_voucher(4, [(0, 1, 10), (1, 3, 10), (0, 2, 4), (2, 3, 15)])",
            "cheapest_with_voucher(3, [(1, 2, 5)])",
            public=2,
        ),
        *small(
            "cheapest_with_voucher(1, [])",
            "cheapest_with_voucher(1, [(0, 0, 7)])",
            "cheapest_with_voucher(2, [(0, 1, 1)])",
            "cheapest_with_voucher(2, [(1, 0, 8)])",
            "cheapest_with_voucher(2, [(0, 1, 9), (0, 1, 7)])",
            "cheapest_with_voucher(3, [(0, 1, 100), (1, 2, 100), (0, 2, 150)])",
            "cheapest_with_voucher(4, [(0, 1, 5), (1, 0, 5), (1, 2, 10**9), (2, 3, 1)])",
            "cheapest_with_voucher(3, [(0, 0, 1), (0, 1, 3), (1, 1, 2), (1, 2, 3)])",
            "cheapest_with_voucher(4, [(0, 1, 3), (1, 2, 3), (2, 3, 3), (0, 3, 16)])",
            "cheapest_with_voucher(5, [(0, 1, 2), (1, 2, 2), (2, 4, 40), (0, 3, 30), (3, 4, 1)])",
        ),
        Large(
            "large-random",
            "n = 20000\nx = 37\nroads = []\nfor _ in range(60000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    roads.append(((x >> 33) % n, (x >> 13) % n, (x >> 40) % 1000000 + 1))",
            "cheapest_with_voucher(n, roads)",
            "cheapest_with_voucher(20000, <60,000 random roads>)",
        ),
        Large(
            "large-long-chain",
            "n = 20000\nx = 41\nroads = [(i, i + 1, 1000) for i in range(n - 1)]\n"
            "for _ in range(40000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    a = (x >> 33) % n\n"
            "    b = min(n - 1, a + (x >> 20) % 50)\n"
            "    roads.append((a, b, (x >> 40) % 200000 + 1))",
            "cheapest_with_voucher(n, roads)",
            "cheapest_with_voucher(20000, <a 20,000-city chain plus 40,000 short hops>)",
        ),
    ],
    "fn-primes-in-window": [
        *small("count_primes_between(10, 30)", "count_primes_between(1, 1)", public=2),
        *small(
            "count_primes_between(2, 2)",
            "count_primes_between(1, 2)",
            "count_primes_between(1, 100)",
            "count_primes_between(24, 28)",
            "count_primes_between(999983, 999983)",
            "count_primes_between(1000000, 1000100)",
            "count_primes_between(4294967291, 4294967311)",
            "count_primes_between(10**12 - 100, 10**12)",
            "count_primes_between(999999999989, 999999999989)",
            "count_primes_between(999966000289, 999966000289)",
        ),
        Large(
            "large-near-top",
            "lo, hi = 10**12 - 10**6, 10**12",
            "count_primes_between(lo, hi)",
            "count_primes_between(10**12 - 10**6, 10**12)",
        ),
        Large(
            "large-from-one",
            "lo, hi = 1, 10**6 + 1",
            "count_primes_between(lo, hi)",
            "count_primes_between(1, 10**6 + 1)",
        ),
        Large(
            "large-middle",
            "lo, hi = 123456789012, 123456789012 + 10**6",
            "count_primes_between(lo, hi)",
            "count_primes_between(123456789012, 123457789012)",
        ),
    ],
    "fn-lfu-evictions": [
        *small("lfu_evictions(2, [1, 2, 1, 3, 2, 3])", "lfu_evictions(1, [5, 5, 6])", public=2),
        *small(
            "lfu_evictions(3, [])",
            "lfu_evictions(1, [1])",
            "lfu_evictions(1, [1, 2, 3, 1])",
            "lfu_evictions(2, [1, 1, 2, 2, 3])",
            "lfu_evictions(3, [4, 4, 4, 5, 6, 7, 5, 8, 6, 9])",
            "lfu_evictions(2, [9, 8, 9, 8, 7, 7, 7, 9])",
            "lfu_evictions(5, [1, 2, 3, 4, 5])",
            "lfu_evictions(2, [1, 2, 3, 1, 2, 3])",
            "lfu_evictions(3, [10**9, 0, 10**9, 5, 0, 6, 7, 5, 5, 0])",
        ),
        Large(
            "large-big-cache",
            lcg_list(
                "reqs", 200000, "(x >> 33) % 100000 if (x >> 20) % 4 else (x >> 40) % 500", 43
            ),
            "lfu_evictions(50000, reqs)",
            "lfu_evictions(50000, <200,000 requests over 100,000 keys, some hot>)",
            ("len(r)", LIST_DIGEST),
        ),
        Large(
            "large-small-cache",
            lcg_list("reqs", 200000, "(x >> 33) % 3000", 47),
            "lfu_evictions(1000, reqs)",
            "lfu_evictions(1000, <200,000 requests over 3,000 keys>)",
            ("len(r)", LIST_DIGEST),
        ),
    ],
    "fn-gcd-pair-sum": [
        *small("gcd_pair_sum([4, 6, 9])", "gcd_pair_sum([5])", public=2),
        *small(
            "gcd_pair_sum([])",
            "gcd_pair_sum([1, 1])",
            "gcd_pair_sum([7, 7, 7])",
            "gcd_pair_sum([2, 3, 5, 7])",
            "gcd_pair_sum([12, 18, 24, 36])",
            "gcd_pair_sum([200000, 100000])",
            "gcd_pair_sum(list(range(1, 51)))",
            "gcd_pair_sum([6] * 10 + [10] * 5)",
            "gcd_pair_sum([1] * 100)",
            "gcd_pair_sum([199999, 199998, 199997, 65536, 131072])",
        ),
        Large(
            "large-random",
            lcg_list("xs", 200000, "(x >> 33) % 200000 + 1", 53),
            "gcd_pair_sum(xs)",
            "gcd_pair_sum(<200,000 random values up to 200,000>)",
        ),
        Large(
            "large-smooth",
            lcg_list("xs", 200000, "((x >> 33) % 2000 + 1) * ((x >> 50) % 100 + 1)", 59),
            "gcd_pair_sum(xs)",
            "gcd_pair_sum(<200,000 products of two small numbers>)",
        ),
    ],
    "fn-weighted-job-scheduling": [
        *small(
            "max_profit([(1, 3, 5), (2, 5, 6), (4, 6, 5), (6, 9, 4)])",
            "max_profit([(0, 10, 7), (0, 5, 3), (5, 10, 3)])",
            public=2,
        ),
        *small(
            "max_profit([])",
            "max_profit([(0, 1, 5)])",
            "max_profit([(0, 5, 2), (5, 9, 2)])",
            "max_profit([(0, 5, 2), (4, 9, 2)])",
            "max_profit([(3, 4, 1)] * 3)",
            "max_profit([(1, 2, 1), (2, 3, 1), (3, 4, 1), (1, 4, 2)])",
            "max_profit([(0, 10**9, 10000), (0, 1, 9999), (1, 10**9, 2)])",
            "max_profit([(5, 7, 4), (1, 2, 3), (2, 5, 1), (7, 8, 1), (0, 8, 8)])",
            "max_profit([(2, 6, 5), (0, 3, 4), (5, 9, 4), (3, 5, 3), (8, 10, 2)])",
        ),
        Large(
            "large-random",
            "x = 61\njobs = []\nfor _ in range(100000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    s = (x >> 34) % 999000000\n"
            "    jobs.append((s, s + (x >> 20) % 1000000 + 1, (x >> 10) % 10000 + 1))",
            "max_profit(jobs)",
            "max_profit(<100,000 random jobs>)",
        ),
        Large(
            "large-crowded",
            "x = 67\njobs = []\nfor _ in range(100000):\n"
            "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
            "    s = (x >> 34) % 1000000\n"
            "    jobs.append((s, s + (x >> 20) % 100 + 1, (x >> 10) % 10000 + 1))",
            "max_profit(jobs)",
            "max_profit(<100,000 short jobs packed into [0, 10^6]>)",
        ),
    ],
}


LCG_STEP = "    x = (x * 6364136223846793005 + 1442695040888963407) % 18446744073709551616\n"
"""One step of the 64-bit LCG inside a loop of a build (indented once)."""

PERF_CASES: dict[str, Perf] = {
    "fn-coin-change-ways": Perf(
        "x = 1001\ncoins = []\nwhile len(coins) < 50:\n"
        + LCG_STEP
        + "    c = (x >> 33) % 100 + 1\n"
        "    if c not in coins:\n"
        "        coins.append(c)",
        "count_ways(coins, 20000)",
        "count_ways(<50 random coins up to 100>, 20000)",
    ),
    "fn-gcd-pair-sum": Perf(
        lcg_list("xs", 200000, "(x >> 33) % 200000 + 1", 1002),
        "gcd_pair_sum(xs)",
        "gcd_pair_sum(<200,000 random values up to 200,000>)",
    ),
    "fn-lfu-evictions": Perf(
        lcg_list(
            "reqs", 200000, "(x >> 33) % 1000000000 if (x >> 20) % 4 else (x >> 40) % 1000", 1003
        ),
        "lfu_evictions(100000, reqs)",
        "lfu_evictions(100000, <200,000 requests, mostly new keys, some hot>)",
    ),
    "fn-longest-distinct-run": Perf(
        lcg_list("chars", 200000, "chr(0x10000 + (x >> 33) % 1000000)", 1004)
        + '\ns = "".join(chars)',
        "longest_distinct(s)",
        "longest_distinct(<200,000 random chars from 1,000,000 code points>)",
    ),
    "fn-merge-intervals": Perf(
        "x = 1005\nivs = []\nfor _ in range(100000):\n"
        + LCG_STEP
        + "    l = (x >> 33) % 2000000001 - 1000000000\n"
        "    ivs.append([l, min(l + (x >> 20) % 2000, 1000000000)])",
        "merge_intervals(ivs)",
        "merge_intervals(<100,000 short random intervals over [-10^9, 10^9]>)",
    ),
    "fn-primes-in-window": Perf(
        "x = 1006\n"
        + LCG_STEP.strip()
        + "\nlo = 500000000000 + (x >> 25) % 499000000000\nhi = lo + 10**6",
        "count_primes_between(lo, hi)",
        "count_primes_between(581763942645, 581764942645)",
    ),
    "fn-smallest-topo-order": Perf(
        "n = 100000\nx = 1007\nedges = []\nwhile len(edges) < 200000:\n"
        + LCG_STEP
        + "    a, b = (x >> 33) % n, (x >> 13) % n\n"
        "    if a != b:\n"
        "        edges.append((max(a, b), min(a, b)))",
        "smallest_order(n, edges)",
        "smallest_order(100000, <200,000 random edges, all from a larger to a smaller task>)",
    ),
    "fn-split-min-largest": Perf(
        lcg_list("xs", 100000, "(x >> 33) % 10001", 1008),
        "min_largest_part(xs, 500)",
        "min_largest_part(<100,000 random durations>, 500)",
    ),
    "fn-top-k-frequent": Perf(
        lcg_list("xs", 200000, "(x >> 33) % 100000 * 20000 - 1000000000", 1009),
        "top_k_frequent(xs, 1000)",
        "top_k_frequent(<200,000 values from 100,000 spread over [-10^9, 10^9)>, 1000)",
    ),
    "fn-voucher-cheapest-route": Perf(
        "n = 20000\nx = 1010\nroads = []\nfor _ in range(60000):\n"
        + LCG_STEP
        + "    roads.append(((x >> 33) % n, (x >> 13) % n, (x >> 34) % 1000000000 + 1))",
        "cheapest_with_voucher(n, roads)",
        "cheapest_with_voucher(20000, <60,000 random roads, costs up to 10^9>)",
    ),
    "fn-weighted-job-scheduling": Perf(
        "x = 1011\njobs = []\nfor _ in range(100000):\n"
        + LCG_STEP
        + "    s = (x >> 34) % 990000000\n"
        "    jobs.append((s, s + (x >> 10) % 10000000 + 1, (x >> 44) % 10000 + 1))",
        "max_profit(jobs)",
        "max_profit(<100,000 random jobs up to 10^7 long>)",
    ),
}
"""The performance input of each medium and hard problem: the statement's maximum sizes."""


def cases_of(problem_id: str) -> list[Small | Large | Perf]:
    perf = PERF_CASES.get(problem_id)
    return [*CASES[problem_id], *([perf] if perf else [])]


# -- computing expected values -------------------------------------------------------------


@dataclass
class Problem:
    id: str
    path: Path
    text: str
    data: dict[str, Any]

    @property
    def setup(self) -> str:
        return self.data["function"].get("setup", "")

    @property
    def reference(self) -> str:
        return self.data["reference"]["code"]

    @property
    def time_s(self) -> float:
        return float(self.data["limits"]["time_s"])


def read_problem(problem_id: str) -> Problem:
    path = PROBLEMS / f"{problem_id}.toml"
    text = path.read_text(encoding="utf-8")
    return Problem(problem_id, path, text, tomllib.loads(text))


def reference_namespace(problem: Problem) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__solution__"}
    exec(compile(problem.setup, f"{problem.id}:setup", "exec"), namespace)
    exec(compile(problem.reference, f"{problem.id}:reference", "exec"), namespace)
    return namespace


@dataclass
class RenderedTest:
    name: str
    public: bool
    code: str
    call: str
    expected: str | None = None
    large: bool = field(default=False, repr=False)
    performance: bool = False


def render_perf(case: Perf, cases: list[Small | Large]) -> RenderedTest:
    """The performance test: the build and the call, no assertion (nothing is checked)."""
    if any(isinstance(c, Large) and c.build == case.build for c in cases):
        raise ValueError(f"{PERF_NAME}: copies a large test's input; it must be a new one")
    code = f"{case.build}\n{case.call}\n"
    return RenderedTest(PERF_NAME, True, code, case.display, large=True, performance=True)


def render_small(case: Small, name: str, namespace: dict[str, Any]) -> RenderedTest:
    value = eval(case.call, dict(namespace))
    expected = repr(value)
    if len(expected) > MAX_INLINE_EXPECTED:
        raise ValueError(f"{case.call}: expected value too long to inline; make it a Large case")
    return RenderedTest(name, case.public, f"assert {case.call} == {expected}", case.call, expected)


def render_large(case: Large, namespace: dict[str, Any]) -> RenderedTest:
    scope = dict(namespace)
    exec(case.build, scope)
    scope["r"] = eval(case.call, scope)
    lines = [case.build, f"r = {case.call}"]
    shown = []
    for check in case.checks:
        value = eval(check, scope)
        if len(repr(value)) > MAX_INLINE_EXPECTED:
            raise ValueError(f"{case.name}: {check} is too long to inline; check a digest of it")
        lines.append(f"assert {check}" if value is True else f"assert {check} == {value!r}")
        if check == "r":
            shown.append(repr(value))
        else:
            shown.append(check if value is True else f"{check} == {value!r}")
    return RenderedTest(
        case.name, False, "\n".join(lines) + "\n", case.display, "; ".join(shown), large=True
    )


def render_tests(problem: Problem) -> list[RenderedTest]:
    namespace = reference_namespace(problem)
    tests: list[RenderedTest] = []
    counters = {True: 0, False: 0}
    for case in cases_of(problem.id):
        if isinstance(case, Perf):
            tests.append(render_perf(case, CASES[problem.id]))
            continue
        if isinstance(case, Large):
            tests.append(render_large(case, namespace))
            continue
        counters[case.public] += 1
        name = case.name or f"{'sample' if case.public else 'hidden'}-{counters[case.public]}"
        tests.append(render_small(case, name, namespace))
    return tests


# -- writing the TOML ------------------------------------------------------------------------


def toml_value(value: str | bool) -> str:
    return tomli_w.dumps({"v": value}).strip()[len("v = ") :]


def toml_code(code: str) -> str:
    """A literal string when it can hold the code verbatim (multi-line when the code ends with
    a newline), else a basic string with escapes."""
    literal = "'''" not in code and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", code)
    if literal and "\n" not in code and "'" not in code:
        return f"'{code}'"
    if literal and code.endswith("\n") and not code.endswith("'\n"):
        return f"'''\n{code}'''"
    return toml_value(code)


def render_block(tests: Iterable[RenderedTest]) -> str:
    parts = [BEGIN]
    for t in tests:
        parts.append("")
        parts.append("[[tests]]")
        parts.append(f"name = {toml_value(t.name)}")
        parts.append(f"public = {toml_value(t.public)}")
        if t.performance:
            parts.append("performance = true")
        parts.append(f"call = {toml_value(t.call)}")
        if t.expected is not None:
            parts.append(f"expected = {toml_value(t.expected)}")
        parts.append(f"code = {toml_code(t.code)}")
    parts.append(END)
    return "\n".join(parts) + "\n"


def updated_text(problem: Problem) -> str:
    tests = render_tests(problem)
    block = render_block(tests)
    head = problem.text
    if BEGIN in head:
        start = head.index(BEGIN)
        end = head.index(END, start) + len(END)
        tail = head[end:].lstrip("\n")
        head = head[:start]
        if tail:
            raise ValueError(f"{problem.path}: text after {END!r}; keep the tests last")
    text = head.rstrip("\n") + "\n\n" + block
    parsed = tomllib.loads(text)["tests"]
    if [(t["name"], t["code"]) for t in parsed] != [(t.name, t.code) for t in tests]:
        raise ValueError(f"{problem.id}: rendered tests do not round-trip through TOML")
    return text


# -- stress: reference against brute force on random small inputs ---------------------------


def _walk_graph(rng: random.Random, n: int, m: int, cost: bool) -> list[tuple[int, ...]]:
    def edge() -> tuple[int, ...]:
        u, v = rng.randrange(n), rng.randrange(n)
        return (u, v, rng.randint(1, 20)) if cost else (u, v)

    return [edge() for _ in range(m)]


STRESS: dict[str, Callable[[random.Random], tuple[Any, ...]]] = {
    "fn-bracket-first-error": lambda g: (
        "".join(g.choice("()[]{}a") for _ in range(g.randint(0, 12))),
    ),
    "fn-run-length-encode": lambda g: ("".join(g.choice("ab") for _ in range(g.randint(0, 15))),),
    "fn-rotate-grid": lambda g: (
        [
            [g.randint(0, 9) for _ in range(c)]
            for c in [g.randint(1, 4)]
            for _ in range(g.randint(0, 4))
        ],
        g.randint(-(10**18), 10**18),
    ),
    "fn-anagram-pairs": lambda g: (
        ["".join(g.choice("ab") for _ in range(g.randint(1, 3))) for _ in range(g.randint(0, 12))],
    ),
    "fn-factorial-zeros": lambda g: (g.randint(0, 400), g.randint(2, 36)),
    "fn-longest-distinct-run": lambda g: (
        "".join(g.choice("abcd\u00e9") for _ in range(g.randint(0, 20))),
    ),
    "fn-merge-intervals": lambda g: (
        [[lo, lo + g.randint(0, 4)] for lo in (g.randint(-10, 10) for _ in range(g.randint(0, 8)))],
    ),
    "fn-coin-change-ways": lambda g: (g.sample(range(1, 15), g.randint(1, 5)), g.randint(0, 60)),
    "fn-top-k-frequent": lambda g: (lambda xs: (xs, g.randint(1, len(set(xs)))))(
        [g.randint(-3, 5) for _ in range(g.randint(1, 15))]
    ),
    "fn-split-min-largest": lambda g: (lambda xs: (xs, g.randint(1, len(xs))))(
        [g.randint(0, 10) for _ in range(g.randint(1, 9))]
    ),
    "fn-smallest-topo-order": lambda g: (
        lambda n: (n, _walk_graph(g, n, g.randint(0, 8), cost=False))
    )(g.randint(1, 7)),
    "fn-voucher-cheapest-route": lambda g: (
        lambda n: (n, _walk_graph(g, n, g.randint(0, 10), cost=True))
    )(g.randint(1, 6)),
    "fn-primes-in-window": lambda g: (lambda lo: (lo, lo + g.randint(0, 200)))(
        g.choice([g.randint(1, 1000), g.randint(1, 10**7)])
    ),
    "fn-lfu-evictions": lambda g: (
        g.randint(1, 4),
        [g.randint(0, 6) for _ in range(g.randint(0, 20))],
    ),
    "fn-gcd-pair-sum": lambda g: ([g.randint(1, 60) for _ in range(g.randint(0, 10))],),
    "fn-weighted-job-scheduling": lambda g: (
        [
            (s, s + g.randint(1, 6), g.randint(1, 10))
            for s in (g.randint(0, 15) for _ in range(g.randint(0, 9)))
        ],
    ),
}
"""Random small arguments for each problem, for `--stress` (seeded, so reproducible)."""


def stress(problem: Problem, rounds: int, seed: int = 1) -> list[str]:
    """Mismatches between the reference and `tools/naive/<id>.py` on `rounds` random inputs."""
    name = problem.data["function"]["name"]
    reference = reference_namespace(problem)[name]
    naive_ns: dict[str, Any] = {"__name__": "__naive__"}
    exec(problem.setup, naive_ns)
    exec((NAIVE / f"{problem.id}.py").read_text(encoding="utf-8"), naive_ns)
    naive = naive_ns[name]
    rng = random.Random(f"{seed}:{problem.id}")
    mismatches = []
    for _ in range(rounds):
        args = STRESS[problem.id](rng)
        want, got = naive(*copy.deepcopy(args)), reference(*copy.deepcopy(args))
        if want != got:
            call = f"{name}({', '.join(map(repr, args))})"
            mismatches.append(f"{call}: reference {got!r}, brute force {want!r}")
    return mismatches


# -- measuring ------------------------------------------------------------------------------


def run_once(
    problem: Problem, solution: str, test: dict[str, Any], cpu_cap: float
) -> tuple[str, float]:
    """Run setup + solution + test code in a fresh interpreter; (verdict, CPU seconds)."""
    program = f"{problem.setup}\n\n{solution}\n\n{test['code']}\n"
    memory = int(problem.data["limits"]["memory_mb"]) * 1024 * 1024

    def limit() -> None:
        cap = int(cpu_cap) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cap, cap))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-I", "-c", program],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=cpu_cap * 3 + 10,
        env={"PATH": os.environ.get("PATH", "/usr/bin")},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode == 0:
        verdict = "AC" if cpu <= problem.time_s else "TLE"
    elif proc.returncode < 0 or cpu > cpu_cap:
        verdict = "TLE"
    elif "AssertionError" in proc.stderr:
        verdict = "WA"
    elif "MemoryError" in proc.stderr:
        verdict = "MLE"
    else:
        verdict = "RE:" + (proc.stderr.strip().splitlines() or ["?"])[-1][:60]
    return verdict, cpu


def measure(problem: Problem) -> bool:
    """Print reference and naive CPU per test; False if the reference fails or is slow, or
    the naive (brute force) solution disagrees with a small test."""
    naive_file = NAIVE / f"{problem.id}.py"
    naive = naive_file.read_text(encoding="utf-8") if naive_file.exists() else None
    ok = True
    for test in problem.data["tests"]:
        is_perf = bool(test.get("performance"))
        is_large = test["name"].startswith("large") or is_perf
        share = PERF_REFERENCE_SHARE if is_perf else 0.4
        ref, ref_cpu = run_once(problem, problem.reference, test, problem.time_s * 2)
        line = f"{problem.id:28} {test['name']:22} ref {ref:4} {ref_cpu:6.3f}s"
        if ref != "AC" or (is_large and ref_cpu > share * problem.time_s):
            ok = False
            line += "  <-- reference too slow or failing"
        if naive is not None:
            # Small tests check correctness (generous cap); large ones must exceed the limit.
            cap = problem.time_s * 1.5 if is_large else 30.0
            nv, nv_cpu = run_once(problem, naive, test, cap)
            line += f" | naive {nv:4} {nv_cpu:6.3f}s"
            if not is_large and nv not in ("AC", "TLE"):
                ok = False
                line += "  <-- brute force disagrees"
            elif is_perf and nv != "TLE":
                ok = False
                line += "  <-- naive should time out here"
        print(line, flush=True)
    return ok


# -- entry point ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    mode.add_argument("--measure", action="store_true", help="time reference and naive solutions")
    mode.add_argument(
        "--stress", type=int, metavar="N", help="compare reference and brute force on N inputs"
    )
    parser.add_argument("ids", nargs="*", help="problem ids (default: all fn-* problems)")
    args = parser.parse_args(argv)
    ids = args.ids or sorted(CASES)
    unknown = [i for i in ids if i not in CASES]
    if unknown:
        print(f"unknown problem id(s): {', '.join(unknown)}; known: {', '.join(sorted(CASES))}")
        return 2
    status = 0
    for problem_id in ids:
        problem = read_problem(problem_id)
        if args.measure:
            status |= 0 if measure(problem) else 1
            continue
        if args.stress is not None:
            mismatches = stress(problem, args.stress)
            print(f"{problem_id}: {len(mismatches)} mismatches in {args.stress} random inputs")
            for line in mismatches[:5]:
                print(f"  {line}")
            status |= 1 if mismatches else 0
            continue
        text = updated_text(problem)
        if text == problem.text:
            continue
        if args.check:
            print(
                f"{problem.path.relative_to(REPO)} is out of date: run tools/gen_function_tests.py"
            )
            status = 1
        else:
            problem.path.write_text(text, encoding="utf-8")
            print(f"wrote {problem.path.relative_to(REPO)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
