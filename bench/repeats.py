"""Does a child repeat its parent? The same parents, children asked for with the task text
from before children were told to change the code (commit 6a140dd) and with today's.

For each problem the engine writes K roots with reviews once (today's engine); then, for
each text in turn, a copy of that tree goes one round on (every root expanded with
`--children` children, no reviews: only the programs are compared) with the same seeds.
Each child is counted as a repeat of its parent's program (`parsing.same_program`: the
engine stops those without judging them), no usable code, or judged: better, the same or
worse than its parent on the public tests.

Tune on the tuning set only (LBPP tasks whose number is a multiple of 5, MBPP): the
reported problems of the main benchmark are never measured here.

    ORPS_CONFIG=bench/results/coder-bench.toml .venv/bin/python bench/repeats.py \\
        --model embedded:coder --concurrency 4 --seed 1 \\
        --out bench/results/repeats.jsonl ../benchset/lbpp/lbpp-5.toml ...
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.cli.solve import (  # noqa: E402
    close_quietly,
    find_problem_or_fail,
    make_judge,
    open_model_or_fail,
)
from orps_tui.config import load_settings  # noqa: E402
from orps_tui.llm.base import Message  # noqa: E402
from orps_tui.problems.model import Problem  # noqa: E402
from orps_tui.search import launch  # noqa: E402
from orps_tui.search.bench_derive import all_passed  # noqa: E402
from orps_tui.search.engine import SearchEngine  # noqa: E402
from orps_tui.search.prompts import (  # noqa: E402
    LAYOUT,
    SYSTEM,
    BranchConversation,
    PromptLayout,
    _clip,
    _opening,
    _task,
    analysis_text,
    problem_message,
)
from orps_tui.search.session import LoadedSession  # noqa: E402
from orps_tui.search.tree import Node, NodeFate, NodeState, SearchTree  # noqa: E402

BEFORE = BranchConversation(next_task=(
    "## Task: write the next attempt\nThe execution results and the review above are about "
    "your last attempt.\nAnswer under these five headings, in this order:\n## Approach\nWhat "
    "the last attempt did.\n## Evidence\nWhat the failing tests, the timings and the review "
    "show. Public tests are machine-made and occasionally wrong: weigh them as evidence.\n"
    "## Complexity\nThe time and memory of your approach, checked against the input limits.\n"
    "## Decision\nKeep the approach and fix it, or change it; say why. If everything passed, "
    "make it faster or simpler only where the limits call for it.\n## Code\nExactly one "
    "complete solution in a single ```python code block.\nKeep each of the first four "
    "headings to two or three sentences; never list cases one by one. Always finish with "
    "the code. Give the whole program again."))
"""The layout with the child task as it was at commit 6a140dd, frozen here."""

class _OneMessageChild(BranchConversation):
    """A child's programmer call as one user message: what `material` gives, then the task
    (a root's call is the conversation's)."""

    def programmer(self, problem: Problem, branch: Any, strategy: str,
                   instruction: str = "") -> list[Message]:
        if not branch:
            return super().programmer(problem, branch, strategy, instruction)
        task = _opening(branch[-1], instruction, _task(False, strategy, problem, self.next_task))
        text = "\n\n".join(self.material(problem, branch))
        return [Message("system", SYSTEM), Message("user", f"{text}\n\n{task}")]

    def material(self, problem: Problem, branch: Sequence[Node]) -> list[str]:
        raise NotImplementedError


class LastAttemptQuoted(_OneMessageChild):
    """Tried 2026-12-02 (sixth session): a child's programmer call is one user message: the
    problem, one line per older attempt, then the last attempt's code, how it ran and its
    review, quoted as material, then the same task. The model's own earlier answers are not
    assistant turns here, so it has no answer of its own to write out again (the saved
    searches showed children that were their parent's whole answer, reasoning included,
    word for word). Critic calls keep the conversation."""

    def material(self, problem: Problem, branch: Sequence[Node]) -> list[str]:
        *older, last = branch
        parts = [problem_message(problem)]
        if older:
            parts.append("## Earlier attempts\n" + "\n".join(
                f"- Attempt {i + 1}: {_tried(node)}" for i, node in enumerate(older)))
        parts.append(f"## Your last attempt (attempt {len(branch)})\n"
                     f"```python\n{last.code.strip()}\n```")
        parts.append(analysis_text(last.report, problem))
        if last.critique.strip():
            parts.append(f"## The review of your last attempt\n{_review(last)}")
        return parts


_UNSEEN_TASK = (
    "## Task: write the next attempt\nThe attempts above were run on the public tests: their "
    "results and reviews are shown, their code is not. Write a new program that avoids what "
    "made them fail.\nAnswer under these five headings, in this order:\n## Approach\nThe "
    "algorithm and data structures you will use, and how they differ from the attempts "
    "above.\n## Evidence\nWhat the failing tests, the timings and the reviews show. Public "
    "tests are machine-made and occasionally wrong: weigh them as evidence.\n## Complexity\n"
    "The time and memory of your approach, checked against the input limits.\n## Decision\n"
    "Why this approach avoids those failures and fits the limits.\n## Code\nExactly one "
    "complete solution in a single ```python code block.\nKeep each of the first four "
    "headings to two or three sentences; never list cases one by one. Always finish with "
    "the code.")


class CodeUnseen(_OneMessageChild):
    """Tried 2026-12-03 (ninth session): a child sees how its branch's attempts ran and what
    their reviews said, never their code, and writes a new program. Why: in the main
    benchmark's searches so far, judged children passed every hidden test at a third of
    the rate of fresh samples (5% against 14%) and half of them repeated their parent: a
    child that sees its parent's program keeps it."""

    def __init__(self) -> None:
        super().__init__(_UNSEEN_TASK)

    def material(self, problem: Problem, branch: Sequence[Node]) -> list[str]:
        parts = [problem_message(problem), "## Attempts so far"]
        for i, node in enumerate(branch):
            parts.append(f"### Attempt {i + 1}\nApproach: {_approach(node)}\n"
                         f"{analysis_text(node.report, problem)}\nReview: {_review(node)}")
        return parts


def _review(node: Node) -> str:
    score = f" Score {node.process_score:g}/5." if node.process_score is not None else ""
    return f"{_clip(node.critique.strip()) if node.critique.strip() else 'none.'}{score}"


class FreshSample(BranchConversation):
    """The control for `CodeUnseen`: a child is asked for exactly as a root is (no
    feedback), with the child's own seed and strategy: what a new sample would give."""

    def programmer(self, problem: Problem, branch: Any, strategy: str,
                   instruction: str = "") -> list[Message]:
        return super().programmer(problem, [], strategy, instruction)


def _approach(node: Node, limit: int = 300, empty: str = "(none written)") -> str:
    """The first paragraph of a node's reasoning (its Approach heading), on one line."""
    text = node.reasoning.strip().split("\n\n")[0].replace("## Approach", "").strip()
    return _clip(" ".join(text.split()), limit) or empty


def _tried(node: Node) -> str:
    result = f"{node.report.passed}/{node.report.total} public tests passed" \
        if node.report else "not run"
    return f"{_approach(node, 200, empty='')} ({result})"


TEXTS: dict[str, PromptLayout] = {"before": BEFORE, "after": LAYOUT,
                                  "quoted": LastAttemptQuoted(), "unseen": CodeUnseen(),
                                  "sample": FreshSample()}


def outcome(child: Node, parent: Node) -> str:
    if child.fate is NodeFate.REPEATED:
        return "repeat"
    if child.report is None or not child.code:
        return "no-code"
    if parent.report is None:
        return "better"
    mine, theirs = child.report.pass_rate, parent.report.pass_rate
    return "better" if mine > theirs else "same" if mine == theirs else "worse"


async def measure(path: str, args: argparse.Namespace, settings: Any) -> list[dict[str, Any]]:
    problem = find_problem_or_fail(path)
    model = open_model_or_fail(args.model, settings, args.concurrency)
    judge = make_judge(problem, settings)
    rows: list[dict[str, Any]] = []
    try:
        config = launch.search_config(settings, method="orps", samples=args.samples,
                                      beam=args.samples, rounds=0, seed=args.seed,
                                      concurrency=args.concurrency)
        roots = launch.new_search(problem, config, model=model, judge=judge, save=False)
        await roots.run()
        kept = [n.id for n in roots.tree.nodes.values() if n.state is NodeState.KEPT]
        print(f"{problem.id}: {len(kept)} root(s) to expand", file=sys.stderr)
        first, asked = len(roots.tree), len(kept) * args.children
        children = replace(config, samples=args.children, rounds=1, critic=False,
                           grade_hidden=False)
        if args.child_temperature is not None:
            children = replace(children, temperature=args.child_temperature)
        for text in args.texts.split(","):
            layout = TEXTS[text]
            tree: SearchTree = copy.deepcopy(roots.tree)
            saved = LoadedSession(directory=Path("."), header={}, tree=tree, rounds=[(0, kept)])
            engine = SearchEngine(problem, model, judge=judge, config=children, restore=saved,
                                  prompts=layout)
            await engine.run()
            label = text if args.child_temperature is None else \
                f"{text}@t{args.child_temperature:g}"
            for node in engine.tree.nodes.values():
                if node.parent_id is None:
                    continue
                parent = engine.tree[node.parent_id]
                hidden = await judge.arun(node.code, "hidden") \
                    if args.hidden and node.report is not None and node.code else None
                rows.append({
                    "problem": problem.id, "text": label, "node": node.id,
                    "parent": parent.id, "outcome": outcome(node, parent),
                    # a round of nothing but repeats is written once more by the engine
                    "retry": node.id >= first + asked,
                    "parent_public": [parent.report.passed, parent.report.total]
                    if parent.report else None,
                    "public": [node.report.passed, node.report.total] if node.report else None,
                    "hidden": [hidden.passed, hidden.total] if hidden else None,
                    "completion_tokens": sum(c.completion_tokens for c in node.calls),
                    "code": node.code,
                })
            print(f"  {text}: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(
                r["outcome"] for r in rows if r["text"] == label).items())), file=sys.stderr)
    finally:
        await close_quietly(model, judge)
    return rows


def _all(counts: list[int] | None) -> bool:
    """A row's `[passed, total]` passes every test, by the bench's one rule."""
    return counts is not None and all_passed({"passed": counts[0], "total": counts[1]}) == 1.0


def summary(rows: list[dict[str, Any]]) -> str:
    """Children asked for, by outcome, and how many pass every public (hidden, where
    graded) test; the engine's retries of all-repeat rounds apart."""
    kinds = ("repeat", "no-code", "better", "same", "worse")
    lines = [f"| text | children | {' | '.join(kinds)} | all public | all hidden | retries |",
             "|---|---|" + "---|" * (len(kinds) + 3)]
    for text in dict.fromkeys(r["text"] for r in rows):
        asked = [r for r in rows if r["text"] == text and not r["retry"]]
        mine = Counter(r["outcome"] for r in asked)
        public = sum(_all(r["public"]) for r in asked)
        graded = [r for r in asked if r.get("hidden") is not None]
        hidden = f"{sum(_all(r['hidden']) for r in graded)}/{len(graded)}" if graded else "-"
        retries = sum(1 for r in rows if r["text"] == text and r["retry"])
        lines.append(f"| {text} | {sum(mine.values())} | "
                     + " | ".join(str(mine[k]) for k in kinds)
                     + f" | {public} | {hidden} | {retries} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problems", nargs="+", help="problem files or ids (tuning set only)")
    parser.add_argument("--model", default="embedded:coder")
    parser.add_argument("--samples", type=int, default=2, help="roots per problem")
    parser.add_argument("--children", type=int, default=2, help="children per root and text")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="append rows to this JSONL")
    parser.add_argument("--child-temperature", type=float, default=None,
                        help="the children's sampling temperature (default: the settings')")
    parser.add_argument("--hidden", action="store_true",
                        help="grade every judged child on the hidden tests too")
    parser.add_argument("--texts", default="before,after",
                        help=f"comma-separated, of: {', '.join(TEXTS)}")
    args = parser.parse_args()
    settings = load_settings()
    rows: list[dict[str, Any]] = []
    if args.out is not None and args.out.exists():
        rows = [json.loads(line) for line in args.out.read_text().splitlines() if line.strip()]
    done = {r["problem"] for r in rows}
    for path in args.problems:
        if Path(path).stem in done:
            continue
        new = asyncio.run(measure(path, args, settings))
        rows += new
        if args.out is not None:
            with open(args.out, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(r) + "\n" for r in new)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
