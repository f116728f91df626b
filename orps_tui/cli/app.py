"""`orps [PROBLEM] [--model M] [--samples K --beam B --rounds R --concurrency C]` and
`orps --resume SESSION`: open the app (the home screen when no problem is given).

Only argparse and the settings load here; Textual and the app load after parsing, so a
usage error is reported at once and `orps --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from orps_tui.cli import CliError
from orps_tui.search.search_config import METHOD_ON_RESUME, SearchMethod


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orps",
        description="Open the app: the home screen, or straight into a search (PROBLEM) or a "
                    "saved session (--resume). Subcommands: see `orps --help`.",
    )
    parser.add_argument("problem", nargs="?", metavar="PROBLEM",
                        help="a problem TOML file, a problem folder, or a starter-set id")
    parser.add_argument("--model", "-m", metavar="URI",
                        help="model URI: embedded, embedded:coder, ollama:NAME, "
                             "openai:BASE_URL#NAME (default: config `model.default`)")
    parser.add_argument("--samples", "-k", type=int, metavar="K", help="children per expansion")
    parser.add_argument("--beam", "-b", type=int, metavar="B", help="nodes kept per round")
    parser.add_argument("--rounds", "-r", type=int, metavar="R", help="rounds of expansion")
    parser.add_argument("--concurrency", "-c", type=int, metavar="C",
                        help="model calls in flight at once")
    parser.add_argument("--method", choices=tuple(SearchMethod),
                        help="orps: the tree search; sampling: K independent programs, no "
                             "critic, no refinement (default: config `search.method`)")
    parser.add_argument("--resume", metavar="SESSION", nargs="?", const="",
                        help="reopen a saved session (folder or name; none: the newest): "
                             "continue it if it did not finish; a finished one opens for "
                             "review, and its steering keys continue it")
    parser.add_argument("--review", action="store_true",
                        help="with --resume: open the session read-only (nothing is changed "
                             "or written)")
    parser.add_argument("--theme", metavar="NAME", help="colour theme for this run")
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        raise CliError(f"unknown argument {extra[0]!r} (see `orps --help` for subcommands, "
                       "`orps PROBLEM --help` for the app's options)")
    if args.resume is not None and args.problem:
        raise CliError("give either PROBLEM or --resume SESSION, not both")
    if args.method and args.resume is not None:
        raise CliError(METHOD_ON_RESUME)
    if args.review and args.resume is None:
        raise CliError("--review needs --resume SESSION")
    if args.resume == "":
        args.resume = str(_newest_session())
    for name, low in (("samples", 1), ("beam", 1), ("rounds", 0), ("concurrency", 1)):
        value = getattr(args, name)
        if value is not None and value < low:
            raise CliError(f"--{name} must be at least {low}, got {value}")
    if args.problem:
        path = Path(args.problem).expanduser()
        looks_like_path = path.suffix == ".toml" or "/" in args.problem
        if looks_like_path and not path.exists():
            raise CliError(f"{args.problem}: no such problem file")
    if args.resume:
        resume = Path(args.resume).expanduser()
        if not resume.exists():
            from orps_tui import locations

            if not (locations.sessions_dir() / args.resume).is_dir():
                raise CliError(f"{args.resume}: no such session (see the home screen's "
                               "recent sessions)")
    return args


def _newest_session() -> Path:
    """The newest session folder (their names start with the time they were made)."""
    from orps_tui import locations
    from orps_tui.search.session import LOG_NAME

    root = locations.sessions_dir()
    folders = sorted(root.iterdir(), reverse=True) if root.is_dir() else []
    for folder in folders:
        if (folder / LOG_NAME).is_file():
            return folder
    raise CliError("no saved session yet: `orps PROBLEM` starts one")


def run_from_argv(argv: list[str]) -> int:
    args = parse(argv)
    from orps_tui.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    if args.theme:
        settings.ui.theme = args.theme
    if args.problem:
        from orps_tui.cli.solve import find_problem_or_fail

        # A missing or broken problem is a usage error, said before any screen is drawn.
        find_problem_or_fail(args.problem)
    from orps_tui.cli import require_terminal

    require_terminal()

    from orps_tui.app.launch import Budget, Launch

    budget = None
    if args.problem:
        s = settings.search
        budget = Budget(
            samples=args.samples or s.samples,
            beam=args.beam or s.beam,
            rounds=args.rounds if args.rounds is not None else s.rounds,
            concurrency=args.concurrency or settings.model.concurrency,
            method=SearchMethod(args.method or s.method),
        )
    launch = Launch(
        problem=Path(args.problem) if args.problem else None,
        model=args.model,
        budget=budget,
        resume=Path(args.resume).expanduser() if args.resume else None,
        review=args.review,
    )
    from orps_tui.app.app import OrpsApp

    app = OrpsApp(settings, launch)
    result = app.run()
    return int(result or 0)
