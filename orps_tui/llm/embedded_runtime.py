"""The one in-process llama.cpp server (xllamacpp) this process runs.

xllamacpp starts llama.cpp's own OpenAI-style HTTP server on 127.0.0.1 at a random port
inside the process. A second live server halves throughput on a small CPU, so this
module keeps exactly one: asking for another model waits until no call is using the
current one, then swaps. The server is closed at interpreter exit.

Loading blocks for 0.4-2 s: callers run `load` in a worker thread, never on the event loop.
"""

from __future__ import annotations

import atexit
import gc
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orps_tui.llm.base import ModelError, ModelErrorKind


@dataclass(frozen=True)
class ServerSpec:
    model_path: Path
    alias: str
    n_ctx: int
    """Total context; llama.cpp splits it evenly over `n_parallel` slots."""
    n_parallel: int
    threads: int


@dataclass(frozen=True)
class Loaded:
    spec: ServerSpec
    base_url: str
    """The OpenAI API root, `http://127.0.0.1:PORT/v1`."""


LOAD = "load"


def cpu_threads() -> int:
    """Threads for llama.cpp: `$ORPS_EMBEDDED_THREADS`, else all cores but one.

    llama.cpp's threads wait for each other at every step; if one of them shares its core
    with another busy process, generation collapses (2 threads on 2 busy cores: ~4 tok/s;
    1 thread: ~60-130 tok/s for SmolLM2). Leaving a core free keeps it robust.
    """
    override = os.environ.get("ORPS_EMBEDDED_THREADS", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


class EmbeddedRuntime:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server: Any = None
        self._loaded: Loaded | None = None
        self._leases = 0
        self._loading = False

    @property
    def loaded(self) -> Loaded | None:
        return self._loaded

    @property
    def leases(self) -> int:
        return self._leases

    def try_lease(self, spec: ServerSpec) -> Loaded | str | None:
        """Non-blocking. A `Loaded` (a lease, give it back with `release`) when `spec` is
        serving; `LOAD` when the caller must now call `load(spec)`; None when busy."""
        with self._lock:
            if self._loading:
                return None
            if self._loaded is not None and self._loaded.spec == spec:
                self._leases += 1
                return self._loaded
            if self._leases == 0:
                self._loading = True
                return LOAD
            return None

    def release(self) -> None:
        with self._lock:
            self._leases = max(0, self._leases - 1)

    def load(self, spec: ServerSpec) -> Loaded:
        """Blocking: stop the current server and start one for `spec`. Only after `LOAD`."""
        try:
            self._stop_server()
            try:
                import xllamacpp
            except (ImportError, OSError) as exc:  # a broken wheel: missing .so, wrong arch
                raise ModelError(
                    ModelErrorKind.NOT_INSTALLED,
                    f"the embedded runtime (xllamacpp) cannot be loaded: {exc}",
                    "pip install --force-reinstall xllamacpp",
                ) from exc

            params = xllamacpp.CommonParams()
            params.model.path = str(spec.model_path)
            params.model_alias = {spec.alias}
            params.n_ctx = spec.n_ctx
            params.n_parallel = spec.n_parallel
            params.cpuparams.n_threads = spec.threads
            params.cpuparams_batch.n_threads = spec.threads
            params.hostnames = ["127.0.0.1"]
            params.port = 0  # a free port, chosen by the server
            params.verbosity = 0
            params.ui = False
            try:
                server = xllamacpp.Server(params)
            except RuntimeError as exc:
                raise ModelError(
                    ModelErrorKind.NOT_INSTALLED,
                    f"llama.cpp could not load {spec.model_path} ({exc})",
                    "the file may be damaged: delete it and fetch it again",
                ) from exc
            loaded = Loaded(spec, server.listening_address.rstrip("/") + "/v1")
            with self._lock:
                self._server = server
                self._loaded = loaded
            return loaded
        finally:
            with self._lock:
                self._loading = False

    def shutdown(self) -> None:
        with self._lock:
            if self._leases:
                return  # calls are still streaming; process exit will end the server
        self._stop_server()

    def _stop_server(self) -> None:
        with self._lock:
            server, self._server, self._loaded = self._server, None, None
        if server is not None:
            del server  # xllamacpp stops its HTTP server and frees the model on dealloc
            gc.collect()


RUNTIME = EmbeddedRuntime()
atexit.register(RUNTIME._stop_server)
