"""`orps judge`: judge a solution on a problem's tests in the sandbox."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "judge a solution on a problem's tests in the sandbox"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("judge", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("judge", "the judge has not landed")
