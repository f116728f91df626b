"""The `orps` command: parses arguments, then hands off to one module per subcommand.

Each subcommand lives in `orps_tui/cli/<name>.py` and exposes
`register(subparsers) -> None` (adds its parser, sets `func=run`) and `run(args) -> int`.
Heavy imports happen inside `run`, so `orps --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from orps_tui import __version__

# Subcommand modules in the order `orps --help` lists them.
SUBCOMMANDS = (
    "problems",
    "import_",
    "listen",
    "judge",
    "solve",
    "bench",
    "stress",
    "models",
    "doctor",
)


class CliError(Exception):
    """A usage or input error: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orps",
        description=(
            "Watch and steer a local LLM solving competitive-programming problems by "
            "ORPS tree search. With no subcommand, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"orps {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"orps_tui.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in _subcommand_names():
        if argv and argv[0] in ("-h", "--help", "--version"):
            pass
        else:
            from orps_tui.cli import app as app_cli

            return _guard(lambda: app_cli.run_from_argv(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return _guard(lambda: args.func(args))


def _subcommand_names() -> set[str]:
    names = {n.rstrip("_") for n in SUBCOMMANDS}
    return names


def _guard(call) -> int:
    try:
        code = call()
    except CliError as exc:
        print(f"orps: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("orps: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


def not_available(name: str, issue: str):
    """A `run` for subcommands whose feature has not landed yet."""

    def run(args: argparse.Namespace) -> int:
        print(f"orps {name}: not available yet ({issue})", file=sys.stderr)
        return 2

    return run


if __name__ == "__main__":
    sys.exit(main())
