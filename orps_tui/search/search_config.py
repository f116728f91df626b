"""The numbers of one search (`SearchConfig`), its running counts (`SearchStats`) and its
outcome (`SearchResult`). Re-exported by `orps_tui.search.engine`."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from orps_tui.config import ModelSettings, SearchSettings
from orps_tui.sandbox.report import JudgeReport
from orps_tui.search.scoring import Ranking, Scales
from orps_tui.search.tree import CallStats, Node

if TYPE_CHECKING:
    from orps_tui.config import Settings



# SearchConfig fields checked against the settings' bounds (orps_tui.config.SETTING_BOUNDS).
_BOUNDED = {
    "samples": "search.samples",
    "beam": "search.beam",
    "rounds": "search.rounds",
    "concurrency": "model.concurrency",
}
_MAX_CALLS_LIMIT = 100_000

PACE_ONLY = frozenset({"concurrency", "timeout_s"})
"""SearchConfig fields that change how fast a search runs, never what it may do."""


class SearchMethod(StrEnum):
    """How a search spends its calls (the setting `search.method`, `--method`)."""

    ORPS = "orps"
    """The tree search: K roots, then R rounds in which the B best nodes are refined by K
    children each, every node reviewed by the critic."""
    SAMPLING = "sampling"
    """K independent programs from the root prompt, no critic, no refinement; the answer
    rule picks among them (best-of-K). With a small model it beat ORPS at the same calls
    (bench/results/README.md)."""


METHOD_ON_RESUME = ("--method starts a new search; a resumed session goes on by its own "
                    "method")
"""What `orps` and `orps solve` say to `--method` with `--resume`."""


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


class StopReason(StrEnum):
    """Why a search ended: the one list every front end reads."""

    BUDGET = "budget"
    """R rounds done, or the call budget (`max_calls`) spent."""
    NOTHING_ACTIVE = "nothing-active"
    """No node left to expand: every candidate was retired, stopped, pruned or failed."""
    SOLVED = "solved"
    """Only with `stop_when_solved` (or a baseline that stops on a public pass): a node
    passed every public test."""
    STOPPED = "stopped"
    """A person (or a driver) sent Stop."""
    CANCELLED = "cancelled"
    ERROR = "error"
    """A fatal model error; `SearchResult.message` says what and how to fix it."""

    @property
    def explanation(self) -> str:
        return _STOP_TEXT[self]


_STOP_TEXT = {
    StopReason.BUDGET: "the budget is spent",
    StopReason.NOTHING_ACTIVE: "no node is left to expand",
    StopReason.SOLVED: "a node passed every public test (stop when solved is on)",
    StopReason.STOPPED: "stopped on request",
    StopReason.CANCELLED: "cancelled",
    StopReason.ERROR: "the model failed",
}


@dataclass
class SearchConfig:
    """Every number of one search. `from_settings` builds it from the user's settings; the
    defaults are the settings' own (`orps_tui.config`), written once there."""

    samples: int = SearchSettings.samples
    """K: programmer samples per expansion."""
    beam: int = SearchSettings.beam
    """B: nodes kept per round."""
    rounds: int = SearchSettings.rounds
    """R: rounds of expansion after the root round."""
    concurrency: int = ModelSettings.concurrency
    """Model calls in flight at once."""
    seed: int = SearchSettings.seed
    temperature: float = ModelSettings.temperature
    max_tokens: int = ModelSettings.max_tokens
    critic_max_tokens: int = ModelSettings.critic_max_tokens
    num_ctx: int | None = ModelSettings.num_ctx
    timeout_s: float = ModelSettings.timeout_s
    """Each model call's deadline, which the backend enforces per attempt (and retries
    after, like any transient error: `llm.calls`)."""
    ranking: Ranking = Ranking(SearchSettings.ranking)
    scales: Scales = field(default_factory=Scales)
    fatal_after: int = 3
    """End the search when this many nodes in a row failed on the model with no call
    succeeding in between (a dead server), instead of producing error node after error node."""
    max_calls: int | None = None
    """A fixed LLM-call budget for the whole search (None: only K/B/R bound it). No node
    is started that the remaining budget cannot pay for (programmer + critic call)."""
    stop_when_solved: bool = False
    """Stop after a round in which some node passes every public test and the critic
    retired it (off by default: the search spends its budget, as the paper's does)."""
    critic_json: bool = True
    """Ask the critic for JSON by schema; falls back to text if the backend refuses."""
    grade_hidden: bool = True
    """Grade the answer once on the hidden tests at the end."""
    critic: bool = True
    """Review each node with a critic call (off for the best-of-n and one-shot baselines:
    nodes are then ranked by outcome score alone)."""
    strategy_hints: bool = True
    """Nudge each sibling with a different strategy hint (off: siblings differ by seed only)."""
    stop_on_public_pass: bool = False
    """Stop after a round in which some node passes every public test, whatever the critic
    says (the reflexion baseline's rule)."""

    @property
    def budget(self) -> int:
        """The most LLM calls the configured K/B/R can take: K roots, then R rounds of B x K
        children, each node one programmer and one critic call (the paper's 640 for 20/3/5)."""
        shape = self.calls_per_node * self.samples * (1 + self.rounds * self.beam)
        return shape if self.max_calls is None else min(shape, self.max_calls)

    @property
    def calls_per_node(self) -> int:
        return 2 if self.critic else 1

    @property
    def method(self) -> SearchMethod:
        """SAMPLING for a config `sampling` made (roots only, no critic), else ORPS."""
        sampled = self.rounds == 0 and not self.critic and not self.strategy_hints
        return SearchMethod.SAMPLING if sampled else SearchMethod.ORPS

    def sampling(self, programs: int) -> SearchConfig:
        """This config as plain sampling: `programs` independent programmer calls from the
        root prompt (seeds from the config seed and the node id), no critic, no strategy
        hints, no refinement, at most `programs` calls. The bench's sampling pool is this."""
        return self.with_overrides(samples=programs, beam=1, rounds=0, critic=False,
                                   strategy_hints=False, max_calls=programs)

    @property
    def brief(self) -> str:
        """`K3 B2 R3`, or `sampling K16`: the search's shape in a table cell."""
        if self.method is SearchMethod.SAMPLING:
            return f"sampling K{self.samples}"
        return f"K{self.samples} B{self.beam} R{self.rounds}"

    def shape(self) -> str:
        """`K=3 B=2 R=3, up to 42 model calls`, or for sampling `sampling: 16 programs, 16
        model calls`."""
        if self.method is SearchMethod.SAMPLING:
            return (f"sampling: {_count(self.samples, 'program')}, "
                    f"{_count(self.budget, 'model call')}")
        return (f"K={self.samples} B={self.beam} R={self.rounds}, up to {self.budget} "
                "model calls")

    def with_method(self, method: SearchMethod) -> SearchConfig:
        """This config run by `method`: ORPS keeps it; SAMPLING draws K programs (fewer
        when a call cap is lower)."""
        if SearchMethod(method) is SearchMethod.ORPS:
            return self
        return self.sampling(min(self.samples, self.max_calls or self.samples))

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> SearchConfig:
        """The config the user's settings describe; keyword overrides (None is ignored) win."""
        s, m = settings.search, settings.model
        config = cls(
            samples=s.samples, beam=s.beam, rounds=s.rounds, concurrency=m.concurrency,
            seed=s.seed, temperature=m.temperature, max_tokens=m.max_tokens,
            critic_max_tokens=m.critic_max_tokens, num_ctx=m.num_ctx,
            timeout_s=m.timeout_s, ranking=Ranking(s.ranking),
            scales=Scales(ast_nodes=s.ast_scale, complexity=s.complexity_scale, loc=s.loc_scale),
        )
        return config.with_overrides(**overrides)

    def with_overrides(self, **overrides: Any) -> SearchConfig:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown search setting(s): {', '.join(sorted(unknown))}")
        changes = {k: v for k, v in overrides.items() if v is not None}
        if "ranking" in changes:
            changes["ranking"] = Ranking(changes["ranking"])
        config = replace(self, **changes)
        config.validate()
        return config

    def validate(self) -> None:
        from orps_tui.config import SETTING_BOUNDS

        for name, setting in _BOUNDED.items():
            value = getattr(self, name)
            if why := SETTING_BOUNDS[setting].problem(value):
                raise ValueError(f"{name} {why}, got {value}")
        if self.max_calls is not None and not 1 <= self.max_calls <= _MAX_CALLS_LIMIT:
            raise ValueError(f"max_calls must be between 1 and {_MAX_CALLS_LIMIT}, "
                             f"got {self.max_calls}")

    def same_search(self, other: SearchConfig) -> bool:
        """Equal but for the fields that set only its pace (`PACE_ONLY`): a saved run of
        this config may be continued under the other."""
        mine, theirs = asdict(self), asdict(other)
        return all(mine[k] == theirs[k] for k in mine if k not in PACE_ONLY)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ranking"] = str(self.ranking)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("scales"), dict):
            known_scales = {f.name for f in fields(Scales)}  # older sessions had time/memory
            values["scales"] = Scales(**{k: v for k, v in values["scales"].items()
                                         if k in known_scales})
        if "ranking" in values:
            values["ranking"] = Ranking(values["ranking"])
        return cls(**values)


@dataclass
class SearchStats:
    round: int = 0
    nodes: int = 0
    llm_calls: int = 0
    """Model calls made (one per programmer or critic call; retries counted apart)."""
    retries: int = 0
    prompt_tokens: int = 0
    """Prompt tokens sent."""
    completion_tokens: int = 0
    cached_tokens: int = 0
    """Prompt tokens the server served from its cache rather than evaluating."""
    evaluated_tokens: int = 0
    """Prompt tokens the server evaluated, over the calls whose server says so."""
    reported_prompt_tokens: int = 0
    """Prompt tokens sent, over the same calls (the base of `evaluated_share`)."""
    budget: int = 0
    """The most LLM calls the configured K/B/R can take (see SearchConfig.budget)."""
    started_at: float | None = None
    ended_at: float | None = None

    def count_calls(self, calls: Iterable[CallStats]) -> None:
        """Set the call count and token totals to those of `calls` (a restored tree's)."""
        self.llm_calls = self.prompt_tokens = self.completion_tokens = 0
        self.cached_tokens = self.evaluated_tokens = self.reported_prompt_tokens = 0
        for call in calls:
            self.llm_calls += 1
            self.add_call(call)

    def add_call(self, call: CallStats) -> None:
        """Count one finished call's tokens (the one place the totals are summed; what is
        cached is `CallStats.cached_tokens`'s rule)."""
        self.prompt_tokens += call.prompt_tokens
        self.completion_tokens += call.completion_tokens
        if call.prompt_evaluated is not None:
            self.evaluated_tokens += call.prompt_evaluated
            self.reported_prompt_tokens += call.prompt_tokens
            self.cached_tokens += call.cached_tokens

    @property
    def evaluated_share(self) -> float | None:
        """Share of the prompt tokens sent that the server evaluated again (None: unknown)."""
        if not self.reported_prompt_tokens:
            return None
        return self.evaluated_tokens / self.reported_prompt_tokens

    @property
    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        end = self.ended_at if self.ended_at is not None else time.monotonic()
        return end - self.started_at

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "nodes": self.nodes, "llm_calls": self.llm_calls,
                "retries": self.retries, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "cached_tokens": self.cached_tokens, "evaluated_tokens": self.evaluated_tokens,
                "evaluated_share": (round(self.evaluated_share, 4)
                                    if self.evaluated_share is not None else None),
                "budget": self.budget,
                "wall_s": round(self.elapsed_s, 3)}


@dataclass
class SearchResult:
    answer_id: int | None
    answer: Node | None
    hidden: JudgeReport | None
    """The answer graded on the hidden tests (None without hidden tests or an answer)."""
    stats: SearchStats
    reason: StopReason
    message: str = ""
    """For reason `error`: what went wrong, in words for the user."""
    session_path: str | None = None
    """The session's directory (None: not saved)."""
