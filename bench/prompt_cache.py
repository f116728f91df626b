"""Prompt-cache benchmark: how much of each prompt the model server evaluates again, and
ORPS's wall time per call against best-of-N's, with the old and the new prompt layout
side by side in one run (same engine, problems, seeds and budget).

    .venv/bin/python bench/prompt_cache.py PROBLEM... --model embedded:coder \\
        [-k 3 -b 2 -r 2] [--seed 1] [--out bench/results/prompt-cache.jsonl]

For each problem it runs, in this order: ORPS with the new layout, ORPS with the old layout
(`bench/legacy_prompts.py`), and best-of-N with N = the calls the new-layout run made. Each
record: calls, prompt tokens sent and evaluated (the server's own counts: llama.cpp
`timings.prompt_n`, `prompt_tokens_details.cached_tokens`), the evaluated share over all
calls and over the expansion rounds (round >= 1: every round after the root round) and
round 2 alone, and wall seconds per call. Records already in --out are skipped (resume).
Goal (issue 11): evaluated share <= 25% in the expansion rounds; ORPS wall per call within
1.3x of best-of-N's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from legacy_prompts import LegacyLayout  # noqa: E402

from orps_tui.cli.solve import (  # noqa: E402
    close_quietly,
    find_problem_or_fail,
    load_settings_or_fail,
    make_judge,
    open_model_or_fail,
)
from orps_tui.search.engine import SearchConfig, SearchEngine  # noqa: E402
from orps_tui.search.prompts import LAYOUT  # noqa: E402
from orps_tui.search.tree import SearchTree  # noqa: E402

VARIANTS = ("orps-new-layout", "orps-old-layout", "bestofn")


def share(tree: SearchTree, min_round: int, max_round: int | None = None) -> dict[str, Any]:
    sent = evaluated = calls = 0
    for node in tree.nodes.values():
        if node.round < min_round or (max_round is not None and node.round > max_round):
            continue
        for call in node.calls:
            if call.prompt_evaluated is None:
                continue
            calls += 1
            sent += call.prompt_tokens
            evaluated += call.prompt_evaluated
    return {"calls": calls, "sent": sent, "evaluated": evaluated,
            "share": round(evaluated / sent, 4) if sent else None}


async def run_variant(variant: str, problem: Any, model: Any, settings: Any,
                      base: SearchConfig, calls: int | None) -> dict[str, Any]:
    judge = make_judge(problem, settings)
    try:
        if variant == "bestofn":
            config = base.with_overrides(samples=calls or base.budget, beam=1, rounds=0,
                                         critic=False, strategy_hints=False)
            engine = SearchEngine(problem, model, judge=judge, config=config)
        else:
            layout = LAYOUT if variant == "orps-new-layout" else LegacyLayout()
            engine = SearchEngine(problem, model, judge=judge, config=base, prompts=layout)
        result = await engine.run()
    finally:
        await close_quietly(judge)
    s = result.stats
    hidden = result.hidden
    return {
        "problem": problem.id, "variant": variant, "model": model.uri, "seed": base.seed,
        "k": base.samples, "b": base.beam, "r": base.rounds, "reason": str(result.reason),
        "llm_calls": s.llm_calls, "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens, "evaluated_tokens": s.evaluated_tokens,
        "all_rounds": share(engine.tree, 0), "expansion_rounds": share(engine.tree, 1),
        "round_2": share(engine.tree, 2, 2),
        "wall_s": round(s.elapsed_s, 2),
        "wall_per_call_s": round(s.elapsed_s / s.llm_calls, 3) if s.llm_calls else None,
        "hidden": None if hidden is None else {"passed": hidden.passed, "total": hidden.total},
        "load": os.getloadavg()[0],
    }


def summary(records: list[dict[str, Any]]) -> str:
    lines = ["variant            calls  sent     evaluated  share(all)  share(round>=1)  "
             "share(round 2)  wall/call s"]
    for variant in VARIANTS:
        rows = [r for r in records if r["variant"] == variant]
        if not rows:
            continue
        calls = sum(r["llm_calls"] for r in rows)
        wall = sum(r["wall_s"] for r in rows)

        def pooled(key: str, rows: list[dict[str, Any]] = rows) -> str:
            sent = sum(r[key]["sent"] for r in rows)
            ev = sum(r[key]["evaluated"] for r in rows)
            return f"{ev / sent:.1%}" if sent else "-"

        sent = sum(r["all_rounds"]["sent"] for r in rows)
        ev = sum(r["all_rounds"]["evaluated"] for r in rows)
        lines.append(f"{variant:<18} {calls:>5}  {sent:>7}  {ev:>9}  {pooled('all_rounds'):>10}  "
                     f"{pooled('expansion_rounds'):>15}  {pooled('round_2'):>14}  "
                     f"{wall / calls if calls else 0:>11.2f}")
    by = {r["variant"]: r for r in records}
    if "bestofn" in by:
        best = sum(r["wall_s"] for r in records if r["variant"] == "bestofn") / max(
            1, sum(r["llm_calls"] for r in records if r["variant"] == "bestofn"))
        for variant in VARIANTS[:2]:
            rows = [r for r in records if r["variant"] == variant]
            if rows and best:
                per = sum(r["wall_s"] for r in rows) / max(1, sum(r["llm_calls"] for r in rows))
                lines.append(f"{variant}: wall per call = {per / best:.2f}x best-of-N's")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problems", nargs="+")
    parser.add_argument("--model", default="embedded:coder")
    parser.add_argument("-k", type=int, default=3)
    parser.add_argument("-b", type=int, default=2)
    parser.add_argument("-r", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings = load_settings_or_fail()
    base = SearchConfig.from_settings(settings, samples=args.k, beam=args.b, rounds=args.r,
                                      concurrency=1, seed=args.seed)
    done: list[dict[str, Any]] = []
    if args.out and args.out.exists():
        done = [json.loads(line) for line in args.out.read_text().splitlines() if line.strip()]
    model = open_model_or_fail(args.model, settings, base.concurrency)

    async def run_all() -> None:
        try:
            for ref in args.problems:
                problem = find_problem_or_fail(ref)
                calls = None
                for variant in VARIANTS:
                    old = [r for r in done if r["problem"] == problem.id and r["variant"] == variant
                           and r["seed"] == args.seed and r["k"] == args.k]
                    if old:
                        record = old[0]
                    else:
                        record = await run_variant(variant, problem, model, settings, base, calls)
                        done.append(record)
                        if args.out:
                            with open(args.out, "a", encoding="utf-8") as f:
                                f.write(json.dumps(record) + "\n")
                    if variant == "orps-new-layout":
                        calls = record["llm_calls"]
                    print(f"{problem.id} {variant}: {record['llm_calls']} calls, share "
                          f"{record['expansion_rounds']['share']} (rounds>=1), "
                          f"{record['wall_per_call_s']} s/call", file=sys.stderr)
        finally:
            await close_quietly(model)

    asyncio.run(run_all())
    print(summary([r for r in done if r["seed"] == args.seed and r["k"] == args.k]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
