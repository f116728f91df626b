"""The user's solution file for a problem: where it lives and what a new one holds.

Default: `<data dir>/practice/<problem id>/solution.py`, created from a template the first
time (the function's signature for function problems, a stdin-reading skeleton for stdio).
"""

from __future__ import annotations

from pathlib import Path

from orps_tui import locations
from orps_tui.problems.model import Problem, ProblemKind

STDIO_TEMPLATE = '''import sys


def main() -> None:
    data = sys.stdin.read().split()
    # data holds every whitespace-separated token of the input
    n = int(data[0])
    print(n)


main()
'''


def practice_dir(problem_id: str) -> Path:
    return locations.data_dir() / "practice" / problem_id


def solution_path(problem_id: str) -> Path:
    return practice_dir(problem_id) / "solution.py"


def template(problem: Problem) -> str:
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        fn = problem.function
        setup = fn.setup.strip()
        head = f"{setup}\n\n\n" if setup else ""
        signature = fn.signature.strip()
        if not signature.endswith(":"):
            signature += ":"
        return f"{head}{signature}\n    raise NotImplementedError\n"
    return STDIO_TEMPLATE


def ensure_solution(problem: Problem, path: Path | None = None) -> Path:
    """The solution file, created from the template if it does not exist yet."""
    path = path or solution_path(problem.id)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template(problem), encoding="utf-8")
    return path
