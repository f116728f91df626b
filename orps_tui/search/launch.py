"""Starting a search: the one place that builds a `SearchEngine`, new or resumed, for every
front end (the app's `start_search`, `orps solve`, the bench, practice mode's coach).

The rules written once here: a problem reference is a path or an id (`load_problem`); a
saved session goes on only when `LoadedSession.resumable` says so (it ended cancelled or
in an error, or never ended: `session.RESUMABLE_REASONS`). A final one is never re-run:
the app opens it as a finished search (its keys continue it), and resuming it (`orps solve
--resume`) only reports its answer again, with no model call. A resumed search keeps its
saved config unless the caller overrides parts of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orps_tui.config import ModelSettings, Settings
from orps_tui.llm.base import ChatModel, Health, HealthState, ModelError
from orps_tui.problems.model import Problem

if TYPE_CHECKING:  # imported on demand, so the app can import LaunchError at start-up
    from orps_tui.search.engine import JudgeLike, SearchConfig, SearchEngine
    from orps_tui.search.search_config import SearchMethod
    from orps_tui.search.session import LoadedSession
    from orps_tui.search.tree import SearchTree


class LaunchError(Exception):
    """A search cannot be started; `message` says why, `fix` (may be empty) what to do."""

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} ({fix})" if fix else message)


def load_problem(ref: str | Path) -> Problem:
    """A problem by path (file or folder) or by id in the starter set / user folder."""
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    try:
        return find_problem(ref)
    except ProblemError as exc:
        raise LaunchError(exc.summary()) from None
    except ProblemNotFound as exc:
        raise LaunchError(str(exc)) from None


def open_model(uri: str, settings: ModelSettings, *,
               concurrency: int | None = None) -> ChatModel:
    """The model behind `uri`. `concurrency`, a search's calls in flight, sizes the model's
    own limit to match (its client's semaphore; the embedded server's slots): without it a
    search asking for 4 got the setting's 2, the other calls waiting their turn."""
    from orps_tui.llm.registry import open_model as open_registered

    if concurrency is not None:
        settings = replace(settings, concurrency=concurrency)
    try:
        return open_registered(uri, settings)
    except ModelError as exc:
        raise LaunchError(exc.message, exc.fix) from None


async def model_answers(uri: str, settings: ModelSettings) -> Health:
    """Whether the model behind `uri` can answer, asked of one opened for the purpose
    (cheap) and closed again: what a front end checks before a new search writes its
    session. A URI that cannot be opened is an ERROR health that says why."""
    from orps_tui.llm.registry import open_model as open_registered

    try:
        model = open_registered(uri, settings)
    except ModelError as exc:
        return Health(HealthState.ERROR, exc.message, exc.fix)
    try:
        return await model.health()
    finally:
        await model.aclose()


def open_judge(problem: Problem, settings: Settings) -> Any:
    """The real judge (`orps_tui.sandbox.judge.Judge`) with the configured jobs and warmth."""
    from orps_tui.sandbox.judge import Judge

    return Judge(problem, jobs=settings.judge.jobs, warm=settings.judge.warm)


def search_config(settings: Settings, *, method: SearchMethod | str | None = None,
                  **overrides: Any) -> SearchConfig:
    """The settings' search config with `overrides` (None keeps the setting), run by
    `method` (None: the setting `search.method`; see `SearchConfig.with_method`)."""
    from orps_tui.search.search_config import SearchConfig, SearchMethod

    try:
        config = SearchConfig.from_settings(settings, **overrides)
        return config.with_method(SearchMethod(method or settings.search.method))
    except ValueError as exc:
        raise LaunchError(f"budget: {exc}") from None


def new_search(problem: Problem, config: SearchConfig, *, model: ChatModel, judge: JudgeLike,
               model_uri: str | None = None, save: bool = True,
               sessions_root: Path | None = None) -> SearchEngine:
    """A new search, not started yet, written to a new session (under `sessions_root`,
    default the sessions dir; it records `model_uri`, default the model's) unless `save`
    is False. An OSError writing the session is left to the front end (the CLI explains
    the data dir)."""
    from orps_tui.search.engine import SearchEngine
    from orps_tui.search.session import SessionWriter

    try:
        config.validate()
    except ValueError as exc:
        raise LaunchError(f"budget: {exc}") from None
    session = SessionWriter.create(problem, model_uri or model.uri, config,
                                   root=sessions_root) if save else None
    return SearchEngine(problem, model, judge=judge, config=config, session=session)


def load_resumable(path: Path | str) -> tuple[LoadedSession, Problem]:
    """A saved session and its problem (the session's own copy when it has one)."""
    from orps_tui.search.session import SessionError, load_session

    try:
        saved = load_session(path)
    except (SessionError, OSError) as exc:
        raise LaunchError(str(exc)) from None
    problem_file = saved.problem_file
    if problem_file is None or not problem_file.exists():
        raise LaunchError(f"{saved.directory}: the session's problem file is missing")
    return saved, load_problem(problem_file)


def resume_config(saved: LoadedSession,
                  overrides: Mapping[str, Any] | None = None) -> SearchConfig:
    """The saved search's config, with `overrides` (None values keep the saved ones)."""
    try:
        return saved.config.with_overrides(**dict(overrides or {}))
    except (TypeError, ValueError) as exc:
        raise LaunchError(f"{saved.directory}: bad config in the session: {exc}") from None


def resume_search(saved: LoadedSession, problem: Problem, *, model: ChatModel,
                  judge: JudgeLike, config: SearchConfig | None = None,
                  hold_final: bool = False) -> SearchEngine:
    """The saved search, appended to its own session: continued where it stopped when
    it is resumable; a final one only concludes again (same answer, no model call).
    `hold_final`: a final one is opened without a writer, as a finished search that
    writes to its session again only when a person continues it (the app)."""
    from orps_tui.search.engine import SearchEngine
    from orps_tui.search.session import SessionError, SessionWriter

    session = None
    try:
        if saved.resumable or not hold_final:
            session = SessionWriter.append_to(saved.directory)
    except SessionError as exc:  # another process writes it
        raise LaunchError(str(exc)) from None
    return SearchEngine(problem, model, judge=judge, config=config or resume_config(saved),
                        session=session, restore=saved)


def saved_run(root: Path, problem_id: str, config: SearchConfig) -> LoadedSession | None:
    """The newest session directly under `root` of this problem and config (up to its
    pace: `SearchConfig.same_search`) that no process writes now (None: none), finished or
    not. `orps bench --sessions` takes a (problem, method, seed) run from it rather than
    start it again: a run cut short goes on, a finished one whose record was lost only
    concludes again, with no model call."""
    from orps_tui.search.session import in_use, read_sessions

    for saved in read_sessions(root):
        if saved.problem_id == problem_id and saved.config.same_search(config) \
                and not in_use(saved.directory):
            return saved
    return None


def rounds_on_tree(problem: Problem, tree: SearchTree, rounds: list[tuple[int, list[int]]], *,
                   model: ChatModel, judge: JudgeLike, config: SearchConfig) -> SearchEngine:
    """A search that goes on from an in-memory tree, unsaved: the engine takes `tree` as a
    resumed session's and runs the round after the last of `rounds` ((round, kept ids)
    pairs). Practice mode's coach reviews and expands a person's code this way."""
    from orps_tui.search.engine import SearchEngine
    from orps_tui.search.session import LoadedSession

    saved = LoadedSession(directory=Path("."), header={}, tree=tree, rounds=rounds)
    return SearchEngine(problem, model, judge=judge, config=config, restore=saved)
