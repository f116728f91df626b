"""Instrumentation for a profiled run: an option of the one child-side runner (harness.py).

The profiler (`profiler.py`) runs a test exactly as the judge does (`judge.spec_for_test`)
and adds `job["profile"]`: this module's code, compiled by the parent, and the pass. The
runner loads it in the sandboxed child and calls `Probe.start()` just before the solution's
first line and `Probe.stop()` after its last (for a function problem, after the test's
code), so what the program sees (stdin, argv, the function harness, the limits) is the
judge's. One instrumentation per run:

- `lines`: `sys.settrace` line events: exact hits and per-line self time;
- `functions`: `cProfile`: calls, tottime, cumtime per function;
- `memory`: `tracemalloc`: the top allocating lines near the peak.

The figures travel in the runner's verified record (`record["profile"]`), never on stdout,
which belongs to the solution. Instrumented passes discard the solution's output
(`discard_output`). An instrumentation budget (CPU and wall seconds) stops a long run
early: the probe gathers what was measured so far, marked `"stopped": "budget"`, and the
runner writes it and exits with `EXIT_BUDGET`. Stdlib only, never imports orps_tui.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
import types
from collections.abc import Callable
from typing import Any

# cProfile, pstats, threading and tracemalloc are imported by the pass that needs them.

EXIT_BUDGET = 124
"""Exit status when the instrumentation budget stopped the run."""

_MEMORY_FRAMES = 6
"""Frames kept per allocation: enough to find the solution's line under a library call."""

_SNAPSHOT_GROWTH = 1.5
"""The memory pass re-snapshots when traced memory has grown by half since the last
snapshot: geometric, so all snapshots together cost about 3 times the last one, and
the analysed one holds at least 2/3 of the peak when the peak lasts one timer period."""

_SNAPSHOT_MIN_BYTES = 1 << 20

_MEMORY_CHECK_S = 0.005
"""How often (CPU seconds) the memory pass looks for a new peak."""

MAX_EXTERNAL = 50
"""External calls kept (by cumulative time): the record channel has a size limit."""


class Probe:
    """One pass's instrumentation around the solution's run (built before the clocks start,
    so its own set-up, the tracer's calibration included, is not the solution's time)."""

    budget_exit_code = EXIT_BUDGET

    def __init__(self, config: dict[str, Any], solution_path: str, hidden: tuple[str, ...]):
        self.mode: str = config["mode"]
        self.solution_path = solution_path
        self.hidden = (*hidden, __file__)
        """Files whose functions are the runner's, not the solution's nor the library's."""
        self.budget_cpu_s = float(config.get("budget_cpu_s", 0) or 0)
        self.budget_wall_s = float(config.get("budget_wall_s", 0) or 0)
        self.report: dict[str, Any] = {"mode": self.mode, "stopped": None}
        self.collect: Callable[[], None] = lambda: None
        self.on_budget: Callable[[dict[str, Any]], None] = lambda _report: os._exit(EXIT_BUDGET)
        """Set by the runner: write the record with these figures, and exit."""
        self.running = False
        self.cpu0 = self.wall0 = 0.0
        self._start, self._stop = self._instrumentation()
        if config.get("discard_output"):  # the plain run has it; no OLE kill mid-profile
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)

    def _instrumentation(self) -> tuple[Callable[[], None], Callable[[], None]]:
        if self.mode == "lines":
            return _LineTracer(self.solution_path, self).start_stop()
        if self.mode == "functions":
            return _FunctionProfiler(self.solution_path, self).start_stop()
        if self.mode == "memory":
            return _MemoryTracer(self.solution_path, self).start_stop()
        raise ValueError(f"unknown profile mode {self.mode!r}")

    def start(self) -> None:
        self.running = True
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        if self.budget_cpu_s > 0:
            signal.signal(signal.SIGPROF, self._budget_spent)
            signal.setitimer(signal.ITIMER_PROF, self.budget_cpu_s)
        if self.budget_wall_s > 0:
            signal.signal(signal.SIGALRM, self._budget_spent)
            signal.setitimer(signal.ITIMER_REAL, self.budget_wall_s)
        self._start()

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        self._stop()
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.report["cpu_s"] = time.process_time() - self.cpu0
        self.report["wall_s"] = time.perf_counter() - self.wall0

    def finish(self) -> dict[str, Any]:
        """The figures, gathered once the run is over (measuring never hides its outcome)."""
        self.stop()
        try:
            self.collect()
        except Exception as exc:  # noqa: BLE001
            self.report["collect_error"] = f"{type(exc).__name__}: {exc}"
        return self.report

    def _budget_spent(self, signum: int, _frame: object) -> None:
        # Stop here rather than by unwinding: the solution may catch exceptions.
        self.stop()
        self.report["stopped"] = "budget"
        self.report["stopped_by"] = "cpu" if signum == signal.SIGPROF else "wall"
        self.on_budget(self.finish())


# --- pass: lines -------------------------------------------------------------------------------
class _LineTracer:
    """Exact hit counts and per-line self time from `sys.settrace` line events.

    A line's time runs from its line event to the next event of the solution (the next
    line, a call into another solution function, a return), so it includes library and
    builtin calls made from that line but not the solution's own callees, which are
    charged to their own lines. The tracer's own work between two clock reads is left
    out; the interpreter's dispatch to the tracer is not: each charged interval carries
    a fixed cost, which `_calibrate` measures so the parent can subtract it.
    """

    def __init__(self, filename: str, probe: Probe | None) -> None:
        self.filename = filename
        self.hits: dict[int, int] = {}
        self.times: dict[int, list[float]] = {}
        """line -> [seconds charged, number of charged intervals]."""
        self.current: int | None = None
        self.last = 0.0
        self.stack: list[int | None] = []
        self.probe = probe
        if probe is not None:
            probe.collect = self.collect

    def start_stop(self) -> tuple[Callable[[], None], Callable[[], None]]:
        import threading  # threads the solution starts (the deep-recursion trick) are traced

        if self.probe is not None:
            self.probe.report["tracing_cost_s"] = _calibrate()

        def start() -> None:
            self.last = time.perf_counter()
            threading.settrace(self._global)
            sys.settrace(self._global)

        def stop() -> None:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
            self._charge(time.perf_counter())
            self.current = None

        return start, stop

    def _charge(self, now: float) -> None:
        current = self.current
        if current is not None:
            entry = self.times.get(current)
            if entry is None:
                self.times[current] = [now - self.last, 1]
            else:
                entry[0] += now - self.last
                entry[1] += 1

    def _global(self, frame: types.FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename != self.filename:
            return None
        self._charge(time.perf_counter())
        self.stack.append(self.current)
        self.current = None
        self.last = time.perf_counter()
        return self._local

    def _local(self, frame: types.FrameType, event: str, arg: object) -> Any:
        self._charge(time.perf_counter())
        if event == "line":
            line = frame.f_lineno
            self.hits[line] = self.hits.get(line, 0) + 1
            self.current = line
        elif event == "return":
            self.current = self.stack.pop() if self.stack else None
        self.last = time.perf_counter()
        return self._local

    def collect(self) -> None:
        assert self.probe is not None
        rows = []
        for line in sorted(set(self.hits) | set(self.times)):
            seconds, intervals = self.times.get(line, (0.0, 0))
            rows.append([line, self.hits.get(line, 0), seconds, int(intervals)])
        self.probe.report["lines"] = rows


_CALIBRATION_FILE = "<profile-calibration>"
_CALIBRATION_SOURCE = """
def spin(n):
    x = 0
    for _ in range(n):
        x += 1
    return x
"""


def _calibrate(n: int = 2000, rounds: int = 5) -> float:
    """Seconds the tracer adds to each charged interval: a known loop timed with and
    without tracing (the best of a few rounds: a busy machine only ever adds time)."""
    namespace: dict[str, Any] = {}
    exec(compile(_CALIBRATION_SOURCE, _CALIBRATION_FILE, "exec"), namespace)
    spin = namespace["spin"]
    plain = traced = float("inf")
    intervals = 1
    for _ in range(rounds):
        t0 = time.perf_counter()
        spin(n)
        plain = min(plain, time.perf_counter() - t0)
        tracer = _LineTracer(_CALIBRATION_FILE, None)
        start, stop = tracer.start_stop()
        start()
        try:
            spin(n)
        finally:
            stop()
        charged = sum(t for t, _ in tracer.times.values())
        intervals = max(sum(int(c) for _, c in tracer.times.values()), 1)
        traced = min(traced, charged)
    return max(traced - plain, 0.0) / intervals


# --- pass: functions ---------------------------------------------------------------------------
class _FunctionProfiler:
    """cProfile over the run; every function the run called, grouped and named.

    cProfile follows one thread, so threads the solution starts (the deep-recursion
    trick: `threading.Thread(target=main)` with a big stack) get a profiler of their
    own, merged at the end.
    """

    def __init__(self, filename: str, probe: Probe) -> None:
        import cProfile
        import threading

        self.filename = filename
        self.profile = cProfile.Profile()
        self.thread_profiles: list[Any] = []
        self.probe = probe
        probe.collect = self.collect
        original_run = threading.Thread.run
        profiles = self.thread_profiles

        def profiled_run(thread: Any) -> None:
            profile = cProfile.Profile()
            profiles.append(profile)
            profile.enable()
            try:
                original_run(thread)
            finally:
                profile.disable()

        threading.Thread.run = profiled_run  # type: ignore[method-assign,assignment]

    def start_stop(self) -> tuple[Callable[[], None], Callable[[], None]]:
        return self.profile.enable, self.profile.disable

    def collect(self) -> None:
        import pstats

        self.profile.disable()
        merged = pstats.Stats(self.profile)
        for profile in self.thread_profiles:
            with contextlib.suppress(Exception):  # a thread still running at a budget stop
                merged.add(profile)
        stats = merged.stats  # type: ignore[attr-defined]
        qualnames = _qualnames(self.filename)
        rows = []
        for (filename, line, name), (cc, nc, tt, ct, _callers) in stats.items():
            if filename in self.probe.hidden or _is_runner_call(filename, name):
                continue
            own = filename == self.filename
            if own:
                name = qualnames.get((line, name), name)
            elif filename == "<setup>" or filename.startswith("<test"):
                continue
            rows.append(
                {
                    "name": name,
                    "file": filename,
                    "line": line,
                    "calls": nc,
                    "primitive_calls": cc,
                    "tottime_s": tt,
                    "cumtime_s": ct,
                    "own": own,
                }
            )
        external = sorted((r for r in rows if not r["own"]), key=lambda r: -r["cumtime_s"])
        self.probe.report["functions"] = [r for r in rows if r["own"]] + external[:MAX_EXTERNAL]


def _is_runner_call(filename: str, name: str) -> bool:
    return filename == "~" and name in (
        "<built-in method builtins.exec>",
        "<method 'disable' of '_lsprof.Profiler' objects>",
    )


def _qualnames(filename: str) -> dict[tuple[int, str], str]:
    """(first line, co_name) -> co_qualname for every code object of the solution."""
    try:
        with open(filename, encoding="utf-8") as fh:
            root = compile(fh.read(), filename, "exec", dont_inherit=True)
    except Exception:
        return {}
    names: dict[tuple[int, str], str] = {}
    todo = [root]
    while todo:
        code = todo.pop()
        names[(code.co_firstlineno, code.co_name)] = getattr(code, "co_qualname", code.co_name)
        todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names


# --- pass: memory ------------------------------------------------------------------------------
class _MemoryTracer:
    """tracemalloc: the solution's allocating lines, taken near the traced peak.

    A snapshot at exit misses memory freed before it (a big list local to a function),
    so a CPU timer checks traced memory every `_MEMORY_CHECK_S` and re-snapshots when
    it has grown by half since the last snapshot, keeping only the latest; at the end the
    larger of it and a final snapshot is analysed, once, with tracing stopped. (A timer
    rather than a profile hook: a hook on every call doubled the pass's cost on
    call-heavy code.) Each allocation is charged to the innermost solution line on its
    stack (a `list(range(n))` inside a library call made from line 7 is line 7's).
    """

    def __init__(self, filename: str, probe: Probe) -> None:
        import tracemalloc

        self.tracemalloc = tracemalloc
        self.filename = filename
        self.probe = probe
        self.held: Any = None
        """The latest snapshot (unanalysed: analysing is the slow part)."""
        self.held_bytes = 0
        """Traced memory when it was taken (its own tables are excluded below)."""
        self.overhead = 0
        """Traced bytes that are the held snapshot itself, not the solution's."""
        self.next_at = _SNAPSHOT_MIN_BYTES
        self.busy = False
        self.snapshots = 0
        self.result: dict[str, Any] | None = None
        probe.collect = self.collect

    def start_stop(self) -> tuple[Callable[[], None], Callable[[], None]]:
        def start() -> None:
            self.tracemalloc.start(_MEMORY_FRAMES)
            signal.signal(signal.SIGVTALRM, self._check)
            signal.setitimer(signal.ITIMER_VIRTUAL, _MEMORY_CHECK_S, _MEMORY_CHECK_S)

        def stop() -> None:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            self._final_snapshot()

        return start, stop

    def _check(self, signum: int, frame: object) -> None:
        if self.busy or not self.tracemalloc.is_tracing():
            return  # a snapshot can outlast the timer's period: never nest them
        if self.tracemalloc.get_traced_memory()[0] - self.overhead >= self.next_at:
            self.busy = True
            try:
                self._snapshot()
            finally:
                self.busy = False

    def _snapshot(self) -> None:
        tracemalloc = self.tracemalloc
        self.held = None  # free the previous one first
        before = tracemalloc.get_traced_memory()[0]
        self.held = tracemalloc.take_snapshot()
        self.snapshots += 1
        self.overhead = max(tracemalloc.get_traced_memory()[0] - before, 0)
        self.held_bytes = before
        self.next_at = int(before * _SNAPSHOT_GROWTH)

    def _final_snapshot(self) -> None:
        """Once, at the end (or at the budget stop): then tracing ends."""
        tracemalloc = self.tracemalloc
        if not tracemalloc.is_tracing():
            return
        current = tracemalloc.get_traced_memory()[0] - self.overhead
        if self.held is None or current >= self.held_bytes:
            self._snapshot()
        self.traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    def collect(self) -> None:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        self._final_snapshot()
        per_line: dict[int, list[int]] = {}
        total = 0
        if self.held is not None:
            total, per_line = _charge_to_lines(self.held, self.filename)
        self.probe.report["memory"] = {
            "traced_peak_bytes": getattr(self, "traced_peak", 0),
            "snapshot_bytes": total,
            "snapshots": self.snapshots,
            "lines": [[line, size, count] for line, (size, count) in per_line.items()],
        }


def _charge_to_lines(snapshot: Any, filename: str) -> tuple[int, dict[int, list[int]]]:
    """(total bytes, {line: [bytes, blocks]}) over the snapshot's traces."""
    per_line: dict[int, list[int]] = {}
    total = 0
    raw = getattr(getattr(snapshot, "traces", None), "_traces", None)
    if raw is None:  # not CPython's layout: the public, slower way
        for stat in snapshot.statistics("traceback"):
            total += stat.size
            line = _innermost_line(
                ((f.filename, f.lineno) for f in reversed(stat.traceback)), filename
            )
            if line:
                entry = per_line.setdefault(line, [0, 0])
                entry[0] += stat.size
                entry[1] += stat.count
        return total, per_line
    # CPython: (domain, size, traceback, total_nframe), the traceback most recent first
    # and shared between identical traces, so the line is looked up once per traceback.
    lines_of: dict[int, int] = {}
    for _domain, size, frames, *_rest in raw:
        total += size
        key = id(frames)
        known = lines_of.get(key)
        at = (
            known
            if known is not None
            else lines_of.setdefault(key, _innermost_line(frames, filename))
        )
        if at:
            cell = per_line.get(at)
            if cell is None:
                per_line[at] = [size, 1]
            else:
                cell[0] += size
                cell[1] += 1
    return total, per_line


def _innermost_line(frames: Any, filename: str) -> int:
    for name, line in frames:
        if name == filename:
            return line if line > 0 else 0
    return 0
