"""Notice when a file is saved, by polling its modification time (no extra dependency)."""

from __future__ import annotations

import os
from pathlib import Path


class MtimeWatcher:
    """`changed()` is True once per save (mtime or size moved since the last call)."""

    def __init__(self, path: Path):
        self.path = path
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def changed(self) -> bool:
        stamp = self._stamp()
        if stamp == self._seen:
            return False
        self._seen = stamp
        return stamp is not None

    def forget(self) -> None:
        """Take the current state as seen (after the app itself wrote the file)."""
        self._seen = self._stamp()
