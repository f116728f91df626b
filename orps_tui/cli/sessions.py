"""`orps sessions list|show|compare`: saved searches, headless. `list` is what the app's
recent-sessions pane lists (any folder of sessions, e.g. a benchmark's); `show` is one
search's facts and its tree, a line a node; `compare` sets searches side by side, as the
app's "sessions: compare two" does."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from orps_tui.cli import CliError

if TYPE_CHECKING:
    from orps_tui.search.session import LoadedSession
    from orps_tui.search.tree import Node

HELP = "list, show and compare saved searches"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sessions", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="the saved searches in a folder, newest first",
                                 description="List saved searches, newest first.")
    listing.add_argument("dir", nargs="?", help="a folder of sessions (default: the app's, "
                         "where `orps` and `orps solve` save them)")
    show = actions.add_parser("show", help="one search: its facts and its tree",
                              description="One saved search: budget, stop reason, answer "
                              "and grades, calls and tokens, then its tree, a line a node.")
    show.add_argument("session", metavar="SESSION", help="a session folder, or its name in "
                      "the app's sessions folder")
    show.add_argument("--node", type=int, metavar="N", help="that node instead: its strategy, "
                      "hints, reasoning, code, public tests and critique")
    compare = actions.add_parser("compare", help="searches side by side",
                                 description="Saved searches side by side: answer and grades, "
                                 "calls, tokens, stop reason and the tree's shape.")
    compare.add_argument("sessions", nargs="+", metavar="SESSION")
    parser.set_defaults(func=run, _parser=parser)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action == "list":
        return _list(Path(args.dir) if args.dir else None)
    if action == "show":
        return _show(args.session) if args.node is None else _show_node(args.session, args.node)
    if action == "compare":
        return _compare(args.sessions)
    args._parser.print_help()
    return 2


def _load(ref: str) -> LoadedSession:
    from orps_tui.search.session import SessionError, load_session

    try:
        return load_session(ref)
    except (SessionError, OSError) as exc:
        raise CliError(str(exc)) from None


def _list(folder: Path | None) -> int:
    from orps_tui import locations
    from orps_tui.search.bench_report import grid
    from orps_tui.search.session import list_sessions

    where = folder or locations.sessions_dir()
    if folder is not None and not folder.is_dir():
        raise CliError(f"no such folder: {folder}")
    found = [s for root in _session_roots(where) for s in list_sessions(root)]
    if not found:
        print(f"No saved sessions in {where}.")
        return 0
    rows = [[_relative(s.directory, where), s.problem_id, s.model, str(s.nodes),
             s.reason or ("running" if s.in_use else "cut short"), s.opens_as]
            for s in found]
    print(grid(["session", "problem", "model", "nodes", "ended", "opens as"], rows,
               width=shutil.get_terminal_size().columns if sys.stdout.isatty() else 100_000))
    print(f"{len(found)} session(s) in {where}; open one with `orps --resume FOLDER` "
          "(add --review to read it only)")
    return 0


def _session_roots(folder: Path, depth: int = 2) -> list[Path]:
    """`folder`, and the folders below it (up to `depth` levels) that hold sessions, as
    `orps bench --sessions DIR` leaves them (`DIR/RUN/seedS/`)."""
    from orps_tui.search.session import LOG_NAME

    def folders(parent: Path) -> list[Path]:
        try:
            return sorted(d for d in parent.iterdir() if d.is_dir())
        except OSError:  # unreadable: nothing to list there
            return []

    roots = [folder]
    level = [folder]
    for _ in range(depth):
        level = [d for parent in level for d in folders(parent) if not (d / LOG_NAME).is_file()]
        roots += [d for d in level if any((c / LOG_NAME).is_file() for c in folders(d))]
    return roots


def _relative(directory: Path, folder: Path) -> str:
    try:
        return str(directory.relative_to(folder))
    except ValueError:
        return directory.name


def _show(ref: str) -> int:
    from orps_tui.search.session_compare import fact_rows, session_facts

    session = _load(ref)
    print(f"{session.problem_id} · {session.model} · {session.directory}")
    if session.header.get("forked_from"):
        print(f"forked from {session.header['forked_from']} as its round "
              f"{session.header.get('fork_round')} settled (session.fork_session)")
    rows = fact_rows([session_facts(session)])
    label = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(label)}  {value}")
    print()
    answer = (session.finished or {}).get("answer_id")
    for line in tree_lines(session.tree.nodes, answer if isinstance(answer, int) else None):
        print(line)
    return 0


def _show_node(ref: str, node_id: int) -> int:
    session = _load(ref)
    node = session.tree.nodes.get(node_id)
    if node is None:
        raise CliError(f"{session.directory.name} has no node #{node_id} "
                       f"(it has #0-#{max(session.tree.nodes, default=0)})")
    answer = (session.finished or {}).get("answer_id")
    print(node_line(node, node.id == answer))
    parent = "a root" if node.parent_id is None else f"child of #{node.parent_id}"
    print(f"{parent} · depth {node.depth} · round {node.round} · {node.author}")
    sections = [("strategy", node.strategy), ("hints", "\n".join(node.hints)),
                ("reasoning", node.reasoning), ("code", node.code),
                ("public tests", _tests(node)), ("critique", node.critique),
                ("error", node.error or "")]
    for title, text in sections:
        if text.strip():
            print(f"\n--- {title} ---\n{text.rstrip()}")  # the model writes ## headings
    return 0


def _tests(node: Node) -> str:
    if node.report is None:
        return ""
    return "\n".join(f"{t.name}: {t.verdict.value} · {t.cpu_s * 1000:.1f} ms CPU · "
                     f"{t.peak_rss_mb:.1f} MB" + (f" · {t.message}" if t.message else "")
                     for t in node.report.tests)


def _compare(refs: list[str]) -> int:
    from orps_tui.search.session_compare import compare_table, problem_mismatch, session_facts

    if len(refs) < 2:
        raise CliError("give two or more sessions to compare")
    facts = [session_facts(_load(ref)) for ref in refs]
    mismatch = problem_mismatch(facts)
    if mismatch:
        print(f"orps sessions: {mismatch}", file=sys.stderr)
    print(compare_table(facts))
    return 0


def tree_lines(nodes: Mapping[int, Node], answer_id: int | None) -> list[str]:
    """The tree, a line a node (`node_line`), children indented under their parent."""
    children: dict[int | None, list[int]] = {}
    for node in nodes.values():
        children.setdefault(node.parent_id, []).append(node.id)
    out: list[str] = []

    def walk(node_id: int | None, depth: int) -> None:
        for child in sorted(children.get(node_id, [])):
            out.append("  " * depth + node_line(nodes[child], child == answer_id))
            walk(child, depth + 1)

    walk(None, 0)
    return out


def node_line(node: Node, answer: bool = False) -> str:
    """`#3  finished/retired-passed-and-done  public 3/3  p5.0  o1.86`: id, state (and fate),
    public tests, critic and outcome scores, then what else there is to say."""
    from orps_tui.search.tree import Author, NodeFate, repeated_id

    state = str(node.state) + (f"/{node.fate}" if node.fate else "")
    report = node.report
    public = f"public {report.passed}/{report.total}" if report is not None else "public -"
    critic = "-" if node.process_score is None else f"{node.process_score:.1f}"
    outcome = "-" if node.outcome_score is None else f"{node.outcome_score:.2f}"
    words = [f"#{node.id}", state, public, f"p{critic}", f"o{outcome}"]
    if answer:
        words.append("* answer")
    if node.author is Author.PERSON:
        words.append("(person)")
    earlier = repeated_id(node)
    if earlier is not None:
        words.append(f"same as #{earlier}")
    elif node.error and node.fate is not NodeFate.REPEATED:
        words.append(node.error.splitlines()[0][:60])
    return "  ".join(words)
