"""The prompt layout the engine used before the cache-friendly one (commit 95cf9db), kept
here only so `bench/prompt_cache.py` can measure old against new in one run. Not used by
the product.

What follows is that module's text, unchanged but for this docstring's first lines and
the `LegacyLayout` class at the end.

Layout is prefix-stable: every prompt starts with the same system message and problem
message, then the branch's turns root first, and only the last message differs between
siblings (it carries the per-sample strategy hint). A server-side prompt cache can then
serve siblings from one prefix.

Only public material goes in: the statement, the signature or I/O format, the public tests,
and the branch's own code, execution analysis and critiques. `Problem.reference` and hidden
tests are never read here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from orps_tui.llm.base import Message
from orps_tui.problems.model import Problem, ProblemKind
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.tree import Node

STRATEGIES: tuple[str, ...] = (
    "Aim for the most efficient algorithm you can: think about the input limits first.",
    "Keep it short and clear: the simplest correct program wins.",
    "Work step by step: handle the small cases, then generalise.",
    "Look for a mathematical insight or closed form before writing loops.",
    "Pick the right data structure (hash map, heap, deque, prefix sums) and build around it.",
    "Think about edge cases first (empty input, one element, duplicates, large values).",
    "Consider a greedy idea, then check it against the examples by hand.",
    "Consider dynamic programming: define the state and the transition precisely.",
)

PROGRAMMER_SYSTEM = (
    "You are a careful competitive programmer writing Python 3. Think briefly about the "
    "problem, then give exactly one complete solution in a single ```python code block. "
    "Do not print anything except what the problem asks for."
)

CRITIC_SYSTEM = (
    "You review Python solutions to programming problems. You see the problem, each attempt "
    "of one line of work with how it ran on the public tests (verdicts, CPU time, memory, "
    "code size and complexity), and your earlier reviews. Judge the latest attempt: is the "
    "approach correct, what makes tests fail, what would make it faster or simpler. Public "
    "tests can themselves be wrong now and then: weigh them as evidence. Answer as JSON: "
    '{"critique": "...", "score": 1-5, "finished": true|false}. Score 5 means correct and '
    "efficient; set finished only when you would submit this code unchanged."
)

CRITIC_TEXT_FORMAT = (
    "If you cannot answer in JSON, write your review, then a line `Score: N/5` and a line "
    "`Finished: yes` or `Finished: no`."
)

_MAX_FIELD = 600


def strategy_for(index: int) -> str:
    return STRATEGIES[index % len(STRATEGIES)]


def _clip(text: str, limit: int = _MAX_FIELD) -> str:
    text = text.rstrip("\n")
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more chars]"


def problem_message(problem: Problem) -> str:
    """The statement, the interface and the public tests: the shared prefix of every prompt."""
    parts = [f"# Problem: {problem.title}", "", problem.statement.text.strip(), ""]
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        parts += ["## Interface",
                  f"Write a Python function with this signature:\n```python\n"
                  f"{problem.function.signature.strip()}\n```",
                  "It is called directly by the tests; do not read input or print."]
        if problem.function.setup.strip():
            parts.append(f"This runs before your code:\n```python\n{problem.function.setup.strip()}\n```")
    else:
        parts += ["## Interface",
                  "Write a complete program that reads standard input and writes standard output."]
    parts.append(f"Limits: {problem.limits.time_s:g} s CPU and {problem.limits.memory_mb} MB "
                 "memory per test.")
    public = problem.public_tests
    if public:
        parts += ["", "## Public tests"]
        for test in public:
            parts.append(f"### {test.name}")
            if problem.kind is ProblemKind.FUNCTION:
                if test.code:
                    parts.append(f"```python\n{_clip(test.code)}\n```")
            else:
                parts.append(f"Input:\n```\n{_clip(test.input or '')}\n```")
                parts.append(f"Expected output:\n```\n{_clip(test.output or '')}\n```")
    return "\n".join(parts).strip()


def analysis_text(report: JudgeReport | None) -> str:
    """The execution analysis of one attempt on the public tests, as the models read it."""
    if report is None:
        return "Execution analysis: not run."
    lines = [f"Execution analysis on the public tests: {report.verdict} "
             f"({report.passed}/{report.total} passed)."]
    if report.compile_error is not None:
        ce = report.compile_error
        lines.append(f"Syntax error at line {ce.line}, column {ce.column}: {ce.message}")
    for t in report.tests:
        line = f"- {t.name}: {t.verdict}, {t.cpu_s * 1000:.0f} ms CPU, {t.peak_rss_mb:.0f} MB"
        if t.message:
            line += f"; {_clip(t.message, 200)}"
        lines.append(line)
        if not t.verdict.passed:
            if t.output_head:
                lines.append(f"  output: {_clip(t.output_head, 200)!r}")
            if t.expected_head:
                lines.append(f"  expected: {_clip(t.expected_head, 200)!r}")
            if t.stderr_tail:
                lines.append(f"  stderr: {_clip(t.stderr_tail, 300)}")
    s = report.static
    lines.append(f"Code: {s.loc} lines, {s.ast_nodes} AST nodes, cyclomatic complexity "
                 f"{s.cyclomatic}, cognitive complexity {s.cognitive}.")
    return "\n".join(lines)


def _attempt_text(node: Node) -> str:
    body = node.reasoning.strip()
    code = f"```python\n{node.code.strip()}\n```" if node.code.strip() else "(no code)"
    return f"{body}\n\n{code}".strip()


def _feedback_text(node: Node) -> str:
    parts = [analysis_text(node.report)]
    if node.critique.strip():
        score = f" (score {node.process_score:g}/5)" if node.process_score is not None else ""
        parts.append(f"Reviewer's critique{score}:\n{_clip(node.critique.strip(), 2000)}")
    for hint in node.hints:
        parts.append(f"Feedback from the person supervising:\n{hint.strip()}")
    return "\n\n".join(parts)


def programmer_messages(problem: Problem, branch: Sequence[Node], strategy: str) -> list[Message]:
    """Messages for a programmer call that extends `branch` (root first; empty for a root).

    Each ancestor contributes its answer (assistant) and its feedback (user: analysis,
    critique, person's hints); the last user message ends with the strategy hint.
    """
    messages = [Message("system", PROGRAMMER_SYSTEM), Message("user", problem_message(problem))]
    if not branch:
        if strategy:
            messages[-1] = Message("user", f"{messages[-1].content}\n\n## Approach for this "
                                   f"attempt\n{strategy}")
        return messages
    for node in branch:
        messages.append(Message("assistant", _attempt_text(node)))
        messages.append(Message("user", _feedback_text(node)))
    messages[-1] = Message("user", f"{messages[-1].content}\n\n## Next attempt\nImprove the "
                           "last solution using this feedback. Fix what fails first, then make "
                           f"it faster or simpler. Give the whole program again.\n{strategy}".rstrip())
    return messages


def critic_messages(problem: Problem, branch: Sequence[Node], json_output: bool) -> list[Message]:
    """Messages for the critic of `branch[-1]`, seeing the whole branch: every earlier
    attempt with its analysis and the critic's own earlier review, then the new attempt."""
    system = CRITIC_SYSTEM if json_output else f"{CRITIC_SYSTEM}\n{CRITIC_TEXT_FORMAT}"
    messages = [Message("system", system)]
    head = problem_message(problem)
    for i, node in enumerate(branch):
        attempt = (f"## Attempt {i + 1}\n{_attempt_text(node)}\n\n{analysis_text(node.report)}")
        if i == 0:
            attempt = f"{head}\n\n{attempt}"
        if i < len(branch) - 1:
            for hint in node.hints:
                attempt += f"\n\nFeedback from the person supervising:\n{hint.strip()}"
            messages.append(Message("user", attempt))
            messages.append(Message("assistant", _review_text(node)))
        else:
            messages.append(Message("user", f"{attempt}\n\nReview attempt {i + 1}."))
    return messages


def _review_text(node: Node) -> str:
    score = round(node.process_score) if node.process_score is not None else None
    return json.dumps({"critique": node.critique.strip() or "(no review)", "score": score,
                       "finished": node.critic_finished})


class LegacyLayout:
    """The old layout as a `PromptLayout`: separate system prompts per role, the branch
    re-rendered per role (so a critic call does not extend the programmer call)."""

    def programmer(self, problem: Problem, branch: Sequence[Node], strategy: str,
                   instruction: str = "") -> list[Message]:
        return programmer_messages(problem, branch, f"{instruction}\n{strategy}".strip())

    def critic(self, problem: Problem, branch: Sequence[Node], json_output: bool) -> list[Message]:
        return critic_messages(problem, branch, json_output)
