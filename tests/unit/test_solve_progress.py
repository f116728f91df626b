"""`orps solve`'s progress on stderr: it must move while a call streams, and count what is
done, not what has started."""

from __future__ import annotations

import asyncio
import io

from orps_tui.cli.solve import Progress
from orps_tui.search.engine import SearchConfig, SearchEngine
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

SLOW_ANSWER = code_reply("def add(a, b):\n    return a + b",
                         "Plan: " + " ".join(f"step {i} adds {i * i}." for i in range(40)))


def _engine(model: ScriptedModel, **config: object) -> SearchEngine:
    problem = sample_problem()
    return SearchEngine(problem, model, judge=FakeJudge(problem),
                        config=SearchConfig(**config))  # type: ignore[arg-type]


async def _run_with_progress(engine: SearchEngine, live: bool, tick_s: float) -> list[str]:
    """Every frame the progress drew (live: each redraw of the bar; plain: each line)."""
    out = io.StringIO()
    progress = Progress(engine, out, live, tick_s=tick_s)
    engine.subscribe(progress)
    ticking = asyncio.create_task(progress.ticking())
    try:
        await engine.run()
    finally:
        ticking.cancel()
    return [f for f in out.getvalue().replace("\r\x1b[2K", "\n").split("\n") if f.strip()]


async def test_the_bar_moves_while_the_first_call_streams() -> None:
    """`busy 1 0s` for 20 s, and 50% before any call had finished: the bar counts calls
    done of the budget, names the node being written with its streamed tokens, and its
    clock ticks."""
    model = ScriptedModel(programmer=SLOW_ANSWER, critic=critic_json(4), chunk_chars=4,
                          chunk_delay_s=0.01)
    engine = _engine(model, samples=2, beam=1, rounds=0, concurrency=1)
    frames = await _run_with_progress(engine, live=True, tick_s=0.05)
    before_first_done = [f for f in frames if "calls 0/4" in f]
    assert before_first_done, frames[:5]
    assert all("[" + "." * 24 + "]" in f for f in before_first_done)  # 0%, not 50%
    writing = [f for f in before_first_done if "#0 writing" in f]
    streamed = [int(f.split("#0 writing ~")[1].split(" tok")[0]) for f in writing]
    assert len(set(streamed)) > 3 and streamed == sorted(streamed)  # it moves
    clocks = [f.rsplit(" ", 1)[1] for f in frames if f.startswith("[")]
    assert len(set(clocks)) > 1, clocks  # the clock ticks (tenths of a second)
    assert any("calls 4/4" in f for f in frames)


async def test_plain_progress_says_what_is_being_written_between_nodes() -> None:
    model = ScriptedModel(programmer=SLOW_ANSWER, critic=critic_json(4), chunk_chars=4,
                          chunk_delay_s=0.01)
    engine = _engine(model, samples=1, beam=1, rounds=0, concurrency=1)
    frames = await _run_with_progress(engine, live=False, tick_s=0.1)
    assert any(f.startswith("  ... ") and "#0 writing" in f and "0/2 calls done" in f
               for f in frames), frames


async def test_a_failed_node_is_reported_once() -> None:
    """With the server down each error was printed twice: as the node's line and again as
    a warning."""
    from orps_tui.llm.base import ModelErrorKind
    from tests.support.scripted_model import Fault

    # the backend layer retries a refused connection; a server that stays down fails
    model = ScriptedModel(programmer=SLOW_ANSWER,
                          fault_when=lambda c: Fault(ModelErrorKind.UNREACHABLE, after_chunks=0))
    engine = _engine(model, samples=1, beam=1, rounds=0)
    frames = await _run_with_progress(engine, live=False, tick_s=10)
    assert sum("injected" in f for f in frames) == 1, frames
