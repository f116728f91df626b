"""Importers: turn public data sets and tools' formats into orps problems.

`FORMATS` maps each `orps import FORMAT` name to its reader; `import_problems` reads a
source, judges each problem's reference on all its tests (`vetting`: layouts repaired, tests
the reference fails dropped, limits raised for a slow reference) and writes every problem
left into a folder, or nothing at all (see `common.write_all`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orps_tui.problems.importers import companion, csv_sets, humaneval, kattis
from orps_tui.problems.importers.common import (
    ImportFailure,
    ImportOptions,
    ImportResult,
    write_all,
)

if TYPE_CHECKING:
    from orps_tui.problems.importers.vetting import Progress, VetSummary

Reader = Callable[[Path, ImportOptions], ImportResult]

FORMATS: dict[str, Reader] = {
    "humaneval": humaneval.read,
    "lbpp": csv_sets.read_lbpp,
    "mbpp": csv_sets.read_mbpp,
    "kattis": kattis.read,
    "companion": companion.read,
}
PUBLIC_FROM_FORMATS = ("lbpp", "mbpp", "humaneval")


def read_source(fmt: str, source: str | Path, options: ImportOptions) -> ImportResult:
    """Read every problem of `source` in format `fmt` (nothing is written)."""
    reader = FORMATS.get(fmt)
    if reader is None:
        raise ImportFailure(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(source)
    if not path.exists():
        raise ImportFailure(f"{path}: no such file or folder")
    if options.public_from is not None:
        if fmt not in PUBLIC_FROM_FORMATS:
            raise ImportFailure(
                f"--public-from works with {', '.join(PUBLIC_FROM_FORMATS)}, not {fmt}"
            )
        if not Path(options.public_from).exists():
            raise ImportFailure(f"--public-from {options.public_from}: no such file")
    return reader(path, options)


@dataclass
class ImportReport:
    written: list[Path]
    notes: list[str] = field(default_factory=list)
    vetting: VetSummary | None = None
    """The reference check's account; None when it was not run (`ImportOptions.judge`)."""
    no_public: list[str] = field(default_factory=list)
    """Problems written with no public test."""
    public_label: str = "public tests"

    def summary(self) -> list[str]:
        """What the user should read after the list of files, one line each."""
        lines = [f"note: {note}" for note in self.notes]
        if self.vetting is not None:
            lines.extend(self.vetting.lines(self.public_label))
        else:
            lines.append("reference check: not run (--no-judge)")
        which = f": {', '.join(self.no_public)}" if self.no_public else ""
        lines.append(f"problems with no public test: {len(self.no_public)}{which}")
        return lines


def import_problems(
    fmt: str,
    source: str | Path,
    out_dir: str | Path,
    options: ImportOptions | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read `source`, check each reference (unless `options.judge` is off) and write the
    problems left into `out_dir`."""
    options = options or ImportOptions()
    result = read_source(fmt, source, options)
    if not result.problems:
        raise ImportFailure(f"{source}: nothing to import")
    problems = result.problems
    vetting = None
    if options.judge:
        from orps_tui.problems.importers.vetting import vet_all

        vetting = vet_all(problems, skip_unavailable=options.skip_unavailable, progress=progress)
        problems = vetting.kept
        if not problems:
            raise ImportFailure(f"{source}: every problem was left out; nothing was written")
    written = write_all(problems, out_dir, force=force)
    return ImportReport(
        written=written,
        notes=result.notes,
        vetting=vetting,
        no_public=[p.id for p in problems if not p.public_tests],
        public_label="dev asserts" if options.public_from is not None else "public tests",
    )


__all__ = [
    "FORMATS",
    "ImportFailure",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "import_problems",
    "read_source",
]
