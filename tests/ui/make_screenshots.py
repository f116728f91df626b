"""Writes the screenshots in docs/screenshots/ (SVG exported by Textual), from the same
frozen, deterministic search the snapshot tests use.

    .venv/bin/python -m tests.ui.make_screenshots
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from orps_tui.app.app import OrpsApp
from orps_tui.config import Settings
from tests.ui.snapshot_search import frozen_search_app, select_node, wait_frozen

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZE = (120, 40)


async def shoot(app: OrpsApp, name: str, steps: Callable[[Pilot], Awaitable[None]],
                theme: str | None = None, size: tuple[int, int] = SIZE) -> None:
    async with app.run_test(size=size) as pilot:
        if theme:
            app.theme = theme
        await steps(pilot)
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT / f"{name}.svg"), )
    print(f"wrote {OUT / name}.svg")


def on(node: int, *keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await wait_frozen(pilot)
        await select_node(pilot, node)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)

    return run


async def home(pilot: Pilot) -> None:
    await pilot.pause(1.5)


async def profiled(pilot: Pilot) -> None:
    """A finished search on a starter problem, then `P` on its first test (real judge and
    profiler: the figures are this machine's)."""
    from orps_tui.app.widgets.line_heat import LineHeat
    from orps_tui.app.widgets.profiler_pane import ProfilerPane

    app = pilot.app
    engine = app.screen.link.engine
    for _ in range(600):
        if engine.result is not None:
            break
        await pilot.pause(0.05)
    await select_node(pilot, 0)
    await pilot.press("2", "P")
    await pilot.pause(0.3)
    await pilot.press("enter")
    heat = app.screen.query_one(LineHeat)
    for _ in range(600):
        if heat.data is not None:
            break
        await pilot.pause(0.05)
    pane = app.screen.query_one(ProfilerPane)
    pane.focus()
    pane.scroll_to_widget(heat, animate=False, top=True)
    await pilot.pause(0.3)


def profiled_app() -> OrpsApp:
    from orps_tui.app.launch import Budget
    from orps_tui.app.start_search import build_link
    from orps_tui.problems.library import find_problem
    from orps_tui.sandbox.judge import Judge
    from tests.support.scripted_model import ScriptedModel, code_reply, critic_json

    problem = find_problem("fn-gcd-pair-sum")
    model = ScriptedModel(programmer=code_reply(problem.reference or "", "Use Euler's phi."),
                          critic=critic_json(4, "Correct; near-linear in the largest value."))
    link = build_link(problem, "ollama:qwen2.5-coder:7b", Budget(1, 1, 0, 1), Settings(),
                      model=model, judge=Judge(problem), save_session=False)
    return OrpsApp(Settings(), link=link, frozen_clock=True)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    settings.model.ollama_host = "http://127.0.0.1:9"
    await shoot(OrpsApp(settings), "home", home)
    await shoot(frozen_search_app(), "search-streaming", on(4, "1"))
    await shoot(frozen_search_app(), "search-code", on(3, "2"))
    await shoot(frozen_search_app(), "search-diff", on(3, "4"))
    await shoot(frozen_search_app(), "search-critique-failing", on(1, "3"))
    await shoot(frozen_search_app(), "hint", on(0, "h"))
    await shoot(frozen_search_app(), "help", on(0, "question_mark"))
    await shoot(frozen_search_app(), "guide", on(0, "f1"))
    await shoot(frozen_search_app(), "theme-light", on(3, "2"), theme="orps-light")
    await shoot(frozen_search_app(), "theme-high-contrast", on(1, "3"),
                theme="orps-high-contrast")
    await shoot(profiled_app(), "profiler-heat", profiled, size=(120, 60))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home_dir:
        for var, sub in (("ORPS_CONFIG", "config.toml"), ("ORPS_DATA_DIR", "data"),
                         ("ORPS_CACHE_DIR", "cache")):
            os.environ[var] = str(Path(home_dir) / sub)
        # the first run's offer to fetch the coder model is answered, as in the tests
        (Path(home_dir) / "data").mkdir()
        (Path(home_dir) / "data" / "first-run.json").write_text('{"coder": "declined"}\n')
        asyncio.run(main())
    sys.exit(0)
