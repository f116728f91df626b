"""Programmer and critic prompts, in this project's own words (docs/search.md, "Prompts").

One conversation per branch, shared by both roles, so that every call extends a call the
model server has just served and its prompt cache can skip what it has already read:

    system   SYSTEM (the same for both roles)
    user     the problem + the programmer's task for the root (with its strategy)
    assistant  the root's answer, as the model wrote it
    user     the root's execution analysis + the reviewer's task
    assistant  the root's review, as the model wrote it
    user     the person's hints, if any + the programmer's task for the child
    ...

A critic prompt is its node's programmer prompt + the answer + the analysis + the review
task; a child's programmer prompt is its parent's critic prompt + the review + the next
task. Siblings differ only in their last message (the strategy hint). Attempts older than
the last `FULL_ATTEMPTS` are shortened (their reasoning's first lines, no code, their
tasks' headings only) so prompts grow slowly as branches deepen; that changes the prefix
only once a branch is deeper than that.

Only public material goes in: the statement, the signature or I/O format, the public tests
(a performance test's input is never shown, only how the code ran on it), and the branch's
own answers, execution analyses and reviews. `Problem.reference` and hidden tests are never
read here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from orps_tui.llm.base import Message
from orps_tui.problems.model import Problem, ProblemKind
from orps_tui.sandbox.report import JudgeReport, TestResult
from orps_tui.search.parsing import strip_thinking
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

FULL_ATTEMPTS = 3
"""Ancestors shown in full; older ones are shortened (first lines of reasoning, no code)."""


class Role(StrEnum):
    PROGRAMMER = "programmer"
    CRITIC = "critic"


SYSTEM = (
    "You are an expert competitive programmer who writes Python 3. In this conversation you "
    "take two roles in turn: you write solutions to the problem, and you review a solution "
    "after it has been run on the public tests. Each user message ends with the task for "
    "your next answer."
)

_WRITE_HEADING = "## Task: write a solution"
_NEXT_HEADING = "## Task: write the next attempt"
REVIEW_HEADING = "## Task: review this attempt"

_REASONING = (
    "Answer under these five headings, in this order:\n"
    "## Approach\n{approach}\n"
    "## Evidence\n{evidence}\n"
    "## Complexity\nThe time and memory of your approach, checked against the input limits.\n"
    "## Decision\n{decision}\n"
    "## Code\nExactly one complete solution in a single ```python code block.\n"
    "Keep each of the first four headings to two or three sentences; never list cases one "
    "by one. Always finish with the code."
)

_FIRST_TASK = _WRITE_HEADING + "\n" + _REASONING.format(
    approach="The algorithm and data structures you will use.",
    evidence="What the examples and the limits tell you.",
    decision="Why this approach fits the limits.",
)

_NEXT_TASK = _NEXT_HEADING + "\n" + (
    "The execution results and the review above are about your last attempt. Your next "
    "attempt must change its code: the same program would get the same results.\n"
) + _REASONING.format(
    approach="What you change in the last attempt, or the approach that replaces it.",
    evidence="What the failing tests, the timings and the review show. Public tests are "
             "machine-made and occasionally wrong: weigh them as evidence.",
    decision="Fix the approach or replace it; say why. If everything passed, make it "
             "faster or simpler where the limits call for it.",
) + " Write the whole changed program, never the last one unchanged."

_RUBRIC = (
    "Score from 1 to 5:\n"
    "1 = wrong approach, or the code does not run.\n"
    "2 = a workable idea, but most tests fail.\n"
    "3 = some tests or edge cases fail.\n"
    "4 = correct on the tests, but too slow or memory-hungry for the largest inputs the "
    "limits allow, or a likely bug the tests miss.\n"
    "5 = correct, and efficient enough for the limits."
)

_REVIEW_TASK = REVIEW_HEADING + "\n" + (
    "Write the review first, then the score. Check the approach against the statement, "
    "explain each failing test, and estimate the time complexity against the input limits "
    "(when everything passes, efficiency is what is left to judge). Public tests are "
    "machine-made and occasionally wrong: weigh them as evidence.\n"
) + _RUBRIC

_JSON_FORMAT = (
    'Answer as JSON: {"critique": "...", "score": N}. Add "finished": true only when every '
    "test passes and you would submit this code unchanged."
)

_TEXT_FORMAT = (
    "Write the review, then a line `Score: N/5`; add a line `Finished: yes` only when every "
    "test passes and you would submit this code unchanged."
)

_MAX_FIELD = 600
_MAX_ANSWER = 6000
_SHORT_REASONING = 400


class PromptLayout(Protocol):
    """How a search renders its prompts (the engine takes any; `bench/` compares layouts)."""

    def programmer(self, problem: Problem, branch: Sequence[Node], strategy: str,
                   instruction: str = "") -> list[Message]:
        """The programmer call for a new child of `branch[-1]` (a root when empty);
        `instruction`: a person's extra text for this child alone (ExpandNow)."""
        ...

    def critic(self, problem: Problem, branch: Sequence[Node], json_output: bool) -> list[Message]:
        """The critic call reviewing `branch[-1]`."""
        ...


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
                  "Write a complete program that reads standard input and writes standard "
                  "output. Print only what the problem asks for."]
    parts.append(f"Limits: {problem.limits.time_s:g} s CPU and {problem.limits.memory_mb} MB "
                 "memory per test.")
    shown = [t for t in problem.public_tests if not t.performance]
    perf = list(problem.performance_tests)
    if shown:
        parts += ["", "## Public tests"]
        for test in shown:
            parts.append(f"### {test.name}")
            if problem.kind is ProblemKind.FUNCTION:
                if test.code:
                    parts.append(f"```python\n{_clip(test.code)}\n```")
            else:
                parts.append(f"Input:\n```\n{_clip(test.input or '')}\n```")
                parts.append(f"Expected output:\n```\n{_clip(test.output or '')}\n```")
    if perf:
        names = ", ".join(t.name for t in perf)
        parts += ["", f"Your code is also run on a maximum-size input ({names}, not shown) "
                  "for time and memory only: its output is not checked."]
    return "\n".join(parts).strip()


def _test_line(t: TestResult, problem: Problem | None) -> str:
    if t.performance:
        line = f"- {t.name} (maximum-size input, output not checked): {t.verdict}, " \
               f"{t.cpu_s * 1000:.0f} ms CPU"
        if problem is not None:
            line += f" of the {problem.limits.time_s * 1000:.0f} ms limit " \
                    f"({t.cpu_s / problem.limits.time_s:.0%})"
        return line + f", {t.peak_rss_mb:.0f} MB"
    return f"- {t.name}: {t.verdict}, {t.cpu_s * 1000:.0f} ms CPU, {t.peak_rss_mb:.0f} MB"


def analysis_text(report: JudgeReport | None, problem: Problem | None = None) -> str:
    """The execution analysis of one attempt on the public tests, as the models read it."""
    if report is None:
        return "Execution analysis: not run."
    lines = [f"Execution analysis on the public tests: {report.verdict} "
             f"({report.passed}/{report.total} passed)."]
    if report.compile_error is not None:
        ce = report.compile_error
        lines.append(f"Syntax error at line {ce.line}, column {ce.column}: {ce.message}")
    for t in report.tests:
        line = _test_line(t, problem)
        if t.message:
            line += f"; {_clip(t.message, 200)}"
        lines.append(line)
        if not t.verdict.passed:
            if t.output_head and not t.performance:
                lines.append(f"  output: {_clip(t.output_head, 200)!r}")
            if t.expected_head:
                lines.append(f"  expected: {_clip(t.expected_head, 200)!r}")
            if t.stderr_tail:
                lines.append(f"  stderr: {_clip(t.stderr_tail, 300)}")
    s = report.static
    lines.append(f"Code: {s.loc} lines, {s.ast_nodes} AST nodes, cyclomatic complexity "
                 f"{s.cyclomatic}, cognitive complexity {s.cognitive}.")
    return "\n".join(lines)


def answer_text(node: Node, full: bool = True) -> str:
    """A node's answer as the assistant turn of the conversation: the model's own text
    (so the server's cache of what it generated still matches), or a person's code."""
    raw = strip_thinking(node.raw_output) if node.raw_output.strip() else ""
    code_block = f"```python\n{node.code.strip()}\n```" if node.code.strip() else "(no code)"
    if not full:
        first = _clip(node.reasoning.strip() or "(no reasoning)", _SHORT_REASONING)
        return f"{first}\n(The code of this older attempt is left out.)"
    if raw and "```" in raw:
        return _clip(raw, _MAX_ANSWER)
    body = node.reasoning.strip()
    return f"{body}\n\n{code_block}".strip()


def review_text(node: Node, full: bool = True) -> str:
    """A node's review as the assistant turn: the critic's own text when it wrote one."""
    raw = node.critic_raw.strip()
    if raw:
        return _clip(raw, _MAX_ANSWER if full else _SHORT_REASONING)
    if node.critique.strip():
        return _clip(node.critique.strip(), _MAX_ANSWER if full else _SHORT_REASONING)
    return "(no review)"


def _task(first: bool, strategy: str, problem: Problem, next_task: str = _NEXT_TASK) -> str:
    task = _FIRST_TASK if first else next_task
    if problem.kind is ProblemKind.FUNCTION and problem.function is not None:
        task += f" Define `{problem.function.name}` exactly as in the signature."
    if strategy:
        task += f"\nSuggested direction for this attempt: {strategy}"
    return task


def _hints(node: Node) -> str:
    return "\n\n".join(f"Feedback from the person supervising:\n{h.strip()}" for h in node.hints)


def _opening(parent: Node, instruction: str, task: str) -> str:
    """A child's first message: its parent's hints and its own instruction, if any, then
    its task (exactly the task alone when there are neither, so layouts stay as measured)."""
    notes = [part for part in (_hints(parent), _instruction(instruction)) if part]
    return "\n\n".join([*notes, task])


def _instruction(text: str) -> str:
    return f"Instruction from the person supervising, for this attempt:\n{text.strip()}" \
        if text.strip() else ""


def _review_task(json_output: bool) -> str:
    return f"{_REVIEW_TASK}\n{_JSON_FORMAT if json_output else _TEXT_FORMAT}"


class BranchConversation:
    """The layout described in the module docstring. `next_task`: the text that asks for a
    child (`bench/repeats.py` passes the one from before children were told to change
    the code)."""

    def __init__(self, next_task: str = _NEXT_TASK) -> None:
        self.next_task = next_task

    def programmer(self, problem: Problem, branch: Sequence[Node], strategy: str,
                   instruction: str = "") -> list[Message]:
        messages = self._history(problem, branch, json_output=True, open_review=False)
        if not branch:
            head = problem_message(problem)
            messages.append(Message("user", f"{head}\n\n{_task(True, strategy, problem)}"))
            return messages
        task = _task(False, strategy, problem, self.next_task)
        messages.append(Message("user", _opening(branch[-1], instruction, task)))
        return messages

    def critic(self, problem: Problem, branch: Sequence[Node], json_output: bool) -> list[Message]:
        return self._history(problem, branch, json_output=json_output, open_review=True)

    def _history(self, problem: Problem, branch: Sequence[Node], *, json_output: bool,
                 open_review: bool) -> list[Message]:
        """System, then each node's four turns, root first. With `open_review`, the last
        node ends on its review task (the critic call); otherwise every node is closed by
        its review (the history a child's programmer call extends)."""
        messages = [Message("system", SYSTEM)]
        shorten_before = len(branch) - FULL_ATTEMPTS
        for i, node in enumerate(branch):
            full = i >= shorten_before
            # an older attempt keeps only the headings of its tasks
            task = _task(i == 0, node.strategy, problem, self.next_task) if full else \
                (_WRITE_HEADING if i == 0 else _NEXT_HEADING)
            review = _review_task(json_output) if full else REVIEW_HEADING
            if i == 0:
                opening = f"{problem_message(problem)}\n\n{task}"
            else:
                opening = _opening(branch[i - 1], node.instruction if full else "", task)
            messages.append(Message("user", opening))
            messages.append(Message("assistant", answer_text(node, full)))
            messages.append(Message("user", f"{analysis_text(node.report, problem)}\n\n"
                                            f"{review}"))
            if open_review and i == len(branch) - 1:
                break
            messages.append(Message("assistant", review_text(node, full)))
        return messages


LAYOUT: PromptLayout = BranchConversation()


def programmer_messages(problem: Problem, branch: Sequence[Node], strategy: str,
                        instruction: str = "") -> list[Message]:
    """Messages for a programmer call that extends `branch` (root first; empty for a root)."""
    return LAYOUT.programmer(problem, branch, strategy, instruction)


def critic_messages(problem: Problem, branch: Sequence[Node], json_output: bool) -> list[Message]:
    """Messages for the critic of `branch[-1]`, seeing the whole branch."""
    return LAYOUT.critic(problem, branch, json_output)


_LAST_TASK = re.compile(r"^## Task: (\w+)", re.MULTILINE)


def role_of(messages: Sequence[Message]) -> Role:
    """Which role a prompt asks for: the task heading of its last message."""
    if not messages:
        return Role.PROGRAMMER
    tasks = _LAST_TASK.findall(messages[-1].content)
    return Role.CRITIC if tasks and tasks[-1] == "review" else Role.PROGRAMMER
