"""Does an embedded model loop? Programmer and critic calls of a real search prompt, with
the model's sampling fields (repeat penalty, top-k, ...; its answer cap) and without them.

For each problem: one programmer call (the search's first prompt) and one critic call on
the problem's reference solution, each run `--seeds` times, both ways, interleaved.
Reported per way: calls that looped (ran into the token cap, or whose text ends in a loop
by `parsing.repetition_detected`, the rule the engine cuts streams by), completion tokens
(median, max), wall time, and the share of programmer answers with a parseable code block.

    .venv/bin/python bench/embedded_loops.py [--problems 2] [--seeds 2] [--cap 1500] [--json]
        SmolLM2 on starter problems, its catalogue sampling against none
    .venv/bin/python bench/embedded_loops.py --model coder --problem FILE... \
        --sampling repeat_penalty=1.1,top_k=20,top_p=0.8
        another model and sampling; give tuning-set problems (never the reported ones)
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
from orps_tui.problems.library import find_problem  # noqa: E402
from orps_tui.problems.load import load_problem  # noqa: E402
from orps_tui.problems.model import Problem  # noqa: E402
from orps_tui.search.parsing import parse_program, repetition_detected  # noqa: E402
from orps_tui.search.prompts import critic_messages, programmer_messages  # noqa: E402
from orps_tui.search.tree import Node  # noqa: E402

PROBLEM_IDS = ("fn-factorial-zeros", "cargo-trucks", "fn-anagram-pairs", "clock-angle")


def parse_sampling(text: str) -> tuple[tuple[str, float], ...]:
    pairs: list[tuple[str, float]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, _, value = item.partition("=")
        number = float(value)
        pairs.append((key.strip(), int(number) if value.strip().isdigit() else number))
    return tuple(pairs)


async def run(problems: list[Problem], seeds: int, cap: int, key: str,
              sampling: tuple[tuple[str, float], ...] | None) -> dict[str, dict[str, float]]:
    base = embedded_models.CATALOGUE[key]
    spec = base if sampling is None else replace(base, sampling=sampling)
    plain = replace(base, sampling=(), max_tokens=None)
    model = EmbeddedModel(key, ModelSettings(concurrency=1, num_ctx=4096, retries=0))
    rows: dict[str, list[dict[str, float]]] = {"sampling": [], "plain": []}
    print(f"{spec.uri}: sampling {dict(spec.sampling)} against none", file=sys.stderr)
    for problem in problems:
        node = Node(id=0, parent_id=None, depth=0, code=problem.reference or "",
                    reasoning="Use the reference idea.")
        prompts = {"programmer": programmer_messages(problem, [], ""),
                   "critic": critic_messages(problem, [node], False)}
        for seed in range(seeds):
            for way in ("sampling", "plain"):
                model.spec = spec if way == "sampling" else plain
                await model.aclose()  # a new client picks up the spec
                for role, messages in prompts.items():
                    started = time.perf_counter()
                    done = await collect(model.stream_chat(
                        messages, GenOptions(temperature=0.5, seed=seed, max_tokens=cap,
                                             num_ctx=4096, timeout_s=1800)))
                    parsed = parse_program(done.text, problem.function.name
                                           if problem.function else None) \
                        if role == "programmer" else None
                    looped = done.finish_reason == "length" or repetition_detected(done.text)
                    rows[way].append({
                        "programmer": role == "programmer",
                        "looped": looped,
                        "tokens": done.usage.completion_tokens,
                        "wall_s": time.perf_counter() - started,
                        "code": bool(parsed and parsed.ok),
                    })
                    print(f"{problem.id} seed {seed} {way:8} {role:10} "
                          f"{done.usage.completion_tokens:5} tokens "
                          f"{done.finish_reason}{' loop' if looped else ''} "
                          f"{time.perf_counter() - started:5.1f} s", file=sys.stderr, flush=True)
    await model.aclose()
    out = {}
    for way, calls in rows.items():
        tokens = [c["tokens"] for c in calls]
        programmer = [c for c in calls if c["programmer"]]
        out[way] = {
            "calls": len(calls),
            "looped": sum(c["looped"] for c in calls),
            "median_tokens": statistics.median(tokens),
            "max_tokens": max(tokens),
            "wall_s": round(sum(c["wall_s"] for c in calls), 1),
            "programmer_with_code": sum(c["code"] for c in programmer) / max(1, len(programmer)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2", choices=sorted(embedded_models.CATALOGUE))
    parser.add_argument("--problem", action="append", default=[],
                        help="a problem file (repeat); default: starter problems")
    parser.add_argument("--problems", type=int, default=2,
                        help="how many of the default starter problems")
    parser.add_argument("--sampling", help="KEY=VALUE,... in place of the model's own")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--cap", type=int, default=1500,
                        help="max_tokens asked (the search's default is 1500)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.problem:
        problems = [load_problem(path) for path in args.problem]
    else:
        problems = [find_problem(pid) for pid in PROBLEM_IDS[:args.problems]]
    sampling = parse_sampling(args.sampling) if args.sampling else None
    result = asyncio.run(run(problems, args.seeds, args.cap, args.model, sampling))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("| sampling | calls | looped | median tokens | max tokens | wall s | "
          "programmer answers with code |")
    print("|---|---|---|---|---|---|---|")
    for way, r in result.items():
        print(f"| {way} | {r['calls']} | {r['looped']} | {r['median_tokens']:.0f} | "
              f"{r['max_tokens']} | {r['wall_s']} | {r['programmer_with_code']:.0%} |")


if __name__ == "__main__":
    main()
