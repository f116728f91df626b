"""UI benchmarks: first frame of `orps`, batched tree updates on a small vs a 2,000-node
tree, the cost of one streaming refresh, and of one key that moves the selection in review.

    .venv/bin/python bench/ui.py [--nodes 2000] [--batch 50] [--reps 20] [--no-tmux]

Tree and streaming figures come from the real widgets in a headless app (Textual's
`run_test`), timed in this process; the first frame is timed in a real terminal (tmux):
from launching `orps` until the home screen's text is on the screen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.widgets import Markdown  # noqa: E402

from orps_tui.app.app import OrpsApp  # noqa: E402
from orps_tui.app.search_link import SearchLink  # noqa: E402
from orps_tui.app.widgets.search_tree import SearchTree  # noqa: E402
from orps_tui.config import Settings  # noqa: E402
from orps_tui.problems.model import Limits, Problem, ProblemKind, Source, Statement  # noqa: E402
from orps_tui.sandbox.report import (  # noqa: E402
    IsolationStatus,
    JudgeReport,
    StaticMetrics,
    TestResult,
    Verdict,
)
from orps_tui.search.tree import NodeState  # noqa: E402
from orps_tui.search.tree import SearchTree as Nodes  # noqa: E402

PROBLEM = Problem("bench", "Benchmark", ProblemKind.STDIO, Source("bench", "MIT"),
                  Statement("-"), Limits(), ())


def make_tree(n: int, k: int = 5) -> Nodes:
    """A K-ary search tree of n scored nodes."""
    tree = Nodes()
    report = JudgeReport(Verdict.AC, 2, 2, [TestResult("t1", True, Verdict.AC, 0.01),
                                             TestResult("t2", True, Verdict.AC, 0.02)],
                         StaticMetrics(loc=5, ast_nodes=40), IsolationStatus())
    for i in range(n):
        parent = None if i < k else (i - k) // k
        tree.new_node(parent, state=NodeState.ACTIVE, strategy="efficient", code="print(1)\n",
                      report=report, process_score=3.0, outcome_score=1.5)
    return tree


async def tree_batch_ms(n: int, batch: int, reps: int) -> tuple[float, float]:
    """Medians in ms, update + repaint: (adding `batch` new nodes to a tree of n - batch,
    relabelling `batch` changed nodes of a tree of n)."""
    nodes = make_tree(n)
    ids = sorted(nodes.nodes)
    link = SearchLink(PROBLEM, "bench", make_tree(1), read_only=True)
    app = OrpsApp(Settings(), link=link, frozen_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        widget = app.screen.query_one(SearchTree)
        adds = []
        for _ in range(max(3, reps // 4)):
            widget.clear()
            widget._line_of.clear()
            view = {i: nodes.nodes[i] for i in ids[: n - batch]}
            widget.sync(view, ())
            await pilot.pause()
            view.update({i: nodes.nodes[i] for i in ids[n - batch:]})
            t0 = time.perf_counter()
            widget.sync(view, ())
            await pilot.pause()
            adds.append((time.perf_counter() - t0) * 1000)
        relabels = []
        for r in range(reps):
            changed = [(r * 37 + j * 13) % n for j in range(batch)]
            for i in changed:
                nodes.nodes[i].state = NodeState.KEPT if r % 2 else NodeState.ACTIVE
            t0 = time.perf_counter()
            widget.sync(nodes.nodes, changed)
            await pilot.pause()
            relabels.append((time.perf_counter() - t0) * 1000)
        return statistics.median(adds), statistics.median(relabels)


async def stream_refresh_ms(reps: int) -> tuple[float, float, float]:
    """Medians in ms for one refresh of a node that is streaming (75 ms worth of tokens):
    (the screen's batched update itself, update + repaint, an idle repaint for reference)."""
    from orps_tui.app.event_buffer import EventBuffer  # noqa: F401 (the path the screen uses)
    from orps_tui.search import events as ev

    nodes = make_tree(20)
    node = nodes.nodes[0]
    node.state = NodeState.GENERATING
    node.raw_output = ""
    link = SearchLink(PROBLEM, "bench", nodes, read_only=True)
    app = OrpsApp(Settings(), link=link, frozen_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        work, total, idle = [], [], []
        for r in range(reps):
            piece = f"token{r} " * 12 + ("\n\n" if r % 5 == 4 else "")
            node.raw_output += piece
            screen.buffer.push(ev.TextStreamed(0, "programmer", piece))
            t0 = time.perf_counter()
            screen.flush()
            t1 = time.perf_counter()
            await pilot.pause()
            t2 = time.perf_counter()
            await pilot.pause()
            t3 = time.perf_counter()
            work.append((t1 - t0) * 1000)
            total.append((t2 - t0) * 1000)
            idle.append((t3 - t2) * 1000)
        return statistics.median(work), statistics.median(total), statistics.median(idle)


REASONING = """### Current approach
Count each value with a dictionary, then sort the pairs by count and by value.

### What the last feedback shows
The last attempt passed 7 of 10 public tests; it failed `top_k([4, 4, 1], 1)` with
`[1]` where `[4]` was expected: the sort key was **ascending** where it must be descending.

### Complexity against the limits
n is at most 200,000: counting is O(n), sorting the distinct values O(d log d). Well
within 2 s.

### Keep or change the approach
Keep it; fix the sort key to `(-count, value)`.

### Code
"""

CRITIQUE = """**Critic score: 3.0 / 5**

The counting is right and linear. The order is wrong: ties must be broken by the smaller
value, and the most frequent first. `sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))`
does both. Memory is O(d). No other problem."""


class LegacyMarkdownView(Markdown):
    """The reasoning and critique views before 2026-12-02 (Textual's Markdown widget, a
    widget per block), the baseline of `review_key_ms`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._shown = ""

    def show(self, text: str) -> None:
        if text == self._shown:
            return
        if self._shown and text.startswith(self._shown):
            delta, self._shown = text[len(self._shown):], text
            self.append(delta)
        else:
            self._shown = text
            self.update(text)


async def review_key_ms(keys: int, legacy: bool) -> float:
    """Median ms of one key (down or up) that moves the selection in the review of a
    finished 30-node search whose nodes hold a reasoning and a critique as long as the
    coder model's; `legacy`: with the views drawn by `LegacyMarkdownView`."""
    from orps_tui.app.widgets import detail_pane

    nodes = make_tree(30, k=2)
    for i, node in enumerate(nodes.nodes.values()):
        node.reasoning = REASONING.replace("7 of 10", f"{i % 10} of 10")
        node.critique = CRITIQUE.replace("linear", f"linear ({i})")
        node.state = NodeState.STOPPED
    saved = detail_pane.ReasoningView, detail_pane.CritiqueView
    if legacy:
        detail_pane.ReasoningView = LegacyMarkdownView  # type: ignore[misc,assignment]
        detail_pane.CritiqueView = LegacyMarkdownView  # type: ignore[misc,assignment]
    try:
        link = SearchLink(PROBLEM, "bench", nodes, read_only=True)
        app = OrpsApp(Settings(), link=link, frozen_clock=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.screen.query_one(SearchTree).focus()
            times = []
            for i in range(keys + 4):
                t0 = time.perf_counter()
                await pilot.press("down" if (i // 10) % 2 == 0 else "up")
                await pilot.pause()
                if i >= 4:  # the first moves draw each view's first content
                    times.append((time.perf_counter() - t0) * 1000)
            return statistics.median(times)
    finally:
        detail_pane.ReasoningView, detail_pane.CritiqueView = saved  # type: ignore[misc]


def first_frame_s(reps: int) -> list[float]:
    tmux = shutil.which("tmux")
    if tmux is None:
        return []
    orps = Path(sys.executable).with_name("orps")
    out = []
    with tempfile.TemporaryDirectory() as home:
        env = (f"ORPS_CONFIG={home}/config.toml ORPS_DATA_DIR={home}/data "
               f"ORPS_CACHE_DIR={home}/cache OLLAMA_HOST=127.0.0.1:9 TERM=xterm-256color "
               f"PATH={os.environ.get('PATH', '/usr/bin:/bin')}")
        for i in range(reps):
            sock = f"orps-bench-{os.getpid()}-{i}"
            t0 = time.perf_counter()
            subprocess.run([tmux, "-L", sock, "new-session", "-d", "-s", "b", "-x", "120",
                            "-y", "40", f"env -i {env} {orps}"], check=True)
            try:
                while time.perf_counter() - t0 < 20:
                    screen = subprocess.run([tmux, "-L", sock, "capture-pane", "-p", "-t", "b"],
                                            capture_output=True, text=True).stdout
                    if "pick a problem" in screen:
                        out.append(time.perf_counter() - t0)
                        break
                    time.sleep(0.01)
            finally:
                subprocess.run([tmux, "-L", sock, "kill-server"], check=False)
    return out


async def idle_cpu_s(seconds: float, redraw_always: bool) -> tuple[float, float]:
    """CPU seconds this process spends over `seconds` of a running search (a model that
    never answers, so nothing changes) on the search screen, then with the hint dialog
    open over it. `redraw_always`: the header is drawn again on every flush even when its
    line is unchanged, as before 2026-12-02 (the baseline of the same run)."""
    from textual.widgets import TextArea

    from orps_tui.app.widgets.status_header import StatusHeader
    from tests.ui.snapshot_search import frozen_search_app, select_node, wait_frozen

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    show = StatusHeader.show
    if redraw_always:
        def always(self: StatusHeader, info: object) -> None:
            self._shown = None
            show(self, info)  # type: ignore[arg-type]
        StatusHeader.show = always  # type: ignore[method-assign]
    try:
        app = frozen_search_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_frozen(pilot)
            await select_node(pilot, 0)
            start = cpu()
            await asyncio.sleep(seconds)
            screen = cpu() - start
            await pilot.press("h")
            for _ in range(200):
                if isinstance(app.focused, TextArea):
                    break
                await pilot.pause(0.05)
            start = cpu()
            await asyncio.sleep(seconds)
            dialog = cpu() - start
    finally:
        StatusHeader.show = show  # type: ignore[method-assign]
    return screen, dialog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--no-tmux", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("ORPS_CONFIG", "/nonexistent/orps-bench/config.toml")

    small_add, small_batch = asyncio.run(tree_batch_ms(args.small, args.batch, args.reps))
    big_add, big_batch = asyncio.run(tree_batch_ms(args.nodes, args.batch, args.reps))
    stream = asyncio.run(stream_refresh_ms(args.reps))
    print(f"tree: {args.batch} changed nodes relabelled + repaint: {small_batch:.1f} ms in a "
          f"{args.small}-node tree, {big_batch:.1f} ms in a {args.nodes}-node tree "
          f"(ratio {big_batch / small_batch:.2f})")
    print(f"tree: {args.batch} new nodes added + repaint: {small_add:.1f} ms into a "
          f"{args.small}-node tree, {big_add:.1f} ms into a {args.nodes}-node tree "
          f"(ratio {big_add / small_add:.2f})")
    work, total, idle = stream
    print(f"streaming: one batched refresh of the streaming node: {work:.1f} ms of work, "
          f"{total:.1f} ms with the repaint (an idle repaint-wait: {idle:.1f} ms)")
    legacy, now_key = [], []
    for _ in range(3):  # alternated, so a change in the machine's load hits both
        legacy.append(asyncio.run(review_key_ms(args.reps, legacy=True)))
        now_key.append(asyncio.run(review_key_ms(args.reps, legacy=False)))
    old_ms, new_ms = statistics.median(legacy), statistics.median(now_key)
    print(f"review: one key that moves the selection (30 nodes, reasoning and critique "
          f"drawn): {new_ms:.0f} ms; with Textual's Markdown widget as before "
          f"{old_ms:.0f} ms ({old_ms / new_ms:.1f}x)")
    before = asyncio.run(idle_cpu_s(5.0, redraw_always=True))
    now = asyncio.run(idle_cpu_s(5.0, redraw_always=False))
    for i, where in enumerate(("search screen", "hint dialog open")):
        print(f"idle CPU, running search, {where}: {now[i]:.2f} s per 5 s; header redrawn on "
              f"every flush {before[i]:.2f} s ({before[i] / max(now[i], 1e-3):.1f}x)")
    if not args.no_tmux:
        frames = first_frame_s(5)
        if frames:
            print(f"first frame of `orps` in tmux: median {statistics.median(frames):.2f} s, "
                  f"min {min(frames):.2f} s, max {max(frames):.2f} s ({len(frames)} runs)")
        else:
            print("first frame: tmux not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
