"""`orps models`: list the models each backend offers."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "list the models each backend offers"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("models", "model backends has not landed")
