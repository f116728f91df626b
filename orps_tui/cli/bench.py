"""`orps bench`: compare ORPS with baselines on a set of problems.

    orps bench PROBLEMS... --method orps,bestofn --model ollama:NAME --out results.jsonl
    orps bench --compare a.jsonl b.jsonl

Each problem is solved headless by each method; one JSON record per (problem, method) is
appended to `--out` as soon as it is known, and a summary table with the paper's metrics
is printed at the end. Baselines get the LLM-call budget the ORPS run on the same problem
actually used (or the configured ORPS budget when ORPS is not among the methods).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orps_tui.cli import CliError
from orps_tui.cli.solve import (
    add_search_arguments,
    close_quietly,
    config_overrides,
    find_problem_or_fail,
    load_settings_or_fail,
    make_judge,
    open_model_or_fail,
)

if TYPE_CHECKING:
    from orps_tui.problems.model import Problem
    from orps_tui.search.engine import SearchConfig

HELP = "compare ORPS with baselines on a set of problems"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help=HELP, description=HELP)
    parser.add_argument("problems", nargs="*", metavar="PROBLEM",
                        help="problem files, folders of problems, or starter-set ids")
    parser.add_argument("--method", action="append", metavar="METHOD",
                        help="orps, oneshot, bestofn or reflexion (repeat, or separate with "
                             "commas; default: all four)")
    add_search_arguments(parser)
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="append one JSON record per problem and method to FILE")
    parser.add_argument("--compare", nargs="+", type=Path, metavar="RESULTS",
                        help="print a side-by-side table of earlier --out files, then exit")
    parser.set_defaults(func=run)


def parse_methods(values: list[str] | None) -> list[str]:
    from orps_tui.search.baselines import METHODS

    if not values:
        return list(METHODS)
    methods: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if name not in METHODS:
                raise CliError(f"unknown method {name!r}: use one of {', '.join(METHODS)}")
            if name not in methods:
                methods.append(name)
    # ORPS first: the baselines' budget is what ORPS spent on the same problem.
    return sorted(methods, key=lambda m: m != "orps")


def collect_problems(refs: list[str]) -> list[Problem]:
    from orps_tui.problems.library import problem_files
    from orps_tui.problems.load import DIR_PROBLEM_FILE

    problems: list[Problem] = []
    for ref in refs:
        path = Path(ref)
        if path.is_dir() and not (path / DIR_PROBLEM_FILE).is_file():
            files = problem_files(path)
            if not files:
                raise CliError(f"{path}: no problem files in this folder")
            problems.extend(find_problem_or_fail(str(f)) for f in files)
        else:
            problems.append(find_problem_or_fail(ref))
    return problems


def run(args: argparse.Namespace) -> int:
    from orps_tui.search import bench

    if args.compare:
        try:
            print(bench.compare(list(args.compare)))
        except ValueError as exc:
            raise CliError(str(exc)) from None
        return 0
    if not args.problems:
        raise CliError("give PROBLEMS to run, or --compare RESULTS...")
    from orps_tui.search.engine import SearchConfig

    methods = parse_methods(args.method)
    settings = load_settings_or_fail()
    problems = collect_problems(args.problems)
    uri = args.model or settings.model.default
    try:
        base = SearchConfig.from_settings(settings, **config_overrides(args))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.out is not None:
        _check_writable(args.out)
    model = open_model_or_fail(uri, settings)
    records: list[dict[str, Any]] = []

    async def main() -> None:
        try:
            for problem in problems:
                records.extend(await _bench_problem(problem, methods, model, uri, base,
                                                    settings, args.out))
        finally:
            await close_quietly(model)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("orps bench: interrupted", file=sys.stderr)
        _print_summary(records)
        return 130
    _print_summary(records)
    return 0


def _check_writable(out: Path) -> None:
    """Fail before the first model call, not after an hour of benchmarking."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write: {exc.strerror or exc}") from None


async def _bench_problem(problem: Problem, methods: list[str], model: Any, uri: str,
                         base: SearchConfig, settings: Any, out: Path | None) -> list[dict]:
    from orps_tui.search.baselines import config_for
    from orps_tui.search.bench import record_for
    from orps_tui.search.engine import SearchEngine

    judge = make_judge(problem, settings)
    rows = []
    try:
        if not problem.hidden_tests:
            print(f"{problem.id}: skipped (no hidden tests to grade on)", file=sys.stderr)
            return []
        reference = None
        if problem.reference:
            reference = await judge.arun(problem.reference, "hidden")
        calls: int | None = None
        for method in methods:
            config = config_for(method, base, calls)
            engine = SearchEngine(problem, model, judge=judge, config=config)
            result = await engine.run()
            if method == "orps":
                calls = result.stats.llm_calls
            row = record_for(problem.id, method, uri, result, reference)
            rows.append(row)
            hidden = row["hidden"]
            print(f"{problem.id} {method}: hidden "
                  f"{hidden['passed']}/{hidden['total'] if hidden else 0} "
                  f"({hidden['verdict'] if hidden else 'no answer'}), "
                  f"{row['llm_calls']} calls, {row['wall_s']:.1f} s", file=sys.stderr)
            if out is not None:
                with open(out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")
    finally:
        await close_quietly(judge)
    return rows


def _print_summary(records: list[dict[str, Any]]) -> None:
    from orps_tui.search.bench import summarise, table

    summaries = summarise(records)
    if summaries:
        print(table([(s.method, s) for s in summaries]))
