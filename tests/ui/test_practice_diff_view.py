"""Pilot: the practice view's diff marks the token the judge's checker blamed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from orps_tui.app.widgets.practice_diff import PracticeDiff
from orps_tui.problems.model import Checker, CheckerType
from orps_tui.sandbox import checkers
from orps_tui.sandbox.report import TestResult, Verdict


class _DiffApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PracticeDiff(id="diff")


def _float_wa() -> TestResult:
    checked = checkers.check(
        Checker(type=CheckerType.FLOAT), input="", expected="1.0 5\n", actual="1.0000000001 6\n"
    )
    assert not checked.ok
    return TestResult(
        name="sample-1",
        public=True,
        verdict=Verdict.WA,
        message=checked.message,
        output_head="1.0000000001 6\n",
        expected_head="1.0 5\n",
        mismatch=checked.mismatch,
    )


async def test_the_practice_diff_highlights_the_token_the_float_checker_blamed() -> None:
    app = _DiffApp()
    async with app.run_test(size=(80, 20)) as pilot:
        widget = app.query_one(PracticeDiff)
        widget.show(_float_wa())
        await pilot.pause()
        strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        highlighted: dict[str, list[str]] = {}
        for strip in strips:
            text = "".join(segment.text for segment in strip)
            if not text.strip().startswith(("expected line", "actual   line")):
                continue
            label = text.strip().split(":")[0]
            # Marked: text on another background than the line's own (the label's).
            segments = list(strip)
            plain_bg = segments[0].style.bgcolor if segments[0].style else None
            highlighted[label] = [
                segment.text
                for segment in segments
                if segment.text.strip()
                and segment.style is not None
                and segment.style.bgcolor != plain_bg
            ]
    assert highlighted == {"expected line 1": ["5"], "actual   line 1": ["6"]}
