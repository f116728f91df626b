"""`orps judge`: judge a solution on a problem's tests in the sandbox."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orps_tui.cli import CliError

if TYPE_CHECKING:
    from orps_tui.problems.model import Problem
    from orps_tui.sandbox.report import JudgeReport

HELP = "judge a solution on a problem's tests in the sandbox"

_STYLE = {
    "AC": "bold green",
    "WA": "bold red",
    "TLE": "bold yellow",
    "MLE": "bold magenta",
    "RE": "bold red",
    "CE": "bold red",
    "OLE": "bold yellow",
    "SKIPPED": "dim",
    "UNAVAILABLE": "cyan",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("judge", help=HELP, description=HELP)
    parser.add_argument(
        "problem", metavar="PROBLEM", help="problem file or folder, or a starter-set id"
    )
    parser.add_argument(
        "solution",
        metavar="SOLUTION",
        help="the solution to judge: .py (Python), .cpp (C++), .rs (Rust), .java (Java)",
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="the solution's language when its extension does not say (python, cpp, rust, java)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--tests",
        choices=("public", "hidden", "all"),
        default="all",
        help="which tests to run (default: all, public first)",
    )
    parser.add_argument(
        "--profile",
        metavar="TEST",
        help="also re-run this test under the profiler (a separate, labelled run)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="tests run in parallel (default: one per core)",
    )
    parser.add_argument(
        "--no-warm",
        action="store_true",
        help="start a fresh interpreter per test instead of forking from a warm server",
    )
    parser.set_defaults(func=run)


def _load_problem(ref: str) -> Problem:
    from orps_tui.cli.solve import find_problem_or_fail

    return find_problem_or_fail(ref)


def _read_solution(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise CliError(f"no such solution file: {path}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from orps_tui.config import ConfigError, load_settings
    from orps_tui.sandbox.judge import Judge
    from orps_tui.sandbox.languages import Language, UnsupportedLanguage, language_for_path

    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    code = _read_solution(args.solution)
    try:
        language = language_for_path(args.solution, getattr(args, "lang", None))
    except UnsupportedLanguage as exc:
        raise CliError(str(exc)) from None
    problem = _load_problem(args.problem)
    if args.profile and language is not Language.PYTHON:
        raise CliError("--profile: the profiler is Python's; it cannot profile a compiled solution")
    if args.profile and not any(t.name == args.profile for t in problem.tests):
        names = ", ".join(t.name for t in problem.tests)
        raise CliError(f"--profile: no test named {args.profile!r} (tests: {names})")
    try:
        settings = load_settings().judge
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    jobs = args.jobs or settings.jobs
    with Judge(problem, jobs=jobs, warm=not args.no_warm, settings=settings) as judge:
        try:
            report = judge.run(code, args.tests, language)
        except UnsupportedLanguage as exc:
            raise CliError(str(exc)) from None
        profile = _profile(judge, code, args.profile) if args.profile else None
    if args.json:
        print(json.dumps(report_json(report, profile), indent=2))
    else:
        _print_human(problem, report, profile)
    return 0 if report.verdict.passed else 1


def _profile(judge: Any, code: str, test: str) -> Any:
    try:
        return judge.profile(code, test)
    except ImportError:
        raise CliError("--profile: the profiler is not available in this build") from None
    except ValueError as exc:
        raise CliError(f"--profile: {exc}") from None


def report_json(report: JudgeReport, profile: Any = None) -> dict[str, Any]:
    data = report.to_dict()
    out: dict[str, Any] = {
        "verdict": str(report.verdict),
        "passed": report.passed,
        "total": report.total,
        "tests": [
            {
                "name": t.name,
                "public": t.public,
                "verdict": str(t.verdict),
                "cpu_s": t.cpu_s,
                "wall_s": t.wall_s,
                "peak_rss_mb": t.peak_rss_mb,
                "stderr_tail": t.stderr_tail,
                "message": t.message,
                "exit_code": t.exit_code,
                "performance": t.performance,
            }
            for t in report.tests
        ],
        "static": data["static"],
        "isolation": data["isolation"],
        "compile_error": data["compile_error"],
        "language": report.language,
    }
    if profile is not None:
        out["profile"] = _as_dict(profile)
    return out


def _as_dict(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.loads(json.dumps(dataclasses.asdict(value), default=str))
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else str(value)


MAX_MESSAGES = 5
"""Failure messages printed under the table; --json has them all."""


def _print_human(problem: Problem, report: JudgeReport, profile: Any) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Everything shown here may come from the solution or the problem file: escape it, so
    # text like "[/red]" prints as written instead of breaking Rich's markup.
    console = Console()
    if report.compile_error is not None:
        e = report.compile_error
        console.print(
            f"[bold red]CE[/] line {e.line}, column {e.column}: {escape(e.message)} "
            "(nothing was run)",
            highlight=False,
        )
    table = Table(title=escape(f"{problem.id}: {problem.title}"), title_justify="left")
    table.add_column("test", no_wrap=True)
    table.add_column("verdict")
    table.add_column("CPU ms", justify="right")
    table.add_column("wall ms", justify="right")
    table.add_column("peak MB", justify="right")
    for t in report.tests:
        style = _STYLE.get(str(t.verdict), "")
        name = escape(t.name) if t.public else f"{escape(t.name)} [dim](hidden)[/]"
        table.add_row(
            name,
            f"[{style}]{t.verdict}[/]" if style else str(t.verdict),
            f"{t.cpu_s * 1000:.0f}",
            f"{t.wall_s * 1000:.0f}",
            f"{t.peak_rss_mb:.1f}",
        )
    if report.tests:
        console.print(table)
    # Messages go under the table, whole: in a column they fold into unreadable ribbons.
    failing = [t for t in report.tests if not t.verdict.passed and t.message]
    for t in failing[:MAX_MESSAGES]:
        console.print(f"[bold]{escape(t.name)}[/]: {escape(t.message)}", highlight=False)
    if len(failing) > MAX_MESSAGES:
        console.print(f"[dim]… and {len(failing) - MAX_MESSAGES} more failing tests[/]")
    style = _STYLE.get(str(report.verdict), "")
    console.print(
        f"[{style}]{report.verdict}[/]  {report.passed}/{report.total} passed  "
        f"max CPU {report.max_cpu_s * 1000:.0f} ms  max memory {report.max_rss_mb:.1f} MB"
    )
    for notice in report.isolation.notices:
        console.print(f"[yellow]sandbox:[/] {escape(notice)}", highlight=False)
    if profile is not None:
        _print_profile(console, profile)


def _print_profile(console: Any, profile: Any) -> None:
    """The profiled re-run, briefly: its note, the hottest lines and functions."""
    from rich.markup import escape
    from rich.table import Table

    console.print(
        f"\n[bold]profile of {escape(profile.test_name)}[/] (a separate, profiled re-run): "
        f"{profile.verdict}  CPU {profile.cpu_s * 1000:.0f} ms  peak {profile.peak_rss_mb:.1f} MB"
    )
    lines = sorted(profile.lines, key=lambda line: line.time_s, reverse=True)[:5]
    if lines:
        table = Table(title="hottest lines", title_justify="left")
        for column in ("line", "hits", "time ms", "share"):
            table.add_column(column, justify="right")
        for line in lines:
            table.add_row(
                str(line.line), str(line.hits), f"{line.time_s * 1000:.1f}", f"{line.share:.0%}"
            )
        console.print(table)
    functions = profile.functions[:5]
    if functions:
        table = Table(title="functions", title_justify="left")
        for column in ("function", "calls", "cum ms"):
            table.add_column(column, justify="right" if column != "function" else "left")
        for fn in functions:
            table.add_row(escape(fn.name), str(fn.calls), f"{fn.cumtime_s * 1000:.1f}")
        console.print(table)
    if profile.note:
        console.print(escape(profile.note), style="dim", highlight=False)
