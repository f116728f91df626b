"""What every importer shares: options, the error type, ids, and all-or-nothing writing."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from orps_tui.problems.load import check_problem
from orps_tui.problems.model import Problem
from orps_tui.problems.write import problem_target, write_problem


class ImportFailure(Exception):
    """The source cannot be imported; the message says what is wrong and where."""


def unreadable(
    path: Path, exc: OSError | UnicodeDecodeError | EOFError, expected: str = ""
) -> ImportFailure:
    """The one-line failure for a file that cannot be read as UTF-8 text; `expected` names
    what the file should have been, as a hint when it is not text at all."""
    if isinstance(exc, UnicodeDecodeError):
        hint = f"; is this {expected}?" if expected else ""
        byte = exc.object[exc.start]
        return ImportFailure(
            f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}){hint}"
        )
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return ImportFailure(f"{path}: cannot read: {reason or type(exc).__name__}")


def read_text(path: Path, expected: str = "", *, newline: str | None = None) -> str:
    """The file as UTF-8 text, or an ImportFailure naming it and why not."""
    try:
        with path.open(encoding="utf-8", newline=newline) as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(path, exc, expected) from None


@dataclass(frozen=True)
class ImportOptions:
    limit: int | None = None
    """Import at most this many problems (the first ones in source order)."""
    public: int = 1
    """LBPP/MBPP: how many of the asserts become public tests (the rest are hidden)."""
    license: str | None = None
    """Licence to record when the source does not state one (Kattis packages often don't)."""
    time_s: float | None = None
    """Override the CPU time limit per test."""
    public_from: Path | None = None
    """LBPP/MBPP/HumanEval: a CSV of other asserts per task (the ORPS `dev.csv`) that
    become the public tests; every assert of the source is then hidden."""
    judge: bool = True
    """Judge each problem's reference on all its tests before writing (see `vetting`)."""
    skip_unavailable: bool = False
    """Leave out problems whose reference needs a module the judge does not provide."""


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things worth telling the user that are not errors (skipped rows, lost details)."""


def slugify(text: str, fallback: str | None = None) -> str:
    """A lower-case id made of letters, digits and '-': "A. Two Sum!" -> "a-two-sum".
    Text with no latin letters or digits ("两数之和") gets `fallback`, or by default
    `problem-` and a hash of the text, so different names stay different ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:80].rstrip("-")
    if slug:
        return slug
    if fallback is not None:
        return fallback
    return "problem-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def id_from_task_id(task_id: str) -> str:
    """ "HumanEval/0" -> "humaneval-0", "lbpp/41" -> "lbpp-41"."""
    return slugify(task_id.replace("/", "-"))


def write_all(problems: list[Problem], out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write every problem into `out_dir`, or nothing at all.

    The problems are written to a staging folder inside `out_dir`, each loaded back and
    validated, and only then moved into place. Existing targets are an error unless `force`.
    Returns the problem files (TOML) written, in order.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ImportFailure(f"--out {out_dir} exists and is not a folder")
    ids: dict[str, int] = {}
    for index, problem in enumerate(problems):
        if problem.id in ids:
            raise ImportFailure(
                f"two problems would get the id {problem.id!r} (items {ids[problem.id] + 1} "
                f"and {index + 1}); nothing was written"
            )
        ids[problem.id] = index
    targets = [problem_target(p, out_dir) for p in problems]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        shown = ", ".join(str(t) for t in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise ImportFailure(
            f"{shown}{more} already exist(s); use --force to overwrite. Nothing was written."
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".orps-import-", dir=out_dir))
    except OSError as exc:
        raise ImportFailure(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    try:
        staged: list[Path] = []
        for problem, target in zip(problems, targets, strict=True):
            dest = staging / target.name
            written = write_problem(problem, dest)
            checked = check_problem(written)
            if checked.problem is None:
                details = "; ".join(str(i) for i in checked.errors[:3])
                raise ImportFailure(f"{problem.id}: the written problem does not load: {details}")
            staged.append(dest)
        results = []
        for dest, target in zip(staged, targets, strict=True):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            dest.replace(target)
            results.append(target / "problem.toml" if target.is_dir() else target)
        return results
    except OSError as exc:
        raise ImportFailure(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
