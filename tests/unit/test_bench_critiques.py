"""bench/critiques.py: children whose critique is their parent's, word for word or nearly."""

from __future__ import annotations

from pathlib import Path

from orps_tui.sandbox.report import Verdict
from orps_tui.search.tree import Author
from tests.support.starter import load_tool
from tests.unit.test_steering_policy import _report, _tree

critiques = load_tool(Path(__file__).resolve().parents[2] / "bench" / "critiques.py", "critiques")

AC, WA = Verdict.AC, Verdict.WA
REVIEW = "The loop is off by one: it skips the last element, so the sum is short."


def test_copied_and_nearly_copied_critiques_are_counted_apart() -> None:
    tree = _tree((None, 0, _report(WA), REVIEW),                       # 0 root
                 (0, 1, _report(WA), "  " + REVIEW.replace(" ", "\n", 2)),  # 1 copy, layout
                 (0, 1, _report(WA), REVIEW.replace("short", "shorter")),   # 2 nearly
                 (0, 1, _report(AC), "Correct now: every element is summed."),  # 3 its own
                 (0, 1, _report(WA), ""),                               # 4 not reviewed
                 (0, 1, _report(WA), REVIEW))                           # 5 by a person
    tree[5].author = Author.PERSON
    tree[2].code = "def add(a, b): return a + b"                        # a changed program
    counts = critiques.critique_counts(tree)
    assert (counts.reviewed, counts.copied, counts.near) == (3, 1, 1)
    assert counts.copied_new_program == 1  # #1 has its parent's program, #2 a new one
    total = critiques.CritiqueCounts()
    total.add(counts)
    total.add(counts)
    assert total.copied == 2 and total.reviewed == 6
