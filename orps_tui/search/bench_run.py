"""Running the benchmark: for each problem and seed, each run (ORPS, steered ORPS, the
sampling pool, reflexion) is one engine search with the same fixed call budget; then the bench grades
every node with code on the hidden tests (judge only, no model call) and emits a record.

Nothing raised inside one (problem, run, seed) escapes: it becomes an error record and the
benchmark goes on. The bench's hidden grades stay in the records, never in engine nodes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orps_tui.llm.base import ChatModel
from orps_tui.problems.model import Problem
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.baselines import Run, config_for
from orps_tui.search.bench import Key, RunInfo, error_record, pool_record, search_record
from orps_tui.search.engine import JudgeLike, SearchConfig, StopReason
from orps_tui.search.launch import new_search, resume_search, saved_run
from orps_tui.search.session import (
    LoadedSession,
    fork_session,
    in_use,
    load_session,
    read_sessions,
)
from orps_tui.search.steering_policy import SteeringPolicy, first_actions, sent_before
from orps_tui.search.tree import SearchTree

Emit = Callable[[dict[str, Any]], None]
Close = Callable[[Any], Awaitable[None]]


@dataclass(frozen=True)
class BenchPlan:
    runs: list[Run]
    seeds: list[int]
    base: SearchConfig
    """K/B/R and the model options; its seed is replaced by each of `seeds`."""
    info: RunInfo
    """`info.calls` is the fixed LLM-call budget of every run."""
    sessions: Path | None = None
    """Save each search as a session under `sessions/RUN/seedS/`, to open in the app."""

    def config(self, run: Run, seed: int) -> SearchConfig:
        # The pool's samples are graded by the bench (all of them), not by the engine.
        return config_for(run, self.base, self.info.calls).with_overrides(
            seed=seed, grade_hidden=run is not Run.POOL)

    def keys(self, problem_id: str) -> list[Key]:
        return [(problem_id, str(run), seed) for seed in self.seeds for run in self.runs]


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


async def bench_problem(problem: Problem, model: ChatModel, plan: BenchPlan,
                        make_judge: Callable[[Problem], JudgeLike], done: set[Key],
                        emit: Emit, close_judge: Close | None = None) -> int:
    """Run every (run, seed) of `plan` on `problem` whose key is not in `done`, emitting one
    record each as soon as it is known; `close_judge` is awaited on the judge at the end.
    Returns how many records were emitted."""
    pending = [k for k in plan.keys(problem.id) if k not in done]
    if not pending:
        return 0
    started = time.monotonic()
    try:
        judge = make_judge(problem)
    except Exception as exc:
        for _, run, seed in pending:
            emit(error_record(problem.id, run, seed, plan.info,
                              f"no judge for this problem: {describe(exc)}",
                              time.monotonic() - started))
        return len(pending)
    try:
        reference = await _grade(judge, problem.reference) if problem.reference else None
        graded: dict[str, JudgeReport] = {}
        for _, run, seed in pending:
            started = time.monotonic()
            try:
                record = await run_one(problem, model, judge, plan, Run(run), seed, reference,
                                       graded)
            except Exception as exc:
                record = error_record(problem.id, run, seed, plan.info, describe(exc),
                                      time.monotonic() - started)
            emit(record)
    finally:
        if close_judge is not None:
            await close_judge(judge)
    return len(pending)


async def run_one(problem: Problem, model: ChatModel, judge: JudgeLike, plan: BenchPlan,
                  run: Run, seed: int, reference: JudgeReport | None,
                  graded: dict[str, JudgeReport]) -> dict[str, Any]:
    """One engine search and its record. `graded` caches hidden grades by code (the same
    program found twice is judged once)."""
    config = plan.config(run, seed)
    root = plan.sessions / str(run) / f"seed{seed}" if plan.sessions is not None else None
    # a run cut short (killed, the machine gone) goes on from its session, and one whose
    # record was lost is concluded again from it; a steered run forks from the plain one
    # (`steered_start`), or starts again, as its policy's actions are not in the session
    forked: dict[str, Any] | None = None
    if run is Run.ORPS_STEERED:
        saved, forked = steered_start(plan, problem.id, seed, root)
    else:
        saved = saved_run(root, problem.id, config) if root is not None else None
    if saved is not None:  # a finished one opens as it ended, and nothing is written to it
        engine = resume_search(saved, problem, model=model, judge=judge, config=config,
                               hold_final=True)
    else:
        engine = new_search(problem, config, model=model, judge=judge,
                            save=root is not None, sessions_root=root)
    policy = None
    if run is Run.ORPS_STEERED:  # resumed: what it sent before is in the session's marks
        policy = SteeringPolicy(engine, actions=sent_before(saved.tree) if saved else [])
        policy.attach()
    result = engine.concluded or await engine.run()
    if policy is not None and policy.failure is not None:
        return error_record(problem.id, run, seed, plan.info,
                            f"the steering policy failed: {policy.failure}",
                            result.stats.elapsed_s)
    if result.reason is StopReason.ERROR:
        return error_record(problem.id, run, seed, plan.info,
                            result.message or "the model failed", result.stats.elapsed_s)
    if result.answer is not None and result.hidden is not None:
        graded.setdefault(result.answer.code, result.hidden)
    grades = await grade_nodes(judge, engine.tree, graded)
    if run is Run.POOL:
        record = pool_record(problem.id, seed, plan.info, result, engine.tree, grades, reference)
    else:
        record = search_record(problem.id, str(run), seed, plan.info, result, engine.tree,
                               grades, reference)
    if forked is not None:
        record["forked_from"] = forked
    if policy is not None:
        record["policy"] = policy.name
        record["steering"] = [a.to_dict() for a in policy.actions]
        record["diagnostics"]["steering"] = policy.counts()
    if engine.session_directory is not None:
        record["session"] = str(engine.session_directory)
    elif saved is not None:
        record["session"] = str(saved.directory)
    return record


def steered_start(plan: BenchPlan, problem_id: str, seed: int,
                  root: Path | None) -> tuple[LoadedSession | None, dict[str, Any] | None]:
    """Where a steered run starts: from the plain ORPS search of the same plan, problem and
    seed, finished and saved under `plan.sessions`, so both share every call up to the
    policy's first command and differ by the steering alone. The policy never acting on it
    (`first_actions`): that search is the steered one too, concluded again (no model call).
    It acting in round r: a fork of it as round r settled (`fork_session`, under `root`),
    resumed with the policy attached; a fork cut short (the machine gone) goes on, and a
    finished one whose record was lost is concluded again. No such search (or one cut
    short): the steered run's own session goes on (a fork, or one started from scratch);
    none either, or nowhere to save: (None, None), and it starts from scratch. The second
    item is the record's `forked_from`."""
    if plan.sessions is None or root is None:
        return None, None
    plain = saved_run(plan.sessions / str(Run.ORPS) / f"seed{seed}", problem_id,
                      plan.config(Run.ORPS, seed))
    if plain is None or plain.resumable:  # gone with another machine, or never finished
        own = saved_run(root, problem_id, plan.config(Run.ORPS_STEERED, seed))
        if own is None:
            return None, None
        source = own.header.get("forked_from")
        return own, ({"session": str(source), "round": own.header.get("fork_round")}
                     if source else None)
    actions = first_actions(plain.tree)
    forked = {"session": str(plain.directory), "round": actions[0].round if actions else None}
    if not actions:
        return plain, forked
    earlier = next((s for s in read_sessions(root)
                    if s.header.get("forked_from") == str(plain.directory)
                    and not in_use(s.directory)), None)
    if earlier is not None:
        return earlier, forked
    root.mkdir(parents=True, exist_ok=True)
    return load_session(fork_session(plain.directory, actions[0].round, root)), forked


async def grade_nodes(judge: JudgeLike, tree: SearchTree,
                      graded: dict[str, JudgeReport]) -> dict[int, JudgeReport]:
    """Every node with code, graded on the hidden tests (by node id)."""
    grades: dict[int, JudgeReport] = {}
    for node in sorted(tree.nodes.values(), key=lambda n: n.id):
        if not node.code:
            continue
        if node.code not in graded:
            report = await _grade(judge, node.code)
            if report is None:
                continue
            graded[node.code] = report
        grades[node.id] = graded[node.code]
    return grades


async def _grade(judge: JudgeLike, code: str) -> JudgeReport | None:
    try:
        return await judge.arun(code, "hidden")
    except Exception:  # the judge promises not to raise; a node it cannot grade is left out
        return None


async def run_bench(problems: Iterable[Problem], model: ChatModel, plan: BenchPlan,
                    make_judge: Callable[[Problem], JudgeLike], done: set[Key],
                    emit: Emit, skipped: Callable[[Problem], None] | None = None,
                    close_judge: Close | None = None) -> int:
    """Every problem in turn (problems without hidden tests are skipped: nothing to grade)."""
    total = 0
    for problem in problems:
        if not problem.hidden_tests:
            if skipped is not None:
                skipped(problem)
            continue
        total += await bench_problem(problem, model, plan, make_judge, done, emit, close_judge)
    return total
