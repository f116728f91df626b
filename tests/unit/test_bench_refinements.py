"""bench/refinements.py: which children turned a parent's TLE on the performance input into a
run within the limit."""

from __future__ import annotations

from pathlib import Path

from orps_tui.sandbox.report import Verdict
from orps_tui.search.tree import Author
from tests.support.starter import load_tool
from tests.unit.test_steering_policy import _report, _tree

refinements = load_tool(Path(__file__).resolve().parents[2] / "bench" / "refinements.py", "refinements")

AC, WA, TLE = Verdict.AC, Verdict.WA, Verdict.TLE


def test_a_speed_up_is_a_child_that_runs_its_slow_parents_performance_input_in_time() -> None:
    tree = _tree((None, 0, _report(AC, AC, perf=TLE), ""),   # 0 slow
                 (0, 1, _report(AC, AC, perf=AC), ""),       # 1 fast and right: a speed-up
                 (0, 1, _report(AC, WA, perf=AC), ""),       # 2 fast, one test wrong: too
                 (0, 1, _report(AC, AC, perf=TLE), ""),      # 3 still slow
                 (None, 0, _report(AC, AC, perf=AC), ""),    # 4 fast root
                 (4, 1, _report(AC, AC, perf=AC), ""),       # 5 child of a fast parent
                 (0, 1, _report(AC, AC, perf=AC), ""))       # 6 by a person: not counted
    tree[6].author = Author.PERSON
    tree[0].report.tests[-1].cpu_s = 2.5  # type: ignore[union-attr]
    tree[1].report.tests[-1].cpu_s = 0.1  # type: ignore[union-attr]
    found, children = refinements.speed_ups(tree, "S", "p", 2.0)
    assert children == 3
    assert [(s.parent, s.child, s.child_passes_functional) for s in found] == [
        (0, 1, True), (0, 2, False)]
    assert (found[0].parent_cpu_s, found[0].child_cpu_s, found[0].limit_s) == (2.5, 0.1, 2.0)
