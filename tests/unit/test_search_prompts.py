"""Prompts: what they carry, prefix stability, and never leaking reference or hidden tests."""

from __future__ import annotations

from orps_tui.problems.model import Limits, Problem, ProblemKind, Source, Statement, TestCase
from orps_tui.search.prompts import (
    FULL_ATTEMPTS,
    STRATEGIES,
    Role,
    critic_messages,
    programmer_messages,
    role_of,
    strategy_for,
)
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
    assert roles == ["system"] + ["user", "assistant", "user", "assistant"] * 2 + ["user"]
    text = _all_text(messages)
    for d in range(2):
        assert f"return a + b + {d}" in text and f"critique {d}" in text
        assert f"Feedback from the person supervising:\nhint {d}" in text
    assert "Execution analysis on the public tests" in messages[3].content
    assert role_of(messages) is Role.PROGRAMMER
    assert messages[-1].content.startswith("Feedback from the person supervising:\nhint 1")


def test_critic_of_a_child_sees_the_parents_own_turn() -> None:
    problem = sample_problem()
    branch = _branch(problem, 3)
    messages = critic_messages(problem, branch, True)
    assert role_of(messages) is Role.CRITIC
    text = _all_text(messages)
    for d in range(3):
        assert f"return a + b + {d}" in text
    assert "critique 0" in text and "critique 1" in text  # the critic's own earlier reviews
    assert "return a + b + 1" in messages[-6].content  # the parent's turn is right there
    assert "return a + b + 2" in messages[-2].content  # the attempt under review
    assert "## Task: review this attempt" in messages[-1].content
    assert "Execution analysis" in messages[-1].content


def test_each_call_extends_the_call_before_it_on_the_branch() -> None:
    """The cache-friendly layout: critic prompt = programmer prompt + answer + analysis +
    review task; a child's programmer prompt = the parent's critic prompt + its review + the
    next task. A prefix cache then serves everything the server has seen."""
    problem = sample_problem()
    branch = _branch(problem, 3)
    for depth in range(1, 4):
        node = branch[depth - 1]
        programmer = programmer_messages(problem, branch[:depth - 1], node.strategy)
        critic = critic_messages(problem, branch[:depth], True)
        assert critic[:len(programmer)] == programmer
        assert critic[len(programmer)].role == "assistant"
        child = programmer_messages(problem, branch[:depth], strategy_for(5))
        assert child[:len(critic)] == critic
        assert child[len(critic)].role == "assistant" and f"critique {depth - 1}" in \
            child[len(critic)].content


def test_the_model_own_text_is_replayed_so_the_server_cache_matches() -> None:
    problem = sample_problem()
    branch = _branch(problem, 1)
    branch[0].raw_output = "Approach: add.\n```python\ndef add(a, b):\n    return a + b\n```"
    branch[0].critic_raw = '{"critique": "fine", "score": 5}'
    child = programmer_messages(problem, branch, strategy_for(1))
    assert child[2].content == branch[0].raw_output
    assert child[4].content == branch[0].critic_raw


def test_prompts_stay_bounded_as_branches_deepen() -> None:
    problem = sample_problem()
    deep = _branch(problem, FULL_ATTEMPTS + 4)
    for node in deep:
        node.code += "\n# " + "x" * 2000
        node.raw_output = f"{node.reasoning}\n```python\n{node.code}\n```"
    sizes = [len(_all_text(programmer_messages(problem, deep[:d], ""))) for d in
             range(1, len(deep) + 1)]
    growth = [b - a for a, b in zip(sizes, sizes[1:], strict=False)]
    full_growth = growth[0]  # one more attempt in full, nothing shortened yet
    # past FULL_ATTEMPTS each new attempt shortens an old one: far slower growth
    assert all(g < full_growth / 2 for g in growth[FULL_ATTEMPTS - 1:])
    text = _all_text(programmer_messages(problem, deep, ""))
    assert "return a + b + 0" not in text and f"return a + b + {len(deep) - 1}" in text


def test_a_performance_test_is_reported_by_time_never_by_its_input() -> None:
    from dataclasses import replace

    from orps_tui.sandbox.report import TestResult, Verdict

    problem = sample_problem()
    big = "x" * 5000
    problem = replace(problem, tests=problem.tests + (
        _perf_case(big),))
    text = programmer_messages(problem, [], "")[-1].content
    assert big not in text and "maximum-size input" in text
    result = TestResult("perf", True, Verdict.AC, cpu_s=1.5, performance=True)
    from orps_tui.search.prompts import analysis_text
    from tests.support.scripted_model import FakeJudge as _FJ

    report = _FJ(problem).run("def add(a, b):\n    return a + b", "public")
    report.tests.append(result)
    line = analysis_text(report, problem)
    assert "1500 ms CPU of the" in line and "output not checked" in line


def _perf_case(big: str) -> TestCase:
    return TestCase("perf", True, code=f"add(1, 2)  # {big}", performance=True)


def test_an_expand_instruction_goes_where_a_hint_goes_and_the_calls_still_extend() -> None:
    """ExpandNow's extra instruction: in the child's opening message, after its parent's
    hints and before its task; the child's critic prompt (and its children's prompts)
    replay it, so each call still extends the one before. Without one, nothing changes."""
    problem = sample_problem()
    branch = _branch(problem, 2)
    plain = programmer_messages(problem, branch, strategy_for(1))
    assert programmer_messages(problem, branch, strategy_for(1), "") == plain
    told = programmer_messages(problem, branch, strategy_for(1), "Use a plain loop.")
    assert told[:-1] == plain[:-1]
    last = told[-1].content
    assert last.index("hint 1") < last.index("Instruction from the person supervising, "
                                              "for this attempt:\nUse a plain loop.") \
        < last.index(plain[-1].content.split("\n\n")[-1])
    child = _branch(problem, 3)[-1]
    child.instruction = "Use a plain loop."
    full = branch + [child]
    programmer = programmer_messages(problem, branch, child.strategy, child.instruction)
    critic = critic_messages(problem, full, True)
    assert critic[:len(programmer)] == programmer
    grandchild = programmer_messages(problem, full, strategy_for(0))
    assert grandchild[:len(critic)] == critic
