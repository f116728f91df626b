"""Where did a search refine a too-slow program into a fast one? Reads saved sessions (e.g.
`orps bench --sessions DIR`) and lists every child whose parent ran out of time on a
performance input (`steering_policy.performance_tle`) and which itself runs that input
within the limit, with both programs' CPU time on it and their public results. Also
counts every such parent's children, so the share of speed-ups can be read per method.

    .venv/bin/python bench/refinements.py ../benchset/sessions-v2 [--json]

A line names the session folder: `orps --resume FOLDER --review` opens it in the app,
where the tree and the profiler show the two nodes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.problems.load import load_problem  # noqa: E402
from orps_tui.search.session import SessionError, find_sessions  # noqa: E402
from orps_tui.search.steering_policy import passes_functional, performance_tle  # noqa: E402
from orps_tui.search.tree import Author, Node, SearchTree  # noqa: E402


@dataclass(frozen=True)
class SpeedUp:
    session: str
    problem: str
    parent: int
    child: int
    parent_cpu_s: float
    child_cpu_s: float
    limit_s: float
    child_passes_functional: bool


def perf_cpu(node: Node) -> float:
    """The most CPU time any performance input took (0 when there is none)."""
    if node.report is None:
        return 0.0
    return max((t.cpu_s for t in node.report.tests if t.performance), default=0.0)


def runs_perf_in_time(node: Node) -> bool:
    return node.report is not None and any(t.performance for t in node.report.tests) and \
        all(t.verdict.passed for t in node.report.tests if t.performance)


def speed_ups(tree: SearchTree, session: str, problem: str,
              limit_s: float) -> tuple[list[SpeedUp], int]:
    """The speed-ups in one tree, and how many children slow parents had (judged ones)."""
    found: list[SpeedUp] = []
    children = 0
    for node in sorted(tree.nodes.values(), key=lambda n: n.id):
        if node.parent_id is None or node.author is not Author.MODEL or node.report is None:
            continue
        parent = tree[node.parent_id]
        if not performance_tle(parent):
            continue
        children += 1
        if runs_perf_in_time(node):
            found.append(SpeedUp(session, problem, parent.id, node.id, perf_cpu(parent),
                                 perf_cpu(node), limit_s, passes_functional(node)))
    return found, children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found: list[SpeedUp] = []
    by_method: dict[str, list[int]] = {}
    for folder in args.folders:
        for directory, saved in find_sessions(folder):
            if isinstance(saved, SessionError) or saved.problem_file is None \
                    or not saved.problem_file.exists():
                why = saved if isinstance(saved, SessionError) else "no problem file"
                print(f"{directory}: skipped ({why})", file=sys.stderr)
                continue
            problem = load_problem(saved.problem_file)
            ups, children = speed_ups(saved.tree, str(directory), problem.id,
                                      problem.limits.time_s)
            found.extend(ups)
            method = directory.parent.parent.name  # DIR/<method>/seed<N>/<session>
            counts = by_method.setdefault(method, [0, 0])
            counts[0] += len(ups)
            counts[1] += children
    if args.json:
        print(json.dumps({"speed_ups": [asdict(s) for s in found],
                          "by_method": {m: {"speed_ups": c[0], "children_of_slow": c[1]}
                                        for m, c in by_method.items()}}, indent=2))
        return 0
    for s in found:
        print(f"{s.problem}: #{s.parent} -> #{s.child}: performance input "
              f"{s.parent_cpu_s:.2f} s (TLE) -> {s.child_cpu_s:.2f} s of {s.limit_s:g} s; "
              f"{'passes' if s.child_passes_functional else 'fails'} the other public tests"
              f"  [{s.session}]")
    for method, (ups, children) in sorted(by_method.items()):
        print(f"{method}: {ups} speed-up(s) among {children} children of too-slow parents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
