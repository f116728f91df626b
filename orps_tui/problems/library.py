"""Find and list problems: the bundled starter set, the user's own folder, or any path.

A problems folder holds `<id>.toml` files and `<id>/problem.toml` folders, and may group
them one level down (`humaneval/HumanEval-0.toml`, `kickstart/<id>/problem.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orps_tui import locations
from orps_tui.problems.load import DIR_PROBLEM_FILE, check_problem, natural_key
from orps_tui.problems.model import Problem, ProblemIssue


def user_problems_dir() -> Path:
    """Imported and received problems: `<data dir>/problems` (the listener's inbox is inside)."""
    return locations.data_dir() / "problems"


def inbox_dir() -> Path:
    """Where `orps listen` saves problems sent by Competitive Companion."""
    return user_problems_dir() / "inbox"


def problem_files(folder: str | Path) -> list[Path]:
    """Every problem TOML file in `folder` and one level of sub-folders, in natural order."""
    folder = Path(folder)
    if (folder / DIR_PROBLEM_FILE).is_file():
        return [folder / DIR_PROBLEM_FILE]
    found: list[Path] = []
    for entry in _entries(folder):
        if entry.is_file() and entry.suffix == ".toml":
            found.append(entry)
        elif entry.is_dir():
            if (entry / DIR_PROBLEM_FILE).is_file():
                found.append(entry / DIR_PROBLEM_FILE)
                continue
            for inner in _entries(entry):
                if inner.is_file() and inner.suffix == ".toml":
                    found.append(inner)
                elif inner.is_dir() and (inner / DIR_PROBLEM_FILE).is_file():
                    found.append(inner / DIR_PROBLEM_FILE)
    return found


def _entries(folder: Path) -> list[Path]:
    try:
        children = list(folder.iterdir())
    except OSError:
        return []
    visible = [c for c in children if not c.name.startswith((".", "_"))]
    return sorted(visible, key=lambda p: natural_key(p.name))


@dataclass
class LibraryScan:
    """Every problem that loaded, and per file the errors of those that did not."""

    problems: list[Problem] = field(default_factory=list)
    errors: dict[Path, list[ProblemIssue]] = field(default_factory=dict)
    warnings: dict[Path, list[ProblemIssue]] = field(default_factory=dict)

    @property
    def files_checked(self) -> int:
        return len(self.problems) + len(self.errors)

    def error_lines(self) -> list[str]:
        return [str(issue) for issues in self.errors.values() for issue in issues]


def scan(*paths: str | Path) -> LibraryScan:
    """Load every problem under `paths` (files, problem folders or problems folders)."""
    result = LibraryScan()
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        files = [path] if path.is_file() else problem_files(path)
        if not path.exists():
            files = [path]
        for file in files:
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            checked = check_problem(file)
            if checked.problem is not None:
                result.problems.append(checked.problem)
            else:
                result.errors[file] = checked.errors
            if checked.warnings:
                result.warnings[file] = checked.warnings
    return result


class ProblemNotFound(LookupError):
    """Neither a path nor an id known in the starter set or the user's problems folder."""


def search_dirs() -> list[Path]:
    return [locations.starter_problems_dir(), user_problems_dir()]


def find_problem(ref: str | Path) -> Problem:
    """`ref` is a path (file or problem folder) or an id looked up in `search_dirs()`.

    Raises `ProblemError` for a file that does not load, `ProblemNotFound` otherwise.
    """
    from orps_tui.problems.load import load_problem

    path = Path(ref)
    if path.is_dir() and not (path / DIR_PROBLEM_FILE).exists():
        count = len(problem_files(path))
        if count:
            raise ProblemNotFound(
                f"{path} is a folder of {count} problem file(s), not one problem; give one "
                f"of them (`orps problems list {path}` shows them)"
            )
        raise ProblemNotFound(f"{path}: no {DIR_PROBLEM_FILE} and no problem files in this folder")
    if path.exists():
        return load_problem(path)
    ref = str(ref)
    if path.suffix == ".toml" or "/" in ref:
        raise ProblemNotFound(f"no such problem file: {ref}")
    for folder in search_dirs():
        # Fast path: the id is the file or folder name, as the format recommends.
        for candidate in (folder / f"{ref}.toml", folder / ref / DIR_PROBLEM_FILE):
            if candidate.is_file():
                problem = load_problem(candidate)
                if problem.id == ref:
                    return problem
        for file in problem_files(folder):
            checked = check_problem(file)
            if checked.problem is not None and checked.problem.id == ref:
                return checked.problem
    where = ", ".join(str(d) for d in search_dirs())
    raise ProblemNotFound(f"no problem with id {ref!r} (looked in {where}); give a path instead")
