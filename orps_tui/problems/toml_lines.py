"""Where each table and key of a TOML document sits, by line.

`tomllib` reports line numbers only for syntax errors, so validation errors about a
well-formed file locate their field here instead: a light line scanner that knows
table headers, arrays of tables (`[[tests]]`, counted from 1), dotted keys and
multi-line strings. It never decides what is valid; it only answers "which line?".
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_KEY_RE = re.compile(rf"^\s*({_DOTTED})\s*=(.*)$")
_TABLE_RE = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_ARRAY_RE = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]\s*(?:#.*)?$")
_PART_RE = re.compile(_BARE_OR_QUOTED)


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART_RE.finditer(dotted):
        part = match.group(0)
        if part[:1] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _opens_multiline(value: str) -> str | None:
    """The delimiter of a multi-line string that starts in `value` and does not end there."""
    for i in range(len(value)):
        for delim in ('"""', "'''"):
            if value.startswith(delim, i):
                rest = value[i + 3 :]
                return None if _closes(rest, delim) else delim
        if value[i] in "\"'#":
            # An ordinary string or a comment comes first: no multi-line string opens here.
            return None
    return None


def _closes(text: str, delim: str) -> bool:
    start = 0
    while True:
        at = text.find(delim, start)
        if at < 0:
            return False
        if delim == "'''":
            return True
        backslashes = len(text[:at]) - len(text[:at].rstrip("\\"))
        if backslashes % 2 == 0:
            return True
        start = at + 1


class TomlLines:
    """Line numbers (1-based) of tables and keys, addressed by path, e.g. ("tests", 2, "input")."""

    def __init__(self, text: str):
        self._lines: dict[Path, int] = {(): 1}
        self._headers: dict[str, list[int]] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: Path = ()
        array_counts: dict[tuple[str, ...], int] = {}
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if _closes(line, in_string):
                    in_string = None
                continue
            if match := _ARRAY_RE.match(line):
                key = _split_key(match.group(1))
                array_counts[key] = array_counts.get(key, 0) + 1
                table = (*key, array_counts[key])
                self._lines.setdefault(key, number)
                self._lines.setdefault(table, number)
                self._headers.setdefault(".".join(key), []).append(number)
                continue
            if match := _TABLE_RE.match(line):
                key = _split_key(match.group(1))
                table = self._within_arrays(key, array_counts)
                self._lines.setdefault(table, number)
                continue
            if match := _KEY_RE.match(line):
                key_path = (*table, *_split_key(match.group(1)))
                self._lines.setdefault(key_path, number)
                in_string = _opens_multiline(match.group(2))

    @staticmethod
    def _within_arrays(key: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Path:
        """`[tests.extra]` after the 2nd `[[tests]]` belongs to ("tests", 2, "extra")."""
        for cut in range(len(key) - 1, 0, -1):
            if key[:cut] in counts:
                return (*key[:cut], counts[key[:cut]], *key[cut:])
        return key

    def line(self, *path: str | int) -> int:
        """The line of `path`, else of its nearest enclosing table that is in the text."""
        for cut in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:cut]))
            if found is not None:
                return found
        return 1

    def exact(self, *path: str | int) -> int | None:
        return self._lines.get(tuple(path))


def key_on_line(text: str, line: int) -> str | None:
    """The key assigned on `line` (1-based), for naming the field of a syntax error."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    match = _KEY_RE.match(lines[line - 1])
    if match:
        return ".".join(_split_key(match.group(1)))
    match = _ARRAY_RE.match(lines[line - 1]) or _TABLE_RE.match(lines[line - 1])
    return ".".join(_split_key(match.group(1))) if match else None
