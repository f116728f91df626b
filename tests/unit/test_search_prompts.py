"""Prompts: what they carry, prefix stability, and never leaking reference or hidden tests."""

from __future__ import annotations

from orps_tui.problems.model import Limits, Problem, ProblemKind, Source, Statement, TestCase
from orps_tui.search.prompts import STRATEGIES, critic_messages, programmer_messages, strategy_for
from orps_tui.search.tree import SearchTree
from tests.support.scripted_model import FakeJudge, sample_problem

SECRET = "REFERENCE-SOLUTION-SECRET"


def _branch(problem: Problem, depth: int) -> list:
    tree = SearchTree()
    judge = FakeJudge(problem)
    parent = None
    for d in range(depth):
        node = tree.new_node(parent, strategy=strategy_for(d))
        node.reasoning = f"reasoning {d}"
        node.code = f"def add(a, b):\n    return a + b + {d}"
        node.report = judge.run(node.code, "public")
        node.critique = f"critique {d}"
        node.process_score = 3
        node.hints = [f"hint {d}"]
        parent = node.id
    return tree.path_to(parent) if parent is not None else []


def _all_text(messages) -> str:
    return "\n".join(m.content for m in messages)


def test_programmer_prompt_carries_statement_signature_public_tests_and_hint() -> None:
    problem = sample_problem()
    text = _all_text(programmer_messages(problem, [], strategy_for(0)))
    assert problem.statement.text in text
    assert problem.function.signature in text
    assert "assert add(1, 2) == 3" in text
    assert STRATEGIES[0] in text


def test_prompts_never_contain_reference_or_hidden_tests() -> None:
    problem = sample_problem(reference=f"def add(a, b):\n    return a + b  # {SECRET}")
    branch = _branch(problem, 3)
    prompts = [programmer_messages(problem, [], strategy_for(1)),
               programmer_messages(problem, branch, strategy_for(2)),
               critic_messages(problem, branch, True), critic_messages(problem, branch[:1], False)]
    for messages in prompts:
        text = _all_text(messages)
        assert SECRET not in text
        assert "HIDDEN-TEST-MARKER" not in text
        assert "h1" not in text.split("## Public tests")[-1].split("## Attempt")[0]


def test_stdio_prompt_shows_public_io_but_not_hidden_io() -> None:
    problem = Problem(
        id="io", title="IO", kind=ProblemKind.STDIO, source=Source("t", "MIT"),
        statement=Statement("Sum the numbers."), limits=Limits(),
        tests=(TestCase("s1", True, input="1 2\n", output="3\n"),
               TestCase("h1", False, input="777 888\n", output="1665\n")),
        reference=SECRET,
    )
    text = _all_text(programmer_messages(problem, [], strategy_for(0)))
    assert "1 2" in text and "777 888" not in text and "1665" not in text and SECRET not in text
    assert "standard input" in text


def test_siblings_share_everything_but_the_last_message() -> None:
    problem = sample_problem()
    branch = _branch(problem, 2)
    a = programmer_messages(problem, branch, strategy_for(0))
    b = programmer_messages(problem, branch, strategy_for(1))
    assert a[:-1] == b[:-1] and a[-1] != b[-1]
    assert a[-1].content.startswith(b[-1].content[:200])  # same text up to the hint
    roots = [programmer_messages(problem, [], strategy_for(i)) for i in range(3)]
    assert roots[0][:-1] == roots[1][:-1] == roots[2][:-1]


def test_child_prompt_has_the_branch_history_and_hints_as_feedback() -> None:
    problem = sample_problem()
    branch = _branch(problem, 2)
    messages = programmer_messages(problem, branch, strategy_for(0))
    roles = [m.role for m in messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    text = _all_text(messages)
    for d in range(2):
        assert f"return a + b + {d}" in text and f"critique {d}" in text
        assert f"Feedback from the person supervising:\nhint {d}" in text
    assert "Execution analysis on the public tests" in messages[3].content


def test_critic_of_a_child_sees_the_parents_own_turn() -> None:
    problem = sample_problem()
    branch = _branch(problem, 3)
    messages = critic_messages(problem, branch, True)
    text = _all_text(messages)
    for d in range(3):
        assert f"return a + b + {d}" in text
    assert "critique 0" in text and "critique 1" in text  # the critic's own earlier reviews
    assert "return a + b + 1" in messages[-3].content  # the parent's turn is right there
    assert messages[-1].content.endswith("Review attempt 3.")
    siblings = critic_messages(problem, branch[:-1] + [branch[-1]], True)
    assert siblings[:-1] == messages[:-1]
