"""Turning raw model output into (reasoning, code) and (critique, score, finished).

Real small models break every format rule now and then, so the parsers are lenient and
say what they had to guess in `issues`; `error` is set only when nothing usable is left.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_THINK_OPEN = re.compile(r"<think>.*\Z", re.DOTALL | re.IGNORECASE)
_THINK_CLOSE_ONLY = re.compile(r"\A.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n", re.MULTILINE)
_PY_LANGS = {"", "python", "python3", "py", "py3", "python3.11"}
_CODE_START = re.compile(r"^(def |class |import |from \w+ import |@|[A-Za-z_]\w* *=|for |while |if |print\()")


def strip_thinking(text: str) -> str:
    """Drop `<think>...</think>` blocks; an unclosed `<think>` swallows the rest, and a
    stray `</think>` (the opening tag was in the template) drops everything before it."""
    text = _THINK_BLOCK.sub("", text)
    text = _THINK_OPEN.sub("", text)
    if re.search(r"</think>", text, re.IGNORECASE):
        text = _THINK_CLOSE_ONLY.sub("", text)
    return text.strip()


_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
LOOP_WINDOW = 20
"""Lines looked at by `repetition_detected`."""


def repetition_detected(text: str, window: int = LOOP_WINDOW) -> bool:
    """Whether streamed text has fallen into a loop: its last `window` complete non-empty
    lines take at most two shapes once numbers and spacing are ignored (`67. "cat" -> x`,
    `68. "cat" -> x`, ...). Small models do this until the token cap, which on a CPU costs
    minutes per call; no real answer has twenty such lines in a row. Inside an open code
    fence nothing is flagged: code may repeat a line on purpose (a table, an unrolled loop)."""
    lines = text.split("\n")[:-1]  # the last line may still be growing
    if sum(1 for line in lines if line.lstrip().startswith(("```", "~~~"))) % 2:
        return False
    tail: list[str] = []
    for line in reversed(lines):
        if line.strip():
            tail.append(_SPACES.sub(" ", _DIGITS.sub("0", line)).strip())
            if len(tail) == window:
                break
    if len(tail) == window and len(set(tail)) <= 2:
        return True
    return _periodic_tail(text)


def _periodic_tail(text: str, shortest: int = 16, longest: int = 300, times: int = 3) -> bool:
    """The text ends with the same run of `shortest`..`longest` characters `times` times in
    a row: a loop within one line (a review repeating its last sentence, in a JSON string)."""
    tail = text[-longest * times:]
    for period in range(shortest, min(longest, len(tail) // times) + 1):
        unit = tail[-period:]
        if tail.endswith(unit * times) and unit.strip():
            return True
    return False


@dataclass
class CodeBlock:
    lang: str
    code: str
    start: int
    end: int
    closed: bool


def find_code_blocks(text: str) -> list[CodeBlock]:
    """Fenced blocks in order; a fence left open at the end (truncated output) is returned
    with `closed=False`."""
    blocks: list[CodeBlock] = []
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if not m:
            break
        fence, lang = m.group(1), m.group(2).lower()
        body_start = m.end()
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        c = close.search(text, body_start)
        if c is None:
            blocks.append(CodeBlock(lang, text[body_start:], m.start(), len(text), False))
            break
        blocks.append(CodeBlock(lang, text[body_start:c.start()], m.start(), c.end(), True))
        pos = c.end()
    return blocks


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def same_program(a: str, b: str) -> bool:
    """Whether two programs are the same up to comments, blank lines and layout (the
    same syntax tree; as text, trailing spaces and blank lines aside, when either does
    not parse)."""
    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except (SyntaxError, ValueError):
        def lines(code: str) -> list[str]:
            return [line.rstrip() for line in code.splitlines() if line.strip()]

        return lines(a) == lines(b)


def _defines(code: str, name: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
               for n in ast.walk(tree))


@dataclass
class ParsedProgram:
    reasoning: str = ""
    code: str = ""
    issues: list[str] = field(default_factory=list)
    error: str = ""
    """Why the output is unusable (no code at all); empty when `code` is usable."""

    @property
    def ok(self) -> bool:
        return not self.error


def parse_program(raw: str, function_name: str | None = None,
                  truncated: bool = False) -> ParsedProgram:
    """Pick the code of a programmer answer.

    Preference: the last closed Python block that parses and defines `function_name`
    (when given), then the last closed one that parses, then an unclosed (truncated) one
    that parses, then the last Python block even if it does not parse (the judge reports
    CE and the next round can fix it). With no fence at all, the longest tail of the text
    that parses as code. Reasoning is the prose outside the chosen block.
    """
    out = ParsedProgram()
    text = strip_thinking(raw)
    if text != raw.strip() and "<think>" in raw.lower():
        out.issues.append("thinking stripped")
    if not text:
        out.error = "the model returned no answer" if not raw.strip() else \
            "the model only thought (no answer after </think>)"
        return out
    blocks = [b for b in find_code_blocks(text) if b.lang in _PY_LANGS]
    other = [b for b in find_code_blocks(text) if b.lang not in _PY_LANGS]
    if blocks:
        chosen = _choose_block(blocks, function_name, out)
        out.code = chosen.code.strip("\n")
        out.reasoning = (text[:chosen.start] + "\n" + text[chosen.end:]).strip() \
            if chosen.closed else text[:chosen.start].strip()
    else:
        code, reasoning = _unfenced_code(text)
        if code:
            out.code, out.reasoning = code, reasoning
            out.issues.append("no code fence: took the code from plain text")
        elif other:
            out.error = f"no Python code block (only {', '.join(sorted({b.lang for b in other}))})"
            return out
        else:
            out.error = "no code in the answer"
            return out
    if not out.code.strip():
        out.error = "the code block is empty"
        return out
    if function_name and _parses(out.code) and not _defines(out.code, function_name):
        out.issues.append(f"the code does not define `{function_name}`")
    if truncated:
        out.issues.append("output hit the token limit")
    return out


def _choose_block(blocks: list[CodeBlock], function_name: str | None,
                  out: ParsedProgram) -> CodeBlock:
    if len(blocks) > 1:
        out.issues.append(f"{len(blocks)} code blocks: picked one")
    closed = [b for b in blocks if b.closed]
    parsing = [b for b in closed if _parses(b.code)]
    if function_name:
        defining = [b for b in parsing if _defines(b.code, function_name)]
        if defining:
            return defining[-1]
    if parsing:
        return parsing[-1]
    unclosed = [b for b in blocks if not b.closed]
    for b in unclosed:
        out.issues.append("truncated output: the last code block is not closed")
        if _parses(b.code) and b.code.strip():
            return b
    if closed:
        out.issues.append("no code block parses")
        return closed[-1]
    return blocks[-1]


def _unfenced_code(text: str) -> tuple[str, str]:
    """The longest run of lines, starting at a code-looking line, that parses."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not _CODE_START.match(line):
            continue
        for j in range(len(lines), i, -1):
            candidate = "\n".join(lines[i:j]).strip()
            if candidate and _parses(candidate) and _looks_like_program(candidate):
                reasoning = "\n".join(lines[:i] + lines[j:]).strip()
                return candidate, reasoning
    return "", text


def _looks_like_program(code: str) -> bool:
    tree = ast.parse(code)
    return any(isinstance(n, ast.FunctionDef | ast.Import | ast.ImportFrom | ast.Call | ast.For
                          | ast.While | ast.ClassDef) for n in ast.walk(tree))


# ---- critic ---------------------------------------------------------------------------

CRITIC_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "critique": {"type": "string"},
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "finished": {"type": "boolean"},
    },
    "required": ["critique", "score"],
}


@dataclass
class ParsedCritique:
    critique: str = ""
    score: float | None = None
    finished: bool = False
    issues: list[str] = field(default_factory=list)
    error: str = ""


_SCORE_PATTERNS = [
    re.compile(r"score\W{0,6}(?:is\W{0,3})?(-?\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)", re.IGNORECASE),
    re.compile(r"score\W{0,6}(?:is\W{0,3})?(-?\d+(?:\.\d+)?)", re.IGNORECASE),
    re.compile(r"rating\W{0,6}(-?\d+(?:\.\d+)?)(?:\s*(?:/|out of)\s*(\d+))?", re.IGNORECASE),
    re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:/|out of)\s*(5|10)\b", re.IGNORECASE),
    re.compile(r"\*\*(-?\d+(?:\.\d+)?)\*\*"),
]
_FINISHED_YES = re.compile(
    r"(finished|done|complete)\W{0,4}\s*(yes|true)\b|\bFINISHED\b(?!\W{0,4}\s*(?:no|false))",
)
_FINISHED_FIELD = re.compile(r"finished\W{0,4}\s*(yes|no|true|false)", re.IGNORECASE)


def clamp_score(value: float, out_of: float | None, issues: list[str]) -> float:
    if out_of and out_of != 5 and out_of > 0:
        issues.append(f"score given out of {out_of:g}: rescaled to 5")
        value = value * 5.0 / out_of
    if value < 1 or value > 5:
        issues.append(f"score {value:g} out of range: clamped to 1-5")
        value = min(5.0, max(1.0, value))
    return float(value)


def parse_critique(raw: str) -> ParsedCritique:
    """JSON (`{"critique", "score", "finished"}`, possibly fenced or wrapped in prose) first,
    then free text with a `Score: N/5`-like line and an optional `Finished: yes` line."""
    out = ParsedCritique()
    text = strip_thinking(raw)
    if not text:
        out.error = "the critic returned no answer"
        return out
    data = _find_json(text)
    if data is not None:
        critique = data.get("critique") or data.get("feedback") or data.get("analysis") or ""
        out.critique = str(critique).strip()
        score = data.get("score", data.get("rating"))
        try:
            if score is not None and not isinstance(score, int | float | str):
                raise TypeError(score)
            out.score = clamp_score(float(score), None, out.issues) if score is not None else None
        except (TypeError, ValueError):
            out.issues.append(f"unreadable score {score!r}")
        finished = data.get("finished", data.get("done", False))
        out.finished = finished is True or str(finished).lower() in ("true", "yes", "1")
        if out.score is None:
            out.issues.append("no score in the critic's JSON")
        return out
    out.critique = text
    for pattern in _SCORE_PATTERNS:
        matches = list(pattern.finditer(text))
        if matches:
            m = matches[-1]
            out_of = float(m.group(2)) if m.lastindex and m.lastindex >= 2 and m.group(2) else None
            out.score = clamp_score(float(m.group(1)), out_of, out.issues)
            break
    else:
        out.issues.append("no score found in the critique")
    field_match = list(_FINISHED_FIELD.finditer(text))
    if field_match:
        out.finished = field_match[-1].group(1).lower() in ("yes", "true")
    else:
        out.finished = bool(_FINISHED_YES.search(text))
    return out


def _find_json(text: str) -> dict[str, object] | None:
    candidates = [b.code for b in find_code_blocks(text) if b.lang in ("json", "")]
    start = text.find("{")
    if start >= 0:
        candidates.append(text[start:text.rfind("}") + 1])
    for cand in candidates:
        try:
            value = json.loads(cand)
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(value, dict) and ("score" in value or "critique" in value):
            return value
    return None
