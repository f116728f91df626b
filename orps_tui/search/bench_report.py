"""What `orps bench` prints: a summary table per method, ORPS against every other method with
paired statistics (and steered ORPS against ORPS), and the search diagnostics. Plain text
that fits 80 columns."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from orps_tui.search.bench_derive import (
    REFERENCE_METHOD,
    STEERED_METHOD,
    Row,
    Rows,
    Variant,
    all_passed,
    rows_from,
    share,
)
from orps_tui.search.bench_stats import PairedComparison, auc, paired

WIDTH = 80
_ORDER = [REFERENCE_METHOD, STEERED_METHOD, *(v.value for v in Variant), "reflexion"]


def method_order(name: str) -> tuple[int, int, str]:
    """ORPS first, then the pool's variants, reflexion, others; a labelled method (`m@L`)
    right after its unlabelled one."""
    base = name.split("@", 1)[0]
    if base not in _ORDER and base.startswith(REFERENCE_METHOD):
        return (0, 1, name)  # e.g. `orps-before`
    rank = _ORDER.index(base) if base in _ORDER else len(_ORDER)
    return (rank, 0 if base == name else 1, name)


@dataclass(frozen=True)
class Summary:
    method: str
    pairs: int
    """(problem, seed) rows."""
    pass_at_1: float
    hidden_passed: float
    valid: float
    time_rel: float | None
    tle: float | None
    llm_calls: float
    calls_per_solved: float | None
    """All LLM calls over the (problem, seed) pairs solved (None: none solved)."""
    tokens: float
    cached_tokens: float
    wall_s: float
    k: float | None
    found: float | None = None
    """Share of (problem, seed) rows in which some program passes every hidden test."""


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(rows: Iterable[Row]) -> list[Summary]:
    by: dict[str, list[Row]] = {}
    for row in rows:
        by.setdefault(row.method, []).append(row)
    out = []
    for method in sorted(by, key=method_order):
        rs = by[method]
        n = len(rs)
        solved = sum(r.passed for r in rs)
        calls = sum(r.llm_calls for r in rs)
        out.append(Summary(
            method, n, solved / n, sum(r.hidden_share for r in rs) / n,
            sum(r.valid for r in rs) / n,
            _mean([r.time_rel for r in rs if r.time_rel is not None]),
            _mean([r.tle for r in rs if r.tle is not None]),
            calls / n, calls / solved if solved else None, sum(r.tokens for r in rs) / n,
            sum(r.cached_tokens for r in rs) / n, sum(r.wall_s for r in rs) / n,
            _mean([float(r.k) for r in rs if r.k is not None]),
            _mean([r.found for r in rs if r.found is not None]),
        ))
    return out


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


_SUMMARY_ROWS: list[tuple[str, Callable[[Summary], str]]] = [
    ("problems x seeds", lambda s: f"{s.pairs}"),
    ("pass@1 (hidden)", lambda s: _pct(s.pass_at_1)),
    ("a program passes hidden", lambda s: _pct(s.found)),
    ("hidden tests passed", lambda s: _pct(s.hidden_passed)),
    ("valid code", lambda s: _pct(s.valid)),
    ("time vs reference", lambda s: f"{s.time_rel:.2f}x" if s.time_rel is not None else "-"),
    ("hidden TLE", lambda s: _pct(s.tle)),
    ("LLM calls", lambda s: f"{s.llm_calls:.1f}"),
    ("calls per solved problem",
     lambda s: f"{s.calls_per_solved:.1f}" if s.calls_per_solved is not None else "-"),
    ("tokens (prompt+out)", lambda s: f"{s.tokens:,.0f}"),
    ("cached tokens", lambda s: f"{s.cached_tokens:,.0f}"),
    ("samples read (k)", lambda s: f"{s.k:.1f}" if s.k is not None else "-"),
    ("wall s", lambda s: f"{s.wall_s:.1f}"),
]


def grid(header: list[str], rows: list[list[str]], width: int = WIDTH) -> str:
    """A plain-text table, first column left-aligned, the rest right-aligned; when it is
    wider than `width`, its columns are split into several tables that each fit."""
    cells = [header, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    groups: list[list[int]] = [[]]
    used = widths[0]
    for i in range(1, len(header)):
        if groups[-1] and used + 2 + widths[i] > width:
            groups.append([])
            used = widths[0]
        groups[-1].append(i)
        used += 2 + widths[i]
    blocks = []
    for group in groups:
        cols = [0, *group]
        lines = ["  ".join(r[i].ljust(widths[i]) if i == 0 else r[i].rjust(widths[i])
                           for i in cols).rstrip() for r in cells]
        lines.insert(1, "  ".join("-" * widths[i] for i in cols))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def summary_table(summaries: list[Summary]) -> str:
    """One row per metric, one column per method (per-(problem, seed) means)."""
    header = ["metric", *(s.method for s in summaries)]
    return grid(header, [[name, *(fmt(s) for s in summaries)] for name, fmt in _SUMMARY_ROWS])


def comparisons(rows: Iterable[Row], reference: str = REFERENCE_METHOD,
                against: Iterable[str] | None = None,
                skip: Iterable[str] = ()) -> list[PairedComparison]:
    """`reference` against every other method (or those in `against`, less `skip`) over
    the (problem, seed) pairs both have."""
    by: dict[str, dict[tuple[str, int], Row]] = {}
    for row in rows:
        by.setdefault(row.method, {})[(row.problem, row.seed)] = row
    ref = by.get(reference)
    if not ref:
        return []
    wanted = set(by) if against is None else set(against)
    out = []
    for method in sorted(by, key=method_order):
        if method == reference or method not in wanted or method in set(skip):
            continue
        pairs = sorted(set(ref) & set(by[method]))
        if pairs:
            out.append(paired(reference, method,
                              [(ref[p].passed, by[method][p].passed) for p in pairs],
                              problems=[problem for problem, _ in pairs]))
    return out


SAME_START = f"{REFERENCE_METHOD}, same start"


def same_start(rows: Sequence[Row]) -> list[PairedComparison]:
    """Steered ORPS against ORPS over the steered runs forked from ORPS's own search (or
    that search itself, where the policy never acted), named `SAME_START`: pairs that
    differ only by what the policy did. A steered run started from scratch differs from
    ORPS by chance as well (sampling does not repeat across runs), so it is left out here.
    Empty when every steered run was forked (the row would repeat the one above)."""
    steered = [r for r in rows if r.method == STEERED_METHOD]
    kept = [r for r in steered if (r.diagnostics or {}).get("forked")]
    if len(kept) == len(steered):
        return []
    chosen = [r for r in rows if r.method != STEERED_METHOD] + kept
    return [replace(c, b=SAME_START)
            for c in comparisons(chosen, STEERED_METHOD, against=[REFERENCE_METHOD])]


def stats_table(results: list[PairedComparison], reference: str = REFERENCE_METHOD,
                label: str | None = None) -> str:
    """`label` names `reference`'s column (default: the method's name)."""
    label = label or reference
    header = [f"{reference} vs", "pairs", label, "other", "diff pp", "95% CI", "won:lost", "p"]
    rows = []
    for c in results:
        iv = c.interval
        rows.append([c.b, str(c.pairs), f"{c.a_pass:.0%}", f"{c.b_pass:.0%}",
                     f"{iv.mean * 100:+.1f}", f"[{iv.low * 100:+.0f}, {iv.high * 100:+.0f}]",
                     "-" if c.only_a is None else f"{c.only_a}:{c.only_b}",
                     "-" if c.p_value is None else f"{c.p_value:.3g}"])
    legend = textwrap.fill(
        f"{label}, other: pass@1 over the (problem, seed) pairs both have. diff pp: {label} "
        "minus other, in points; 95% CI: paired bootstrap, 10,000 resamples. won:lost: pairs "
        f"only {label} / only the other solved; p: exact McNemar, two-sided.", WIDTH,
        break_on_hyphens=False)
    return grid(header, rows) + "\n" + legend


# ---- diagnostics of the searches ---------------------------------------------------------


class Depth(StrEnum):
    ROOTS = "roots"
    CHILDREN = "children"
    DEEPER = "deeper"


def depth_of(depth: int) -> Depth:
    return Depth.ROOTS if depth == 0 else Depth.CHILDREN if depth == 1 else Depth.DEEPER


@dataclass(frozen=True)
class Diagnostics:
    method: str
    searches: int
    reasons: dict[str, int]
    answer_depth: float | None
    repaired: int
    children_of_failing: int
    critic_auc: float | None
    critic_nodes: int
    public_pass_hidden_fail: int
    public_pass: int
    hidden_tle: int
    tle_known: int
    steering: dict[str, int] | None = None
    """Commands a steering policy sent, by rule, summed (None: not a steered method)."""
    repeats: int = 0
    children: int = 0
    """Model-written children that ended (records before this count was kept have 0)."""
    found: int = 0
    """Searches in which some node passes every hidden test."""
    missed: int = 0
    """Of those, searches whose answer does not (the answer rule chose another node)."""
    public_auc: float | None = None
    """The public pass rate's AUC for a hidden pass, over the nodes the critic scored: what
    the critic's score adds to the tests the search already ran."""
    by_depth: dict[Depth, tuple[int, int]] = field(default_factory=dict)
    """Judged programs (repeats left out: they are their ancestor's program) that pass
    every hidden test, and all judged programs, by depth: does refining beat writing anew
    (the pool's per-sample rate is one-shot-mean's pass@1)?"""
    forks: tuple[int, int, int] | None = None
    """Steered runs forked from the plain search where the policy first acted, those it
    never steered (the plain search itself) and those not forked (started from scratch:
    no plain session); None: no steered run."""


def _by_depth(diags: Iterable[Mapping[str, Any]]) -> dict[Depth, tuple[int, int]]:
    passed: Counter[Depth] = Counter()
    judged: Counter[Depth] = Counter()
    for d in diags:
        for n in d.get("nodes", []):
            if n.get("public") and n.get("hidden"):
                depth = depth_of(int(n.get("depth", 0)))
                judged[depth] += 1
                passed[depth] += int(all_passed(n["hidden"]))
    return {depth: (passed[depth], judged[depth]) for depth in Depth if judged[depth]}


def diagnose(rows: Iterable[Row]) -> list[Diagnostics]:
    """For every method whose rows come from a search (not a pool sample)."""
    by: dict[str, list[Row]] = {}
    for row in rows:
        if row.k is None:
            by.setdefault(row.method, []).append(row)
    out = []
    for method in sorted(by, key=method_order):
        rs = by[method]
        diags: list[Mapping[str, Any]] = [r.diagnostics for r in rs if r.diagnostics]
        depths = [float(d["answer_depth"]) for d in diags if d.get("answer_depth") is not None]
        pairs = [(float(s), bool(p)) for d in diags for s, p in d.get("critic_hidden", [])]
        public = [(share(n.get("public")), bool(all_passed(n.get("hidden"))))
                  for d in diags for n in d.get("nodes", [])
                  if n.get("critic") is not None and n.get("public")]
        steered = [d["steering"] for d in diags if isinstance(d.get("steering"), Mapping)]
        found = [r for r in rs if r.found]
        out.append(Diagnostics(
            method, len(rs), dict(Counter(r.reason or "-" for r in rs).most_common()),
            _mean(depths), sum(int(d.get("repaired", 0)) for d in diags),
            sum(int(d.get("children_of_failing", 0)) for d in diags), auc(pairs), len(pairs),
            sum(1 for r in rs if r.public_pass and not r.passed),
            sum(1 for r in rs if r.public_pass),
            sum(1 for r in rs if r.tle), sum(1 for r in rs if r.tle is not None),
            _sum_counts(steered) if steered else None,
            sum(int(d.get("repeats", 0)) for d in diags),
            sum(int(d.get("children", 0)) for d in diags),
            len(found), sum(1 for r in found if not r.passed), auc(public), _by_depth(diags),
            _forks(diags),
        ))
    return out


def _forks(diags: Iterable[Mapping[str, Any]]) -> tuple[int, int, int] | None:
    """Steered runs forked where the policy acted, never steered (the plain search
    concluded again) and started from scratch (no plain session to fork)."""
    steered = [d for d in diags if "forked" in d]
    if not steered:
        return None
    rounds = [d.get("fork_round") for d in steered if d["forked"]]
    return (sum(r is not None for r in rounds), sum(r is None for r in rounds),
            len(steered) - len(rounds))


def _sum_counts(counts: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for one in counts:
        for name, n in one.items():
            total[str(name)] = total.get(str(name), 0) + int(n)
    return total


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "-"


def diagnostics_table(diags: list[Diagnostics]) -> str:
    header = ["search diagnostics", *(d.method for d in diags)]
    rows = [
        ["searches", *(str(d.searches) for d in diags)],
        *[[f"stop: {reason}", *(str(d.reasons.get(reason, 0)) for d in diags)]
          for reason in sorted({r for d in diags for r in d.reasons})],
        ["answer depth (mean)", *("-" if d.answer_depth is None else f"{d.answer_depth:.2f}"
                                  for d in diags)],
        ["child passes, parent failed", *(_ratio(d.repaired, d.children_of_failing)
                                          for d in diags)],
        ["child repeats its branch", *(_ratio(d.repeats, d.children) for d in diags)],
        ["a node passes hidden, answer not", *(_ratio(d.missed, d.found) for d in diags)],
        *[[f"program passes hidden: {depth}", *(_ratio(*d.by_depth.get(depth, (0, 0)))
                                                 for d in diags)]
          for depth in Depth if any(depth in d.by_depth for d in diags)],
        ["critic AUC for hidden pass", *("-" if d.critic_auc is None
                                         else f"{d.critic_auc:.2f} (n={d.critic_nodes})"
                                         for d in diags)],
        ["public pass rate AUC, same nodes", *("-" if d.public_auc is None
                                               else f"{d.public_auc:.2f}" for d in diags)],
        ["passes public, fails hidden", *(_ratio(d.public_pass_hidden_fail, d.public_pass)
                                          for d in diags)],
        ["answer has a hidden TLE", *(_ratio(d.hidden_tle, d.tle_known) for d in diags)],
    ]
    if any(d.forks is not None for d in diags):
        rows.append(["forked where steered / never / not", *(
            "-" if d.forks is None else " / ".join(map(str, d.forks)) for d in diags)])
    rules = sorted({rule for d in diags for rule in (d.steering or {})})
    rows += [[f"policy: {rule}", *("-" if d.steering is None else str(d.steering.get(rule, 0))
                                   for d in diags)] for rule in rules]
    return grid(header, rows)


_DERIVED = {Variant.ONESHOT_MEAN.value, Variant.BESTOFN_PROGRAMS.value,
            Variant.BESTOFN_TOKENS.value}
"""Pool variants left out of the per-problem table: a mean and two matched re-reads of the
same samples that `bestofn` already stands for."""


def problems_table(rows: Iterable[Row]) -> str:
    """One row per (problem, seed), one column per method: `pass` when the answer passes
    every hidden test, else the share of hidden tests it passes; `-` for no record."""
    cells: dict[tuple[str, int], dict[str, Row]] = {}
    for row in rows:
        if row.method not in _DERIVED:
            cells.setdefault((row.problem, row.seed), {})[row.method] = row
    if not cells:
        return ""
    methods = sorted({m for by in cells.values() for m in by}, key=method_order)
    seeds = {seed for _, seed in cells}

    def label(problem: str, seed: int) -> str:
        return problem if len(seeds) == 1 else f"{problem} seed {seed}"

    def cell(row: Row | None) -> str:
        if row is None:
            return "-"
        return "pass" if row.passed >= 1 else f"{row.hidden_share:.0%}"

    body = [[label(*key), *(cell(cells[key].get(m)) for m in methods)]
            for key in sorted(cells)]
    solved = ["solved", *(f"{sum(1 for by in cells.values() if m in by and by[m].passed >= 1)}"
                          f"/{sum(1 for by in cells.values() if m in by)}" for m in methods)]
    legend = textwrap.fill(
        "pass: the answer passes every hidden test; otherwise the share of hidden tests it "
        "passes; -: no record.", WIDTH)
    return grid(["problem", *methods], [*body, solved]) + "\n" + legend


def report(records: Iterable[Mapping[str, Any]], by_problem: bool = False) -> str:
    """Everything `orps bench` prints for a set of records (`by_problem`: the per-problem
    table too)."""
    data: Rows = rows_from(records)
    parts = []
    summaries = summarise(data.rows)
    if summaries:
        parts.append(summary_table(summaries))
    stats = comparisons(data.rows, skip=[STEERED_METHOD])
    if stats:
        parts.append(stats_table(stats))
    steered = comparisons(data.rows, STEERED_METHOD, against=[REFERENCE_METHOD])
    if steered:
        same = same_start(data.rows)
        table = stats_table([*steered, *same], STEERED_METHOD, "steered")
        if same:
            table += "\n" + textwrap.fill(
                f"{SAME_START}: only the steered runs forked from ORPS's own search (or that "
                "search, never steered); one started from scratch differs from ORPS by chance "
                "too.", WIDTH)
        parts.append(table)
    diags = diagnose(data.rows)
    if diags:
        parts.append(diagnostics_table(diags))
    if by_problem and data.rows:
        parts.append(problems_table(data.rows))
    if data.errors:
        parts.append("errors (left out of every figure; `--out` runs them again):\n  "
                     + ", ".join(f"{m} {n}" for m, n in sorted(data.errors.items())))
    return "\n\n".join(parts) if parts else "no records"
