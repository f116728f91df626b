"""`orps import`: import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion."""

from __future__ import annotations

import argparse
import sys

from orps_tui.cli import CliError
from orps_tui.cli.arg_types import positive_seconds, whole_number
from orps_tui.problems.model import LIMIT_MAX

HELP = "import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion"
FORMAT_NAMES = ("humaneval", "lbpp", "mbpp", "kattis", "companion")

DESCRIPTION = f"""{HELP}.

Formats:
  humaneval  HumanEval .jsonl or .jsonl.gz
  lbpp       the LBPP test.csv (task_id, instruction, completion, test_setup, test_list, ...)
  mbpp       the MBPP test.csv (task_id, instruction, completion, test_setup, test_list)
  kattis     a Kattis/problemtools package folder, or a folder of them (Kick Start archive too)
  companion  a Competitive Companion JSON payload (one object or a list)

Writes one problem per problem into --out and prints each file written. Nothing is
written if any problem of the source is bad."""


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
        default=1,
        metavar="N",
        help="lbpp/mbpp: how many asserts are public tests (default 1; one always stays hidden)",
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
    from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems

    options = ImportOptions(
        limit=args.limit, public=args.public, license=args.license, time_s=args.time_s
    )
    try:
        written, notes = import_problems(
            args.format, args.source, args.out, options, force=args.force
        )
    except ImportFailure as exc:
        raise CliError(f"import {args.format}: {exc}") from None
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in written:
        print(path)
    print(f"imported {len(written)} problem(s) into {args.out}", file=sys.stderr)
    return 0
