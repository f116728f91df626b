"""`orps stress`: stress-test a solution against a brute force with a generator."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "stress-test a solution against a brute force with a generator"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stress", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("stress", "practice mode has not landed")
