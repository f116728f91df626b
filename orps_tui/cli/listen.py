"""`orps listen`: receive problems from the Competitive Companion browser extension."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "receive problems from the Competitive Companion browser extension"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("listen", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("listen", "importers has not landed")
