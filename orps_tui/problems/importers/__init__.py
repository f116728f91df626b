"""Importers: turn public data sets and tools' formats into orps problems.

`FORMATS` maps each `orps import FORMAT` name to its reader; `import_problems` reads a
source and writes every problem into a folder, or nothing at all (see `common.write_all`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orps_tui.problems.importers import companion, csv_sets, humaneval, kattis
from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    write_all,
)

Reader = Callable[[Path, ImportOptions], ImportResult]

FORMATS: dict[str, Reader] = {
    "humaneval": humaneval.read,
    "lbpp": csv_sets.read_lbpp,
    "mbpp": csv_sets.read_mbpp,
    "kattis": kattis.read,
    "companion": companion.read,
}


def read_source(fmt: str, source: str | Path, options: ImportOptions) -> ImportResult:
    """Read every problem of `source` in format `fmt` (nothing is written)."""
    reader = FORMATS.get(fmt)
    if reader is None:
        raise ImportFailure(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(source)
    if not path.exists():
        raise ImportFailure(f"{path}: no such file or folder")
    return reader(path, options)


def import_problems(
    fmt: str,
    source: str | Path,
    out_dir: str | Path,
    options: ImportOptions | None = None,
    *,
    force: bool = False,
) -> tuple[list[Path], list[str]]:
    """Read `source` and write its problems into `out_dir`: (files written, notes)."""
    result = read_source(fmt, source, options or ImportOptions())
    if not result.problems:
        raise ImportFailure(f"{source}: nothing to import")
    return write_all(result.problems, out_dir, force=force), result.notes


__all__ = [
    "FORMATS",
    "ImportFailure",
    "ImportOptions",
    "ImportResult",
    "import_problems",
    "read_source",
]
