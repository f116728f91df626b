"""What the app was asked to open, as parsed by `orps_tui.cli.app`: no Textual here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orps_tui.search.search_config import SearchMethod


@dataclass(frozen=True)
class Budget:
    samples: int
    beam: int
    rounds: int
    concurrency: int
    method: SearchMethod = SearchMethod.ORPS
    """SAMPLING: `samples` programs, beam and rounds unused."""

    def as_dict(self) -> dict[str, int]:
        return {"samples": self.samples, "beam": self.beam, "rounds": self.rounds,
                "concurrency": self.concurrency}


@dataclass(frozen=True)
class Launch:
    """`problem` set: start that search at once. `resume` set: reopen that session.
    Neither: the home screen."""

    problem: Path | None = None
    model: str | None = None
    budget: Budget | None = None
    resume: Path | None = None
    review: bool = False
    """With `resume`: open it read-only, even an unfinished session."""
