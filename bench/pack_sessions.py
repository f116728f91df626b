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

A session of a folder problem carries the whole folder (`problem/`, large test files
included: megabytes for some starter problems). Where that folder is the starter
problem's in this checkout (`problems/ID`, byte for byte), the archive holds a note of it
instead (`problem.starter`: the id and a hash), and unpacking copies the folder back from
the checkout, after checking the hash: a starter problem changed since refuses to unpack
(its old version is in git's history).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import sys
import tarfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.session import LOCK_NAME, read_sessions  # noqa: E402

STARTERS = Path(__file__).resolve().parent.parent / "problems"
NOTE = "problem.starter"
"""The note an archive holds in place of a starter problem's folder."""


def sessions(root: Path) -> tuple[list[Path], list[Path]]:
    """The unfinished (resumable) and the finished sessions of every method and seed
    (`root/RUN/seedS/SESSION`)."""
    unfinished: list[Path] = []
    finished: list[Path] = []
    for seeds in sorted(root.glob("*/seed*")):
        for saved in read_sessions(seeds):
            (unfinished if saved.resumable else finished).append(saved.directory)
    return unfinished, finished


def _without_lock(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if info.name.endswith(LOCK_NAME) else info


def folder_hash(folder: Path) -> str:
    """A hash of a folder's files: their paths and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def starter_of(session: Path, starters: Path = STARTERS) -> dict[str, str] | None:
    """The starter problem whose folder the session's `problem/` is, byte for byte."""
    copy = session / "problem"
    if not (copy / "problem.toml").is_file():
        return None
    try:
        problem_id = str(tomllib.loads((copy / "problem.toml").read_text())["id"])
    except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError):
        return None
    twin = starters / problem_id
    if not twin.is_dir():
        return None
    digest = folder_hash(copy)
    return {"id": problem_id, "sha256": digest} if folder_hash(twin) == digest else None


def _add_session(tar: tarfile.TarFile, folder: Path, name: Path, starters: Path) -> None:
    """One session into `tar` as `name`, a starter problem's folder as a note."""
    starter = starter_of(folder, starters)

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        inside = Path(info.name).relative_to(name).parts
        if starter is not None and inside[:1] == ("problem",):
            return None
        return _without_lock(info)

    tar.add(folder, arcname=str(name), filter=keep)
    if starter is not None:
        data = json.dumps(starter).encode()
        info = tarfile.TarInfo(str(name / NOTE))
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def _restore_starter(session: Path, starters: Path) -> None:
    note = session / NOTE
    if not note.is_file():
        return
    starter = json.loads(note.read_text())
    twin = starters / starter["id"]
    if not twin.is_dir() or folder_hash(twin) != starter["sha256"]:
        raise SystemExit(f"pack_sessions: {session} was searched on the starter problem "
                         f"{starter['id']} as it was then, and {twin} differs now: check "
                         f"out its old version (sha256 of the folder {starter['sha256']})")
    shutil.copytree(twin, session / "problem")
    note.unlink()


def pack(root: Path, out: Path, archives: Path | None,
         starters: Path = STARTERS) -> tuple[list[Path], list[Path]]:
    """Packs the unfinished sessions under `root` into `out` and the finished ones not yet
    archived into `archives`; returns both lists (relative to `root`)."""
    unfinished, finished = sessions(root)
    with tarfile.open(out, "w:xz") as tar:
        for folder in unfinished:
            _add_session(tar, folder, folder.relative_to(root), starters)
    added: list[Path] = []
    if archives is not None:
        for folder in finished:
            name = folder.relative_to(root)
            target = archives / f"{name}.tar.xz"
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            with tarfile.open(partial, "w:xz") as tar:
                _add_session(tar, folder, name, starters)
            partial.replace(target)
            added.append(name)
    return [f.relative_to(root) for f in unfinished], added


def _extract_missing(tar: tarfile.TarFile, root: Path) -> list[Path]:
    """Extracts the sessions (`RUN/seedS/SESSION`) of `tar` that `root` lacks."""
    members = tar.getmembers()
    names = {Path(*Path(m.name).parts[:3]) for m in members if len(Path(m.name).parts) >= 3}
    missing = sorted(n for n in names if not (root / n).exists())
    for name in missing:
        prefix = f"{name}/"
        tar.extractall(root, members=[m for m in members
                                      if m.name == str(name) or m.name.startswith(prefix)],
                       filter="data")
    return missing


def unpack(root: Path, out: Path, archives: Path | None,
           starters: Path = STARTERS) -> list[Path]:
    """Puts back under `root` every archived session it lacks (the finished ones' archives
    first, then the unfinished ones'); returns them."""
    paths = sorted(archives.glob("*/seed*/*.tar.xz")) if archives is not None else []
    restored: list[Path] = []
    for path in [*paths, *([out] if out.is_file() else [])]:
        with tarfile.open(path, "r:xz") as tar:
            restored += _extract_missing(tar, root)
    for name in restored:
        _restore_starter(root / name, starters)
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
