"""`orps listen`: receive problems from the Competitive Companion browser extension."""

from __future__ import annotations

import argparse
import sys
import threading

from orps_tui.cli import CliError
from orps_tui.cli.arg_types import whole_number

HELP = "receive problems from the Competitive Companion browser extension"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "listen",
        help=HELP,
        description=f"{HELP}: listens on 127.0.0.1 and saves each problem sent as TOML. "
        "In the extension's settings, add the port as a custom port. Ctrl-C stops.",
    )
    parser.add_argument("--port", type=whole_number(0, 65535), default=10043, help="port to listen on (default 10043)")
    parser.add_argument(
        "--out", metavar="DIR", help="where to save problems (default: <data dir>/problems/inbox)"
    )
    parser.add_argument("--force", action="store_true",
                        help="replace a saved problem that has the same id (as `orps import "
                             "--force` does)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from orps_tui.problems.companion_listener import CompanionListener, ListenerError, save_to
    from orps_tui.problems.library import inbox_dir

    out = Path(args.out) if args.out else inbox_dir()
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out}: exists and is not a folder")
    try:  # now, not when the first problem arrives and cannot be saved
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"--out {out}: cannot create: {exc.strerror or exc}") from None

    def saved(path: Path) -> None:
        print(path, flush=True)

    def rejected(message: str) -> None:
        print(f"rejected: {message}", file=sys.stderr, flush=True)

    listener = CompanionListener(save_to(out, on_saved=saved, force=args.force), port=args.port,
                                 on_error=rejected)
    try:
        listener.start()
    except ListenerError as exc:
        raise CliError(str(exc)) from None
    print(
        f"listening on {listener.url}, saving to {out} (Ctrl-C stops)", file=sys.stderr, flush=True
    )
    try:
        never = threading.Event()
        # Wake now and then: a Ctrl-C the kernel hands to the listener's thread is only
        # raised here when this thread runs Python code again.
        while not never.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130  # interrupted, as every command reports it
    finally:
        listener.stop()
    return 0
