"""`orps problems`: list, show and validate problem files."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "list, show and validate problem files"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("problems", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("problems", "the problem library has not landed")
