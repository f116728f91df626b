"""Benchmark the import's reference check (`orps import`, `orps problems check`): one warm
fork server shared by every problem against a server started for each problem, on the
same problems, alternating in one process; the figure is the ratio of the two times.

    .venv/bin/python bench/import_check.py [--format mbpp] [--source ../shared/datasets/mbpp/test.csv]
        [--public-from ../shared/datasets/mbpp/dev.csv] [--problems 120] [--rounds 2]

Absolute times move with the load; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.problems.importers import ImportOptions, read_source  # noqa: E402
from orps_tui.problems.importers.vetting import check_reference, shared_server  # noqa: E402
from orps_tui.problems.model import Problem  # noqa: E402

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def per_problem(problems: list[Problem]) -> float:
    started = time.perf_counter()
    for problem in problems:
        check_reference(problem)
    return time.perf_counter() - started


def shared(problems: list[Problem]) -> float:
    started = time.perf_counter()
    with shared_server() as server:
        for problem in problems:
            check_reference(problem, server)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", default="mbpp")
    parser.add_argument("--source", type=Path, default=DATASETS / "mbpp" / "test.csv")
    parser.add_argument("--public-from", type=Path, default=DATASETS / "mbpp" / "dev.csv")
    parser.add_argument("--problems", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    read = read_source(args.format, args.source, ImportOptions(public_from=args.public_from))
    problems = [p for p in read.problems if p.reference][:args.problems]
    tests = sum(len(p.tests) for p in problems)
    print(f"{len(problems)} problems, {tests} tests ({args.format})")
    ratios = []
    for r in range(args.rounds):
        a = per_problem(problems)
        b = shared(problems)
        ratios.append(a / b)
        print(f"round {r + 1}: a server per problem {a:.1f} s, one shared {b:.1f} s, "
              f"{a / b:.2f}x")
    print(f"speed-up of the shared server: {statistics.median(ratios):.2f}x (median of "
          f"{args.rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
