"""Pictures of one refinement that `bench/refinements.py` found: the saved session opened
read-only in the app (what `orps --resume SESSION --review` shows), with the tree, the
detail pane and the profiler on the too-slow parent, then on its fast child. Writes
SVG screenshots (Textual's own export) to --out.

    .venv/bin/python bench/refinement_demo.py SESSION PARENT CHILD \\
        [--out bench/results/demo] [--size 160x50]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.app.app import OrpsApp  # noqa: E402
from orps_tui.app.launch import Launch  # noqa: E402
from orps_tui.config import load_settings  # noqa: E402


async def shoot(session: Path, nodes: list[tuple[str, int]], out: Path,
                size: tuple[int, int]) -> list[Path]:
    from orps_tui.app.screens.search import SearchScreen
    from orps_tui.app.widgets.profiler_pane import ProfilerPane
    from tests.ui.snapshot_search import select_node

    app = OrpsApp(load_settings(), Launch(resume=session, review=True))
    written: list[Path] = []
    async with app.run_test(size=size) as pilot:
        for _ in range(400):
            if isinstance(app.screen, SearchScreen):
                break
            await pilot.pause(0.05)
        else:
            raise SystemExit(f"{session}: the app did not open the session")
        screen = app.screen
        for name, node_id in nodes:
            await select_node(pilot, node_id)
            screen.query_one(ProfilerPane).scroll_home(animate=False)
            await pilot.pause(0.5)
            path = out / f"{name}-node{node_id}.svg"
            app.save_screenshot(str(path))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("session", type=Path)
    parser.add_argument("parent", type=int)
    parser.add_argument("child", type=int)
    parser.add_argument("--out", type=Path, default=Path("bench/results/demo"))
    parser.add_argument("--size", default="160x50")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    args.out.mkdir(parents=True, exist_ok=True)
    written = asyncio.run(shoot(args.session, [("slow", args.parent), ("fast", args.child)],
                                args.out, (int(width), int(height))))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
