"""Benchmark records and the paper's metrics (pass@1, % hidden tests passed, % valid code,
execution time relative to the reference), plus the side-by-side comparison table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orps_tui.sandbox.report import JudgeReport, Verdict
from orps_tui.search.engine import SearchResult
from orps_tui.search.scoring import mean_cpu_s

_INVALID = {Verdict.CE, Verdict.RE}


def record_for(problem_id: str, method: str, model: str, result: SearchResult,
               reference_hidden: JudgeReport | None) -> dict[str, Any]:
    """One JSONL line of `orps bench --out`: the method's answer on one problem."""
    answer = result.answer
    public = answer.report if answer else None
    hidden = result.hidden
    valid = bool(public is not None and public.compile_error is None
                 and not any(t.verdict in _INVALID for t in public.tests))
    time_rel = None
    if hidden is not None and reference_hidden is not None and hidden.verdict is Verdict.AC \
            and reference_hidden.verdict is Verdict.AC:
        ref = mean_cpu_s(reference_hidden)
        if ref > 0:
            time_rel = mean_cpu_s(hidden) / ref
    s = result.stats
    return {
        "problem": problem_id, "method": method, "model": model, "reason": result.reason,
        "answer_node": result.answer_id,
        "code": answer.code if answer else None,
        "public": _counts(public), "hidden": _counts(hidden),
        "valid": valid, "time_rel": time_rel,
        "llm_calls": s.llm_calls, "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens, "nodes": s.nodes,
        "wall_s": round(s.elapsed_s, 3),
    }


def _counts(report: JudgeReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"verdict": str(report.verdict), "passed": report.passed, "total": report.total}


@dataclass(frozen=True)
class Summary:
    method: str
    problems: int
    pass_at_1: float
    """Share of problems whose answer passes every hidden test."""
    hidden_passed: float
    """Mean share of hidden tests passed (0 for a problem without an answer)."""
    valid: float
    """Share of answers that parse and raise no CE/RE on the public tests."""
    time_rel: float | None
    """Mean execution time relative to the reference, over problems where both pass."""
    llm_calls: float
    wall_s: float


def summarise(records: Iterable[dict[str, Any]]) -> list[Summary]:
    by_method: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r.get("hidden") is None and r.get("reason") == "no-hidden-tests":
            continue
        by_method.setdefault(str(r["method"]), []).append(r)
    out = []
    for method, rows in by_method.items():
        n = len(rows)
        full = [1.0 if r["hidden"] and r["hidden"]["total"] and
                r["hidden"]["passed"] == r["hidden"]["total"] else 0.0 for r in rows]
        share = [r["hidden"]["passed"] / r["hidden"]["total"]
                 if r["hidden"] and r["hidden"]["total"] else 0.0 for r in rows]
        rel = [r["time_rel"] for r in rows if r.get("time_rel") is not None]
        out.append(Summary(
            method, n, sum(full) / n, sum(share) / n,
            sum(1.0 for r in rows if r["valid"]) / n,
            sum(rel) / len(rel) if rel else None,
            sum(r["llm_calls"] for r in rows) / n, sum(r["wall_s"] for r in rows) / n,
        ))
    return out


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a results file; a line that is not a record is an error naming it."""
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text; is it an `orps bench --out` file?") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror}") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or (why := _record_problem(record)):
            detail = f" ({why})" if isinstance(record, dict) else ""
            raise ValueError(f"{path}:{number}: not an orps bench record{detail}")
        out.append(record)
    if not out:
        raise ValueError(f"{path}: no records; is it an `orps bench --out` file?")
    return out


def _record_problem(record: dict[str, Any]) -> str | None:
    """What is wrong with a record's fields that `summarise` reads, or None."""

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    if not isinstance(record.get("method"), str):
        return "`method` must be a string"
    hidden = record.get("hidden", "absent")
    if hidden is not None and not (
        isinstance(hidden, dict) and all(isinstance(hidden.get(k), int) for k in ("passed", "total"))
    ):
        return "`hidden` must be null or {passed, total}"
    if not isinstance(record.get("valid"), bool):
        return "`valid` must be true or false"
    for key in ("llm_calls", "wall_s"):
        if not number(record.get(key)):
            return f"`{key}` must be a number"
    if record.get("time_rel") is not None and not number(record["time_rel"]):
        return "`time_rel` must be a number or null"
    return None


_ROWS = (
    ("problems", lambda s: f"{s.problems}"),
    ("pass@1 (hidden)", lambda s: f"{s.pass_at_1:.1%}"),
    ("hidden tests passed", lambda s: f"{s.hidden_passed:.1%}"),
    ("valid code", lambda s: f"{s.valid:.1%}"),
    ("time vs reference", lambda s: f"{s.time_rel:.2f}x" if s.time_rel is not None else "-"),
    ("LLM calls / problem", lambda s: f"{s.llm_calls:.1f}"),
    ("wall s / problem", lambda s: f"{s.wall_s:.1f}"),
)


def table(columns: list[tuple[str, Summary]]) -> str:
    """A plain-text table: one row per metric, one column per (label, summary)."""
    header = ["metric"] + [label for label, _ in columns]
    rows = [header] + [[name] + [fmt(s) for _, s in columns] for name, fmt in _ROWS]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                       for i, cell in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def compare(files: list[Path]) -> str:
    columns: list[tuple[str, Summary]] = []
    for path in files:
        for summary in summarise(read_records(path)):
            columns.append((f"{path.stem}:{summary.method}", summary))
    return table(columns)
