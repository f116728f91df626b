"""The baselines `orps bench` compares ORPS with, as configurations of the same engine.

Running every method through one engine keeps prompts, parsing, judging, retries and the
answer rule identical, so only the search strategy differs:

- `oneshot`: one programmer call; its code is the answer.
- `bestofn`: N independent programmer calls (same prompt, different seeds, no critic);
  the answer is the best on the public tests. N = the LLM calls of the ORPS run it is
  compared with (each sample costs one call).
- `reflexion`: one line of work: write, run the public tests, get a verbal review (the
  critic call, as self-reflection), rewrite with the whole history; stops as soon as the
  public tests pass. Up to `calls // 2` iterations of two calls each, so it spends at most
  the ORPS run's LLM calls.
- `orps`: the full search with the configured K/B/R.
"""

from __future__ import annotations

from orps_tui.search.engine import SearchConfig

METHODS = ("orps", "oneshot", "bestofn", "reflexion")


def config_for(method: str, base: SearchConfig, calls: int | None = None) -> SearchConfig:
    """The search config for `method`. `calls` is the LLM-call budget to match (default:
    the budget of `base`, i.e. the most the ORPS run could spend)."""
    budget = max(1, calls if calls is not None else base.budget)
    if method == "orps":
        return base
    if method == "oneshot":
        return base.with_overrides(samples=1, beam=1, rounds=0, critic=False,
                                   strategy_hints=False)
    if method == "bestofn":
        return base.with_overrides(samples=budget, beam=1, rounds=0, critic=False,
                                   strategy_hints=False)
    if method == "reflexion":
        return base.with_overrides(samples=1, beam=1, rounds=max(0, budget // 2 - 1),
                                   critic=True, strategy_hints=False,
                                   stop_on_public_pass=True)
    raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
