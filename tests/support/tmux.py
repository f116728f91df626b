"""Drive the real `orps` command in a real terminal: a private tmux server running one
command, fed keys with `send-keys`, read back with `capture-pane -p`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

TMUX = shutil.which("tmux")


def quote(text: str) -> str:
    """`text` as one single-quoted shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


def terminal_env(home: Path, **extra: str) -> dict[str, str]:
    """The test's isolated ORPS_* dirs, a 256-colour TERM, HOME and PATH, plus `extra`."""
    env = {k: os.environ[k] for k in ("ORPS_CONFIG", "ORPS_DATA_DIR", "ORPS_CACHE_DIR")}
    env.update({"TERM": "xterm-256color", "HOME": str(home),
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"), **extra})
    return env


class Terminal:
    """One tmux server of our own (private socket), one window of `width`x`height` running
    `command` (a list of words) with only `env` in its environment. When the command exits
    the window shows `ORPS-EXIT=<status>`; with `as_leader` the command replaces the shell
    instead (it leads the terminal's session, as `tmux new-session 'make run'` makes it),
    and the window closes when it exits."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, *,
                 width: int = 120, height: int = 40, key_delay: float = 0.15,
                 as_leader: bool = False) -> None:
        assert TMUX is not None, "tmux is not installed"
        self.tmux = TMUX
        self.key_delay = key_delay
        self.socket = f"orps-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={quote(v)}" for k, v in env.items())
        words = f"env -i {exports} {' '.join(quote(c) for c in command)}"
        line = (f"cd {quote(str(cwd))} && exec {words}" if as_leader
                else f"cd {quote(str(cwd))} && {words}; echo ORPS-EXIT=$?; sleep 30")
        self.run("new-session", "-d", "-s", "orps", "-x", str(width), "-y", str(height), line)

    def run(self, *args: str) -> str:
        out = subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True,
                             text=True, timeout=20, check=False)
        return out.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "orps")

    def keys(self, *keys: str) -> None:
        """Each key (tmux names: Enter, C-s, F5...) on its own, with a pause after it."""
        for key in keys:
            self.run("send-keys", "-t", "orps", key)
            time.sleep(self.key_delay)

    def type(self, text: str) -> None:
        """`text` typed literally."""
        self.run("send-keys", "-t", "orps", "-l", text)
        time.sleep(0.2)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """The screen once it shows `text`; AssertionError with the screen after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def close(self) -> None:
        self.run("kill-server")
