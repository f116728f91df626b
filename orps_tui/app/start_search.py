"""Builds a search from what the user picked: problem, model URI, budget; or reopens a
saved session. Heavy modules (engine, judge, model backends) are imported here, on demand,
so the first frame of the app never waits for them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orps_tui.app.launch import Budget
from orps_tui.app.search_link import LinkJudge, SearchLink
from orps_tui.config import Settings
from orps_tui.problems.model import Problem


class StartError(Exception):
    """Something the user picked cannot be used; the message says what and how to fix it."""

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} ({fix})" if fix else message)


def load_problem_ref(ref: str | Path) -> Problem:
    """A problem by path (file or folder) or by id in the starter set / user folder."""
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    try:
        return find_problem(ref)
    except ProblemError as exc:
        raise StartError(exc.summary()) from exc
    except ProblemNotFound as exc:
        raise StartError(str(exc)) from exc


def default_budget(settings: Settings) -> Budget:
    s = settings.search
    return Budget(s.samples, s.beam, s.rounds, settings.model.concurrency)


@dataclass
class HealthReport:
    ok: bool
    message: str
    fix: str = ""


async def check_model(uri: str, settings: Settings) -> HealthReport:
    """Open the model (cheap) and ask it whether it can answer."""
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.registry import open_model

    try:
        model = open_model(uri, settings.model)
    except ModelError as exc:
        return HealthReport(False, exc.message, exc.fix)
    try:
        health = await model.health()
    finally:
        await model.aclose()
    return HealthReport(health.ok, health.message, health.fix)


def build_link(problem: Problem, model_uri: str, budget: Budget, settings: Settings, *,
               model: object | None = None, judge: LinkJudge | None = None,
               save_session: bool = True) -> SearchLink:
    """A live search, not started yet. `model`/`judge` replace the real ones (tests)."""
    from orps_tui.llm.base import ModelError
    from orps_tui.search.engine import SearchConfig, SearchEngine
    from orps_tui.search.session import SessionWriter

    try:
        config = SearchConfig.from_settings(settings, samples=budget.samples, beam=budget.beam,
                                            rounds=budget.rounds,
                                            concurrency=budget.concurrency)
    except ValueError as exc:
        raise StartError(f"budget: {exc}") from exc
    if model is None:
        from orps_tui.llm.registry import open_model

        try:
            model = open_model(model_uri, settings.model)
        except ModelError as exc:
            raise StartError(exc.message, exc.fix) from exc
    if judge is None:
        from orps_tui.sandbox.judge import Judge

        judge = Judge(problem, jobs=settings.judge.jobs, warm=settings.judge.warm)
    session = SessionWriter.create(problem, model_uri, config) if save_session else None
    engine = SearchEngine(problem, model, judge=judge, config=config,  # type: ignore[arg-type]
                          session=session)
    return SearchLink(problem, model_uri, engine.tree, engine=engine, judge=judge,
                      session_path=session.directory if session else None,
                      budget=budget.as_dict())


def open_session(path: Path | str, settings: Settings, *, resume: bool = True,
                 model: object | None = None, judge: LinkJudge | None = None) -> SearchLink:
    """A saved session: finished ones open read-only for review; an unfinished one
    continues (`resume`) with its own model and budget, or opens read-only.
    `model`/`judge` replace the real ones (tests)."""
    from orps_tui.search.engine import SearchEngine
    from orps_tui.search.session import SessionError, SessionWriter, load_session

    try:
        saved = load_session(path)
    except (SessionError, OSError) as exc:
        raise StartError(str(exc)) from exc
    problem_file = saved.problem_file
    if problem_file is None or not problem_file.exists():
        raise StartError(f"{saved.directory}: the session's problem file is missing")
    problem = load_problem_ref(problem_file)
    config = saved.config
    if not saved.resumable or not resume:
        last_round = max([r for r, _ in saved.rounds]
                         + [n.round for n in saved.tree.nodes.values()], default=0)
        return SearchLink(problem, saved.model, saved.tree, read_only=True,
                          session_path=saved.directory,
                          budget={"rounds": config.rounds, "round": last_round,
                                  "max_calls": config.budget},
                          review_elapsed_s=saved.elapsed_s,
                          review_answer_id=(saved.finished or {}).get("answer_id"))
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.registry import open_model
    from orps_tui.sandbox.judge import Judge

    if model is None:
        try:
            model = open_model(saved.model, settings.model)
        except ModelError as exc:
            raise StartError(exc.message, exc.fix) from exc
    if judge is None:
        judge = Judge(problem, jobs=settings.judge.jobs, warm=settings.judge.warm)
    try:
        session = SessionWriter.append_to(saved.directory)
    except (SessionError, OSError) as exc:
        raise StartError(str(exc)) from exc
    engine = SearchEngine(problem, model, judge=judge, config=config,  # type: ignore[arg-type]
                          session=session, restore=saved)
    return SearchLink(problem, saved.model, engine.tree, engine=engine, judge=judge,
                      session_path=saved.directory, budget={"rounds": config.rounds})
