"""Warm mode, parent side: one fork server per problem that forks a fresh child per test.

The server (`harness.serve()`, a `python -S -P` process in its own session with the same
minimal environment as any run) imports the harness, warms the stdlib and applies to
itself, once, every isolation layer that is the same for every run: a Landlock ruleset
(read the stdlib, write only beneath its work root, a folder made for it before it
starts, where every one of its runs gets its dir), the part of the seccomp filter that
names no process, no-new-privs, no core dumps, no capabilities. Each request forks a
child that inherits all that and adds only what differs per run: its own session, stdio
files, CPU/memory/file limits, a Landlock ruleset of its own (the same reads, writes
only in its work dir) and the per-run seccomp part (no new processes, signals only
within its group). The server reaps its children and reports their status and CPU time
(`wait4` of that child alone).

If the server dies, every waiting run gets `ServerDied` (never a hang) and the next
`start()` spawns a new server. Its children die with it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from typing import Any

from orps_tui.sandbox.runner import (
    FRESH,
    Child,
    RunSpec,
    boot_argv,
    boot_blob,
    minimal_env,
    run_root,
    server_boot,
)

START_TIMEOUT_S = 15.0
REPLY_TIMEOUT_S = 10.0


class ServerDied(RuntimeError):
    """The fork server went away (or stopped answering) while a run needed it."""


class _WarmChild:
    warm = True

    def __init__(self, server: ForkServer, rid: int, sock: socket.socket):
        self._server = server
        self._sock = sock
        self.rid = rid
        self.pid = 0  # until the server names it: only a child that runs a while
        self.exited = threading.Event()
        self.result: tuple[int, float, float] | None = None
        self.dead = False

    def wait(self, timeout: float) -> bool:
        return self.exited.wait(max(timeout, 0.0))

    def kill(self) -> None:
        self._server._send(("kill", self.rid), quiet=True)

    def finish(self) -> tuple[int, float, float]:
        if not self.exited.wait(REPLY_TIMEOUT_S):
            self._server.stop(self._sock)
            raise ServerDied("the fork server did not report the child's exit")
        if self.result is None:
            raise ServerDied("the fork server died during the run")
        return self.result


class ForkServer:
    """A warm fork server; thread-safe, started lazily, restarted after a crash."""

    def __init__(self, python: str = sys.executable):
        self.python = python
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._pid: int | None = None
        self._children: dict[int, _WarmChild] = {}
        self._next_id = 0
        self._ready = threading.Event()
        self._root: str | None = None
        self.restarts = -1

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._sock is not None

    def ensure_started(self) -> None:
        with self._lock:
            if self._sock is not None:
                return
            self._spawn()

    def workspace(self) -> str:
        """The server's work root (run dirs go in it), starting the server if need be."""
        with self._lock:
            if self._root is not None and not os.path.isdir(self._root):
                # Removed behind our back: the server's ruleset names the old folder.
                if self._sock is not None and self._pid is not None:
                    self._teardown(self._sock, self._pid)
                self._root = None
            if self._sock is None:
                self._spawn()
            assert self._root is not None
            return self._root

    def _spawn(self) -> None:
        if self._root is None:
            self._root = tempfile.mkdtemp(prefix="orps-srv-", dir=run_root())
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        code_r, code_w = os.pipe2(os.O_CLOEXEC)
        try:
            actions = [
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
                (os.POSIX_SPAWN_DUP2, code_r, 3),  # the boot code, then closed
                (os.POSIX_SPAWN_DUP2, child.fileno(), 4),  # the request socket
            ]
            argv = boot_argv(self.python, 3, "serve")
            pid = os.posix_spawn(
                self.python, argv, minimal_env("/"), file_actions=actions, setsid=True
            )
            os.close(code_r)
            code_r = -1
            with open(code_w, "wb", closefd=True) as pipe:
                code_w = -1
                pipe.write(boot_blob(server_boot(self._root)))
        finally:
            for fd in (devnull, code_r, code_w):
                if fd >= 0:
                    os.close(fd)
            child.close()
        self._pid = pid
        self._sock = parent
        self._ready.clear()
        self.restarts += 1
        died = threading.Event()
        threading.Thread(
            target=self._reader, args=(parent, pid, died), name="orps-forkserver", daemon=True
        ).start()
        # The reader sets `_ready` on "ready" and on EOF, so a server dying at start-up
        # is noticed at once rather than after the timeout.
        if not self._ready.wait(START_TIMEOUT_S) or died.is_set():
            self._teardown(parent, pid)
            raise ServerDied("the fork server did not start")

    def stop(self, only: socket.socket | None = None) -> None:
        """Stop the server and remove its work root (or stop only the server behind
        `only`, if it is still the current one, keeping the root for its replacement:
        a run that saw an old server fail must not stop the new one)."""
        with self._lock:
            sock, pid = self._sock, self._pid
            if sock is not None and pid is not None and (only is None or only is sock):
                self._teardown(sock, pid)
            if only is None and self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None

    def _teardown(self, sock: socket.socket, pid: int) -> None:
        if self._sock is sock:
            self._sock = None
            self._pid = None
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    # --- messages ----------------------------------------------------------------------------
    def _send(self, message: tuple[Any, ...], *, quiet: bool = False) -> None:
        data = marshal.dumps(message)
        sock = self._sock
        try:
            if sock is None:
                raise OSError("not running")
            with self._send_lock:
                sock.sendall(len(data).to_bytes(4, "little") + data)
        except OSError as exc:
            if not quiet:
                raise ServerDied(f"cannot reach the fork server: {exc}") from None

    def _reader(self, sock: socket.socket, pid: int, died: threading.Event) -> None:
        buf = b""
        try:
            while True:
                data = sock.recv(1 << 16)
                if not data:
                    break
                buf += data
                while len(buf) >= 4:
                    size = int.from_bytes(buf[:4], "little")
                    if len(buf) < 4 + size:
                        break
                    message, buf = marshal.loads(buf[4 : 4 + size]), buf[4 + size :]
                    self._dispatch(message)
        except (OSError, ValueError, EOFError):
            pass
        # The server is gone: fail everything still waiting on it.
        died.set()
        if not self._ready.is_set():
            self._ready.set()
            return  # _spawn (holding the lock) tears down
        with self._lock:
            if self._sock is sock:
                self._teardown(sock, pid)
            waiting = list(self._children.values())
            self._children.clear()
        for child in waiting:
            child.dead = True
            child.exited.set()

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            self._ready.set()
            return
        child = self._children.get(message[1])
        if child is None:
            return
        if kind == "started":
            child.pid = message[2]
        elif kind == "exited":
            child.pid = message[5]
            child.result = (message[2], message[3], message[4])
            self._children.pop(message[1], None)
            child.exited.set()

    # --- the Spawner protocol ----------------------------------------------------------------
    def start(self, spec: RunSpec, paths: dict[str, str], job: dict[str, Any]) -> Child:
        if not (spec.landlock and spec.seccomp):
            # The server's children inherit its layers: a run without one starts fresh.
            return FRESH.start(spec, paths, job)
        self.ensure_started()
        with self._lock:
            sock = self._sock
            if sock is None:
                raise ServerDied("the fork server stopped")
            root = self._root
            if root is None or not paths["work"].startswith(root + os.sep):
                raise ServerDied("the run dir is not in the fork server's work root")
            self._next_id += 1
            child = _WarmChild(self, self._next_id, sock)
            self._children[child.rid] = child
        self._send(("run", child.rid, marshal.dumps(job), paths))
        # Not waiting for the pid: the server sends it only for a child that runs a
        # while; a quick one's first word is its exit (or the server's death: EOF).
        return child

    @property
    def pid(self) -> int | None:
        return self._pid

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
