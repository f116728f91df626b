"""`orps solve`: run the ORPS search on a problem, headless."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "run the ORPS search on a problem, headless"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("solve", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("solve", "the search engine has not landed")
