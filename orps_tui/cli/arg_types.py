"""argparse `type=` callables for numbers, so every subcommand words a bad number alike:
`argument --samples/-k: must be at most 1000, got 5000`."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An integer within `low`..`high` (inclusive; None: unbounded)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
        return value

    return parse


def setting_number(setting: str) -> Callable[[str], int]:
    """An integer within the bounds the config allows for `setting` (e.g. `search.samples`)."""
    from orps_tui.config import SETTING_BOUNDS

    bounds = SETTING_BOUNDS[setting]
    low = None if bounds.low is None else math.ceil(bounds.low + (1 if bounds.above else 0))
    high = None if bounds.high is None else math.floor(bounds.high)
    return whole_number(low, high)


def positive_seconds(high: float) -> Callable[[str], float]:
    """A finite number of seconds, greater than 0 and at most `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g}, got {text}")
        return value

    return parse
