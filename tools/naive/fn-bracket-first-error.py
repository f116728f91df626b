"""Brute force for fn-bracket-first-error: reduce each prefix by deleting matched pairs."""


def _reduce(brackets: str) -> str:
    while True:
        shorter = brackets.replace("()", "").replace("[]", "").replace("{}", "")
        if shorter == brackets:
            return brackets
        brackets = shorter


def first_error(s: str) -> int:
    kept = ""
    for i, ch in enumerate(s):
        if ch in "()[]{}":
            kept += ch
            if ch in ")]}" and any(c in ")]}" for c in _reduce(kept)):
                return i
    return len(s) if _reduce(kept) else -1
