"""What `orps bench` reports about its searches, from hand-made records."""

from __future__ import annotations

import re
from typing import Any

from orps_tui.search.bench_derive import rows_from
from orps_tui.search.bench_report import diagnose, diagnostics_table


def _node(node: int, hidden: int) -> dict[str, Any]:
    return {"node": node, "parent": None, "depth": 0, "critic": 3.0,
            "public": {"verdict": "AC", "passed": 2, "total": 2},
            "hidden": {"verdict": "AC" if hidden == 4 else "WA", "passed": hidden, "total": 4},
            "hidden_tle": False}


def _search(problem: str, answer: int, nodes: list[int] | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "problem": problem, "method": "orps", "seed": 1, "reason": "budget", "code": "x",
        "public": {"verdict": "AC", "passed": 2, "total": 2},
        "hidden": {"verdict": "WA", "passed": answer, "total": 4}, "valid": True,
        "time_rel": None, "llm_calls": 4, "prompt_tokens": 10, "completion_tokens": 5,
        "nodes": 2, "wall_s": 1.0, "diagnostics": {"answer_depth": 0}}
    if nodes is not None:
        record["diagnostics"]["nodes"] = [_node(i, h) for i, h in enumerate(nodes)]
    return record


def test_diagnostics_tell_a_search_that_found_a_pass_from_one_that_chose_it() -> None:
    records = [
        _search("chose-it", 4, [1, 4]),
        _search("missed-it", 1, [1, 4]),     # a node passes; the answer is another
        _search("never-found", 1, [1, 2]),
        _search("old-record", 4, None),      # made before records listed their nodes
    ]
    (d,) = diagnose(rows_from(records).rows)
    assert (d.listed, d.found, d.missed) == (3, 2, 1)
    rows = dict(re.split(r"\s{2,}", line, maxsplit=1)
                for line in diagnostics_table([d]).splitlines()[2:])
    assert rows["some node passes hidden"] == "2/3 (67%)"
    assert rows["... but the answer does not"] == "1/2 (50%)"
