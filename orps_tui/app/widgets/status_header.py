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
    method: str = ""
    """Shown where the round would be, for a search without rounds (`sampling`)."""
    nodes: int = 0
    llm_calls: int = 0
    max_calls: int = 0
    tokens: int = 0
    cached_share: float | None = None
    """Share of the prompt tokens sent that the model server served from its cache (None:
    the server does not say)."""
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


def header_text(info: HeaderInfo, palette: Palette = DEFAULT, width: int | None = None) -> Text:
    """The header line; in a narrow terminal (`width`) the separators shrink, then the
    node count, the model and the problem give way, so calls, tokens, time and the hidden
    grade stay in view."""
    calls = f"{info.llm_calls}/{info.max_calls}" if info.max_calls else str(info.llm_calls)
    if info.max_calls and info.llm_calls > info.max_calls:
        # a person's expansions are not bound by the budget: say so rather than "7/2"
        calls = f"{info.max_calls} + {info.llm_calls - info.max_calls} steered"
    parts: list[tuple[str, str, str]] = [  # (key, text, style)
        ("problem", info.problem, "bold"),
        ("model", info.model, ""),
        ("round", f"round {info.round}/{info.rounds}" if info.rounds else info.method, ""),
        ("nodes", f"{info.nodes} nodes", ""),
        ("calls", f"{calls} calls", ""),
        ("tokens", f"{fmt_tokens(info.tokens)} tokens", ""),
        ("cache", f"{info.cached_share:.0%} cached" if info.cached_share is not None else "",
         ""),
        ("time", fmt_elapsed(info.elapsed_s) if info.elapsed_s is not None else "", ""),
    ]
    if info.hidden:
        good = info.hidden.endswith(" AC")
        parts.append(("hidden", info.hidden,
                      f"bold {palette.success if good else palette.error}"))
    parts = [p for p in parts if p[1]]
    badge = f" {info.state.upper()} "
    sep = "  ·  "

    def length(kept: list[tuple[str, str, str]], sep: str) -> int:
        return len(badge) + 1 + sum(len(t) for _, t, _ in kept) + len(sep) * (len(kept) - 1)

    if width is not None:  # the first way that fits, least given up first
        for drop in ((), ("cache",), ("cache", "nodes"), ("cache", "model"),
                     ("cache", "nodes", "model"), ("cache", "nodes", "model", "problem")):
            kept = [p for p in parts if p[0] not in drop]
            fits = [s for s in ("  ·  ", " · ") if length(kept, s) <= width]
            if fits:
                parts, sep = kept, fits[0]
                break
        else:
            parts = kept
    out = Text(no_wrap=True, overflow="ellipsis")
    role = STATE_ROLES.get(info.state)
    out.append(badge, style=f"bold reverse {getattr(palette, role)}" if role else "bold reverse")
    out.append(" ")
    for i, (_, text, style) in enumerate(parts):
        if i:
            out.append(sep)
        out.append(text, style=style)
    return out


class StatusHeader(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.info: HeaderInfo | None = None
        self._shown: Text | None = None

    def show(self, info: HeaderInfo) -> None:
        """Called ~13 times a second while a search runs; the line changes about once a
        second. An unchanged line is not drawn again: under a dialog every redraw repaints
        the whole dimmed screen behind it (half a core, measured)."""
        self.info = info
        text = header_text(info, Palette.of(self.app), self.size.width or None)
        if text == self._shown:
            return
        self._shown = text
        self.update(text)

    def on_resize(self) -> None:
        if self.info is not None:
            self.show(self.info)
