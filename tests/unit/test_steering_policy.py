"""The scripted steering policy: its rules on hand-made trees, and with the engine and the
scripted model - its commands go through `engine.send`, change the tree as the rules say,
are saved in the session, and do not depend on timing."""

from __future__ import annotations

from typing import Any

import pytest

from orps_tui.sandbox.report import (
    IsolationStatus,
    JudgeReport,
    StaticMetrics,
    SyntaxIssue,
    TestResult,
    Verdict,
)
from orps_tui.search import events as ev
from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.session import SessionWriter, load_session
from orps_tui.search.steering_policy import (
    INPUT_LIMITS_HINT,
    Action,
    Rule,
    SteeringPolicy,
    decide,
    fails_to_run,
    first_actions,
    names_efficiency_problem,
)
from orps_tui.search.tree import NodeFate, NodeState, SearchTree, SteeringMark
from tests.support.scripted_model import program_of
from tests.support.steering_world import (
    BROKEN,
    RAISES,
    RIGHT,
    SLOW,
    WRONG,
    PerfJudge,
    perf_problem,
    world_model,
)

# ---- the rules on hand-made trees ---------------------------------------------------------


def _report(*verdicts: Verdict, perf: Verdict | None = None, ce: bool = False) -> JudgeReport:
    tests = [TestResult(f"t{i}", True, v) for i, v in enumerate(verdicts)]
    if perf is not None:
        tests.append(TestResult("perf", True, perf, performance=True))
    passed = sum(t.verdict.passed for t in tests)
    return JudgeReport(Verdict.CE if ce else Verdict.AC if passed == len(tests) else Verdict.WA,
                       passed, len(tests), tests, StaticMetrics(), IsolationStatus(),
                       SyntaxIssue(1, 1, "invalid syntax") if ce else None)


AC, WA, RE, TLE = Verdict.AC, Verdict.WA, Verdict.RE, Verdict.TLE


def _tree(*specs: tuple[int | None, int, JudgeReport, str]) -> SearchTree:
    """Nodes (parent, round, report, critique), ACTIVE unless changed afterwards."""
    tree = SearchTree()
    for parent, round_no, report, critique in specs:
        tree.new_node(parent, round=round_no, report=report, critique=critique,
                      code="def add(a, b): ...", state=NodeState.ACTIVE)
    return tree


def test_fails_to_run_means_no_test_ran_to_an_answer() -> None:
    tree = _tree((None, 0, _report(ce=True), ""), (None, 0, _report(RE, RE, perf=RE), ""),
                 (None, 0, _report(RE, WA), ""), (None, 0, _report(RE, RE, perf=TLE), ""))
    assert [fails_to_run(n) for n in tree.nodes.values()] == [True, True, False, False]


@pytest.mark.parametrize(("critique", "names"), [
    ("Correct, but O(n^2) and too slow for n = 10^5.", True),
    ("A brute-force search over all pairs.", True),
    ("Quadratic in the worst case; would exceed the time limit.", True),
    ("The nested loop is O(n²).", True),
    ("Correct and efficient; O(n log n) complexity is fine.", False),
    ("Runs well within the time limit.", False),
    ("It is not too slow.", False),
    ("Off by one in the loop bound.", False),
])
def test_efficiency_problems_are_named_by_keywords(critique: str, names: bool) -> None:
    assert names_efficiency_problem(critique) is names


def test_prune_needs_two_generations_that_fail_to_run() -> None:
    tree = _tree((None, 0, _report(ce=True), ""),                # 0 root: never pruned alone
                 (None, 0, _report(AC, WA), ""),                 # 1 runs
                 (0, 1, _report(RE, RE), ""),                    # 2 fails, parent failed
                 (0, 1, _report(AC, RE), ""),                    # 3 runs once
                 (1, 1, _report(ce=True), ""))                   # 4 fails, parent ran
    assert decide(tree, 0) == []
    assert decide(tree, 1) == [Action(1, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(2))]


def test_boost_picks_the_best_correct_but_slow_node_and_hints_every_perf_tle() -> None:
    slow = "Correct, but too slow for the largest input."
    tree = _tree((None, 0, _report(AC, AC, perf=TLE), "Fine."),        # 0 perf TLE
                 (None, 0, _report(AC, AC, perf=AC), slow),           # 1 critique: slow
                 (None, 0, _report(AC, WA, perf=TLE), slow),          # 2 fails a test
                 (None, 0, _report(AC, AC, perf=AC), "Correct."),     # 3 fine
                 (None, 0, _report(AC, AC, perf=TLE), slow))          # 4 perf TLE, stopped
    tree[4].state = NodeState.STOPPED
    actions = decide(tree, 0)
    assert actions == [
        Action(0, Rule.BOOST_EFFICIENCY, ev.Boost(1)),  # pass rate 1 beats 0's 2/3
        Action(0, Rule.HINT_INPUT_LIMITS, ev.AddHint(0, INPUT_LIMITS_HINT)),
        Action(0, Rule.HINT_INPUT_LIMITS, ev.AddHint(2, INPUT_LIMITS_HINT)),
    ]
    tree[0].hints.append(INPUT_LIMITS_HINT)
    tree[1].state = NodeState.BOOSTED  # boosted already (by a person): not boosted again
    assert [a.command for a in decide(tree, 0)] == [ev.Boost(0),
                                                   ev.AddHint(2, INPUT_LIMITS_HINT)]


def test_first_actions_reads_a_finished_unsteered_tree_as_each_round_settled() -> None:
    """Kept and stopped nodes were ACTIVE when their round settled; the last round in the
    tree is left out (nothing follows it to steer); the first acting round is the answer."""
    tree = _tree((None, 0, _report(ce=True), ""),                 # 0 fails to run
                 (None, 0, _report(AC, WA), ""),                  # 1 runs
                 (0, 1, _report(RE, RE), ""),                     # 2 fails, parent failed
                 (1, 1, _report(AC, AC, perf=TLE), ""),           # 3 perf TLE
                 (3, 2, _report(RE, RE), ""))                     # 4 (last round)
    fates = {0: NodeFate.KEPT_RANK, 1: NodeFate.KEPT_RANK, 2: NodeFate.STOPPED_RANK,
             3: NodeFate.KEPT_RANK}
    for node_id, fate in fates.items():
        tree[node_id].fate = fate
        tree[node_id].state = NodeState.STOPPED if fate is NodeFate.STOPPED_RANK \
            else NodeState.KEPT
    assert decide(tree, 1) == []  # as saved: nothing is ACTIVE any more
    assert first_actions(tree) == [
        Action(1, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(2)),
        Action(1, Rule.BOOST_EFFICIENCY, ev.Boost(3)),
        Action(1, Rule.HINT_INPUT_LIMITS, ev.AddHint(3, INPUT_LIMITS_HINT)),
    ]
    assert tree[2].state is NodeState.STOPPED  # the tree itself is not changed
    tree[2].report, tree[3].report = _report(AC, WA), _report(RE, RE)
    assert decide(tree, 2) == [Action(2, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(4))]
    assert first_actions(tree) == []  # round 2, the last, is not read


def test_a_pruned_node_gets_no_boost_or_hint() -> None:
    tree = _tree((None, 0, _report(RE, RE, perf=RE), ""),
                 (0, 1, _report(RE, RE, perf=RE), "Too slow, and it crashes."))
    assert [a.rule for a in decide(tree, 1)] == [Rule.PRUNE_FAILS_TO_RUN_TWICE]


# ---- with the engine ---------------------------------------------------------------------


def _steered(roots: list[str], *, policy: bool = True, session: bool = False,
             model_kwargs: dict[str, Any] | None = None,
             **config: Any) -> tuple[SearchEngine, SteeringPolicy | None, list[ev.Command]]:
    problem = perf_problem()
    cfg = SearchConfig(seed=1, **config)
    writer = SessionWriter.create(problem, "scripted:test", cfg) if session else None
    engine = SearchEngine(problem, world_model(roots, **(model_kwargs or {})),
                          judge=PerfJudge(problem), config=cfg, session=writer)
    sent: list[ev.Command] = []
    send = engine.send

    def spy(command: ev.Command) -> None:
        sent.append(command)
        send(command)

    engine.send = spy  # type: ignore[method-assign]
    steering = SteeringPolicy(engine) if policy else None
    if steering is not None:
        steering.attach()
    return engine, steering, sent


async def test_boost_and_hint_refine_the_slow_but_correct_root() -> None:
    shape = {"samples": 3, "beam": 1, "rounds": 1}
    engine, policy, sent = _steered([RAISES, SLOW, WRONG], **shape)
    result = await engine.run()
    assert policy is not None and policy.failure is None
    assert policy.actions == [Action(0, Rule.BOOST_EFFICIENCY, ev.Boost(1)),
                              Action(0, Rule.HINT_INPUT_LIMITS,
                                     ev.AddHint(1, INPUT_LIMITS_HINT))]
    assert sent == [a.command for a in policy.actions]  # every command through engine.send
    tree = engine.tree
    slow = tree[1]
    assert slow.code == SLOW and slow.fate is NodeFate.KEPT_BOOSTED
    assert slow.hints == [INPUT_LIMITS_HINT]
    assert slow.steered == [SteeringMark("Boost", 0), SteeringMark("AddHint", 0)]
    assert tree[0].fate is tree[2].fate is NodeFate.STOPPED_RANK  # 0 outranks 2, both out
    children = tree.children(1)
    assert len(children) == 3 and all(c.code == RIGHT for c in children)
    assert result.answer is not None and result.answer.code == RIGHT
    assert result.hidden is not None and result.hidden.verdict is Verdict.AC

    plain, _, _ = _steered([RAISES, SLOW, WRONG], policy=False, **shape)
    unsteered = await plain.run()
    assert plain.tree[0].fate is NodeFate.KEPT_RANK  # the critic's 5/5 for a crash wins
    assert {program_of(c.code) for c in plain.tree.children(0)} == {RAISES}
    assert unsteered.answer is not None and unsteered.answer.code == SLOW
    assert unsteered.hidden is not None and unsteered.hidden.verdict is Verdict.TLE
    assert unsteered.stats.llm_calls == result.stats.llm_calls  # the same budget


async def test_branches_that_fail_to_run_twice_are_pruned_before_the_beam() -> None:
    engine, policy, sent = _steered([BROKEN, WRONG], session=True, samples=2, beam=2,
                                    rounds=2)
    await engine.run()
    assert policy is not None
    assert policy.actions == [Action(1, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(2)),
                              Action(1, Rule.PRUNE_FAILS_TO_RUN_TWICE, ev.Prune(3))]
    tree = engine.tree
    assert [program_of(tree[i].code) for i in (2, 3)] == [BROKEN, RAISES]
    assert all(tree[i].state is NodeState.PRUNED and tree[i].fate is NodeFate.PRUNED
               and tree[i].children == [] for i in (2, 3))
    assert tree[0].state is NodeState.KEPT  # the parent stays: only the child is pruned
    assert {n.parent_id for n in tree.nodes.values() if n.round == 2} == {4, 5}

    # the session holds the commands, in order, and the facts reload
    loaded = load_session(engine.session.directory)  # type: ignore[union-attr]
    assert loaded.commands == sent == [ev.Prune(2), ev.Prune(3)]
    assert loaded.tree[2].steered == [SteeringMark("Prune", 1)]
    assert loaded.tree[3].fate is NodeFate.PRUNED

    plain, _, _ = _steered([BROKEN, WRONG], policy=False, samples=2, beam=2, rounds=2)
    await plain.run()
    assert {n.parent_id for n in plain.tree.nodes.values() if n.round == 2} == {2, 3}


def _shape(engine: SearchEngine) -> list[tuple[Any, ...]]:
    return [(n.id, n.parent_id, n.round, n.state, n.fate, n.code, n.hints, n.steered,
             n.children, n.process_score, n.outcome_score)
            for n in sorted(engine.tree.nodes.values(), key=lambda n: n.id)]


@pytest.mark.parametrize("roots", [[RAISES, SLOW, WRONG], [BROKEN, WRONG, SLOW]])
async def test_the_same_seed_gives_the_same_steered_tree_whatever_the_timing(
        roots: list[str]) -> None:
    shape = {"samples": 3, "beam": 2, "rounds": 2}
    fast, fast_policy, _ = _steered(roots, concurrency=4, **shape)
    await fast.run()
    slow, slow_policy, _ = _steered(roots, concurrency=1, model_kwargs={
        "chunk_delay_s": 0.001, "chunk_chars": 5}, **shape)
    await slow.run()
    assert fast_policy is not None and slow_policy is not None
    assert fast_policy.actions == slow_policy.actions and fast_policy.actions
    assert _shape(fast) == _shape(slow)
    assert fast.result is not None and slow.result is not None
    assert fast.result.answer_id == slow.result.answer_id


async def test_a_rule_that_raises_is_reported_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(tree: SearchTree, round_no: int) -> list[Action]:
        raise KeyError("oops")

    monkeypatch.setattr("orps_tui.search.steering_policy.decide", broken)
    engine, policy, sent = _steered([WRONG], samples=1, beam=1, rounds=1)
    await engine.run()
    assert policy is not None and policy.failure == "KeyError: 'oops'" and sent == []


async def test_the_policy_sends_nothing_in_the_last_round() -> None:
    # the root round is the last one (rounds=0): the same slow-but-correct root that is
    # boosted and hinted when a round follows gets nothing, since nothing would follow
    engine, policy, sent = _steered([RAISES, SLOW, WRONG], samples=3, beam=1, rounds=0)
    settled: list[ev.RoundSettled] = []
    engine.subscribe(lambda e: settled.append(e) if isinstance(e, ev.RoundSettled) else None)
    await engine.run()
    assert settled == [ev.RoundSettled(0, last=True)]
    assert policy is not None and policy.actions == [] and sent == []
    assert engine.tree[1].steered == []
    # and with one more round, round 0 is not the last: the policy acts on it
    engine, policy, sent = _steered([RAISES, SLOW, WRONG], samples=3, beam=1, rounds=1)
    settled = []
    engine.subscribe(lambda e: settled.append(e) if isinstance(e, ev.RoundSettled) else None)
    await engine.run()
    assert settled == [ev.RoundSettled(0, last=False), ev.RoundSettled(1, last=True)]
    assert policy is not None and [a.round for a in policy.actions] == [0, 0]
