"""Engine benchmark: how close the search's wall time gets to the critical path, and the
engine's own CPU cost per node, with a simulated fixed-latency model (no server, no GPU).

    .venv/bin/python bench/engine.py [--latency 0.1] [--quick]

Ideal wall time: each round's nodes need a programmer call then a critic call; with C calls
in flight a round of N nodes cannot finish before max(2, ceil(2N / C)) call latencies (plus
the judge's time on the chain). Goal: wall / ideal <= 1.10 at concurrency 4, and engine CPU
< 5 ms per node (measured with an instant judge, so process CPU is the engine's plus the
simulated model's streaming, a conservative figure).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.engine import SearchConfig, SearchEngine  # noqa: E402
from orps_tui.search.session import SessionWriter  # noqa: E402
from tests.support.scripted_model import FixedLatencyModel, InstantJudge, sample_problem  # noqa: E402


class ThreadJudge(InstantJudge):
    """Takes `delay_s` of blocking work in a worker thread, like the real judge."""

    def __init__(self, problem, delay_s: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(problem)
        self.delay_s = delay_s

    async def arun(self, code: str, which: str = "public"):  # type: ignore[no-untyped-def]
        await asyncio.to_thread(time.sleep, self.delay_s)
        return await super().arun(code, which)


def ideal_s(config: SearchConfig, latency: float, judge_s: float, rounds_run: int) -> float:
    total = 0.0
    for r in range(rounds_run + 1):
        n = config.samples if r == 0 else config.samples * config.beam
        calls = 2 * n
        total += max(2 * latency + judge_s, math.ceil(calls / config.concurrency) * latency)
    return total


async def one(config: SearchConfig, latency: float, judge_s: float, session: bool) -> dict:
    problem = sample_problem()
    model = FixedLatencyModel(latency_s=latency, chunks=20)
    judge = ThreadJudge(problem, judge_s) if judge_s else InstantJudge(problem)
    writer = None
    if session:
        writer = SessionWriter.create(problem, model.uri, config,
                                      root=Path(tempfile.mkdtemp(prefix="orps-bench-")))
    engine = SearchEngine(problem, model, judge=judge, config=config, session=writer)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = await engine.run()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    ideal = ideal_s(config, latency, judge_s, result.stats.round)
    return {"nodes": result.stats.nodes, "calls": result.stats.llm_calls, "wall_s": wall,
            "ideal_s": ideal, "ratio": wall / ideal if ideal else float("nan"),
            "cpu_ms_per_node": 1000 * cpu / max(1, result.stats.nodes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per model call")
    parser.add_argument("--quick", action="store_true", help="fewer scenarios")
    args = parser.parse_args()
    L = args.latency
    scenarios = [
        ("K4 B2 R3 C4, instant judge", SearchConfig(samples=4, beam=2, rounds=3, concurrency=4,
                                                    early_stop=False), 0.0, False),
        ("K4 B2 R3 C4, judge 30 ms in a thread", SearchConfig(samples=4, beam=2, rounds=3,
                                                              concurrency=4, early_stop=False),
         0.03, False),
        ("K4 B2 R3 C4, session fsync on", SearchConfig(samples=4, beam=2, rounds=3,
                                                       concurrency=4, early_stop=False),
         0.0, True),
    ]
    if not args.quick:
        scenarios += [
            ("K20 B3 R1 C4 (paper K, B)", SearchConfig(samples=20, beam=3, rounds=1,
                                                       concurrency=4, early_stop=False), 0.0, False),
            ("K3 B2 R3 C1 (serial)", SearchConfig(samples=3, beam=2, rounds=3, concurrency=1,
                                                  early_stop=False), 0.0, False),
        ]
    print(f"simulated model: {L * 1000:.0f} ms per call, 20 chunks")
    print(f"{'scenario':40} {'nodes':>5} {'calls':>5} {'wall s':>7} {'ideal s':>7} "
          f"{'ratio':>6} {'CPU ms/node':>11}")
    for name, config, judge_s, session in scenarios:
        r = asyncio.run(one(config, L, judge_s, session))
        print(f"{name:40} {r['nodes']:5d} {r['calls']:5d} {r['wall_s']:7.3f} {r['ideal_s']:7.3f} "
              f"{r['ratio']:6.3f} {r['cpu_ms_per_node']:11.2f}")
    overhead = asyncio.run(one(SearchConfig(samples=20, beam=3, rounds=2, concurrency=8,
                                            early_stop=False), 0.0, 0.0, False))
    print(f"zero-latency model, {overhead['nodes']} nodes: engine CPU "
          f"{overhead['cpu_ms_per_node']:.2f} ms per node (incl. the simulated model)")


if __name__ == "__main__":
    main()
