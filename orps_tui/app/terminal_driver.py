"""The terminal driver: Textual's own, plus a clean exit when the terminal goes away.

When a terminal closes (a window closed, `tmux kill-session`, an ssh link dropped), the
kernel sends SIGHUP only to the session leader: under `make run` that is make, and orps is
left with a hung-up terminal whose input reads EOF forever (Textual's input thread then
spins) and whose output fails with EIO (Textual's writer thread dies, and the next 30
writes block the event loop). This driver notices either way — SIGHUP or SIGTERM, an
output error, or stdin no longer being a terminal — drops all further output, and asks
the app to quit, which cancels a running search (its session is written as cancelled, so
it resumes later). If the app has not exited `EXIT_GRACE_S` later, the process ends.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver

POLL_S = 0.25
EXIT_GRACE_S = 15.0
HANGUP_STATUS = 128 + signal.SIGHUP


class _QuietOutput:
    """The terminal's output stream; after the first failed write everything is dropped."""

    def __init__(self, file: IO[str], on_error: Callable[[], None]) -> None:
        self._file = file
        self._on_error = on_error
        self.dropped = False

    def write(self, text: str) -> int:
        if not self.dropped:
            try:
                return self._file.write(text)
            except (OSError, ValueError):
                self._on_error()
        return len(text)

    def flush(self) -> None:
        if not self.dropped:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._on_error()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True


class HangupAwareDriver(LinuxDriver):
    """`LinuxDriver` that ends the app, rather than spinning, once its terminal is gone."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._gone = threading.Event()
        self._output = _QuietOutput(self._file, self.terminal_gone)  # type: ignore[arg-type]
        self._file = self._output  # type: ignore[assignment]

    def start_application_mode(self) -> None:
        super().start_application_mode()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            self._loop.add_signal_handler(signum, self.terminal_gone, 128 + signum)
        threading.Thread(target=self._watch, name="orps-terminal-watch", daemon=True).start()

    def stop_application_mode(self) -> None:
        for signum in (signal.SIGHUP, signal.SIGTERM):
            self._loop.remove_signal_handler(signum)
        super().stop_application_mode()

    def _watch(self) -> None:
        while not self._gone.wait(POLL_S):
            if not os.isatty(self.fileno):  # hung up: reads give EOF, ioctls EIO
                self.terminal_gone()

    def terminal_gone(self, status: int = HANGUP_STATUS) -> None:
        """Stop writing if the terminal is gone, and ask the app to quit with `status`
        (any thread; once)."""
        if self._gone.is_set():
            return
        self._gone.set()
        self._output.dropped = not os.isatty(self.fileno)
        self._loop.call_soon_threadsafe(self._app.exit, status)
        threading.Thread(target=_exit_after_grace, name="orps-exit-grace", daemon=True).start()


def _exit_after_grace() -> None:
    """The last resort: a hung-up app that did not exit in time must not live on."""
    threading.Event().wait(EXIT_GRACE_S)
    os._exit(HANGUP_STATUS)
