"""Two finished sessions of the sample problem, for the session comparison: the first solves
it at the root (K=2, R=0), the second goes a round deeper (K=2, B=1, R=1) with one wrong
root. Real engine, scripted model, the deterministic judge double."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from orps_tui.locations import data_dir
from orps_tui.problems.load import load_problem
from orps_tui.problems.write import write_problem
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
    # From a file, so each session keeps a copy of it and opens for review.
    problem = load_problem(write_problem(sample_problem(), data_dir() / "add-two.toml"))
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


def frozen(paths: tuple[Path, Path]) -> tuple[Path, Path]:
    """The sessions under fixed folder names with every clock figure fixed (creation time,
    node and call seconds, wall time), so a snapshot of them is the same on every run."""
    out = []
    for i, path in enumerate(paths, 1):
        target = path.with_name(f"2026010{i}T000000Z-add-two")
        path.rename(target)
        log = target / "session.jsonl"
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
                   if line.strip()]
        for record in records:
            if record.get("type") == "header":
                record["created"] = f"2026-01-0{i}T00:00:00+00:00"
            node = record.get("node")
            if isinstance(node, dict):
                node["started_s"], node["finished_s"] = float(node["id"]), float(node["id"]) + 1
                for call in node.get("calls", []):
                    call["ttft_s"], call["total_s"] = 0.1, 0.5
            if record.get("type") == "finished":
                record["stats"]["wall_s"] = 10.0 * i
        log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        out.append(target)
    return out[0], out[1]
