"""Time and memory bars across a node's tests, scaled to the problem's limits."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from orps_tui.app.palette import DEFAULT, Palette
from orps_tui.problems.model import Limits
from orps_tui.sandbox.report import JudgeReport

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(fraction: float, width: int) -> str:
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (BLOCKS[rest] if rest else "")).ljust(width)


def bars_text(report: JudgeReport | None, limits: Limits, width: int = 24,
              palette: Palette = DEFAULT) -> Text:
    if report is None or not report.tests:
        return Text("No tests run yet.", style="italic")
    out = Text()
    name_w = min(16, max(len(t.name) for t in report.tests))
    out.append(f"{'':{name_w}}  " + f"CPU (of {limits.time_s * 1000:.0f} ms)".ljust(width + 12))
    out.append(f"memory (of {limits.memory_mb} MB)\n", style="")
    for t in report.tests:
        cpu_frac = t.cpu_s / limits.time_s if limits.time_s else 0.0
        mem_frac = t.peak_rss_mb / limits.memory_mb if limits.memory_mb else 0.0
        out.append(f"{t.name[:name_w]:{name_w}}  ")
        out.append(bar(cpu_frac, width), style=palette.error if cpu_frac > 1 else palette.primary)
        out.append(f" {t.cpu_s * 1000:7.1f}ms ")
        out.append(bar(mem_frac, width), style=palette.error if mem_frac > 1 else palette.secondary)
        out.append(f" {t.peak_rss_mb:6.1f}MB\n")
    return out


class ResourceBars(Static):
    """Bars sized to the pane's width (redrawn on resize)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._last: tuple[JudgeReport | None, Limits] | None = None

    def show(self, report: JudgeReport | None, limits: Limits) -> None:
        self._last = (report, limits)
        self._draw()

    def _draw(self) -> None:
        if self._last is None:
            return
        report, limits = self._last
        names = max((len(t.name) for t in report.tests), default=4) if report else 4
        room = self.content_size.width or 60
        width = max(4, (room - min(16, names) - 24) // 2)
        self.update(bars_text(report, limits, width, Palette.of(self.app)))

    def on_resize(self) -> None:
        self._draw()
