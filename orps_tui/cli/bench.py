"""`orps bench`: does ORPS beat sampling with the same model and the same call budget?

    orps bench PROBLEMS... [--method orps,orps-steered,oneshot,bestofn,reflexion] [--calls 16]
               [--seeds 1,2,3] [--shard I/N] [--out results.jsonl] [model, K/B/R options]
    orps bench --compare a.jsonl before.jsonl:orps-before ... [--seed S]

Every method gets the same LLM-call budget (`--calls`), fixed before the run. One-shot and
best-of-n are read from one pool of N samples per problem and seed; orps-steered is ORPS
steered by a scripted policy (asked for by name only). One record per
(problem, run, seed) is appended to `--out` as soon as it is known; running again with the
same `--out` skips the records already there. The protocol: docs/bench.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
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
    model_ready_or_fail,
    open_model_or_fail,
)

if TYPE_CHECKING:
    from orps_tui.problems.model import Problem
    from orps_tui.search.baselines import Method, Run
    from orps_tui.search.bench import Key
    from orps_tui.search.engine import SearchConfig

HELP = "compare ORPS with sampling baselines on a set of problems, same call budget"
_POOL_LIMIT = 1000
"""The pool is N samples of one round, and a round holds at most 1000 (`search.samples`)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help=HELP, description=HELP)
    parser.add_argument("problems", nargs="*", metavar="PROBLEM",
                        help="problem files, folders of problems, or starter-set ids")
    parser.add_argument("--method", action="append", metavar="METHOD",
                        help="orps, orps-steered, oneshot, bestofn or reflexion (repeat, or "
                             "separate with commas; default: orps, oneshot, bestofn, reflexion; "
                             "oneshot and bestofn share one pool)")
    add_search_arguments(parser)
    parser.add_argument("--seeds", metavar="S,S,...",
                        help="run every problem with each of these seeds (default: --seed)")
    parser.add_argument("--shard", metavar="I/N",
                        help="run only problems I, I+N, I+2N, ... (1-based, in id order), so "
                             "N machines can split one benchmark")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="append one JSON record per problem, run and seed to FILE; "
                             "records already there are skipped (resume)")
    parser.add_argument("--sessions", type=Path, metavar="DIR",
                        help="save every search as a session under DIR/RUN/seedS/ (open "
                             "one with `orps --resume`); run again, a run cut short goes on "
                             "from its session, and a run whose session finished but whose "
                             "record is missing from --out is concluded from it")
    parser.add_argument("--compare", nargs="+", metavar="RESULTS[:LABEL]",
                        help="merge earlier --out files (shards) and print the tables; "
                             ":LABEL renames that file's methods (e.g. old.jsonl:orps-before)")
    parser.add_argument("--by-problem", action="store_true",
                        help="also print a table of every problem's result by method")
    parser.set_defaults(func=run)


def parse_methods(values: list[str] | None) -> list[Method]:
    from orps_tui.search.baselines import DEFAULT_METHODS, METHODS, Method

    if not values:
        return list(DEFAULT_METHODS)
    methods: list[Method] = []
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if name not in METHODS:
                raise CliError(f"unknown method {name!r}: use one of {', '.join(METHODS)}")
            if Method(name) not in methods:
                methods.append(Method(name))
    return methods


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        try:
            seed = int(part.strip())
        except ValueError:
            raise CliError(f"--seeds: not a whole number: {part.strip()!r} "
                           "(give seeds separated by commas, e.g. 1,2,3)") from None
        if seed not in seeds:
            seeds.append(seed)
    return seeds


def parse_shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise CliError(f"--shard: expected I/N such as 2/4, got {text!r}") from None
    if n < 1 or not 1 <= i <= n:
        raise CliError(f"--shard: I must be between 1 and N, got {text!r}")
    return i, n


def shard(problems: list[Problem], index: int, count: int) -> list[Problem]:
    """Problems I, I+N, ... of the list sorted by id (duplicates dropped): the same split on
    every machine, whatever order the problems were given in."""
    unique = {p.id: p for p in reversed(problems)}
    ordered = [unique[key] for key in sorted(unique)]
    return ordered[index - 1::count]


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
    if args.compare:
        return _compare(args)
    if not args.problems:
        raise CliError("give PROBLEMS to run, or --compare RESULTS...")
    from orps_tui.search.baselines import DEFAULT_CALLS, Run, runs_for
    from orps_tui.search.bench import RunInfo, engine_commit
    from orps_tui.search.bench_run import BenchPlan
    from orps_tui.search.engine import SearchConfig

    runs = runs_for(parse_methods(args.method))
    if args.seeds is not None and args.seed is not None:
        raise CliError("give --seed or --seeds, not both")
    calls = args.calls if args.calls is not None else DEFAULT_CALLS
    settings = load_settings_or_fail()
    try:
        # K/B/R alone here: each run gets `calls` as its max_calls (BenchPlan.config).
        base = replace(SearchConfig.from_settings(settings, **config_overrides(args)),
                       max_calls=None)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    _check_budget(calls, runs, base)
    seeds = parse_seeds(args.seeds) if args.seeds is not None else [base.seed]
    shard_of = parse_shard(args.shard) if args.shard else None
    problems = collect_problems(args.problems)
    if shard_of is not None:
        problems = shard(problems, *shard_of)
    uri = args.model or settings.model.default
    info = RunInfo(calls, base.samples, base.beam, base.rounds, uri, engine_commit(),
                   base.concurrency)
    plan = BenchPlan(runs, seeds, base, info, args.sessions)
    earlier: list[dict[str, Any]] = []
    if args.out is not None:
        _check_writable(args.out)
        earlier = _earlier_records(args.out, info, seeds[0])
    planned = {k for p in problems for k in plan.keys(p.id)}
    from orps_tui.search.bench import is_error, key_of

    done = {key_of(r) for r in earlier if not is_error(r)}
    kept = [r for r in earlier if key_of(r) in planned]
    todo = len(planned - done)
    print(f"orps bench: {len(problems)} problem(s) x {len(seeds)} seed(s) x "
          f"{', '.join(runs)}; {calls} LLM calls per run; {len(planned) - todo} record(s) "
          f"already in --out, {todo} to run", file=sys.stderr)
    if Run.ORPS in runs or Run.ORPS_STEERED in runs:
        print(f"  ORPS: K={base.samples} B={base.beam} R={base.rounds}, capped at {calls} calls",
              file=sys.stderr)
    if todo:
        model_ready_or_fail(uri, settings)
    return _run_plan(problems, plan, uri, settings, args.out, done, kept, args.by_problem)


def _run_plan(problems: list[Problem], plan: Any, uri: str, settings: Any, out: Path | None,
              done: set[Key], kept: list[dict[str, Any]], by_problem: bool) -> int:
    from orps_tui.search.bench_run import run_bench

    model = open_model_or_fail(uri, settings, plan.base.concurrency)
    records: list[dict[str, Any]] = []

    def emit(record: dict[str, Any]) -> None:
        if out is not None:
            try:
                with open(out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record) + "\n")
            except OSError as exc:
                raise CliError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
        records.append(record)
        try:
            line = progress_line(record)
        except Exception:  # a line must never cost the run; the record is written
            line = f"{record.get('problem')} {record.get('method')}: record written"
        print(line, file=sys.stderr, flush=True)

    def skipped(problem: Problem) -> None:
        print(f"{problem.id}: skipped (no hidden tests to grade on)", file=sys.stderr)

    async def main() -> None:
        try:
            await run_bench(problems, model, plan, lambda p: make_judge(p, settings), done,
                            emit, skipped, close_quietly)
        finally:
            await close_quietly(model)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("orps bench: interrupted; run the same command again to resume"
              + ("" if out else " (with --out, to keep what is done)"), file=sys.stderr)
        _print_report(kept + records, by_problem)
        return 130
    _print_report(kept + records, by_problem)
    return 0


def _check_budget(calls: int, runs: list[Run], base: SearchConfig) -> None:
    from orps_tui.search.baselines import Run

    if calls > _POOL_LIMIT and Run.POOL in runs:
        raise CliError(f"--calls {calls}: the sampling pool holds at most {_POOL_LIMIT} samples")
    searches = {Run.ORPS, Run.ORPS_STEERED}
    if calls < 2 and (searches | {Run.REFLEXION}) & set(runs):
        raise CliError("--calls must be at least 2: an ORPS or reflexion step costs a "
                       "programmer and a critic call")
    if searches & set(runs) and base.budget < calls:
        raise CliError(f"K={base.samples} B={base.beam} R={base.rounds} allow ORPS at most "
                       f"{base.budget} calls, fewer than --calls {calls}: raise -k/-b/-r or "
                       "lower --calls, so every method gets the same budget")


def _check_writable(out: Path) -> None:
    """Fail before the first model call, not after an hour of benchmarking."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write: {exc.strerror or exc}") from None


_SAME = ("calls", "samples", "beam", "rounds", "model")


def _earlier_records(out: Path, info: Any, seed: int) -> list[dict[str, Any]]:
    """The records already in `--out` (to skip); refuses a file made with other settings."""
    from orps_tui.search.bench import FORMAT, is_error, read_records, trim_torn_tail

    trim_torn_tail(out)
    try:
        records = read_records(out, seed, torn_tail_ok=True)
    except ValueError as exc:
        raise CliError(f"--out {exc}") from None
    wanted = {name: getattr(info, name) for name in _SAME}
    for number, record in enumerate(records, 1):
        if record.get("bench") != FORMAT:
            raise CliError(f"--out {out}: record {number} is from an older `orps bench` "
                           "(no fixed call budget); write to a new file")
        if is_error(record):
            continue
        differs = [f"{k} {record.get(k)!r} (now {v!r})" for k, v in wanted.items()
                   if record.get(k) != v]
        if differs:
            raise CliError(f"--out {out}: record {number} was made with "
                           f"{', '.join(differs)}; resume with the same settings or write "
                           "to a new file")
    return records


def progress_line(record: dict[str, Any]) -> str:
    """One line per record, whatever it holds (an error record, a pool, an answer or none)."""
    from orps_tui.search.bench_derive import pool_rows

    head = f"{record.get('problem')} {record.get('method')} seed {record.get('seed')}"
    if "error" in record:
        return f"{head}: error: {record['error']}"
    tail = f"{record.get('llm_calls', 0)} calls, {float(record.get('wall_s') or 0):.1f} s"
    if record.get("method") == "pool":
        _, mean, best = pool_rows(record, None)[:3]
        return (f"{head}: {len(record['pool'])} samples, first {_verdict(record['pool'][0])}, "
                f"{mean.passed:.0%} pass hidden, best-of-{best.k} "
                f"{'passes' if best.passed else 'fails'}; {tail}")
    return f"{head}: {_verdict(record)}, stop {record.get('reason')}{_children(record)}; {tail}"


def _children(record: dict[str, Any]) -> str:
    """`, 8 children: 5 repeats, 0 repairs` for a search whose children ended."""
    diagnostics = record.get("diagnostics") or {}
    if not diagnostics.get("children"):
        return ""
    repeats, repairs = diagnostics.get("repeats", 0), diagnostics.get("repaired", 0)
    return (f", {diagnostics['children']} children: {repeats} repeat{'s' * (repeats != 1)}, "
            f"{repairs} repair{'s' * (repairs != 1)}")


def _verdict(record: dict[str, Any]) -> str:
    hidden = record.get("hidden")
    if not hidden:
        return "no answer" if not record.get("code") else "not graded"
    return f"hidden {hidden.get('passed')}/{hidden.get('total')} ({hidden.get('verdict')})"


def _print_report(records: list[dict[str, Any]], by_problem: bool) -> None:
    from orps_tui.search.bench import merge
    from orps_tui.search.bench_report import report

    if records:
        merged, _ = merge([records])
        print(report(merged, by_problem))


def _compare(args: argparse.Namespace) -> int:
    from orps_tui.search.bench import merge, read_records
    from orps_tui.search.bench_report import report

    seed = args.seed if args.seed is not None else load_settings_or_fail().search.seed
    groups = []
    for spec in args.compare:
        path, label = split_label(spec)
        try:
            groups.append(read_records(path, seed, label))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    merged, notes = merge(groups)
    for note in notes:
        print(f"orps bench: {note}", file=sys.stderr)
    try:
        text = report(merged, args.by_problem)
    except (KeyError, TypeError, ValueError) as exc:
        raise CliError(f"--compare: a record has a field of an unexpected shape "
                       f"({type(exc).__name__}: {exc})") from None
    print(text)
    return 0


def split_label(spec: str) -> tuple[Path, str | None]:
    """`FILE` or `FILE:LABEL` (a FILE that exists as given wins, colons and all)."""
    path = Path(spec)
    if path.exists() or ":" not in spec:
        return path, None
    name, _, label = spec.rpartition(":")
    if not label.strip() or any(c in label for c in "@ "):
        raise CliError(f"--compare {spec}: a label is a name without spaces or '@'")
    return Path(name), label
