"""Two finished sessions of the sample problem, for the session comparison: the first solves
it at the root (K=2, R=0), the second goes a round deeper (K=2, B=1, R=1) with one wrong
root. Real engine, scripted model, the deterministic judge double."""

from __future__ import annotations

import asyncio
from pathlib import Path

from orps_tui.search.engine import SearchConfig, SearchEngine
from orps_tui.search.session import SessionWriter
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

RIGHT = code_reply("def add(a, b):\n    return a + b\n", "Add them.")
WRONG = code_reply("def add(a, b):\n    return a - b\n", "Subtract.")


def _run(programmer: list[str], critic: list[str], **config: int) -> Path:
    problem = sample_problem()
    model = ScriptedModel(programmer=programmer, critic=critic, chunk_delay_s=0)
    cfg = SearchConfig(concurrency=1, **config)  # type: ignore[arg-type]
    session = SessionWriter.create(problem, model.uri, cfg)
    engine = SearchEngine(problem, model, judge=FakeJudge(problem), config=cfg, session=session)
    asyncio.run(engine.run())
    assert engine.result is not None and engine.result.session_path is not None
    return Path(engine.result.session_path).parent if \
        Path(engine.result.session_path).is_file() else Path(engine.result.session_path)


def two_sessions() -> tuple[Path, Path]:
    first = _run([RIGHT, WRONG], [critic_json(5), critic_json(1)], samples=2, beam=1, rounds=0)
    second = _run([WRONG, WRONG, RIGHT, RIGHT],
                  [critic_json(2), critic_json(1), critic_json(4), critic_json(4)],
                  samples=2, beam=1, rounds=1)
    return first, second
