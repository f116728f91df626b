"""`orps bench`: compare ORPS with baselines on a set of problems."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "compare ORPS with baselines on a set of problems"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("bench", "the search engine has not landed")
