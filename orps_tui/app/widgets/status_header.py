"""The header line: problem, model, round, nodes, calls and tokens of the budget, time, state."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette


@dataclass(frozen=True)
class HeaderInfo:
    problem: str
    model: str
    round: int = 0
    rounds: int = 0
    nodes: int = 0
    llm_calls: int = 0
    max_calls: int = 0
    tokens: int = 0
    elapsed_s: float | None = 0.0
    """None hides the clock (frozen in snapshot tests)."""
    state: str = "starting"
    """running | paused | finished | review | starting | stopped | error"""
    hidden: str = ""
    """The answer's grade on the hidden tests once graded (`hidden 11/11 AC`)."""


STATE_ROLES = {"running": "success", "paused": "warning", "finished": "primary",
               "review": "secondary", "error": "error"}
"""The palette colour of the state badge (shown reversed)."""


def fmt_elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


def fmt_tokens(tokens: int) -> str:
    return f"{tokens / 1000:.1f}k" if tokens >= 1000 else str(tokens)


def header_text(info: HeaderInfo, palette: Palette = DEFAULT) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    role = STATE_ROLES.get(info.state)
    badge = f"bold reverse {getattr(palette, role)}" if role else "bold reverse"
    out.append(f" {info.state.upper()} ", style=badge)
    out.append(f" {info.problem}", style="bold")
    out.append(f"  ·  {info.model}")
    out.append(f"  ·  round {info.round}/{info.rounds}" if info.rounds else "")
    out.append(f"  ·  {info.nodes} nodes")
    calls = f"{info.llm_calls}/{info.max_calls}" if info.max_calls else str(info.llm_calls)
    out.append(f"  ·  {calls} calls  ·  {fmt_tokens(info.tokens)} tokens")
    if info.elapsed_s is not None:
        out.append(f"  ·  {fmt_elapsed(info.elapsed_s)}")
    if info.hidden:
        good = info.hidden.endswith(" AC")
        out.append("  ·  ")
        out.append(info.hidden, style=f"bold {palette.success if good else palette.error}")
    return out


class StatusHeader(Static):
    def show(self, info: HeaderInfo) -> None:
        self.update(header_text(info, Palette.of(self.app)))
