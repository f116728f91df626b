"""Packs the unfinished sessions of a benchmark (`orps bench --sessions DIR`) into one
.tar.xz, so that a new machine can go on with the runs they belong to: unpacked into the
same DIR, `orps bench` resumes each from its session. Finished sessions are left out
(their records hold the results).

    .venv/bin/python bench/pack_sessions.py ../benchset/sessions-v2 \\
        bench/results/in-progress-sessions.tar.xz
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.session import LOCK_NAME, read_sessions  # noqa: E402


def unfinished(root: Path) -> list[Path]:
    """The resumable sessions of every method and seed (`root/RUN/seedS/SESSION`)."""
    return [saved.directory for seeds in sorted(root.glob("*/seed*"))
            for saved in read_sessions(seeds) if saved.resumable]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sessions", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    folders = unfinished(args.sessions)
    with tarfile.open(args.out, "w:xz") as tar:
        for folder in folders:
            tar.add(folder, arcname=str(folder.relative_to(args.sessions)),
                    filter=lambda info: None if info.name.endswith(LOCK_NAME) else info)
    for folder in folders:
        print(f"packed {folder.relative_to(args.sessions)}")
    print(f"{len(folders)} unfinished session(s) -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
