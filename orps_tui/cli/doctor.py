"""`orps doctor`: check model servers, embedded runtime, judge isolation and paths."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "check model servers, embedded runtime, judge isolation and paths"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("doctor", "the doctor has not landed")
