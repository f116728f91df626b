"""Benchmark records: one JSON object per (problem, run, seed), built from a finished search
and the bench's own hidden-test grades, and read back (labels, old files, shards).

Record kinds (field `method`): `orps` and `reflexion` hold an answer and diagnostics;
`pool` holds every sample of the sampling pool (one-shot and best-of-k are derived from it,
see `bench_derive`); a record with an `error` field says why that run produced nothing.
Records from before this format (no `seed`, no `calls`) are read too (see `read_records`).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orps_tui.sandbox.report import JudgeReport, Verdict
from orps_tui.search.engine import SearchResult, passes_public
from orps_tui.search.scoring import answer_key, mean_cpu_s
from orps_tui.search.tree import Author, Node, NodeFate, NodeState, SearchTree

FORMAT = 2
"""Field `bench` of every record this version writes (records without it are older)."""

_INVALID = {Verdict.CE, Verdict.RE}

Key = tuple[str, str, int]
"""(problem, method, seed): what one record stands for; `--out` holds one per key."""


@dataclass(frozen=True)
class RunInfo:
    """What every record of one bench run shares."""

    calls: int
    samples: int
    beam: int
    rounds: int
    model: str
    commit: str | None
    concurrency: int = 1
    """Model calls in flight at once: it changes wall time, never what a run may do."""

    def fields(self) -> dict[str, Any]:
        return {"calls": self.calls, "samples": self.samples, "beam": self.beam,
                "rounds": self.rounds, "model": self.model, "commit": self.commit,
                "concurrency": self.concurrency}


def engine_commit() -> str | None:
    """`git rev-parse --short HEAD` of the checkout this package runs from (`+dirty` when
    its sources differ from that commit); None outside a git checkout."""
    package = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str | None:
        done = subprocess.run(["git", *args], cwd=package, capture_output=True, text=True,
                              timeout=10)
        return done.stdout.strip() if done.returncode == 0 else None

    try:
        top = git("rev-parse", "--show-toplevel")
        # an installed copy inside some other repository (a venv in a checkout) is not it
        if top is None or Path(top).resolve() != package.parent:
            return None
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", str(package))
    except (OSError, subprocess.SubprocessError):
        return None
    if head is None:
        return None
    return head + ("+dirty" if dirty else "")


def key_of(record: Mapping[str, Any]) -> Key:
    return (str(record["problem"]), str(record["method"]), int(record["seed"]))


# ---- building records ------------------------------------------------------------------


def counts(report: JudgeReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"verdict": str(report.verdict), "passed": report.passed, "total": report.total}


def passes_all(report: JudgeReport | None) -> bool:
    return report is not None and report.passes_every_test


def any_tle(report: JudgeReport | None) -> bool:
    return report is not None and any(t.verdict is Verdict.TLE for t in report.tests)


def is_valid(report: JudgeReport | None) -> bool:
    """Code that parses and raises no CE/RE on the public tests."""
    return bool(report is not None and report.compile_error is None
                and not any(t.verdict in _INVALID for t in report.tests))


def time_rel(hidden: JudgeReport | None, reference: JudgeReport | None) -> float | None:
    """Mean CPU time on the hidden tests relative to the reference, when both pass."""
    if hidden is None or reference is None or hidden.verdict is not Verdict.AC \
            or reference.verdict is not Verdict.AC:
        return None
    ref = mean_cpu_s(reference)
    return mean_cpu_s(hidden) / ref if ref > 0 else None


def _graded(node: Node | None, hidden: JudgeReport | None,
            reference: JudgeReport | None) -> dict[str, Any]:
    public = node.report if node is not None else None
    return {"code": node.code if node is not None else None, "public": counts(public),
            "hidden": counts(hidden), "valid": is_valid(public),
            "time_rel": time_rel(hidden, reference), "hidden_tle": any_tle(hidden)}


def _programs(tree: SearchTree) -> int:
    return sum(1 for n in tree.nodes.values() if n.author is Author.MODEL and n.code)


def _run_fields(problem_id: str, method: str, seed: int, info: RunInfo,
                result: SearchResult, tree: SearchTree) -> dict[str, Any]:
    s = result.stats
    return {"bench": FORMAT, "problem": problem_id, "method": method, "seed": seed,
            **info.fields(), "reason": str(result.reason), "message": result.message,
            "llm_calls": s.llm_calls, "prompt_tokens": s.prompt_tokens,
            "completion_tokens": s.completion_tokens, "cached_tokens": s.cached_tokens,
            "evaluated_tokens": s.evaluated_tokens,
            "programs": _programs(tree), "nodes": len(tree), "wall_s": round(s.elapsed_s, 3)}


def search_record(problem_id: str, method: str, seed: int, info: RunInfo, result: SearchResult,
                  tree: SearchTree, grades: Mapping[int, JudgeReport],
                  reference: JudgeReport | None) -> dict[str, Any]:
    """The record of an ORPS or reflexion search: its answer (graded by the engine) and the
    diagnostics, from `grades` (every node with code, graded on the hidden tests by the bench)."""
    answer = result.answer
    hidden = result.hidden if result.hidden is not None else (
        grades.get(answer.id) if answer is not None else None)
    return {**_run_fields(problem_id, method, seed, info, result, tree),
            "answer_node": result.answer_id, **_graded(answer, hidden, reference),
            "diagnostics": diagnostics(tree, answer, grades)}


def diagnostics(tree: SearchTree, answer: Node | None,
                grades: Mapping[int, JudgeReport]) -> dict[str, Any]:
    """Per-search facts the report aggregates: the answer's depth; model-written children
    that ended, and how many repeated a program of their branch; children of a parent that
    failed a public test, and how many of them pass every public test (a repair); each
    critic score with whether that node passes the hidden tests; and every graded node
    (`nodes`: id, parent, depth, critic score, public and hidden counts, hidden TLE)."""
    children_of_failing = repaired = children = repeats = 0
    for node in tree.nodes.values():
        if node.parent_id is None or node.author is not Author.MODEL:
            continue
        if node.report is not None or node.state is NodeState.ERROR:
            children += 1
            repeats += node.fate is NodeFate.REPEATED
        parent = tree[node.parent_id]
        if parent.report is None or passes_public(parent):
            continue
        if node.report is None and node.state is not NodeState.ERROR:
            continue  # never finished (cancelled): neither a repair nor a failure to repair
        children_of_failing += 1
        repaired += passes_public(node)
    critic_hidden = [[node.process_score, int(passes_all(grades[node.id]))]
                     for node in sorted(tree.nodes.values(), key=lambda n: n.id)
                     if node.process_score is not None and node.id in grades]
    graded = [{"node": n.id, "parent": n.parent_id, "depth": n.depth, "critic": n.process_score,
               "public": counts(n.report), "hidden": counts(grades[n.id]),
               "hidden_tle": any_tle(grades[n.id])}
              for n in sorted(tree.nodes.values(), key=lambda n: n.id) if n.id in grades]
    return {"answer_depth": answer.depth if answer is not None else None,
            "children_of_failing": children_of_failing, "repaired": repaired,
            "children": children, "repeats": repeats,
            "critic_hidden": critic_hidden, "nodes": graded}


def pool_record(problem_id: str, seed: int, info: RunInfo, result: SearchResult,
                tree: SearchTree, grades: Mapping[int, JudgeReport],
                reference: JudgeReport | None) -> dict[str, Any]:
    """The sampling pool: every sample in node order with its public result, hidden grade,
    answer key (the engine's answer rule, `scoring.answer_key`) and tokens."""
    samples = []
    for node in sorted(tree.nodes.values(), key=lambda n: n.id):
        usable = node.report is not None and bool(node.code)
        prompt = sum(c.prompt_tokens for c in node.calls)
        completion = sum(c.completion_tokens for c in node.calls)
        samples.append({
            "node": node.id, **_graded(node if node.code else None, grades.get(node.id),
                                       reference),
            "key": list(answer_key(node)) if usable else None,
            "tokens": prompt + completion, "prompt_tokens": prompt,
            "completion_tokens": completion,
            "cached_tokens": sum(c.cached_tokens for c in node.calls),
        })
    return {**_run_fields(problem_id, "pool", seed, info, result, tree), "pool": samples}


def error_record(problem_id: str, method: str, seed: int, info: RunInfo, message: str,
                 wall_s: float) -> dict[str, Any]:
    """A run that produced nothing to grade; `orps bench` runs it again when resumed."""
    return {"bench": FORMAT, "problem": problem_id, "method": method, "seed": seed,
            **info.fields(), "error": message or "unknown error", "reason": "error",
            "hidden": None, "valid": False, "llm_calls": 0, "wall_s": round(wall_s, 3)}


def is_error(record: Mapping[str, Any]) -> bool:
    return "error" in record


# ---- reading records -------------------------------------------------------------------


def read_records(path: Path, default_seed: int = 0, label: str | None = None, *,
                 torn_tail_ok: bool = False) -> list[dict[str, Any]]:
    """The records of a results file. A record without `seed` (made before seeds were
    recorded) is read as made with `default_seed`. `label` renames the file's methods (see
    `apply_label`). With `torn_tail_ok`, a last line cut off mid-write is ignored; any other
    line that is not a record is an error naming it."""
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text; is it an `orps bench --out` file?") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror}") from None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if torn_tail_ok and number == len(lines) and not text.endswith("\n"):
                break
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or (why := _record_problem(record)):
            detail = f" ({why})" if isinstance(record, dict) else ""
            raise ValueError(f"{path}:{number}: not an orps bench record{detail}")
        if record.get("seed") is None:
            record["seed"] = default_seed
        out.append(record)
    if not out and not torn_tail_ok:
        raise ValueError(f"{path}: no records; is it an `orps bench --out` file?")
    return apply_label(out, label) if label else out


def trim_torn_tail(path: Path) -> None:
    """Cut a last line that a killed run left half written, so appending starts a new line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)


def apply_label(records: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    """`FILE:LABEL`: a file holding one method has it renamed to LABEL (so the old engine's
    `orps` records become, say, `orps-before`); in a file holding several, each method m
    becomes `m@LABEL`. A pool's derived variants get `@LABEL` appended."""
    methods = {r["method"] for r in records}
    single = len(methods) == 1 and "pool" not in methods
    for r in records:
        if r["method"] == "pool":
            r["variant_suffix"] = f"@{label}"
        else:
            r["method"] = label if single else f"{r['method']}@{label}"
    return records


def merge(groups: Iterable[list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[str]]:
    """One record per (problem, method, seed) from several files (shards, resumed runs):
    a record beats an error record of the same key, else the later one wins. Returns the
    records in first-seen key order and notes about duplicates."""
    chosen: dict[Key, dict[str, Any]] = {}
    duplicates = 0
    for records in groups:
        for record in records:
            key = key_of(record)
            old = chosen.get(key)
            if old is not None and not is_error(old) and not is_error(record):
                duplicates += 1
            if old is None or is_error(old) or not is_error(record):
                chosen[key] = record
    notes = [f"{duplicates} duplicate record(s) for the same problem, method and seed: "
             "the last one read is used"] if duplicates else []
    return list(chosen.values()), notes


def _record_problem(record: dict[str, Any]) -> str | None:
    """What is wrong with a record's fields that the report reads, or None."""

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    def count_dict(value: Any) -> bool:
        return value is None or (isinstance(value, dict) and all(
            isinstance(value.get(k), int) for k in ("passed", "total")))

    if not isinstance(record.get("method"), str):
        return "`method` must be a string"
    seed = record.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        return "`seed` must be a whole number"
    problem = None if isinstance(record.get("problem"), str) else "`problem` must be a string"
    if "error" in record:
        return problem or (None if isinstance(record["error"], str)
                           else "`error` must be a string")
    if record["method"] == "pool":
        samples = record.get("pool")
        if not isinstance(samples, list) or not samples:
            return "`pool` must be a list of samples"
        for sample in samples:
            if not isinstance(sample, dict) or (why := _sample_problem(sample, count_dict, number)):
                return f"pool sample: {why or 'not an object'}"
    else:
        if not count_dict(record.get("hidden", "absent")):
            return "`hidden` must be null or {passed, total}"
        if not isinstance(record.get("valid"), bool):
            return "`valid` must be true or false"
    for key in ("llm_calls", "wall_s"):
        if not number(record.get(key)):
            return f"`{key}` must be a number"
    if record.get("time_rel") is not None and not number(record["time_rel"]):
        return "`time_rel` must be a number or null"
    if not isinstance(record.get("diagnostics", {}), dict | None):
        return "`diagnostics` must be an object"
    return problem


def _sample_problem(sample: dict[str, Any], count_dict: Any, number: Any) -> str | None:
    if not count_dict(sample.get("hidden", "absent")):
        return "`hidden` must be null or {passed, total}"
    if not isinstance(sample.get("valid"), bool):
        return "`valid` must be true or false"
    key = sample.get("key")
    if key is not None and not (isinstance(key, list) and all(number(k) for k in key)):
        return "`key` must be null or a list of numbers"
    if not number(sample.get("tokens")):
        return "`tokens` must be a number"
    return None
