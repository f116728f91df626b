"""`orps import`: import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion."""

from __future__ import annotations

import argparse

from orps_tui.cli import not_available

HELP = "import problems from HumanEval, LBPP, MBPP, Kattis or Competitive Companion"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help=HELP, description=HELP)
    parser.set_defaults(func=run)


run = not_available("import", "importers has not landed")
