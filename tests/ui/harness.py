"""Helpers for Pilot tests: a real engine on a scripted model, the real judge, and waits."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget
from orps_tui.app.search_link import SearchLink
from orps_tui.app.start_search import build_link
from orps_tui.config import Settings
from orps_tui.problems.model import Problem
from tests.support.scripted_model import ScriptedModel, code_reply, critic_json, sample_problem

GOOD = "def add(a, b):\n    return a + b\n"
BAD = "def add(a, b):\n    return a - b\n"
SIZE = (120, 40)


def real_judge(problem: Problem) -> object:
    """The sandbox judge. ORPS_UI_FAKE_JUDGE=1 swaps in the in-process double (development
    only, while the judge is being written); otherwise a missing judge skips the test."""
    try:
        from orps_tui.sandbox.judge import Judge
    except ImportError:
        if os.environ.get("ORPS_UI_FAKE_JUDGE") == "1":
            from tests.support.scripted_model import FakeJudge

            return FakeJudge(problem)
        pytest.skip("orps_tui.sandbox.judge is not available")
    return Judge(problem, jobs=1, warm=True)


def scripted(programmer: list[str] | None = None, critic: list[str] | None = None,
             delay_s: float = 0.01) -> ScriptedModel:
    return ScriptedModel(
        programmer=programmer or [code_reply(GOOD, "Add them."), code_reply(BAD, "Subtract."),
                                  code_reply(BAD, "Subtract again.")],
        critic=critic or [critic_json(4, "Correct."), critic_json(2, "Wrong sign."),
                          critic_json(2, "Wrong sign."), critic_json(3, "Fine.")],
        chunk_chars=12, chunk_delay_s=delay_s,
    )


def live_app(model: ScriptedModel, budget: Budget, *, settings: Settings | None = None,
             problem: Problem | None = None, save_session: bool = False,
             ) -> tuple[OrpsApp, SearchLink]:
    problem = problem or sample_problem()
    settings = settings or Settings()
    link = build_link(problem, model.uri, budget, settings, model=model,
                      judge=real_judge(problem), save_session=save_session)
    return keep_notices(OrpsApp(settings, link=link, frozen_clock=True)), link


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 20.0,
                   what: str = "condition") -> None:
    waited = 0.0
    while not predicate():
        if waited >= timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.05)
        waited += 0.05


async def wait_finished(pilot: Pilot, link: SearchLink, timeout: float = 60.0) -> None:
    await wait_for(pilot, lambda: link.engine.result is not None, timeout, "the search to end")
    await pilot.pause(0.2)  # one more batched refresh


async def select(pilot: Pilot, node_id: int) -> None:
    from orps_tui.app.widgets.search_tree import SearchTree

    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.query_one(SearchTree).line_for(node_id) is not None,
                   what=f"node #{node_id} in the tree")
    screen.query_one(SearchTree).move_to(node_id)
    await wait_for(pilot, lambda: getattr(screen, "selected_id", None) == node_id,
                   what=f"node #{node_id} selected")


def keep_notices(app: OrpsApp) -> OrpsApp:
    """Record every notice the app is told: on a loaded machine a toast can time out
    before a test reads it from the screen."""
    told: list[str] = []
    notify = app.notify

    def keep(message: str, *args: Any, **kwargs: Any) -> None:
        told.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = keep  # type: ignore[method-assign]
    app._told_notices = told  # type: ignore[attr-defined]
    return app


def notifications(app: OrpsApp) -> list[str]:
    """Every notice so far (`keep_notices`), else those still on the screen."""
    told = getattr(app, "_told_notices", None)
    return list(told) if told is not None else [n.message for n in app._notifications]
