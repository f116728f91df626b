"""Two saved sessions side by side: answer and grades, calls, tokens, stop reason, shape."""

from __future__ import annotations

from orps_tui.search.session import load_session
from orps_tui.search.session_compare import compare_table, problem_mismatch, session_facts
from tests.support.two_sessions import two_sessions


def test_facts_of_two_sessions_match_their_trees_and_end_records() -> None:
    first, second = (load_session(p) for p in two_sessions())
    a, b = session_facts(first), session_facts(second)
    assert first.directory != second.directory
    assert a.budget == "K2 B1 R0" and b.budget == "K2 B1 R1"
    assert a.nodes_per_round == (2,) and b.nodes_per_round == (2, 2)
    assert (a.depth, b.depth) == (0, 1)
    assert a.answer_id == 0 and a.answer_depth == 0 and b.answer_depth == 1
    assert a.public is not None and a.public["passed"] == a.public["total"]
    assert a.hidden is not None and a.hidden["verdict"] == "AC"
    for facts, session in ((a, first), (b, second)):
        calls = [c for n in session.tree.nodes.values() for c in n.calls]
        assert facts.llm_calls == len(calls) == 2 * facts.nodes
        assert facts.prompt_tokens == sum(c.prompt_tokens for c in calls) > 0
        assert facts.reason == session.finished["reason"]
    assert problem_mismatch([a, b]) is None


def test_the_table_fits_80_columns_and_names_both_sessions() -> None:
    facts = [session_facts(load_session(p)) for p in two_sessions()]
    table = compare_table(facts)
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "nodes per round" in table and "2/2" in table and "K2 B1 R1" in table
    assert f"1: {facts[0].name}" in table and f"2: {facts[1].name}" in table


def test_sessions_of_different_problems_are_named() -> None:
    from dataclasses import replace

    a = session_facts(load_session(two_sessions()[0]))
    assert problem_mismatch([a, replace(a, problem_id="other")]) == \
        "these sessions are of different problems (add-two, other)"


def test_a_sampling_session_says_so_where_the_shape_is() -> None:
    from dataclasses import replace

    session = load_session(two_sessions()[0])
    header = {**session.header, "config": session.config.sampling(2).to_dict()}
    assert session_facts(replace(session, header=header)).budget == "sampling K2"
