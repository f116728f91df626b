"""Keeps a benchmark's sessions (`orps bench --sessions DIR`) in git, so that a new machine
can go on with the runs and fork the steered ones from ORPS's (a machine and its disk can
be gone between sessions: on 2026-12-03 the finished ORPS sessions went with one).

- The unfinished sessions go into one .tar.xz, rewritten each time (`OUT`): unpacked into
  the same DIR, `orps bench` resumes each from its session.
- Each finished session goes into an archive of its own under `--finished ARCHIVES`
  (`RUN/seedS/SESSION.tar.xz`), written once and never again, as a finished session no
  longer changes: git stores each once.

    .venv/bin/python bench/pack_sessions.py ../benchset/sessions-v2 \\
        bench/results/in-progress-sessions.tar.xz --finished bench/results/sessions
    .venv/bin/python bench/pack_sessions.py --unpack ../benchset/sessions-v2 \\
        bench/results/in-progress-sessions.tar.xz --finished bench/results/sessions

`--unpack` puts back every archived session that DIR lacks (a session there is newer than
any archive of it, so it is left alone).
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.session import LOCK_NAME, read_sessions  # noqa: E402


def sessions(root: Path, *, finished: bool) -> list[Path]:
    """The finished (or the resumable) sessions of every method and seed
    (`root/RUN/seedS/SESSION`)."""
    return [saved.directory for seeds in sorted(root.glob("*/seed*"))
            for saved in read_sessions(seeds) if saved.resumable is not finished]


def _without_lock(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if info.name.endswith(LOCK_NAME) else info


def pack(root: Path, out: Path, archives: Path | None) -> tuple[list[Path], list[Path]]:
    """Packs the unfinished sessions under `root` into `out` and the finished ones not yet
    archived into `archives`; returns both lists (relative to `root`)."""
    unfinished = sessions(root, finished=False)
    with tarfile.open(out, "w:xz") as tar:
        for folder in unfinished:
            tar.add(folder, arcname=str(folder.relative_to(root)), filter=_without_lock)
    added: list[Path] = []
    if archives is not None:
        for folder in sessions(root, finished=True):
            name = folder.relative_to(root)
            target = archives / f"{name}.tar.xz"
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            with tarfile.open(partial, "w:xz") as tar:
                tar.add(folder, arcname=str(name), filter=_without_lock)
            partial.replace(target)
            added.append(name)
    return [f.relative_to(root) for f in unfinished], added


def _session_of(tar: tarfile.TarFile) -> Path | None:
    """The one session folder (`RUN/seedS/SESSION`) an archive holds."""
    tops = {Path(*Path(m.name).parts[:3]) for m in tar.getmembers()
            if len(Path(m.name).parts) >= 3}
    return tops.pop() if len(tops) == 1 else None


def unpack(root: Path, out: Path, archives: Path | None) -> list[Path]:
    """Puts back under `root` every archived session it lacks; returns them."""
    restored: list[Path] = []
    paths = sorted(archives.glob("*/seed*/*.tar.xz")) if archives is not None else []
    for path in paths:
        with tarfile.open(path, "r:xz") as tar:
            name = _session_of(tar)
            if name is None or (root / name).exists():
                continue
            tar.extractall(root, filter="data")
            restored.append(name)
    if out.is_file():
        with tarfile.open(out, "r:xz") as tar:
            members = tar.getmembers()
            names = {Path(*Path(m.name).parts[:3]) for m in members
                     if len(Path(m.name).parts) >= 3}
            for name in sorted(n for n in names if not (root / n).exists()):
                prefix = f"{name}/"
                tar.extractall(root, members=[m for m in members if m.name == str(name)
                                              or m.name.startswith(prefix)],
                               filter="data")
                restored.append(name)
    return restored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sessions", type=Path)
    parser.add_argument("out", type=Path, help="the unfinished sessions' archive")
    parser.add_argument("--finished", type=Path, metavar="ARCHIVES",
                        help="the folder of the finished sessions' archives")
    parser.add_argument("--unpack", action="store_true",
                        help="put back the archived sessions that SESSIONS lacks")
    args = parser.parse_args(argv)
    if args.unpack:
        args.sessions.mkdir(parents=True, exist_ok=True)
        restored = unpack(args.sessions, args.out, args.finished)
        for name in restored:
            print(f"unpacked {name}")
        print(f"{len(restored)} session(s) put back into {args.sessions}")
        return 0
    unfinished, added = pack(args.sessions, args.out, args.finished)
    for name in unfinished:
        print(f"packed {name}")
    for name in added:
        print(f"archived {name}")
    print(f"{len(unfinished)} unfinished session(s) -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB); {len(added)} finished one(s) archived")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
