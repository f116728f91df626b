"""Builds a search from what the user picked: problem, model URI, budget; or reopens a
saved session. Heavy modules (engine, judge, model backends) are imported here, on demand,
so the first frame of the app never waits for them. Building and resuming is
`search/launch.py`'s, shared with `orps solve` and the bench."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from orps_tui.app.launch import Budget
from orps_tui.app.search_link import LinkJudge, SearchLink
from orps_tui.config import Settings
from orps_tui.problems.model import Problem
from orps_tui.search.launch import LaunchError
from orps_tui.search.search_config import SearchMethod

StartError = LaunchError
"""Something the user picked cannot be used; the message says what, `fix` how to fix it."""

if TYPE_CHECKING:
    from orps_tui.llm.base import ChatModel


def load_problem_ref(ref: str | Path) -> Problem:
    """A problem by path (file or folder) or by id in the starter set / user folder."""
    from orps_tui.search.launch import load_problem

    return load_problem(ref)


def default_budget(settings: Settings) -> Budget:
    s = settings.search
    return Budget(s.samples, s.beam, s.rounds, settings.model.concurrency,
                  SearchMethod(s.method))


def build_link(problem: Problem, model_uri: str, budget: Budget, settings: Settings, *,
               model: ChatModel | None = None, judge: LinkJudge | None = None,
               save_session: bool = True) -> SearchLink:
    """A live search, not started yet. `model`/`judge` replace the real ones (tests)."""
    from orps_tui.search import launch

    config = launch.search_config(settings, method=budget.method, samples=budget.samples,
                                  beam=budget.beam, rounds=budget.rounds,
                                  concurrency=budget.concurrency)
    if model is None:
        model = launch.open_model(model_uri, settings.model, concurrency=config.concurrency)
    if judge is None:
        judge = launch.open_judge(problem, settings)
    try:
        engine = launch.new_search(problem, config, model=model, judge=judge,
                                   model_uri=model_uri, save=save_session)
    except OSError as exc:
        raise StartError(f"cannot write the session: {exc}") from None
    return SearchLink(problem, model_uri, engine.tree, engine=engine, judge=judge,
                      session_path=engine.session.directory if engine.session else None,
                      budget=budget.as_dict())


def open_session(path: Path | str, settings: Settings, *, resume: bool = True,
                 model: ChatModel | None = None, judge: LinkJudge | None = None) -> SearchLink:
    """A saved session: an unfinished one continues with its own model and budget; a
    finished one opens for review as a finished search that steering keys continue (the
    resume rule is `search/launch.py`'s). `resume=False`: read-only, whatever it is.
    `model`/`judge` replace the real ones (tests)."""
    from orps_tui.search import launch

    saved, problem = launch.load_resumable(path)
    config = saved.config
    if not resume:
        last_round = max([r for r, _ in saved.rounds]
                         + [n.round for n in saved.tree.nodes.values()], default=0)
        return SearchLink(problem, saved.model, saved.tree, read_only=True,
                          session_path=saved.directory,
                          budget={"rounds": config.rounds, "round": last_round,
                                  "max_calls": config.budget},
                          method=config.method,
                          review_elapsed_s=saved.elapsed_s,
                          review_answer_id=(saved.finished or {}).get("answer_id"))
    if model is None:
        try:
            model = launch.open_model(saved.model, settings.model,
                                      concurrency=config.concurrency)
        except launch.LaunchError as exc:
            if not saved.resumable:  # reviewing needs no model; continuing would
                link = open_session(path, settings, resume=False)
                link.read_only_reason = f"read-only session: its model cannot be opened " \
                    f"({exc.message})"
                return link
            raise
    if judge is None:
        judge = launch.open_judge(problem, settings)
    try:
        engine = launch.resume_search(saved, problem, model=model, judge=judge, config=config,
                                      hold_final=True)
    except OSError as exc:
        raise StartError(f"cannot write the session: {exc}") from None
    return SearchLink(problem, saved.model, engine.tree, engine=engine, judge=judge,
                      session_path=saved.directory, budget={"rounds": config.rounds})
