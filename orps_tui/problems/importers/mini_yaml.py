"""The small subset of YAML that problemtools' `problem.yaml` uses, without a YAML library.

Supported: nested block mappings by indentation, plain / single- / double-quoted scalars,
flow lists `[a, b]`, block lists of scalars (`- a`), comments, blank lines. Scalars stay
strings except integers, floats and true/false. Anything else (anchors, tags, multi-line
`|` / `>` scalars, flow mappings, lists of mappings) raises `YamlSubsetError` naming the
line, so an unusual file fails loudly instead of being misread.
"""

from __future__ import annotations

import json
import re
from typing import Any

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")


class YamlSubsetError(ValueError):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(f"line {line}: {message}")


def parse(text: str) -> dict[str, Any]:
    lines: list[tuple[int, int, str]] = []  # (line number, indent, content)
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlSubsetError(number, "tab in indentation")
        content = _strip_comment(raw).rstrip()
        if not content.strip() or content.strip() in ("---", "..."):
            continue
        lines.append((number, len(content) - len(content.lstrip()), content.strip()))
    if not lines:
        return {}
    value, end = _block(lines, 0, lines[0][1])
    if end != len(lines):
        raise YamlSubsetError(lines[end][0], "unexpected indentation")
    if not isinstance(value, dict):
        raise YamlSubsetError(lines[0][0], "the document must be a mapping")
    return value


def _block(lines: list[tuple[int, int, str]], start: int, indent: int) -> tuple[Any, int]:
    if lines[start][2].startswith("- ") or lines[start][2] == "-":
        return _list(lines, start, indent)
    result: dict[str, Any] = {}
    i = start
    while i < len(lines):
        number, ind, content = lines[i]
        if ind < indent:
            break
        if ind > indent:
            raise YamlSubsetError(number, "unexpected indentation")
        key, sep, rest = _split_key(content, number)
        if not sep:
            raise YamlSubsetError(number, f"expected `key: value`, got {content!r}")
        if key in result:
            raise YamlSubsetError(number, f"duplicate key {key!r}")
        rest = rest.strip()
        if rest:
            result[key] = _scalar(rest, number)
            i += 1
        elif i + 1 < len(lines) and lines[i + 1][1] > indent:
            result[key], i = _block(lines, i + 1, lines[i + 1][1])
        elif i + 1 < len(lines) and lines[i + 1][1] == indent and lines[i + 1][2].startswith("-"):
            result[key], i = _list(lines, i + 1, indent)
        else:
            result[key] = None
            i += 1
    return result, i


def _list(lines: list[tuple[int, int, str]], start: int, indent: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    i = start
    while i < len(lines) and lines[i][1] == indent and lines[i][2].startswith("-"):
        number, _, content = lines[i]
        item = content[1:].strip()
        if not item or (_split_key(item, number)[1] and not item.startswith(("'", '"'))):
            raise YamlSubsetError(number, "lists of mappings are not supported here")
        items.append(_scalar(item, number))
        i += 1
    return items, i


def _split_key(content: str, number: int) -> tuple[str, bool, str]:
    if content[:1] in ("'", '"'):
        end = content.find(content[0], 1)
        if end < 0 or not content[end + 1 :].lstrip().startswith(":"):
            return content, False, ""
        key = content[1:end]
        rest = content[end + 1 :].lstrip()[1:]
        return key, True, rest
    match = re.match(r"^([^:]+?)\s*:(?:\s+(.*)|$)", content)
    if not match:
        return content, False, ""
    return match.group(1), True, match.group(2) or ""


def _scalar(text: str, number: int) -> Any:
    if text[:1] in ("&", "*", "!", "|", ">", "{"):
        raise YamlSubsetError(number, f"unsupported YAML construct {text[:1]!r}")
    if text.startswith("["):
        if not text.endswith("]"):
            raise YamlSubsetError(number, "a flow list must end on the same line")
        inner = text[1:-1].strip()
        return [_scalar(part.strip(), number) for part in _split_commas(inner)] if inner else []
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise YamlSubsetError(number, f"bad double-quoted string {text!r}") from None
        return value
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise YamlSubsetError(number, f"bad single-quoted string {text!r}")
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    if lowered in ("null", "~"):
        return None
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _split_commas(text: str) -> list[str]:
    parts, current, quote = [], "", ""
    for ch in text:
        if quote:
            current += ch
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch == ",":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _strip_comment(line: str) -> str:
    """Drop a `#` comment that is not inside quotes (YAML needs a space before `#`)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line
