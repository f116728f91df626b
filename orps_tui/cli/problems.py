"""`orps problems`: list, show, edit and validate problem files."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from orps_tui.cli import CliError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.table import Table

    from orps_tui.problems.model import Problem, TestCase

HELP = "list, show, edit and validate problem files"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("problems", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser(
        "list", help="a table of the problems in a folder", description="List problems."
    )
    listing.add_argument("dir", nargs="?", help="problems folder (default: every problem the "
                         "app lists: the starter set and your problems folder)")
    show = actions.add_parser(
        "show",
        help="statement, limits and public tests of one problem",
        description="Show one problem: statement, limits, public tests. Hidden tests and "
        "the reference solution are counted, never shown.",
    )
    show.add_argument("problem", metavar="ID|PATH")
    edit = actions.add_parser(
        "edit",
        help="edit a problem's statement in $EDITOR",
        description="Open the problem's statement in $VISUAL or $EDITOR and save what you "
        "write back to its problem file (the rest of the file is kept).",
    )
    edit.add_argument("problem", metavar="ID|PATH")
    validate = actions.add_parser(
        "validate",
        help="check problem files and folders, listing every error",
        description="Check problem files; exit 1 and list every error if any is bad. With "
        "--judge, also run each problem's reference solution on all its tests in the sandbox "
        "and exit 1 if it fails any (a test needing a module the sandbox lacks is reported, "
        "not failed).",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.add_argument(
        "--judge",
        action="store_true",
        help="also judge each reference solution on all its tests",
    )
    parser.set_defaults(func=run, _parser=parser)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action == "list":
        return _list(args.dir)
    if action == "show":
        return _show(args.problem)
    if action == "edit":
        from orps_tui.cli.problem_edit import edit_statement

        return edit_statement(args.problem)
    if action == "validate":
        return _validate(args.paths, judge=args.judge)
    args._parser.print_help()
    return 2


def _console(stderr: bool = False, width: int | None = None) -> Console:
    """A console that prints every string as it is: problem text is never Rich markup,
    so `list[int]` or `[image]` survive and `:smile:` stays words."""
    from rich.console import Console

    return Console(
        stderr=stderr, width=width, highlight=False, soft_wrap=False, markup=False, emoji=False
    )


def _list(folder: str | None) -> int:
    """One folder's problems; with none, every problem the app lists: the starter set and
    the user's problems folder (imports and the listener's inbox)."""
    from pathlib import Path

    from orps_tui import locations
    from orps_tui.problems.library import LibraryScan, scan, search_dirs

    if folder:
        targets = [Path(folder)]
        if not targets[0].exists():
            raise CliError(f"no such folder: {targets[0]}")
    else:
        targets = [d for d in search_dirs() if d.exists()]
    scans: list[tuple[Path, LibraryScan]] = [(t, scan(t)) for t in targets]
    problems = [p for _, r in scans for p in r.problems]
    errors = sum(len(r.errors) for _, r in scans)
    out = _console()
    table_width: int | None = out.width
    if not out.is_terminal:
        # Piped or redirected: every cell whole, one line per problem, for grep and cut.
        out, table_width = _console(width=PIPED_WIDTH), None
    where = " and ".join(str(t) for t in targets)
    if not problems and not errors:
        out.print(f"No problems in {where}.")
        return 0
    out.print(f"Problems in {where}")
    if problems:
        out.print(problem_table(problems, table_width))
    summary = f"{len(problems)} problem(s)"
    if not folder and len(scans) > 1:
        starter = locations.starter_problems_dir()
        counts = [f"{len(r.problems)} in " + ("the starter set" if t == starter else str(t))
                  for t, r in scans]
        summary += ": " + ", ".join(counts)
    if errors:
        summary += (
            f"; {errors} file(s) with errors, not listed "
            f"(run `orps problems validate {' '.join(str(t) for t in targets)}`)"
        )
    out.print(summary)
    return 0


PIPED_WIDTH = 100_000
# Columns left out, in this order, when the table is wider than the terminal.
_DROP_WHEN_NARROW = ("tags", "difficulty", "kind", "tests pub/hid")
_GAP = 2
# Drop another column rather than cut titles shorter than this.
_MIN_TITLE = 16


def problem_table(problems: Sequence[Problem], width: int | None) -> Table:
    """The problems as a table that fits `width` columns (None: any width), one line per
    problem. Ids are never cut; columns are dropped (tags first), then titles shortened
    with an ellipsis."""
    from rich.table import Table

    columns: dict[str, list[str]] = {
        "id": [], "title": [], "kind": [], "difficulty": [], "tags": [], "tests pub/hid": []
    }
    for p in sorted(problems, key=lambda p: p.id):
        columns["id"].append(p.id)
        columns["title"].append(p.title)
        columns["kind"].append(p.kind.value)
        columns["difficulty"].append(p.difficulty.value if p.difficulty else "-")
        columns["tags"].append(", ".join(p.tags) or "-")
        columns["tests pub/hid"].append(f"{len(p.public_tests)}/{len(p.hidden_tests)}")

    def natural(names: list[str], title_cap: int | None = None) -> int:
        widths = [max(len(name), *(len(c) for c in columns[name])) for name in names]
        if title_cap is not None and "title" in names:
            i = names.index("title")
            widths[i] = min(widths[i], title_cap)
        return sum(widths) + _GAP * (len(widths) - 1)

    shown = list(columns)
    for name in _DROP_WHEN_NARROW:
        if width is None or natural(shown, _MIN_TITLE) <= width:
            break
        shown.remove(name)
    title_width = None
    if width is not None and natural(shown) > width:
        title_width = max(4, width - (natural(shown) - natural(["title"])))
    table = Table(box=None, pad_edge=False, padding=(0, _GAP // 2), expand=False)
    for name in shown:
        table.add_column(
            name,
            justify="right" if name == "tests pub/hid" else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=title_width if name == "title" else None,
            min_width=natural(["id"]) if name == "id" else None,
        )
    for row in zip(*(columns[name] for name in shown), strict=True):
        table.add_row(*row)
    return table


def _show(ref: str) -> int:
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    if not ref.strip():
        raise CliError("give a problem id or a path to a problem file or folder")
    try:
        problem = find_problem(ref)
    except ProblemNotFound as exc:
        raise CliError(str(exc)) from None
    except ProblemError as exc:
        # A file that does not load is bad input to `show` (`validate` is the check).
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return 2
    _print_problem(problem, _console())
    return 0


def _print_problem(p: Problem, out: Console) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule
    from rich.text import Text

    from orps_tui.problems.model import ProblemKind

    out.print(Rule(Text(f"{p.title}  ({p.id})", style="bold"), align="left"))
    facts = [f"kind: {p.kind.value}"]
    if p.difficulty:
        facts.append(f"difficulty: {p.difficulty.value}")
    if p.rating:
        facts.append(f"rating: {p.rating}")
    if p.tags:
        facts.append(f"tags: {', '.join(p.tags)}")
    out.print("  ".join(facts))
    source = f"source: {p.source.dataset}"
    if p.source.original_id:
        source += f" ({p.source.original_id})"
    source += f", licence {p.source.license}"
    out.print(source)
    if p.source.url:
        out.print(f"url: {p.source.url}")
    if p.path:
        out.print(f"file: {p.path}")
    lim = p.limits
    out.print(
        f"limits: {lim.time_s:g} s CPU per test, {lim.memory_mb} MB memory, "
        f"{lim.output_kb} KB output"
    )
    checker = f"checker: {p.checker.type.value}"
    if p.checker.type.value == "float":
        checker += f" (abs_tol {p.checker.abs_tol:g}, rel_tol {p.checker.rel_tol:g})"
    if p.checker.program:
        checker += f" ({p.checker.program})"
    out.print(checker)
    if p.kind is ProblemKind.FUNCTION and p.function:
        out.print(f"function: {p.function.signature}")

    out.print(Rule("statement", align="left"))
    if p.statement.format == "markdown":
        out.print(Markdown(p.statement.text))
    elif p.statement.format == "html":
        out.print(Text(html_to_text(p.statement.text)))
    else:
        out.print(Text(p.statement.text))

    public, hidden = p.public_tests, p.hidden_tests
    out.print(Rule(f"public tests ({len(public)})", align="left"))
    if not public:
        out.print("No public tests: the model sees only the statement; grading uses hidden tests.")
    for test in public:
        out.print(Text(test.name, style="bold"))
        if test.performance:
            out.print(Text(_indent(_performance_summary(test))))
        if test.code is not None:
            out.print(Text(_indent(test.code)))
        elif test.performance:
            continue  # a maximum-size input: its size is shown, never its text
        else:
            out.print(Text("  input:"))
            out.print(Text(_indent(_clip(test.input or ""), "    ")))
            out.print(Text("  expected output:"))
            out.print(Text(_indent(_clip(test.output or ""), "    ")))
    out.print(Rule(align="left"))
    tail = f"{len(hidden)} hidden test(s), not shown"
    tail += "; reference solution present, not shown" if p.reference else "; no reference solution"
    out.print(tail)


def _performance_summary(test: TestCase) -> str:
    """What a performance test is, without its (possibly multi-MB) input."""
    what = "performance input: judged for time, memory and exit only; output not checked"
    if test.code is not None:
        return what
    data = test.input or ""
    lines = data.count("\n")
    where = f", from {test.input_file}" if test.input_file else ""
    return f"{what}\ninput: {len(data.encode()):,} bytes, {lines:,} lines{where}"


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.rstrip("\n").splitlines()) or prefix


def _clip(text: str, limit: int = 2000) -> str:
    return (
        text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"
    )


def html_to_text(html: str) -> str:
    """A readable plain-text rendering of an HTML statement (paragraphs, lists, pre)."""
    import re
    from html.parser import HTMLParser

    paragraph = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ul", "ol", "table"}

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.pre = 0
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style"):
                self.skip += 1
            elif tag == "pre":
                self.pre += 1
            if tag in paragraph:
                self.parts.append("\n\n")
            elif tag in ("br", "tr"):
                self.parts.append("\n")
            elif tag == "li":
                self.parts.append("\n  - ")
            elif tag == "img":
                alt = dict(attrs).get("alt")
                self.parts.append(f"[image{': ' + alt if alt else ''}]")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style"):
                self.skip = max(0, self.skip - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            if tag in paragraph:
                self.parts.append("\n\n")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))

    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(line if line.startswith("  - ") else line.lstrip(" ") for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _validate(paths: list[str], *, judge: bool = False) -> int:
    from pathlib import Path

    from orps_tui.problems.library import scan

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    result = scan(*paths)
    # One stream, file by file, so errors and warnings read in order in a terminal.
    for file in sorted({*result.errors, *result.warnings}, key=str):
        for issue in (*result.errors.get(file, []), *result.warnings.get(file, [])):
            print(issue)
    failing = _judge_references(result.problems) if judge else 0
    if result.errors:
        bad = len(result.errors)
        print(f"{bad} of {result.files_checked} problem file(s) have errors")
        return 1
    if not result.problems:
        raise CliError(f"no problem files found in {', '.join(paths)}")
    if failing:
        print(f"{failing} of {len(result.problems)} problem(s) have a reference that fails a test")
        return 1
    print(f"{len(result.problems)} problem(s) OK")
    return 0


def _judge_references(problems: Sequence[Problem]) -> int:
    """Judge each reference on all its tests, print every failing test (problem, test,
    verdict, why) and return how many problems have one."""
    from orps_tui.cli.import_ import progress_counter
    from orps_tui.problems.importers.vetting import (
        check_reference,
        failures,
        shared_server,
        unavailable_message,
    )

    progress = progress_counter("judging references")
    failing = unavailable = unjudged = 0
    ordered = sorted(problems, key=lambda p: str(p.path))
    with shared_server() as server:
        for done, problem in enumerate(ordered, start=1):
            where = f"{problem.path}: {problem.id}"
            if not problem.reference:
                unjudged += 1
            else:
                report = check_reference(problem, server)
                failed = failures(report)
                for test in failed:
                    print(f"{where}: test {test.name}: {test.verdict.value}: {test.message}")
                failing += bool(failed)
                needs = unavailable_message(report)
                if needs:
                    unavailable += 1
                    print(f"{where}: UNAVAILABLE, not judged: {needs}")
            if progress is not None:
                progress(done, len(ordered), problem.id)
    judged = len(ordered) - unjudged
    print(
        f"references: {judged} judged, {failing} fail a test, {unavailable} need a module the "
        f"sandbox lacks; {unjudged} problem(s) have no reference"
    )
    return failing
