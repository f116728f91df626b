"""A scripted world for the steering policy: a problem with a performance input, a judge
that marks it, and a stateless scripted model whose answers depend only on the prompt
(so any timing gives the same tree).

Programs: RIGHT, WRONG, SLOW (correct, but TLEs on the performance input and on the hidden
`big` test), RAISES (RE on every test), BROKEN (does not compile). Roots follow `roots` by
strategy index; a child copies its parent's program, except that a child whose branch
holds the input-limits hint writes RIGHT, and the second child of a BROKEN parent RAISES.
The critic misjudges code that does not run (5/5, "looks great") and WRONG (4/5), gives
SLOW 3/5 with a complaint about speed, and retires RIGHT (5/5, finished).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from orps_tui.llm.base import GenOptions, Message
from orps_tui.problems.model import Limits, Problem, Source, Statement, TestCase
from orps_tui.sandbox.report import JudgeReport, Verdict
from orps_tui.search.prompts import strategy_for
from orps_tui.search.steering_policy import INPUT_LIMITS_HINT
from tests.support.sandbox_problems import function_problem
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    made_new,
)

RIGHT = "def add(a, b):\n    return a + b"
WRONG = "def add(a, b):\n    return a - b"
SLOW = "def add(a, b):\n    total = a\n    for _ in range(b):\n        total += 1\n    return total"
RAISES = "def add(a, b):\n    raise ValueError('no')"
BROKEN = "def add(a, b) return a + b"

_CODE = re.compile(r"```python\n(.*?)\n```", re.DOTALL)


def perf_problem(problem_id: str = "add-perf") -> Problem:
    """add(a, b) with two public tests, a public performance input and two hidden tests,
    one of them large."""
    base = function_problem([
        ("p1", "assert add(1, 2) == 3", True),
        ("p2", "assert add(-1, 1) == 0", True),
        ("h1", "assert add(10, 20) == 30", False),
        ("big", "assert add(10**7, 10**7) == 2 * 10**7", False),
    ])
    perf = TestCase(name="perf", public=True, code="add(10**6, 10**6)", performance=True)
    return replace(base, id=problem_id, title="Add, fast", source=Source("tests", "MIT"),
                   statement=Statement("Return the sum of a and b; b can be 10^7."),
                   limits=Limits(), tests=(*base.tests[:2], perf, *base.tests[2:]))


class PerfJudge(FakeJudge):
    """FakeJudge that marks performance inputs and times SLOW out on them and on `big`."""

    def _exec(self, code: str, test: TestCase) -> Verdict:
        if "range(b)" in code and (test.performance or test.name == "big"):
            return Verdict.TLE
        return super()._exec(code, test)

    def run(self, code: str, which: str) -> JudgeReport:
        report = super().run(code, which)
        performance = {t.name for t in self.problem.tests if t.performance}
        for result in report.tests:
            result.performance = result.name in performance
        return report


def _strategy_index(task: str) -> int:
    """The sibling index the engine's strategy hint gives away (0 without hints)."""
    return next((j for j in range(8) if strategy_for(j) in task), 0)


def world_model(roots: Sequence[str], **kwargs: object) -> ScriptedModel:
    def programmer(messages: Sequence[Message], options: GenOptions) -> str:
        j = _strategy_index(messages[-1].content)
        answers = [m.content for m in messages if m.role == "assistant" and "```python" in m.content]
        if not answers:
            return code_reply(roots[j])
        if any(INPUT_LIMITS_HINT in m.content for m in messages):
            return code_reply(RIGHT)
        parent = _CODE.findall(answers[-1])[-1]
        if parent.startswith(BROKEN) and j == 1:
            return code_reply(RAISES)
        # the parent's program again, as a new program (the engine stops exact repeats)
        return made_new(code_reply(parent), len(answers))

    def critic(messages: Sequence[Message], options: GenOptions) -> str:
        attempt = messages[-2].content
        if "range(b)" in attempt:
            return critic_json(3, "Correct on the small tests, but it loops b times: too slow "
                                  "for the largest input.")
        if "raise" in attempt or ") return" in attempt:
            return critic_json(5, "Looks great.")
        if "a - b" in attempt:
            return critic_json(4, "Looks correct.")
        return critic_json(5, "Correct and fast.", finished=True)

    return ScriptedModel(programmer=programmer, critic=critic, **kwargs)  # type: ignore[arg-type]
