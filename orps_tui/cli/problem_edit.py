"""`orps problems edit ID`: the problem's statement in $EDITOR, saved back to its file."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from orps_tui.cli import CliError

_SUFFIX = {"markdown": ".md", "html": ".html", "text": ".txt"}


def edit_statement(ref: str) -> int:
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError
    from orps_tui.problems.write import save_statement

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise CliError("set $EDITOR (or $VISUAL) to the editor to open the statement in")
    try:
        problem = find_problem(ref)
    except (ProblemNotFound, ProblemError) as exc:
        raise CliError(str(exc).splitlines()[0]) from None
    if problem.path is None:
        raise CliError(f"{problem.id}: no problem file to save to")
    old = problem.statement.text
    suffix = _SUFFIX.get(problem.statement.format, ".md")
    with tempfile.NamedTemporaryFile("w", suffix=suffix, prefix=f"{problem.id}-",
                                     delete=False, encoding="utf-8") as handle:
        handle.write(old)
        scratch = Path(handle.name)
    try:
        try:
            done = subprocess.run([*shlex.split(editor), str(scratch)], check=False)
        except OSError as exc:
            raise CliError(f"could not run {editor!r}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise CliError(f"{editor} exited with status {done.returncode}: nothing saved")
        new = scratch.read_text(encoding="utf-8")
    finally:
        scratch.unlink(missing_ok=True)
    if new.strip() == old.strip():
        print(f"{problem.id}: statement unchanged")
        return 0
    if not new.strip():
        raise CliError("the statement is empty: nothing saved")
    written = save_statement(problem.path, new)
    print(f"{problem.id}: statement saved to {written}")
    return 0
