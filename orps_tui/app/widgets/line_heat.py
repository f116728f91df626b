"""A profiled run's per-line heat shown next to the code: share of time, hits, the line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

# A fixed scale, not theme colours: each cell sets its own text colour, so it reads on any
# theme.
HEAT = ("#3b4252", "#5e6b3a", "#8a7a1f", "#b8661a", "#d9401f", "#ff1f1f")


@dataclass(frozen=True)
class LineStat:
    hits: int
    time_s: float


@dataclass(frozen=True)
class HeatInput:
    """What the heat view needs from a profile, whatever the profiler's own shape."""

    test_name: str
    code: str
    lines: Mapping[int, LineStat]
    """1-based line number -> stats."""
    total_s: float
    title: str = ""
    functions: tuple[tuple[str, int, float], ...] = ()
    """(function, calls, cumulative s), hottest first."""
    allocations: tuple[tuple[str, float], ...] = ()
    """(where, KB), largest first."""


def heat_renderable(data: HeatInput) -> Group:
    """The title (wrapped), then one unwrapped line per code line: heat, hits, code."""
    title, _, note = (data.title or f"profiled run of {data.test_name} "
                      "(a separate, slower re-run)").partition("\n")
    head = Text(title, style="bold")
    if note:
        head.append("\n" + note, style="dim")
    return Group(head, heat_text(data))


def heat_text(data: HeatInput) -> Text:
    total = sum(s.time_s for s in data.lines.values()) or 1e-12
    out = Text(no_wrap=True, overflow="ellipsis")
    for number, line in enumerate(data.code.splitlines(), start=1):
        stat = data.lines.get(number)
        if stat is None or stat.hits == 0:
            out.append(f"{number:4} │{'':6}{'':9}│ ", style="dim")
        else:
            share = stat.time_s / total
            level = min(len(HEAT) - 1, int(share * (len(HEAT) - 1) * 2 + 0.999))
            out.append(f"{number:4} │", style="dim")
            out.append(f"{share * 100:5.1f}%", style=f"bold #ffffff on {HEAT[level]}")
            out.append(f"{_hits(stat.hits):>9}│ ", style="dim")
        out.append(line + "\n")
    if data.functions:
        out.append("\nfunctions (cumulative)\n", style="bold")
        for name, calls, cum in data.functions[:8]:
            out.append(f"  {cum * 1000:9.2f} ms  {calls:>8}×  {name}\n")
    if data.allocations:
        out.append("\ntop allocations\n", style="bold")
        for where, kb in data.allocations[:5]:
            out.append(f"  {kb:9.1f} KB  {where}\n")
    return out


def _hits(hits: int) -> str:
    if hits >= 1_000_000:
        return f"{hits / 1e6:.1f}M×"
    if hits >= 10_000:
        return f"{hits / 1e3:.0f}k×"
    return f"{hits}×"


class LineHeat(VerticalScroll):
    """Empty until a profile is requested (key P)."""

    data: HeatInput | None = None

    def compose(self):
        yield Static(
            Text("Press P to profile one test of this node: per-line heat appears here.",
                 style="italic"),
            id="heat-body",
        )

    def show(self, data: HeatInput | None, message: str = "", *, offer: bool = True) -> None:
        """`data`'s heat, else `message`, else (when the node has code: `offer`) the key."""
        body = self.query_one("#heat-body", Static)
        self.data = data
        self.display = data is not None or bool(message) or offer
        if data is None:
            hint = "Press P to profile one test of this node." if offer else ""
            body.update(Text(message or hint, style="italic"))
        else:
            body.update(heat_renderable(data))
