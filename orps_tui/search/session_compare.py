"""Two (or more) saved sessions of a problem side by side: the answer and its grades, calls,
tokens, stop reason and the tree's shape. The figures are those `orps bench` records for a
search (`bench.counts`), laid out by the bench report's `grid`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from orps_tui.search.bench import counts
from orps_tui.search.bench_report import grid
from orps_tui.search.search_config import SearchStats
from orps_tui.search.session import LoadedSession, report_from_dict


@dataclass(frozen=True)
class SessionFacts:
    name: str
    """The session folder's name."""
    problem_id: str
    model: str
    budget: str
    """`K3 B2 R3`."""
    reason: str
    """Why it stopped (`-`: it never finished)."""
    answer_id: int | None
    public: dict[str, Any] | None
    hidden: dict[str, Any] | None
    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    wall_s: float
    nodes: int
    nodes_per_round: tuple[int, ...]
    depth: int
    """The deepest node's depth (a root is 0)."""
    answer_depth: int | None


def tree_stats(session: LoadedSession) -> SearchStats:
    """Calls and tokens over every call recorded on the tree's nodes (failed and cancelled
    calls count), the same sums the engine makes when it resumes a session."""
    stats = SearchStats()
    for node in session.tree.nodes.values():
        for call in node.calls:
            stats.llm_calls += 1
            stats.add_call(call)
    return stats


def session_facts(session: LoadedSession) -> SessionFacts:
    tree = session.tree
    finished = session.finished or {}
    answer_id = finished.get("answer_id")
    answer = tree.nodes.get(answer_id) if isinstance(answer_id, int) else None
    hidden = report_from_dict(finished.get("hidden")) if finished.get("hidden") else None
    stats = tree_stats(session)
    by_round = Counter(n.round for n in tree.nodes.values())
    config = session.config
    return SessionFacts(
        session.directory.name, session.problem_id, session.model,
        config.brief,
        str(finished.get("reason") or "-"), answer.id if answer is not None else None,
        counts(answer.report) if answer is not None else None, counts(hidden),
        stats.llm_calls, stats.prompt_tokens, stats.completion_tokens, session.elapsed_s,
        len(tree), tuple(by_round[r] for r in range(max(by_round, default=-1) + 1)),
        max((n.depth for n in tree.nodes.values()), default=0),
        answer.depth if answer is not None else None,
    )


def _grade(count: dict[str, Any] | None) -> str:
    return "-" if count is None else f"{count['verdict']} {count['passed']}/{count['total']}"


def compare_table(facts: Sequence[SessionFacts], width: int = 80) -> str:
    """One row per fact, one column per session (`1`, `2`, … named, with the model, under
    the table)."""
    header = ["", *(str(i) for i in range(1, len(facts) + 1))]
    legend = "\n".join(f"{i}: {f.name} · {f.model}" for i, f in enumerate(facts, 1))
    return grid(header, fact_rows(facts), width) + "\n\n" + legend


def fact_rows(facts: Sequence[SessionFacts]) -> list[list[str]]:
    """Each fact's name, then its value in each session."""
    return [
        ["budget", *(f.budget for f in facts)],
        ["stop reason", *(f.reason for f in facts)],
        ["answer", *("-" if f.answer_id is None else f"#{f.answer_id}" for f in facts)],
        ["public tests", *(_grade(f.public) for f in facts)],
        ["hidden tests", *(_grade(f.hidden) for f in facts)],
        ["LLM calls", *(str(f.llm_calls) for f in facts)],
        ["prompt tokens", *(f"{f.prompt_tokens:,}" for f in facts)],
        ["completion tokens", *(f"{f.completion_tokens:,}" for f in facts)],
        ["wall s", *(f"{f.wall_s:.1f}" for f in facts)],
        ["nodes", *(str(f.nodes) for f in facts)],
        ["nodes per round", *("/".join(map(str, f.nodes_per_round)) or "-" for f in facts)],
        ["depth", *(str(f.depth) for f in facts)],
        ["answer depth", *("-" if f.answer_depth is None else str(f.answer_depth)
                           for f in facts)],
    ]


def problem_mismatch(facts: Sequence[SessionFacts]) -> str | None:
    """One line when the sessions are not all of the same problem."""
    problems = sorted({f.problem_id for f in facts})
    if len(problems) > 1:
        return f"these sessions are of different problems ({', '.join(problems)})"
    return None
