"""`orps [PROBLEM.toml] [--model M] [...]` with no subcommand: open the app."""

from __future__ import annotations

import sys


def run_from_argv(argv: list[str]) -> int:
    print("orps: the app has not landed yet; try `orps --help`", file=sys.stderr)
    return 2
