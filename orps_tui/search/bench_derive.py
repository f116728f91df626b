"""From records to rows: one row per (problem, method, seed) the report compares.

An `orps` or `reflexion` record is one row. A `pool` record of N samples becomes the
sampling baselines, all read from the same samples:

- `oneshot`: the first sample alone.
- `oneshot-mean`: the mean over the N samples (the expected pass@1 of one sample).
- `bestofn`: best of all N samples by the engine's answer rule (call-matched: N calls).
- `bestofn-programs`: best of the shortest prefix holding as many programs (samples with
  code) as ORPS wrote on that problem and seed (program-matched).
- `bestofn-tokens`: best of the shortest prefix whose prompt + completion tokens reach
  ORPS's (token-matched).

Prefixes are capped at N. Because each sample's seed comes from the config seed and its
node id, a prefix of k samples is exactly the pool a run with N = k would have drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from orps_tui.search.bench import Key, is_error, key_of


class Variant(StrEnum):
    ONESHOT = "oneshot"
    ONESHOT_MEAN = "oneshot-mean"
    BESTOFN = "bestofn"
    BESTOFN_PROGRAMS = "bestofn-programs"
    BESTOFN_TOKENS = "bestofn-tokens"


REFERENCE_METHOD = "orps"
"""Every paired comparison and every matched best-of-k is against this method."""
STEERED_METHOD = "orps-steered"
"""ORPS steered by the scripted policy (`baselines.Run.ORPS_STEERED`): compared with
`REFERENCE_METHOD` in a table of its own."""


@dataclass(frozen=True)
class Row:
    problem: str
    seed: int
    method: str
    passed: float
    """1 if the answer passes every hidden test, else 0 (a share for `oneshot-mean`)."""
    hidden_share: float
    valid: float
    time_rel: float | None
    tle: float | None
    """Any hidden test ran out of time (None: not recorded)."""
    public_pass: float
    llm_calls: float
    tokens: float
    cached_tokens: float
    programs: float | None
    wall_s: float
    k: int | None = None
    """For best-of-k: how many samples of the pool it read."""
    reason: str | None = None
    diagnostics: Mapping[str, Any] | None = None
    found: float | None = None
    """1 if some program the method wrote (its answer or not) passes every hidden test,
    else 0 (a share for `oneshot-mean`); None when the record does not list them."""


def all_passed(counts: Mapping[str, Any] | None) -> float:
    """1.0 when a record's `{"passed", "total"}` counts hold at least one test, all passed."""
    return 1.0 if counts and counts.get("total") and counts["passed"] == counts["total"] else 0.0


def share(counts: Mapping[str, Any] | None) -> float:
    """passed / total of a record's `{"passed", "total"}` counts (0 without tests)."""
    return counts["passed"] / counts["total"] if counts and counts.get("total") else 0.0


def _tokens(record: Mapping[str, Any]) -> float:
    return float(record.get("prompt_tokens") or 0) + float(record.get("completion_tokens") or 0)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def run_row(record: Mapping[str, Any]) -> Row:
    """The row of a record holding one answer (any method but `pool`)."""
    programs = record.get("programs", record.get("nodes"))
    return Row(
        problem=str(record["problem"]), seed=int(record["seed"]), method=str(record["method"]),
        passed=all_passed(record.get("hidden")), hidden_share=share(record.get("hidden")),
        valid=1.0 if record["valid"] else 0.0, time_rel=record.get("time_rel"),
        tle=_optional_float(record.get("hidden_tle")), public_pass=all_passed(record.get("public")),
        llm_calls=float(record["llm_calls"]), tokens=_tokens(record),
        cached_tokens=float(record.get("cached_tokens") or 0),
        programs=_optional_float(programs), wall_s=float(record["wall_s"]),
        reason=record.get("reason"), diagnostics=_diagnostics(record),
        found=_found(record.get("diagnostics")),
    )


def _diagnostics(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The record's diagnostics; a steered run's also say whether it was forked from the
    plain search (`forked`) and where (`fork_round`, from `forked_from`: None when the
    policy never steered it). One not forked started from scratch: the plain search's
    session was missing."""
    diagnostics = record.get("diagnostics")
    forked = record.get("forked_from")
    if isinstance(forked, Mapping):
        return {**(diagnostics or {}), "forked": True, "fork_round": forked.get("round")}
    if "policy" in record:
        return {**(diagnostics or {}), "forked": False}
    return diagnostics


def _found(diagnostics: Mapping[str, Any] | None) -> float | None:
    nodes = diagnostics.get("nodes") if diagnostics else None
    if not isinstance(nodes, list):
        return None  # made before records listed their graded nodes
    return max((all_passed(n.get("hidden")) for n in nodes), default=0.0)


def best_of(samples: Sequence[Mapping[str, Any]], k: int) -> int | None:
    """Index of the answer among the first k samples: the largest answer key (public pass
    rate, runs, less CPU, outcome score), ties to the earlier sample - `SearchTree.best_id`'s
    rule. None when none of them has judged code."""
    usable = [i for i, s in enumerate(samples[:k]) if s.get("key") is not None]
    if not usable:
        return None
    return max(usable, key=lambda i: (tuple(samples[i]["key"]), -i))


def prefix_reaching(values: Sequence[float], target: float) -> int:
    """The smallest k >= 1 whose first k values sum to at least `target` (capped at len)."""
    total = 0.0
    for k, value in enumerate(values, 1):
        total += value
        if total >= target:
            return k
    return len(values)


def _sample_row(record: Mapping[str, Any], method: str, k: int) -> Row:
    samples = record["pool"]
    n = len(samples)
    chosen = best_of(samples, k)
    pick: Mapping[str, Any] = samples[chosen] if chosen is not None else {}
    prefix = samples[:k]
    return Row(
        problem=str(record["problem"]), seed=int(record["seed"]), method=method,
        passed=all_passed(pick.get("hidden")), hidden_share=share(pick.get("hidden")),
        valid=1.0 if pick.get("valid") else 0.0, time_rel=pick.get("time_rel"),
        tle=1.0 if pick.get("hidden_tle") else 0.0, public_pass=all_passed(pick.get("public")),
        llm_calls=float(k), tokens=float(sum(s["tokens"] for s in prefix)),
        cached_tokens=float(sum(s.get("cached_tokens") or 0 for s in prefix)),
        programs=float(sum(1 for s in prefix if s.get("code"))),
        wall_s=float(record["wall_s"]) * k / n, k=k, reason=record.get("reason"),
        found=max((all_passed(s.get("hidden")) for s in prefix), default=0.0),
    )


def _mean_row(record: Mapping[str, Any], method: str) -> Row:
    samples = record["pool"]
    n = len(samples)
    rel = [s["time_rel"] for s in samples if s.get("time_rel") is not None]
    passed = sum(all_passed(s.get("hidden")) for s in samples) / n
    return Row(
        problem=str(record["problem"]), seed=int(record["seed"]), method=method,
        passed=passed,
        hidden_share=sum(share(s.get("hidden")) for s in samples) / n,
        valid=sum(1.0 for s in samples if s.get("valid")) / n,
        time_rel=sum(rel) / len(rel) if rel else None,
        tle=sum(1.0 for s in samples if s.get("hidden_tle")) / n,
        public_pass=sum(all_passed(s.get("public")) for s in samples) / n,
        llm_calls=1.0, tokens=sum(s["tokens"] for s in samples) / n,
        cached_tokens=sum(s.get("cached_tokens") or 0 for s in samples) / n,
        programs=sum(1.0 for s in samples if s.get("code")) / n,
        wall_s=float(record["wall_s"]) / n, k=1, reason=record.get("reason"),
        found=passed,  # one sample: its program is its answer
    )


def pool_rows(record: Mapping[str, Any], orps: Mapping[str, Any] | None) -> list[Row]:
    """The sampling baselines from one pool record; the matched ones need the ORPS record
    of the same problem and seed (`orps`)."""
    suffix = str(record.get("variant_suffix", ""))
    samples = record["pool"]
    n = len(samples)
    rows = [_sample_row(record, Variant.ONESHOT + suffix, 1),
            _mean_row(record, Variant.ONESHOT_MEAN + suffix),
            _sample_row(record, Variant.BESTOFN + suffix, n)]
    if orps is not None:
        programs = orps.get("programs", orps.get("nodes"))
        if programs is not None:
            k = prefix_reaching([1.0 if s.get("code") else 0.0 for s in samples], float(programs))
            rows.append(_sample_row(record, Variant.BESTOFN_PROGRAMS + suffix, k))
        k = prefix_reaching([float(s["tokens"]) for s in samples], _tokens(orps))
        rows.append(_sample_row(record, Variant.BESTOFN_TOKENS + suffix, k))
    return rows


@dataclass(frozen=True)
class Rows:
    rows: list[Row]
    errors: dict[str, int]
    """Error records by method (runs that produced nothing; left out of every figure)."""


def rows_from(records: Iterable[Mapping[str, Any]]) -> Rows:
    records = list(records)
    good: dict[Key, Mapping[str, Any]] = {key_of(r): r for r in records if not is_error(r)}
    rows: list[Row] = []
    errors: dict[str, int] = {}
    for record in records:
        if is_error(record):
            errors[record["method"]] = errors.get(record["method"], 0) + 1
        elif record["method"] == "pool":
            target = REFERENCE_METHOD + str(record.get("variant_suffix", ""))
            rows.extend(pool_rows(record, good.get((record["problem"], target, record["seed"]))))
        elif record.get("reason") != "no-hidden-tests":
            rows.append(run_row(record))
    return Rows(rows, errors)
