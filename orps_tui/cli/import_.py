"""`orps import`: import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from orps_tui.cli import CliError
from orps_tui.cli.arg_types import positive_seconds, whole_number
from orps_tui.problems.model import LIMIT_MAX

HELP = "import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion"
FORMAT_NAMES = ("humaneval", "lbpp", "mbpp", "kattis", "companion")

DESCRIPTION = f"""{HELP}.

Formats:
  humaneval  HumanEval .jsonl or .jsonl.gz, or the ORPS repository's humaneval test.csv
  lbpp       the LBPP test.csv (task_id, instruction, completion, test_setup, test_list, ...)
  mbpp       the MBPP test.csv (task_id, instruction, completion, test_setup, test_list)
  kattis     a Kattis/problemtools package folder, or a folder of them (Kick Start archive too)
  companion  a Competitive Companion JSON payload (one object or a list)

Each problem's reference solution is first judged on all its tests in the sandbox: layouts
the sandbox cannot run are repaired, tests the reference fails are dropped, a slow
reference gets a higher time limit; the summary names every case. Writes one problem per
problem into --out and prints each file written. Nothing is written if any problem of the
source is bad.

  orps import lbpp lbpp/test.csv --public-from lbpp/dev.csv --out DIR
      searches on the dev asserts (public), grades on the test.csv asserts (hidden)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "format", choices=FORMAT_NAMES, metavar="FORMAT", help=", ".join(FORMAT_NAMES)
    )
    parser.add_argument("source", metavar="SOURCE", help="file or folder to import")
    parser.add_argument("--out", required=True, metavar="DIR", help="problems folder to write into")
    parser.add_argument("--limit", type=whole_number(1), metavar="N", help="import only the first N")
    parser.add_argument(
        "--public",
        type=whole_number(0),
        default=None,
        metavar="N",
        help="lbpp/mbpp/humaneval CSV: how many asserts are public tests (default 1; one "
        "always stays hidden)",
    )
    parser.add_argument(
        "--public-from",
        metavar="DEV_CSV",
        help="lbpp/mbpp/humaneval: the dev CSV whose asserts become the public tests (each "
        "checked against the reference); every SOURCE assert is then hidden",
    )
    parser.add_argument(
        "--skip-unavailable",
        action="store_true",
        help="leave out problems whose reference needs a module the sandbox lacks (numpy ...)",
    )
    parser.add_argument(
        "--no-judge",
        action="store_true",
        help="skip the reference check (faster; tests the reference fails are kept)",
    )
    parser.add_argument(
        "--license", metavar="LICENCE", help="licence to record when the source states none"
    )
    parser.add_argument(
        "--time-s", type=positive_seconds(LIMIT_MAX["time_s"]), metavar="SECONDS", help="CPU time limit per test"
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite problems that already exist"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems

    if args.public is not None and args.public_from:
        raise CliError(
            "import: --public and --public-from do not go together (with --public-from every "
            "SOURCE assert is hidden and the dev asserts are public)"
        )
    if args.no_judge and args.skip_unavailable:
        raise CliError("import: --skip-unavailable needs the reference check; drop --no-judge")
    options = ImportOptions(
        limit=args.limit,
        public=1 if args.public is None else args.public,
        license=args.license,
        time_s=args.time_s,
        public_from=Path(args.public_from) if args.public_from else None,
        judge=not args.no_judge,
        skip_unavailable=args.skip_unavailable,
    )
    started = time.monotonic()
    try:
        report = import_problems(
            args.format, args.source, args.out, options, force=args.force, progress=progress_counter("judging references")
        )
    except ImportFailure as exc:
        raise CliError(f"import {args.format}: {exc}") from None
    for path in report.written:
        print(path)
    for line in report.summary():
        print(line, file=sys.stderr)
    print(
        f"imported {len(report.written)} problem(s) into {args.out} "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


def progress_counter(what: str) -> Callable[[int, int, str], None] | None:
    """A one-line counter on a terminal's stderr (None when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, item: str) -> None:
        end = "\n" if done == total else ""
        print(f"\r{what}: {done}/{total} {item:<30}", end=end, file=sys.stderr, flush=True)

    return show
