"""The parsing corpus: realistic good and broken model outputs with expected results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orps_tui.search.parsing import (
    find_code_blocks,
    parse_critique,
    parse_program,
    same_program,
    strip_thinking,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "model_outputs"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_big_enough_and_complete() -> None:
    assert len(EXPECTED) >= 25
    files = {p.stem for p in CORPUS.glob("*.txt")}
    assert len(files) >= 25
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["role"] == "programmer"))
def test_programmer_output(name: str) -> None:
    expected = EXPECTED[name]
    raw = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    parsed = parse_program(raw, expected.get("function"))
    assert parsed.ok is expected["ok"], parsed
    if not expected["ok"]:
        assert expected["error_has"] in parsed.error
        assert parsed.error[0].islower() or parsed.error[0].isupper()
        return
    if "code_starts" in expected:
        assert parsed.code.startswith(expected["code_starts"])
    if "code_has" in expected:
        assert expected["code_has"] in parsed.code
    if "code_lacks" in expected:
        assert expected["code_lacks"] not in parsed.code
    if "reasoning_has" in expected:
        assert expected["reasoning_has"] in parsed.reasoning
    if "issues_has" in expected:
        assert any(expected["issues_has"] in i for i in parsed.issues), parsed.issues
    assert "```" not in parsed.code.replace('"```"', "")


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["role"] == "critic"))
def test_critic_output(name: str) -> None:
    expected = EXPECTED[name]
    parsed = parse_critique((CORPUS / f"{name}.txt").read_text(encoding="utf-8"))
    assert parsed.score == expected["score"]
    if "finished" in expected:
        assert parsed.finished is expected["finished"]
    if "critique_has" in expected:
        assert expected["critique_has"] in parsed.critique
    if "critique_lacks" in expected:
        assert expected["critique_lacks"] not in parsed.critique
    if "issues_has" in expected:
        assert any(expected["issues_has"] in i for i in parsed.issues), parsed.issues
    if "error_has" in expected:
        assert expected["error_has"] in parsed.error
    if parsed.score is not None:
        assert 1 <= parsed.score <= 5


def test_truncated_flag_is_noted() -> None:
    parsed = parse_program("```python\ndef solve():\n    return 1\n```", "solve", truncated=True)
    assert parsed.ok and any("token limit" in i for i in parsed.issues)


def test_strip_thinking_variants() -> None:
    assert strip_thinking("<think>a</think>b<think>c</think>d") == "bd"
    assert strip_thinking("x<think>never closed") == "x"
    assert strip_thinking("leaked thoughts</think>answer") == "answer"


def test_unclosed_fence_is_reported_as_not_closed() -> None:
    blocks = find_code_blocks("```python\nprint(1)\n")
    assert len(blocks) == 1 and not blocks[0].closed


def test_a_looping_answer_is_recognised_but_real_answers_are_not() -> None:
    from orps_tui.search.parsing import LOOP_WINDOW, repetition_detected

    loop = "## Evidence\nTry every split:\n" + "".join(
        f'{i}. "ab" -> "ba" (valid)\n' for i in range(1, LOOP_WINDOW + 1))
    assert repetition_detected(loop)
    two_short = "".join(loop.splitlines(keepends=True)[:-2])
    assert not repetition_detected(two_short)  # three shapes in the last twenty lines
    assert not repetition_detected("```python\n" + "x = [0, 0]\n" * 40)  # code may repeat
    one_line = '{"critique": "It fails. ' + "It does not handle duplicates, but it does. " * 4
    assert repetition_detected(one_line)  # a loop inside one line (a JSON string)
    assert not repetition_detected('{"critique": "It fails. ' + "It does not handle it. " * 2)
    alternating = "".join(f"step {i}: push\nstep {i}: pop\n" for i in range(LOOP_WINDOW))
    assert repetition_detected(alternating)
    for name in EXPECTED:
        raw = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
        assert not repetition_detected(raw), name


def test_same_program_ignores_comments_and_layout_only() -> None:
    base = "def add(a, b):\n    return a + b\n"
    assert same_program(base, "# sum\ndef add(a,  b):\n\n    return (a + b)  # done\n")
    assert not same_program(base, "def add(a, b):\n    return b + a\n")
    assert not same_program(base, 'def add(a, b):\n    """Sum."""\n    return a + b\n')
    broken = "def add(a, b) return a + b"
    assert same_program(broken, broken + "\n\n")  # as text when either does not parse
    assert not same_program(broken, "def add(a, b) return a - b")
