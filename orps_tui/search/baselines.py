"""The methods `orps bench` compares, as configurations of the same engine.

Running every method through one engine keeps prompts, parsing, judging, retries and the
answer rule identical, so only the search strategy differs. Every method gets the same
LLM-call budget `calls`, fixed before the run (`SearchConfig.max_calls`); nothing is matched
to what another method happened to spend.

- `orps`: the full search with the configured K/B/R, capped at `calls`.
- `orps-steered`: the same search (same K/B/R, budget and seeds, so its root round is
  `orps`'s) steered by the scripted policy of `steering_policy` through the typed commands
  a person's keys send. Asked for by name only: not among the default methods.
- the sampling pool (`Run.POOL`): `calls` independent programmer calls (same prompt, seeds
  derived from the config seed and the node id, no critic). One-shot and every best-of-k
  variant are read from this one pool (see `bench_derive`), so they cost no extra calls.
- `reflexion`: one line of work: write, run the public tests, get a verbal review (the
  critic call, as self-reflection), rewrite with the whole history; stops as soon as the
  public tests pass. Two calls per iteration, so `calls // 2` iterations at most.
"""

from __future__ import annotations

from enum import StrEnum

from orps_tui.search.engine import SearchConfig


class Method(StrEnum):
    """What a person asks `orps bench --method` for."""

    ORPS = "orps"
    ORPS_STEERED = "orps-steered"
    ONESHOT = "oneshot"
    BESTOFN = "bestofn"
    REFLEXION = "reflexion"


class Run(StrEnum):
    """What the bench actually runs: one engine search each, one record each."""

    ORPS = "orps"
    ORPS_STEERED = "orps-steered"
    """ORPS with the scripted steering policy attached (`steering_policy.SteeringPolicy`)."""
    POOL = "pool"
    """N samples; one-shot and best-of-k are read from it."""
    REFLEXION = "reflexion"


METHODS = tuple(m.value for m in Method)
DEFAULT_METHODS = (Method.ORPS, Method.ONESHOT, Method.BESTOFN, Method.REFLEXION)
"""What `orps bench` runs without `--method` (the steered run only when asked for)."""
DEFAULT_CALLS = 16


def runs_for(methods: list[Method]) -> list[Run]:
    """The runs that serve `methods`, in a fixed order (one-shot and best-of-n share the pool)."""
    wanted = {Run.POOL if m in (Method.ONESHOT, Method.BESTOFN) else Run(m.value) for m in methods}
    return [r for r in Run if r in wanted]


def config_for(run: Run | str, base: SearchConfig, calls: int) -> SearchConfig:
    """The search config for `run` with a fixed budget of `calls` LLM calls. `base` holds
    the K/B/R, seed and model options; only ORPS uses its K/B/R."""
    if calls < 1:
        raise ValueError(f"calls must be at least 1, got {calls}")
    try:
        run = Run(run)
    except ValueError:
        raise ValueError(f"unknown run {run!r}: use one of {', '.join(Run)}") from None
    if run in (Run.ORPS, Run.ORPS_STEERED):
        return base.with_overrides(max_calls=calls)
    if run is Run.POOL:
        return base.sampling(calls)
    return base.with_overrides(samples=1, beam=1, rounds=max(0, calls // 2 - 1), critic=True,
                               strategy_hints=False, stop_on_public_pass=True, max_calls=calls)
