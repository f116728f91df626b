"""Coloured text (tree lines, verdicts, expected/actual, diff, bars) follows the theme:
the light and high-contrast themes get their own success/error colours, also after a theme
switch while the search screen is open."""

from __future__ import annotations

from orps_tui.app.launch import Budget
from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.app.widgets.io_compare import io_renderable
from orps_tui.app.widgets.search_tree import SearchTree
from orps_tui.sandbox.report import TestResult, Verdict
from tests.ui.harness import SIZE, live_app, scripted, wait_finished

LIGHT_SUCCESS = "#1e7a3a"  # themes/orps-light.toml
LIGHT_ERROR = "#b3261e"


def _span_colours(text) -> set[str]:
    return {str(span.style).split()[-1].lower() for span in text.spans if str(span.style)}


def test_expected_and_actual_use_the_palette_not_fixed_hex() -> None:
    failing = TestResult(name="t1", public=True, verdict=Verdict.WA, expected_head="3",
                         output_head="4")
    light = Palette(success=LIGHT_SUCCESS, error=LIGHT_ERROR, warning="#8a6a00",
                    primary="#0b63c5", secondary="#7b3fa8", accent="#b35900")
    group = io_renderable(failing, light)
    table = group.renderables[1]
    assert [c.style for c in table.columns] == [LIGHT_SUCCESS, LIGHT_ERROR]
    default_table = io_renderable(failing).renderables[1]
    assert [c.style for c in default_table.columns] == [DEFAULT.success, DEFAULT.error]


async def test_switching_to_the_light_theme_recolours_the_tree() -> None:
    app, link = live_app(scripted(delay_s=0), Budget(samples=3, beam=1, rounds=0,
                                                      concurrency=1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_finished(pilot, link)
        tree = app.screen.query_one(SearchTree)
        good = tree.line_for(0)  # node 0 holds the right code: a 100% pass rate
        assert DEFAULT.success in _span_colours(good.label)
        app.theme = "orps-light"
        await pilot.pause(0.2)
        assert Palette.of(app).success == LIGHT_SUCCESS
        colours = _span_colours(tree.line_for(0).label)
        assert LIGHT_SUCCESS in colours and DEFAULT.success not in colours
