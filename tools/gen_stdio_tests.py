"""Write the hidden test files of the stdio starter problems (`problems/<id>/tests/`).

Each stdio problem lives in `problems/<id>/problem.toml`: metadata, statement, the public
examples (inline `[[tests]]`) and the reference solution, written by hand. Its hidden tests
are the `tests/<name>.in` + `tests/<name>.ans` pairs this script writes, which the loader
picks up by the directory convention (hidden, since no name starts with `sample`):

- every input is built here, by hand for edge cases or from a `random.Random` seeded with a
  fixed number per problem, and checked against the statement's constraints (`check_*`);
- every answer is the reference solution's output on that input.

Medium and hard problems also get a performance input, `tests/perf-max.in` (no `.ans`): a new
maximum-size input built from its own seed (`@performance`), which the search may see and
on which candidates are judged only for time, memory and exit. problem.toml declares it by
hand, as a `[[tests]]` entry with `performance = true` and `input_file = "tests/perf-max.in"`;
`--check` verifies that entry too.

Everything is deterministic, so running the script again rewrites byte-identical files;
`--check` verifies that the inputs on disk are the ones this script builds, without writing.
`--measure` runs the reference and the naive solution (`tools/naive/<id>.py`, an independent
brute force) on every test of the problem in fresh CPU-limited subprocesses, checks both
answers and prints their CPU times, so one can see the naive one fail on time where it should
(on the large tests and the performance input).

    .venv/bin/python tools/gen_stdio_tests.py [--check | --measure] [ID ...]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROBLEMS = REPO / "problems"
NAIVE = REPO / "tools" / "naive"
MAX_INPUT_BYTES = 1_500_000
PERF_MAX_INPUT_BYTES = 5_000_000
"""A performance input has the statement's maximum sizes, so it may be bigger than the rest."""
PERF_NAME = "perf-max"
PERF_REFERENCE_SHARE = 0.5
"""The reference may use at most this share of the time limit on the performance input."""
NAIVE_CPU_FACTOR = 3
"""`--measure` stops a naive run after this many times the problem's time limit."""


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    large: bool = False
    """A timing test: the naive solution must run out of time on it (`--measure` checks
    that). Named `large-*`, and only medium and hard problems have them."""
    performance: bool = False
    """The performance input (`perf-max`): public, no answer file, output never checked."""


Builder = Callable[[random.Random], list[Case]]
PerfBuilder = Callable[[random.Random], str]
Checker = Callable[[str], None]


@dataclass(frozen=True)
class Spec:
    seed: int
    build: Builder
    check: Checker
    perf: PerfBuilder | None = None
    """Builds the performance input from its own seed (`perf_seed`), not from `seed`."""
    perf_seed: int = 0


SPECS: dict[str, Spec] = {}


def problem(pid: str, seed: int, check: Checker) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        SPECS[pid] = Spec(seed, build, check)
        return build

    return register


def performance(pid: str, seed: int) -> Callable[[PerfBuilder], PerfBuilder]:
    """Registers the performance-input builder of a problem already registered."""

    def register(build: PerfBuilder) -> PerfBuilder:
        SPECS[pid] = replace(SPECS[pid], perf=build, perf_seed=seed)
        return build

    return register


def text(*rows: object) -> str:
    """Input text from rows; a list or tuple row is written space-separated."""
    out = []
    for row in rows:
        out.append(" ".join(map(str, row)) if isinstance(row, list | tuple) else str(row))
    return "\n".join(out) + "\n"


def ints(line: str) -> list[int]:
    return [int(tok) for tok in line.split()]


def need(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(what)


def in_range(values: list[int], lo: int, hi: int, what: str) -> None:
    need(all(lo <= v <= hi for v in values), f"{what} outside [{lo}, {hi}]")


# ---------------------------------------------------------------------------------- easy


def check_cargo(inp: str) -> None:
    lines = inp.splitlines()
    n, cap = ints(lines[0])
    w = ints(lines[1])
    need(1 <= n <= 200_000 and len(w) == n and len(lines) == 2, "n / line count")
    need(1 <= cap <= 10**9, "C")
    in_range(w, 1, cap, "w_i")


@problem("cargo-trucks", 1101, check_cargo)
def build_cargo(rng: random.Random) -> list[Case]:
    cases = [
        Case("min-single", text([1, 1], [1])),
        Case("every-parcel-full", text([6, 5], [5] * 6)),
        Case("exact-capacity-one-truck", text([5, 10**9], [200_000_000] * 5)),
        Case("exact-fits", text([6, 10], [5, 5, 5, 5, 1, 9])),
        Case("over-by-one", text([4, 10], [6, 5, 5, 6])),
        Case("light-parcels-big-truck", text([8, 10**9], [1] * 8)),
    ]
    for i in range(1, 4):
        n = rng.randint(5, 30)
        cap = rng.randint(5, 40)
        cases.append(Case(f"random-{i}", text([n, cap], [rng.randint(1, cap) for _ in range(n)])))
    n = 1000
    cases.append(
        Case("max-values", text([n, 10**9], [rng.randint(10**8, 10**9) for _ in range(n)]))
    )
    n = 200_000
    cases.append(Case("max-n", text([n, 10**6], [rng.randint(1, 99_999) for _ in range(n)])))
    return cases


BANNER_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def check_banner(inp: str) -> None:
    need(inp.endswith("\n"), "missing final newline")
    lines = inp[:-1].split("\n")
    n = int(lines[0])
    need(1 <= n <= 100 and len(lines) == n + 1, "n / line count")
    for line in lines[1:]:
        need(1 <= len(line) <= 80, "line length")
        need(all(ch in BANNER_CHARS or ch == " " for ch in line), "character set")
        need(line[0] != " " and line[-1] != " ", "line starts or ends with a space")


def banner_line(rng: random.Random, length: int, space_rate: float = 0.15) -> str:
    chars = [" " if rng.random() < space_rate else rng.choice(BANNER_CHARS) for _ in range(length)]
    chars[0] = rng.choice(BANNER_CHARS)
    chars[-1] = rng.choice(BANNER_CHARS)
    return "".join(chars)


@problem("shop-banner", 1102, check_banner)
def build_banner(rng: random.Random) -> list[Case]:
    cases = [
        Case("one-char", text(1, "a")),
        Case("one-long-line", text(1, banner_line(rng, 80))),
        Case("equal-lengths", text(5, "bakery", "cakes1", "bread2", "open 9", "closed")),
        Case("odd-pads-alternate", text(6, "abcdefg", "ab", "ab", "abcd", "abcd", "a")),
        Case("inner-double-spaces", text(3, "a  b", "big   sale  now", "x")),
        Case("digits-only", text(4, "2024", "7", "12345678", "0 0 0")),
    ]
    for i in range(1, 3):
        n = rng.randint(3, 10)
        lines = [banner_line(rng, rng.randint(1, 25)) for _ in range(n)]
        cases.append(Case(f"random-{i}", text(n, *lines)))
    lines = [banner_line(rng, rng.randint(1, 80)) for _ in range(99)] + [banner_line(rng, 80)]
    rng.shuffle(lines)
    cases.append(Case("max-lines", text(100, *lines)))
    return cases


def check_clock(inp: str) -> None:
    tokens = inp.split()
    q = int(tokens[0])
    need(1 <= q <= 10_000 and len(tokens) == q + 1, "q / token count")
    for stamp in tokens[1:]:
        parts = stamp.split(":")
        need(len(parts) == 3 and all(len(p) == 2 and p.isdigit() for p in parts), stamp)
        h, m, s = map(int, parts)
        need(h <= 23 and m <= 59 and s <= 59, stamp)


def clock(h: int, m: int, s: int) -> str:
    return f"{h:02d}:{m:02d}:{s:02d}"


@problem("clock-angle", 1103, check_clock)
def build_clock(rng: random.Random) -> list[Case]:
    def case(name: str, stamps: list[str], large: bool = False) -> Case:
        return Case(name, text(len(stamps), *stamps), large)

    random_stamps = [clock(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))]
    return [
        case("midnight", [clock(0, 0, 0)]),
        case("whole-hours", [clock(h, 0, 0) for h in range(24)]),
        case("straight-lines", [clock(6, 0, 0), clock(18, 0, 0), clock(12, 0, 0), clock(0, 0, 1)]),
        case("end-of-day", [clock(23, 59, 59), clock(11, 59, 59), clock(12, 0, 1)]),
        case("near-overlaps", [clock(1, 5, 27), clock(13, 5, 28), clock(10, 54, 33)]),
        case("quarters", [clock(h, m, 0) for h in (3, 9, 15, 21) for m in (0, 15, 30, 45)]),
        case("one-random", random_stamps),
        case(
            "random-small",
            [clock(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)) for _ in range(30)],
        ),
        case(
            "max-q",
            [
                clock(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
                for _ in range(10_000)
            ],
        ),
    ]


def check_podium(inp: str) -> None:
    lines = inp.splitlines()
    m = int(lines[0])
    need(1 <= m <= 100_000 and len(lines) == m + 1, "m / line count")
    for line in lines[1:]:
        name, p = line.split(" ")
        need(1 <= len(name) <= 10 and name.isascii() and name.isalpha() and name.islower(), name)
        need(0 <= int(p) <= 1000 and str(int(p)) == p, p)


def pupil_name(rng: random.Random, longest: int = 10) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, longest)))


@problem("podium-ranking", 1104, check_podium)
def build_podium(rng: random.Random) -> list[Case]:
    def case(name: str, entries: list[tuple[str, int]], large: bool = False) -> Case:
        return Case(name, text(len(entries), *entries), large)

    cases = [
        case("one-entry", [("solo", 0)]),
        case("two-pupils", [("bea", 4), ("al", 9), ("bea", 6)]),
        case("exactly-three", [("c", 1), ("b", 2), ("a", 3)]),
        case("all-zero", [("d", 0), ("ab", 0), ("b", 0), ("abc", 0), ("a", 0)]),
        case("prefix-names-tie", [("anna", 7), ("an", 7), ("ann", 7), ("ann", 0), ("zz", 6)]),
        case("one-pupil-many-entries", [("kim", 1000)] * 50 + [("lee", 999)]),
        case("max-scores", [("x", 1000), ("y", 1000), ("x", 1000), ("w", 1000), ("y", 1000)]),
    ]
    for i in range(1, 3):
        names = [pupil_name(rng, 3) for _ in range(rng.randint(2, 8))]
        entries = [(rng.choice(names), rng.randint(0, 20)) for _ in range(rng.randint(5, 25))]
        cases.append(case(f"random-{i}", entries))
    names = sorted({pupil_name(rng) for _ in range(2000)})
    entries = [(rng.choice(names), rng.randint(0, 1000)) for _ in range(100_000)]
    cases.append(case("max-m", entries))
    return cases


def check_warm(inp: str) -> None:
    lines = inp.splitlines()
    n = int(lines[0])
    t = ints(lines[1])
    need(1 <= n <= 200_000 and len(t) == n and len(lines) == 2, "n / line count")
    in_range(t, -(10**9), 10**9, "t_i")


@problem("warm-streak", 1105, check_warm)
def build_warm(rng: random.Random) -> list[Case]:
    def case(name: str, t: list[int], large: bool = False) -> Case:
        return Case(name, text(len(t), t), large)

    cases = [
        case("one-day", [-7]),
        case("all-increasing", list(range(-5, 5))),
        case("all-decreasing", list(range(10, 0, -1))),
        case("all-equal", [3] * 12),
        case("tie-earliest", [1, 2, 3, 0, 5, 6, 7, 7, 8, 9]),
        case("best-at-end", [5, 4, 3, 1, 2, 3, 4, 5]),
        case("extremes", [10**9, -(10**9), 0, 10**9, -(10**9), 10**9]),
    ]
    for i in range(1, 3):
        cases.append(case(f"random-{i}", [rng.randint(-5, 5) for _ in range(rng.randint(5, 40))]))
    t: list[int] = []
    while len(t) < 200_000:
        run = rng.randint(1, 60)
        start = rng.randint(-100_000, 90_000)
        t.extend(sorted(rng.sample(range(start, start + 10_000), run)))
    return [*cases, case("max-n", t[:200_000])]


# -------------------------------------------------------------------------------- medium


def check_orchard(inp: str) -> None:
    lines = inp.splitlines()
    n, m, q = ints(lines[0])
    need(1 <= n <= 500 and 1 <= m <= 500 and 1 <= q <= 100_000, "n, m, q")
    need(len(lines) == 1 + n + q, "line count")
    for row in lines[1 : 1 + n]:
        need(len(row) == m and row.isdigit() and row.isascii(), "grid row")
    for line in lines[1 + n :]:
        r1, c1, r2, c2 = ints(line)
        need(1 <= r1 <= r2 <= n and 1 <= c1 <= c2 <= m, f"query {line}")


def orchard_grid(rng: random.Random, n: int, m: int, digits: str = "0123456789") -> list[str]:
    return ["".join(rng.choice(digits) for _ in range(m)) for _ in range(n)]


def orchard_query(rng: random.Random, n: int, m: int) -> tuple[int, int, int, int]:
    r1, r2 = sorted((rng.randint(1, n), rng.randint(1, n)))
    c1, c2 = sorted((rng.randint(1, m), rng.randint(1, m)))
    return (r1, c1, r2, c2)


@problem("orchard-queries", 1201, check_orchard)
def build_orchard(rng: random.Random) -> list[Case]:
    def case(
        name: str, grid: list[str], queries: list[tuple[int, ...]], large: bool = False
    ) -> Case:
        return Case(name, text([len(grid), len(grid[0]), len(queries)], *grid, *queries), large)

    cases = [
        case("one-tree-empty", ["0"], [(1, 1, 1, 1)]),
        case("one-row", ["90817"], [(1, 1, 1, 5), (1, 2, 1, 4), (1, 5, 1, 5)]),
        case("one-column", ["3", "0", "9", "9"], [(1, 1, 4, 1), (2, 1, 3, 1), (4, 1, 4, 1)]),
        case("all-zero", ["000", "000"], [(1, 1, 2, 3), (2, 2, 2, 3)]),
    ]
    for i in range(1, 4):
        n, m = rng.randint(1, 8), rng.randint(1, 8)
        grid = orchard_grid(rng, n, m)
        cases.append(case(f"random-{i}", grid, [orchard_query(rng, n, m) for _ in range(20)]))
    full = ["9" * 500] * 500
    cases.append(case("max-values", full, [(1, 1, 500, 500)] * 500 + [(250, 1, 250, 500)]))
    grid = orchard_grid(rng, 500, 500)
    big = [
        (rng.randint(1, 100), rng.randint(1, 100), rng.randint(400, 500), rng.randint(400, 500))
        for _ in range(75_000)
    ]
    cases.append(case("large-rectangles", grid, big, large=True))
    return cases


def check_dance(inp: str) -> None:
    lines = inp.splitlines()
    n, d = ints(lines[0])
    h = ints(lines[1])
    need(1 <= n <= 200_000 and len(h) == n and len(lines) == 2, "n / line count")
    need(0 <= d <= 100_000, "d")
    in_range(h, 1, 100_000, "h_i")


@problem("dance-pairs", 1202, check_dance)
def build_dance(rng: random.Random) -> list[Case]:
    def case(name: str, d: int, h: list[int], large: bool = False) -> Case:
        return Case(name, text([len(h), d], h), large)

    cases = [
        case("one-student", 5, [42]),
        case("two-equal", 0, [9, 9]),
        case("two-too-far", 3, [1, 5]),
        case("all-equal", 0, [777] * 1000),
        case("everyone-pairs", 100_000, [rng.randint(1, 100_000) for _ in range(300)]),
        case("extremes", 99_999, [1, 100_000, 1, 100_000, 50_000]),
        case("boundary-difference", 3, [10, 13, 16, 14, 7, 4]),
    ]
    for i in range(1, 4):
        h = [rng.randint(1, 30) for _ in range(rng.randint(5, 40))]
        cases.append(case(f"random-{i}", rng.randint(0, 6), h))
    n = 200_000
    cases.append(case("large-random", 50, [rng.randint(1, 100_000) for _ in range(n)], True))
    cases.append(case("large-all-equal", 0, [1] * n, True))
    return cases


def check_maze(inp: str) -> None:
    lines = inp.splitlines()
    r, c = ints(lines[0])
    need(1 <= r <= 600 and 1 <= c <= 600 and r * c >= 2 and len(lines) == r + 1, "r, c")
    grid = lines[1:]
    need(all(len(row) == c and set(row) <= set(".#SE") for row in grid), "grid rows")
    joined = "".join(grid)
    need(joined.count("S") == 1 and joined.count("E") == 1, "one S and one E")


def maze_random(rng: random.Random, r: int, c: int, wall_rate: float) -> list[str]:
    cells = [["#" if rng.random() < wall_rate else "." for _ in range(c)] for _ in range(r)]
    cells[0][0] = "S"
    cells[r - 1][c - 1] = "E"
    return ["".join(row) for row in cells]


def maze_serpentine(r: int, c: int) -> list[str]:
    """Open rows joined by one gap, alternately at the right and the left end."""
    rows = []
    for i in range(r):
        if i % 2 == 0:
            rows.append("." * c)
        elif i % 4 == 1:
            rows.append("#" * (c - 1) + ".")
        else:
            rows.append("." + "#" * (c - 1))
    rows[0] = "S" + rows[0][1:]
    last = rows[-1]
    rows[-1] = (last[:-1] + "E") if (r - 1) % 4 == 0 else ("E" + last[1:])
    return rows


@problem("maze-rover", 1203, check_maze)
def build_maze(rng: random.Random) -> list[Case]:
    def case(name: str, grid: list[str], large: bool = False) -> Case:
        return Case(name, text([len(grid), len(grid[0])], *grid), large)

    cases = [
        case("one-step", ["SE"]),
        case("column", ["E", ".", ".", "S"]),
        case("walled-in", ["#.#..", "#S#..", "###.E"]),
        case("open-field", ["S....", ".....", "....E"]),
        case("detour", ["S#...", ".#.#.", ".#.#.", "...#E"]),
        case("serpentine-small", maze_serpentine(9, 6)),
    ]
    for i in range(1, 4):
        r, c = rng.randint(2, 10), rng.randint(2, 10)
        cases.append(case(f"random-{i}", maze_random(rng, r, c, 0.3)))
    cases.append(case("large-serpentine", maze_serpentine(597, 600), large=True))
    cases.append(case("large-random", maze_random(rng, 600, 600, 0.3), large=True))
    enclosed = [list("." * 600) for _ in range(600)]
    enclosed[0][0] = "S"
    enclosed[598][599] = "#"
    enclosed[599][598] = "#"
    enclosed[599][599] = "E"
    # Big but not a timing test: sweeps over an open field settle after a few passes.
    cases.append(case("max-unreachable", ["".join(row) for row in enclosed]))
    return cases


def check_beacon(inp: str) -> None:
    lines = inp.splitlines()
    n, k = ints(lines[0])
    x = ints(lines[1])
    need(2 <= k <= n <= 100_000 and len(x) == n and len(lines) == 2, "n, k / line count")
    in_range(x, 0, 10**9, "x_i")
    need(len(set(x)) == n, "x_i not distinct")


@problem("beacon-spacing", 1204, check_beacon)
def build_beacon(rng: random.Random) -> list[Case]:
    def case(name: str, k: int, x: list[int], large: bool = False) -> Case:
        return Case(name, text([len(x), k], x), large)

    cases = [
        case("two-sites", 2, [5, 6]),
        case("k-equals-n", 6, [40, 1, 13, 7, 30, 22]),
        case("k-two", 2, [500, 3, 999_999_999, 77, 12]),
        case("consecutive", 4, list(range(10))),
        case("far-ends", 3, [0, 10**9, 499_999_999, 500_000_001, 2]),
        case("clustered", 3, [0, 1, 2, 3, 1000, 1001, 1002]),
    ]
    for i in range(1, 4):
        n = rng.randint(2, 25)
        x = rng.sample(range(100), n)
        cases.append(case(f"random-{i}", rng.randint(2, n), x))
    n = 100_000
    cases.append(case("large-few-beacons", 1000, rng.sample(range(10**9 + 1), n), True))
    cases.append(case("large-many-beacons", 50_000, rng.sample(range(10**9 + 1), n), True))
    return cases


def check_bus(inp: str) -> None:
    lines = inp.splitlines()
    n = int(lines[0])
    need(1 <= n <= 1000 and len(lines) == n + 1, "n / line count")
    periods = []
    for line in lines[1:]:
        p, r = ints(line)
        need(1 <= p <= 10**9 and 0 <= r < p, f"line {line}")
        periods.append(p)
    need(math.lcm(*periods) <= 10**18, "lcm of the periods over 10^18")


BUS_BASE = {2: 9, 3: 6, 5: 3, 7: 2, 11: 2, 13: 1, 17: 1, 19: 1, 23: 1, 29: 1}
"""A number near 7.7e17 by its prime powers; the large tests draw periods among its divisors,
so the least common multiple of their periods stays within the statement's 10^18."""


def bus_divisor(rng: random.Random) -> int:
    while True:
        p = 1
        for prime, top in BUS_BASE.items():
            p *= prime ** rng.randint(0, top)
        if 10**6 <= p <= 10**9:
            return p


def bus_lines(periods: list[int], t: int) -> list[tuple[int, int]]:
    return [(p, t % p) for p in periods]


@problem("bus-sync", 1205, check_bus)
def build_bus(rng: random.Random) -> list[Case]:
    def case(name: str, lines: list[tuple[int, int]], large: bool = False) -> Case:
        return Case(name, text(len(lines), *lines), large)

    base = math.prod(prime**top for prime, top in BUS_BASE.items())
    cases = [
        case("one-line-period-one", [(1, 0)]),
        case("one-line-late", [(10**9, 10**9 - 1)]),
        case("same-line-twice", [(12, 5), (12, 5)]),
        case("same-period-clash", [(12, 5), (12, 6)]),
        case("all-at-zero", [(7, 0), (9, 0), (4, 0)]),
        case("coprime", [(3, 2), (5, 4), (7, 6), (11, 10)]),
        case("shared-factors", [(12, 7), (18, 13), (8, 7)]),
        case("late-conflict", [(6, 1), (10, 3), (15, 13), (4, 2)]),
    ]
    for i in range(1, 3):
        periods = [rng.randint(1, 12) for _ in range(rng.randint(2, 5))]
        t = rng.randint(0, math.lcm(*periods) - 1)
        lines = bus_lines(periods, t)
        if i == 2:  # an inconsistent variant: nudge one offset
            p, r = lines[-1]
            lines[-1] = (p, (r + 1) % p) if p > 1 else (2, 0)
        cases.append(case(f"random-{i}", lines))
    t = rng.randint(base // 2, base - 1)
    periods = [bus_divisor(rng) for _ in range(1000)]
    cases.append(case("large-many-lines", bus_lines(periods, t), large=True))
    cases.append(
        case(
            "large-two-primes", bus_lines([999_999_937, 999_999_929], 987_654_321_012_345_678), True
        )
    )
    lines = bus_lines([bus_divisor(rng) for _ in range(999)], t)
    lines.append((2**9 * 3**5, (t + 1) % (2**9 * 3**5)))
    cases.append(case("large-never", lines, large=True))
    return cases


def check_roadblock(inp: str) -> None:
    lines = inp.splitlines()
    q = int(lines[0])
    need(1 <= q <= 50_000 and len(lines) == q + 1, "q / line count")
    for line in lines[1:]:
        a, b, c, d = ints(line)
        in_range([a, b, c, d], 0, 250_000, "a, b, c, d")
        need((c, d) != (0, 0) and (c, d) != (a, b), f"roadblock at an end: {line}")


@problem("roadblock-paths", 1206, check_roadblock)
def build_roadblock(rng: random.Random) -> list[Case]:
    def case(name: str, queries: list[tuple[int, int, int, int]], large: bool = False) -> Case:
        return Case(name, text(len(queries), *queries), large)

    def small_query(top: int) -> tuple[int, int, int, int]:
        while True:
            a, b, c, d = (rng.randint(0, top) for _ in range(4))
            if (c, d) not in ((0, 0), (a, b)):
                return (a, b, c, d)

    cases = [
        case("stay-home", [(0, 0, 1, 0), (0, 0, 250_000, 250_000)]),
        case("straight-line-blocked", [(0, 5, 0, 3), (7, 0, 2, 0)]),
        case("block-outside", [(3, 3, 4, 1), (3, 3, 1, 4), (10, 2, 0, 3)]),
        case("block-on-border", [(3, 3, 3, 0), (3, 3, 0, 3), (3, 3, 1, 0)]),
        case("next-to-goal", [(4, 4, 3, 4), (4, 4, 4, 3), (1, 1, 0, 1)]),
        case("max-coordinates", [(250_000, 250_000, 1, 0), (250_000, 250_000, 125_000, 125_000)]),
    ]
    for i in range(1, 4):
        cases.append(case(f"random-{i}", [small_query(7) for _ in range(25)]))
    big = []
    for _ in range(50_000):
        a, b = rng.randint(1, 250_000), rng.randint(1, 250_000)
        c, d = 0, 0
        while (c, d) in ((0, 0), (a, b)):
            c, d = rng.randint(0, a), rng.randint(0, b)
        big.append((a, b, c, d))
    cases.append(case("large-random", big, large=True))
    return cases


# ---------------------------------------------------------------------------------- hard


def check_fire(inp: str) -> None:
    lines = inp.splitlines()
    n = int(lines[0])
    need(1 <= n <= 80_000 and len(lines) == n, "n / line count")
    parent = list(range(n + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for line in lines[1:]:
        u, v, w = ints(line)
        need(1 <= u <= n and 1 <= v <= n and u != v and 1 <= w <= 10_000, f"road {line}")
        ru, rv = find(u), find(v)
        need(ru != rv, "the roads contain a cycle")
        parent[ru] = rv


def tree_case(
    rng: random.Random, n: int, parent_of: Callable[[int], int], wmax: int
) -> list[tuple[int, int, int]]:
    """A tree on 1..n, built by attaching node i to parent_of(i) < i, then relabelled."""
    label = list(range(1, n + 1))
    rng.shuffle(label)
    roads = [(label[i], label[parent_of(i)], rng.randint(1, wmax)) for i in range(1, n)]
    rng.shuffle(roads)
    return roads


@problem("fire-station", 1301, check_fire)
def build_fire(rng: random.Random) -> list[Case]:
    def case(name: str, n: int, roads: list[tuple[int, int, int]], large: bool = False) -> Case:
        return Case(name, text(n, *roads), large)

    cases = [
        case("one-village", 1, []),
        case("star", 6, [(1, 2, 5), (1, 3, 9), (1, 4, 2), (1, 5, 9), (1, 6, 1)]),
        case("path-tie-middle", 4, [(1, 2, 2), (2, 3, 2), (3, 4, 2)]),
        case("path-heavy-end", 5, [(5, 4, 1), (4, 3, 1), (3, 2, 1), (2, 1, 10)]),
        case("centre-not-middle", 6, [(1, 2, 1), (2, 3, 1), (3, 4, 1), (4, 5, 1), (5, 6, 7)]),
        case("max-lengths", 3, [(2, 1, 10_000), (3, 2, 10_000)]),
    ]
    for i in range(1, 4):
        n = rng.randint(2, 12)
        cases.append(case(f"random-{i}", n, tree_case(rng, n, lambda j: rng.randrange(j), 20)))
    n = 80_000
    cases.append(
        case("large-random", n, tree_case(rng, n, lambda j: rng.randrange(j), 10_000), True)
    )
    cases.append(
        case(
            "large-long-path",
            n,
            tree_case(rng, n, lambda j: j - 1 if rng.random() < 0.9 else rng.randrange(j), 10_000),
            True,
        )
    )
    return cases


def check_envelopes(inp: str) -> None:
    lines = inp.splitlines()
    n = int(lines[0])
    need(1 <= n <= 100_000 and len(lines) == n + 1, "n / line count")
    for line in lines[1:]:
        w, h = ints(line)
        in_range([w, h], 1, 10**9, "w_i, h_i")


@problem("nested-envelopes", 1302, check_envelopes)
def build_envelopes(rng: random.Random) -> list[Case]:
    def case(name: str, env: list[tuple[int, int]], large: bool = False) -> Case:
        return Case(name, text(len(env), *env), large)

    cases = [
        case("one-envelope", [(10**9, 1)]),
        case("all-equal", [(4, 4)] * 7),
        case("same-width", [(5, h) for h in range(1, 9)]),
        case("same-height", [(w, 5) for w in range(9, 0, -1)]),
        case("full-chain", [(i, 2 * i) for i in range(10, 0, -1)]),
        case("antichain", [(i, 20 - i) for i in range(1, 20)]),
        case("max-values", [(10**9, 10**9), (1, 1), (10**9 - 1, 10**9 - 1), (10**9, 1)]),
    ]
    for i in range(1, 4):
        env = [(rng.randint(1, 8), rng.randint(1, 8)) for _ in range(rng.randint(5, 30))]
        cases.append(case(f"random-{i}", env))
    env = [(rng.randint(1, 100_000), rng.randint(1, 100_000)) for _ in range(100_000)]
    cases.append(case("large-random", env, large=True))
    chain = []
    for i in range(90_000):
        chain.append((10 * i + rng.randint(1, 15), 10 * i + rng.randint(1, 15)))
    chain += [(rng.randint(1, 999_999), rng.randint(1, 999_999)) for _ in range(10_000)]
    rng.shuffle(chain)
    cases.append(case("large-long-chain", chain, large=True))
    return cases


def check_trucks(inp: str) -> None:
    lines = inp.splitlines()
    n, m, q = ints(lines[0])
    need(1 <= n <= 100_000 and 0 <= m <= 100_000 and 1 <= q <= 100_000, "n, m, q")
    need(len(lines) == 1 + m + q, "line count")
    for line in lines[1:]:
        u, v, c = ints(line)
        need(1 <= u <= n and 1 <= v <= n and 1 <= c <= 10**9, f"line {line}")


@problem("heavy-trucks", 1303, check_trucks)
def build_trucks(rng: random.Random) -> list[Case]:
    def case(
        name: str,
        n: int,
        bridges: list[tuple[int, int, int]],
        trips: list[tuple[int, int, int]],
        large: bool = False,
    ) -> Case:
        return Case(name, text([n, len(bridges), len(trips)], *bridges, *trips), large)

    def graph(n: int, m: int, cmax: int) -> list[tuple[int, int, int]]:
        return [(rng.randint(1, n), rng.randint(1, n), rng.randint(1, cmax)) for _ in range(m)]

    cases = [
        case("one-island", 1, [], [(1, 1, 10**9)]),
        case("self-loops-only", 3, [(1, 1, 50), (2, 2, 50)], [(1, 2, 1), (3, 3, 7)]),
        case(
            "parallel-bridges",
            2,
            [(1, 2, 3), (2, 1, 8), (1, 2, 5)],
            [(1, 2, 8), (2, 1, 9), (2, 1, 1)],
        ),
        case("exact-limit", 3, [(1, 2, 10), (2, 3, 10)], [(1, 3, 10), (3, 1, 11)]),
        case("max-weights", 3, [(1, 2, 10**9), (3, 2, 10**9 - 1)], [(1, 2, 10**9), (1, 3, 10**9)]),
        case(
            "two-components",
            6,
            [(1, 2, 5), (2, 3, 5), (4, 5, 5), (5, 6, 5)],
            [(1, 3, 5), (1, 4, 1), (6, 4, 2), (3, 6, 1)],
        ),
    ]
    for i in range(1, 4):
        n = rng.randint(2, 10)
        trips = graph(n, 20, 12)
        cases.append(case(f"random-{i}", n, graph(n, rng.randint(0, 15), 12), trips))
    n = 30_000
    cases.append(
        case("large-random", n, graph(n, 35_000, 10**6), graph(n, 35_000, 10**6), large=True)
    )
    return cases


def check_stamps(inp: str) -> None:
    lines = inp.splitlines()
    need(len(lines) == 1, "line count")
    s = lines[0]
    need(1 <= len(s) <= 10**6 and s.isascii() and s.isalpha() and s.islower(), "s")


def fibonacci_word(length: int) -> str:
    a, b = "a", "ab"
    while len(b) < length:
        a, b = b, b + a
    return b[:length]


@problem("echo-stamps", 1304, check_stamps)
def build_stamps(rng: random.Random) -> list[Case]:
    def case(name: str, s: str, large: bool = False) -> Case:
        return Case(name, text(s), large)

    cases = [
        case("one-letter", "q"),
        case("all-same", "z" * 1000),
        case("all-different", "abcdefghijklmnopqrstuvwxyz"),
        case("two-letters", "ab"),
        case("period-with-tail", "abcabcabcabcx"),
        case("prefix-repeats-late", "abxyzabxyzab"),
        case("fibonacci-small", fibonacci_word(100)),
    ]
    for i in range(1, 4):
        s = "".join(rng.choice("ab") for _ in range(rng.randint(5, 40)))
        cases.append(case(f"random-{i}", s))
    cases.append(case("large-all-same", "a" * 10**6, large=True))
    cases.append(case("large-fibonacci", fibonacci_word(10**6), large=True))
    block = "".join(rng.choice("abc") for _ in range(997))
    noisy = list((block * 1004)[: 10**6])
    for _ in range(20):
        noisy[rng.randrange(10**6)] = "d"
    cases.append(case("large-noisy-period", "".join(noisy), large=True))
    return cases


def check_split(inp: str) -> None:
    lines = inp.splitlines()
    n = int(lines[0])
    v = ints(lines[1])
    need(1 <= n <= 2000 and len(v) == n and len(lines) == 2, "n / line count")
    in_range(v, 1, 2000, "v_i")


@problem("fair-split", 1305, check_split)
def build_split(rng: random.Random) -> list[Case]:
    def case(name: str, v: list[int], large: bool = False) -> Case:
        return Case(name, text(len(v), v), large)

    cases = [
        case("one-coin", [1999]),
        case("two-equal", [2000, 2000]),
        case("odd-count-equal", [7] * 9),
        case("one-giant", [2000, 1, 1, 1]),
        case("powers-of-two", [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]),
        case("all-ones", [1] * 2000),
    ]
    for i in range(1, 4):
        cases.append(case(f"random-{i}", [rng.randint(1, 60) for _ in range(rng.randint(1, 15))]))
    cases.append(case("large-random", [rng.randint(1, 2000) for _ in range(2000)], large=True))
    cases.append(
        case("large-multiples", [14 * rng.randint(100, 142) for _ in range(1999)] + [1], True)
    )
    return cases


# ------------------------------------------------------------------- performance inputs
# One per medium and hard problem: the statement's maximum sizes, from a seed of its own, so
# it is a new input (build_cases checks that it copies no other test). The search sees it;
# a quadratic solution must run out of time on it (tests/integration/test_starter_perf.py).


@performance("orchard-queries", 2201)
def perf_orchard(rng: random.Random) -> str:
    grid = orchard_grid(rng, 500, 500)
    # Big rectangles from near the top-left corner; one-digit corners keep the file small.
    queries = [
        (rng.randint(1, 9), rng.randint(1, 9), rng.randint(400, 500), rng.randint(400, 500))
        for _ in range(100_000)
    ]
    return text([500, 500, len(queries)], *grid, *queries)


@performance("dance-pairs", 2202)
def perf_dance(rng: random.Random) -> str:
    n = 200_000
    return text([n, rng.randint(100, 1000)], [rng.randint(1, 100_000) for _ in range(n)])


@performance("maze-rover", 2203)
def perf_maze(rng: random.Random) -> str:
    # Start at the bottom right, target at the top left: against a top-down sweep.
    cells = [["#" if rng.random() < 0.25 else "." for _ in range(600)] for _ in range(600)]
    cells[599][599] = "S"
    cells[0][0] = "E"
    return text([600, 600], *("".join(row) for row in cells))


@performance("beacon-spacing", 2204)
def perf_beacon(rng: random.Random) -> str:
    n = 100_000
    return text([n, 3000], rng.sample(range(10**9 + 1), n))


@performance("bus-sync", 2205)
def perf_bus(rng: random.Random) -> str:
    base = math.prod(prime**top for prime, top in BUS_BASE.items())
    t = rng.randint(base // 2, base - 1)
    lines = bus_lines([bus_divisor(rng) for _ in range(1000)], t)
    return text(len(lines), *lines)


@performance("roadblock-paths", 2206)
def perf_roadblock(rng: random.Random) -> str:
    queries = []
    for _ in range(50_000):
        a, b = rng.randint(200_000, 250_000), rng.randint(200_000, 250_000)
        queries.append((a, b, rng.randint(1, a - 1), rng.randint(0, b)))
    return text(len(queries), *queries)


@performance("fire-station", 2207)
def perf_fire(rng: random.Random) -> str:
    n = 80_000
    # Each village hangs off one of the 1,000 before it: a deep, bushy tree.
    return text(n, *tree_case(rng, n, lambda j: rng.randrange(max(0, j - 1000), j), 10_000))


@performance("nested-envelopes", 2208)
def perf_envelopes(rng: random.Random) -> str:
    n = 100_000
    env = [(rng.randint(1, 10**9), rng.randint(1, 10**9)) for _ in range(n)]
    return text(n, *env)


@performance("heavy-trucks", 2209)
def perf_trucks(rng: random.Random) -> str:
    n = m = q = 100_000

    def triple() -> tuple[int, int, int]:
        return (rng.randint(1, n), rng.randint(1, n), rng.randint(1, 10**9))

    return text([n, m, q], *(triple() for _ in range(m + q)))


@performance("echo-stamps", 2210)
def perf_stamps(rng: random.Random) -> str:
    block = "".join(rng.choice("ab") for _ in range(1499))
    s = list((block * 668)[: 10**6])
    for _ in range(50):
        s[rng.randrange(10**6)] = "c"
    return text("".join(s))


@performance("fair-split", 2211)
def perf_split(rng: random.Random) -> str:
    v = [rng.randint(1, 2000) for _ in range(2000)]
    return text(len(v), v)


# ------------------------------------------------------------------------------- driver


def build_cases(pid: str, validate: bool = True) -> list[Case]:
    """The tests of one problem; `validate` checks each input against the statement."""
    spec = SPECS[pid]
    cases = spec.build(random.Random(spec.seed))
    if spec.perf is not None:
        perf_text = spec.perf(random.Random(spec.perf_seed))
        if any(c.text == perf_text for c in cases):
            raise ValueError(f"{pid}/{PERF_NAME}: copies another test; it must be a new input")
        cases.append(Case(PERF_NAME, perf_text, performance=True))
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{pid}: duplicate test names")
    for c in cases:
        if c.name.startswith("sample"):
            raise ValueError(f"{pid}/{c.name}: generated tests are hidden; no 'sample' names")
        if c.large != c.name.startswith("large-"):
            raise ValueError(f"{pid}/{c.name}: timing tests, and only they, are named large-*")
        size = len(c.text.encode())
        cap = PERF_MAX_INPUT_BYTES if c.performance else MAX_INPUT_BYTES
        if size > cap:
            raise ValueError(f"{pid}/{c.name}: input is {size} bytes, over {cap}")
        if not validate:
            continue
        try:
            spec.check(c.text)
        except (ValueError, IndexError) as exc:
            raise ValueError(f"{pid}/{c.name}: input breaks the statement: {exc}") from exc
    return cases


def load_toml(pid: str) -> dict:
    with open(PROBLEMS / pid / "problem.toml", "rb") as f:
        return tomllib.load(f)


def run_program(args: list[str], stdin: str, cpu_limit_s: float) -> tuple[str, float, str]:
    """Run a program on `stdin` under a CPU limit: (stdout, CPU seconds, status)."""

    def limit() -> None:
        seconds = max(1, math.ceil(cpu_limit_s))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        args,
        input=stdin.encode(),
        capture_output=True,
        preexec_fn=limit,
        timeout=cpu_limit_s * 4 + 10,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if cpu > cpu_limit_s or proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        status = "TLE"
    elif proc.returncode != 0:
        status = f"RE ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}"
    else:
        status = "ran"
    return proc.stdout.decode(), cpu, status


def same_answer(checker: dict, got: str, expected: str) -> bool:
    kind = checker.get("type", "tokens")
    if kind == "exact":
        return got == expected
    a, b = got.split(), expected.split()
    if kind == "float":
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                if x != y:
                    return False
                continue
            tol = max(checker.get("abs_tol", 1e-6), checker.get("rel_tol", 1e-6) * abs(fy))
            if abs(fx - fy) > tol + 1e-12:
                return False
        return True
    return a == b


def write_problem(pid: str, cases: list[Case]) -> None:
    code = load_toml(pid)["reference"]["code"]
    folder = PROBLEMS / pid / "tests"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for c in cases:
        out, cpu, status = run_program([sys.executable, "-I", "-c", code], c.text, 60)
        if status != "ran":
            raise RuntimeError(f"{pid}/{c.name}: reference failed: {status}")
        files = ((".in", c.text),) if c.performance else ((".in", c.text), (".ans", out))
        for suffix, content in files:
            path = folder / f"{c.name}{suffix}"
            wanted.add(path)
            if not path.exists() or path.read_bytes() != content.encode():
                path.write_bytes(content.encode())
    for stale in [*folder.glob("*.in"), *folder.glob("*.ans")]:
        if stale not in wanted:
            stale.unlink()
    print(f"{pid}: {len(cases)} tests written")


def check_problem(pid: str, cases: list[Case]) -> list[str]:
    """Differences between the inputs this script builds and the files on disk."""
    folder = PROBLEMS / pid / "tests"
    problems = []
    names = {c.name for c in cases}
    for c in cases:
        path = folder / f"{c.name}.in"
        has_answer = (folder / f"{c.name}.ans").exists()
        if not path.exists() or has_answer == c.performance:
            wanted = "a .in and no .ans" if c.performance else "a .in and a .ans"
            problems.append(f"{pid}/{c.name}: wants {wanted} file")
        elif path.read_bytes() != c.text.encode():
            problems.append(f"{pid}/{c.name}: input differs from the generated one")
    for extra in folder.glob("*.in"):
        if extra.stem not in names:
            problems.append(f"{pid}/{extra.stem}: not produced by this script")
    if any(c.performance for c in cases) and not declares_performance_input(pid):
        problems.append(
            f"{pid}: problem.toml needs a [[tests]] entry with name = {PERF_NAME!r}, "
            f'performance = true and input_file = "tests/{PERF_NAME}.in"'
        )
    return problems


def declares_performance_input(pid: str) -> bool:
    """Whether problem.toml declares tests/perf-max.in as its performance test."""
    return any(
        t.get("name") == PERF_NAME
        and t.get("performance") is True
        and t.get("input_file") == f"tests/{PERF_NAME}.in"
        for t in load_toml(pid).get("tests", [])
    )


def measure_problem(pid: str, cases: list[Case]) -> bool:
    """Run reference and naive solutions on every test; print a table; True if all is well."""
    data = load_toml(pid)
    code = data["reference"]["code"]
    checker = data.get("checker", {})
    limit = float(data["limits"]["time_s"])
    naive = NAIVE / f"{pid}.py"
    large = {c.name for c in cases if c.large or c.performance}
    tests: list[tuple[str, str, str | None]] = [
        (t["name"], t["input"], t["output"])
        for t in data.get("tests", [])
        if not t.get("performance")  # built below from its case
    ]
    folder = PROBLEMS / pid / "tests"
    for c in cases:
        answer = None if c.performance else (folder / f"{c.name}.ans").read_text()
        tests.append((c.name, c.text, answer))
    ok = True
    print(f"== {pid} ({data['difficulty']}, limit {limit:g} s)")
    for name, stdin, expected in tests:
        out, ref_cpu, status = run_program([sys.executable, "-I", "-c", code], stdin, limit)
        ref = status
        if status == "ran":  # a performance input's output is not checked
            ok_answer = expected is None or same_answer(checker, out, expected)
            ref = "AC" if ok_answer else "WA"
        out, naive_cpu, status = run_program(
            [sys.executable, "-I", str(naive)], stdin, limit * NAIVE_CPU_FACTOR
        )
        if status == "ran":
            status = "AC" if expected is None or same_answer(checker, out, expected) else "WA"
        if status == "AC" and naive_cpu > limit:
            status = "TLE"
        flag = ""
        share = PERF_REFERENCE_SHARE if expected is None else 0.4
        if ref != "AC" or ref_cpu > share * limit:
            flag = "  <-- reference too slow or wrong"
        elif name in large and status != "TLE":
            flag = "  <-- naive should time out here"
        elif name not in large and status not in ("AC", "TLE"):
            flag = "  <-- naive disagrees"
        ok = ok and not flag
        if name not in large and status == "TLE":
            flag = "  (naive too slow to compare)"
        print(
            f"  {name:28} ref {ref:3} {ref_cpu:6.3f} s   naive {status[:3]:3} "
            f"{naive_cpu:6.3f} s{flag}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="verify the files, write nothing")
    mode.add_argument("--measure", action="store_true", help="time reference and naive runs")
    parser.add_argument("ids", nargs="*", help="problem ids (default: all stdio ones here)")
    args = parser.parse_args(argv)
    ids = args.ids or sorted(SPECS)
    unknown = [pid for pid in ids if pid not in SPECS]
    if unknown:
        print(f"unknown problem id(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    failures: list[str] = []
    for pid in ids:
        started = time.perf_counter()
        cases = build_cases(pid)
        if args.check:
            failures += check_problem(pid, cases)
        elif args.measure:
            if not measure_problem(pid, cases):
                failures.append(pid)
        else:
            write_problem(pid, cases)
            print(f"   ({time.perf_counter() - started:.1f} s)")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
