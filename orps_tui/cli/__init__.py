"""The `orps` command: parses arguments, then hands off to one module per subcommand.

Each subcommand lives in `orps_tui/cli/<name>.py` and exposes
`register(subparsers) -> None` (adds its parser, sets `func=run`) and `run(args) -> int`.
Heavy imports happen inside `run`, so `orps --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
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
    "sessions",
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
            return _guard(lambda: _open_app(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return _guard(lambda: args.func(args))


def _open_app(argv: list[str]) -> int:
    from orps_tui.cli import app as app_cli

    if argv and not argv[0].startswith("-"):
        _reject_misspelt_subcommand(argv[0])
    return int(app_cli.run_from_argv(argv) or 0)


def require_terminal() -> None:
    """The app draws on a terminal; piped or with no terminal it would hang or print junk."""
    if not _interactive():
        raise CliError(
            "the app needs a terminal (stdin and stdout); for a headless run use "
            "`orps solve PROBLEM`, and see `orps --help` for the other commands"
        )


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _reject_misspelt_subcommand(word: str) -> None:
    """`orps sovle x` is a typo for `solve`, not a problem called `sovle`."""
    import difflib
    from pathlib import Path

    close = difflib.get_close_matches(word, sorted(_subcommand_names()), n=1, cutoff=0.75)
    if not close or Path(word).expanduser().exists():
        return
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    try:
        find_problem(word)
    except ProblemNotFound:
        raise CliError(f"unknown command {word!r}; did you mean `orps {close[0]}`?") from None
    except ProblemError:
        pass  # a problem by that name exists (and the app reports what is wrong with it)


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
    except BrokenPipeError:
        # The reader went away (`orps ... | head`): stop quietly, as Rich does.
        _silence_stdout()
        return 1
    except OSError as exc:
        # The machine said no (a data dir that is a file, a full disk, no permission):
        # the path and the reason are what the user needs, not a traceback.
        print(f"orps: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    return int(code or 0)


def describe_os_error(exc: OSError) -> str:
    """`PATH: reason`, plus where that path comes from when it is one of orps's folders."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if not exc.filename:
        return reason
    text = f"{exc.filename}: {reason}"
    from orps_tui import locations

    for label, var, folder in (
        ("data", "ORPS_DATA_DIR", locations.data_dir()),
        ("cache", "ORPS_CACHE_DIR", locations.cache_dir()),
    ):
        if str(exc.filename).startswith(str(folder)):
            return f"{text} (in the {label} dir {folder}; {var} moves it, `orps doctor` checks it)"
    return text


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
