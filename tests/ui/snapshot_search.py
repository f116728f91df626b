"""A search frozen mid-way, deterministically, for snapshot tests and screenshots.

The real engine runs a scripted model and the deterministic judge double (fixed CPU and
memory figures, so the profiler pane does not change from run to run). With one call in
flight at a time, round 0 (nodes 0-2) completes, node 3 (a child of node 0) is generated,
judged and reviewed, and the programmer call of node 4 streams three chunks and then waits forever:
the tree, the streamed text and every figure are the same on every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from textual.pilot import Pilot

from orps_tui.app.app import OrpsApp
from orps_tui.app.launch import Budget
from orps_tui.app.start_search import build_link
from orps_tui.config import Settings
from orps_tui.llm.base import Chunk, GenOptions, Message
from tests.support.scripted_model import (
    FakeJudge,
    ScriptedModel,
    code_reply,
    critic_json,
    sample_problem,
)

GOOD = "def add(a, b):\n    return a + b\n"
BAD = "def add(a, b):\n    return a - b\n"
BETTER = "def add(a: int, b: int) -> int:\n    \"\"\"Sum of a and b.\"\"\"\n    return a + b\n"
STREAMING = ("## Plan\n\nThe parent already passes. Keep the **same idea** and add type hints "
             "and a docstring, so the code explains itself.\n\n```python\n" + BETTER + "```\n")
HANG_AT_CALL = 8
"""p0 c0 p1 c1 p2 c2 p3 c3 (a node keeps its slot from its programmer call to its critic
call), then p4 hangs."""


class HangingModel(ScriptedModel):
    """Streams call `HANG_AT_CALL` for three chunks, then waits until cancelled."""

    def stream_chat(self, messages: Sequence[Message], options: GenOptions, *,
                    json_schema: dict[str, Any] | None = None) -> AsyncIterator[Chunk]:
        index = len(self.calls)
        stream = super().stream_chat(messages, options, json_schema=json_schema)
        return self._hang(stream) if index == HANG_AT_CALL else stream

    async def _hang(self, stream: AsyncIterator[Chunk]) -> AsyncIterator[Chunk]:
        sent = 0
        async for chunk in stream:
            if sent == 3:
                await asyncio.Event().wait()
            sent += 1
            yield chunk


def frozen_search_app() -> OrpsApp:
    problem = sample_problem()
    model = HangingModel(
        programmer=[code_reply(GOOD, "## Plan\n\nAdd the two numbers with `+`."),
                    code_reply(BAD, "Subtract, to be different."),
                    code_reply(BAD, "Subtract again."),
                    code_reply(BETTER, "## Plan\n\nSame idea, with type hints and a docstring."),
                    STREAMING],
        critic=[critic_json(4, "Correct: `a + b` passes both public tests. Could document "
                               "its types."),
                critic_json(1, "Wrong: `a - b` subtracts; `add(1, 2)` returns -1."),
                critic_json(1, "Wrong sign again.")],
        chunk_chars=16, chunk_delay_s=0.0,
    )
    settings = Settings()
    link = build_link(problem, "ollama:qwen2.5-coder:7b", Budget(3, 2, 1, 1), settings,
                      model=model, judge=FakeJudge(problem), save_session=False)
    return OrpsApp(settings, link=link, frozen_clock=True)


async def wait_frozen(pilot: Pilot) -> None:
    """Until node 4 has streamed its three chunks and node 3 is judged."""
    app = pilot.app
    engine = app.screen.link.engine
    for _ in range(400):
        tree = engine.tree
        if 4 in tree and len(tree[4].raw_output) >= 48 and 3 in tree and tree[3].report:
            break
        await pilot.pause(0.025)
    else:
        raise AssertionError("the search did not reach its frozen point")
    await pilot.pause(0.3)  # let the batched refresh and the markdown render settle


async def select_node(pilot: Pilot, node_id: int) -> None:
    from orps_tui.app.widgets.search_tree import SearchTree

    screen = pilot.app.screen
    screen.query_one(SearchTree).move_to(node_id)
    for _ in range(200):
        if getattr(screen, "selected_id", None) == node_id:
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError(f"node #{node_id} was never selected")
    await pilot.pause(0.2)
