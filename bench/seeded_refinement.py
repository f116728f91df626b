"""A steered search that starts from a too-slow program: the problem's naive solution
(tools/naive/<id>.py, correct but too slow on the performance input) is added as a
person-written root, and the model is asked for children of it, which get its TLE on the
performance input as feedback. Everything after the seed is the real engine and model.

This is how the app demo for issue 10 was made when no unsteered search in the benchmark
had produced a too-slow parent: the person at the keyboard does the same with `w` (write
code) and `x` (expand). The session is saved; `bench/refinements.py` finds its speed-ups
and `bench/refinement_demo.py` pictures them.

    .venv/bin/python bench/seeded_refinement.py fn-top-k-frequent --model embedded:coder \\
        [--children 2] [--seed 1] [--sessions DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.cli.solve import (  # noqa: E402
    close_quietly,
    find_problem_or_fail,
    make_judge,
    open_model_or_fail,
)
from orps_tui.config import load_settings  # noqa: E402
from orps_tui.search import events as ev  # noqa: E402
from orps_tui.search import launch  # noqa: E402
from orps_tui.search.tree import Author, NodeState  # noqa: E402

NAIVE = Path(__file__).resolve().parent.parent / "tools" / "naive"
SETTLED = (NodeState.ACTIVE, NodeState.FINISHED, NodeState.BOOSTED, NodeState.ERROR)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problem", help="a starter problem id with tools/naive/<id>.py")
    parser.add_argument("--model", default="embedded:coder")
    parser.add_argument("--children", type=int, default=2, help="children asked of the seed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sessions", type=Path, default=None, help="sessions root")
    args = parser.parse_args()

    problem = find_problem_or_fail(args.problem)
    naive = (NAIVE / f"{problem.id}.py").read_text()
    settings = load_settings()
    # One model root beside the seed, and no expansion round of its own: the model calls go
    # to the seed's children, which ExpandNow asks for once the seed is judged and critiqued.
    config = launch.search_config(settings, method="orps", samples=1, beam=1, rounds=0,
                                  seed=args.seed)
    model = open_model_or_fail(args.model, settings, config.concurrency)
    judge = make_judge(problem, settings)
    engine = launch.new_search(problem, config, model=model, judge=judge, model_uri=args.model,
                               sessions_root=args.sessions)
    seed: list[int] = []

    def steer(event: ev.Event) -> None:
        if isinstance(event, ev.SearchStarted):
            engine.send(ev.AddHandWritten(None, naive, "the naive solution, seeded by hand"))
        elif isinstance(event, ev.NodeAdded) and not seed \
                and engine.tree[event.node_id].author is Author.PERSON:
            seed.append(event.node_id)
        elif isinstance(event, ev.NodeStateChanged) and seed and event.node_id == seed[0] \
                and event.new in SETTLED and not engine.tree[seed[0]].children:
            engine.send(ev.ExpandNow(seed[0], samples=args.children))

    engine.subscribe(steer)

    async def run() -> None:
        try:
            await engine.run()
        finally:
            await close_quietly(model, judge)

    asyncio.run(run())
    assert engine.session is not None
    print(f"session: {engine.session.directory}")
    for node in engine.tree.nodes.values():
        report = node.report
        perf = [t for t in report.tests if t.performance] if report else []
        timing = f"; perf {perf[0].verdict} {perf[0].cpu_s:.2f} s" if perf else ""
        print(f"node {node.id} (parent {node.parent_id}, {node.author}): "
              f"{report.passed if report else '-'}/{report.total if report else '-'} public"
              f"{timing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
