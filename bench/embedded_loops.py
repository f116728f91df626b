"""Does SmolLM2 loop? Programmer and critic calls of a real search prompt, with the
embedded model's sampling (repeat penalty, answer cap) and without it.

For each of `--problems` starter problems: one programmer call (the search's first
prompt) and one critic call on the problem's reference solution, each run `--seeds`
times, both ways, interleaved. Reported per way: calls that ran into the token cap
(`finish_reason == "length"`: a loop, almost always), completion tokens (median, max),
wall time, and the share of programmer answers with a parseable code block.
Usage:  .venv/bin/python bench/embedded_loops.py [--problems 2] [--seeds 2] [--cap 1500] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.config import ModelSettings  # noqa: E402
from orps_tui.llm import embedded_models  # noqa: E402
from orps_tui.llm.base import GenOptions, collect  # noqa: E402
from orps_tui.llm.embedded import EmbeddedModel  # noqa: E402
from orps_tui.problems.library import scan, search_dirs  # noqa: E402
from orps_tui.search.parsing import parse_program  # noqa: E402
from orps_tui.search.prompts import critic_messages, programmer_messages  # noqa: E402
from orps_tui.search.tree import Node  # noqa: E402

PROBLEM_IDS = ("fn-factorial-zeros", "cargo-trucks", "fn-anagram-pairs", "clock-angle")


async def run(problems: int, seeds: int, cap: int) -> dict[str, dict[str, float]]:
    spec = embedded_models.SMOLLM2
    plain = replace(spec, sampling=(), max_tokens=None)
    embedded_models.CATALOGUE["smollm2"] = spec
    model = EmbeddedModel("smollm2", ModelSettings(concurrency=1, num_ctx=4096, retries=0))
    chosen = [p for p in scan(*search_dirs()).problems if p.id in PROBLEM_IDS][:problems]
    rows: dict[str, list[dict[str, float]]] = {"tuned": [], "plain": []}
    for problem in chosen:
        node = Node(id=0, parent_id=None, depth=0, code=problem.reference or "",
                    reasoning="Use the reference idea.")
        prompts = {"programmer": programmer_messages(problem, [], ""),
                   "critic": critic_messages(problem, [node], False)}
        for seed in range(seeds):
            for way in ("tuned", "plain"):
                model.spec = spec if way == "tuned" else plain
                await model.aclose()  # a new client picks up the spec
                for role, messages in prompts.items():
                    started = time.perf_counter()
                    done = await collect(model.stream_chat(
                        messages, GenOptions(temperature=0.5, seed=seed, max_tokens=cap,
                                             num_ctx=4096, timeout_s=600)))
                    parsed = parse_program(done.text, problem.function.name
                                           if problem.function else None) \
                        if role == "programmer" else None
                    rows[way].append({
                        "programmer": role == "programmer",
                        "looped": done.finish_reason == "length",
                        "tokens": done.usage.completion_tokens,
                        "wall_s": time.perf_counter() - started,
                        "code": bool(parsed and parsed.ok),
                    })
                    print(f"{problem.id} seed {seed} {way:5} {role:10} "
                          f"{done.usage.completion_tokens:5} tokens "
                          f"{done.finish_reason} {time.perf_counter() - started:5.1f} s",
                          file=sys.stderr, flush=True)
    await model.aclose()
    out = {}
    for way, calls in rows.items():
        tokens = [c["tokens"] for c in calls]
        programmer = [c for c in calls if c["programmer"]]
        out[way] = {
            "calls": len(calls),
            "ran_into_cap": sum(c["looped"] for c in calls),
            "median_tokens": statistics.median(tokens),
            "max_tokens": max(tokens),
            "wall_s": round(sum(c["wall_s"] for c in calls), 1),
            "programmer_with_code": sum(c["code"] for c in programmer) / max(1, len(programmer)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--cap", type=int, default=1500,
                        help="max_tokens asked (the search's default is 1500)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.problems, args.seeds, args.cap))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("| sampling | calls | ran into the cap | median tokens | max tokens | wall s | "
          "programmer answers with code |")
    print("|---|---|---|---|---|---|---|")
    for way, r in result.items():
        print(f"| {way} | {r['calls']} | {r['ran_into_cap']} | {r['median_tokens']:.0f} | "
              f"{r['max_tokens']} | {r['wall_s']} | {r['programmer_with_code']:.0%} |")


if __name__ == "__main__":
    main()
