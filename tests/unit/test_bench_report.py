"""What `orps bench` reports about its searches, from hand-made records."""

from __future__ import annotations

import re
from typing import Any

from orps_tui.search.bench_derive import rows_from
from orps_tui.search.bench_report import diagnose, diagnostics_table, summarise


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
    rows = rows_from(records).rows
    assert [r.found for r in rows] == [1.0, 1.0, 0.0, None]
    (summary,) = summarise(rows)
    assert summary.found == 2 / 3  # over the records that list their nodes
    (d,) = diagnose(rows)
    assert (d.found, d.missed) == (2, 1)
    table = dict(re.split(r"\s{2,}", line, maxsplit=1)
                 for line in diagnostics_table([d]).splitlines()[2:])
    assert table["a node passes hidden, answer not"] == "1/2 (50%)"


def test_the_public_pass_rate_auc_is_read_over_the_nodes_the_critic_scored() -> None:
    record = _search("p", 1, [4, 1, 1])
    nodes = record["diagnostics"]["nodes"]
    nodes[0]["public"] = {"verdict": "WA", "passed": 1, "total": 2}  # passes hidden all the same
    nodes[2]["critic"] = None                                        # not reviewed: left out
    nodes[2]["public"] = {"verdict": "AC", "passed": 2, "total": 2}
    (d,) = diagnose(rows_from([record]).rows)
    assert d.public_auc == 0.0  # the passing node has the lower public pass rate


def test_a_pool_found_a_pass_when_any_sample_it_read_passes() -> None:
    def sample(node: int, hidden: int) -> dict[str, Any]:
        return {"node": node, "code": "x", "key": [1.0, 1.0, -0.1 * node, 1.0],
                "public": {"verdict": "AC", "passed": 2, "total": 2},
                "hidden": {"verdict": "WA", "passed": hidden, "total": 4}, "valid": True,
                "time_rel": None, "hidden_tle": False, "tokens": 10}
    pool = {"problem": "p", "method": "pool", "seed": 1, "reason": "budget", "llm_calls": 3,
            "wall_s": 3.0, "pool": [sample(0, 1), sample(1, 2), sample(2, 4)]}
    by = {r.method: r for r in rows_from([pool]).rows}
    assert (by["oneshot"].found, by["bestofn"].found) == (0.0, 1.0)
    assert by["bestofn"].passed == 0.0  # the rule picks the fastest sample, not the pass
    assert by["oneshot-mean"].found == 1 / 3


def test_the_problem_table_names_seeds_only_when_there_are_several() -> None:
    from orps_tui.search.bench_report import problems_table

    one = [_search("p", 4, [4]), _search("q", 1, [1])]
    table = problems_table(rows_from(one).rows).splitlines()
    assert [line.split()[0] for line in table[2:5]] == ["p", "q", "solved"]
    assert table[4].split() == ["solved", "1/2"]
    two = [*one, {**_search("p", 2, [2]), "seed": 2}]
    table = problems_table(rows_from(two).rows).splitlines()
    assert table[2].startswith("p seed 1") and table[3].startswith("p seed 2")
    assert table[3].split()[-1] == "50%"
    assert problems_table([]) == ""


def test_programs_passing_hidden_are_counted_by_depth_leaving_repeats_out() -> None:
    record = _search("p", 4, [4, 1, 4, 1, 1])
    nodes = record["diagnostics"]["nodes"]
    for node, (parent, depth) in zip(nodes[2:], [(0, 1), (1, 1), (3, 2)], strict=True):
        node.update(parent=parent, depth=depth)
    repeat = {**nodes[3], "node": 5, "depth": 2, "parent": 2, "public": None, "critic": None}
    nodes.append(repeat)  # a repeat: unjudged on the public tests, its ancestor's program
    (d,) = diagnose(rows_from([record]).rows)
    assert {str(k): v for k, v in d.by_depth.items()} == {
        "roots": (1, 2), "children": (1, 2), "deeper": (0, 1)}
    table = dict(re.split(r"\s{2,}", line, maxsplit=1)
                 for line in diagnostics_table([d]).splitlines()[2:])
    assert table["program passes hidden: children"] == "1/2 (50%)"
    assert table["program passes hidden: deeper"] == "0/1 (0%)"
