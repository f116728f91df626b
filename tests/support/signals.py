"""For tests that press Ctrl-C on a child process."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """A `preexec_fn`: the child starts with Ctrl-C unblocked and at its default action.
    Both are inherited; in full test runs two Ctrl-C tests saw the signal lost (cause not
    found: the worker's own handler is Python's default), so the child sets them itself."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)
