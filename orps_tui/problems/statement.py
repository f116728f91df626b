"""Whether a problem has a statement to read, and the placeholder written when it has none.

Competitive Companion sends a problem's name, link and tests, never its text: the importer
writes `placeholder(...)` as the statement, and `lacks_statement` recognises it (and an empty
statement), so the app and `orps solve` can say so before a search starts.
"""

from __future__ import annotations

import re

from orps_tui.problems.model import Problem

_READ_AT = "Read the statement at <{url}>."
_NONE_SENT = "No statement was sent."
_PLACEHOLDER_LINE = re.compile(r"^(Read the statement at <[^>]*>\.|No statement was sent\.)$")
_TITLE_LINE = re.compile(r"^\*\*[^*]+\*\*( \([^)]*\))?$")

MISSING = "has no statement (only a link and tests): the model reads nothing but the tests"


def placeholder(name: str, group: str = "", url: str | None = None) -> str:
    """The statement of a problem received without its text: title, group, link."""
    text = f"**{name}**" + (f" ({group})" if group else "")
    return text + "\n\n" + (_READ_AT.format(url=url) if url else _NONE_SENT) + "\n"


def lacks_statement(text: str) -> bool:
    """True for an empty statement or a placeholder: nothing but a bold title line and a
    link (or "no statement") line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return True
    if not _PLACEHOLDER_LINE.match(lines[-1]):
        return False
    return all(_TITLE_LINE.match(line) for line in lines[:-1])


def missing_statement_note(problem: Problem) -> str | None:
    """One line to show before a search starts, or None when the problem has a statement."""
    if lacks_statement(problem.statement.text):
        return f"{problem.id} {MISSING}"
    return None
