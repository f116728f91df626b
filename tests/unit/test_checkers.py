"""Output checkers: pure functions, each returning (ok, message naming the first difference)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from orps_tui.problems.model import Checker, CheckerType
from orps_tui.sandbox import checkers
from orps_tui.sandbox.report import Mismatch, TestResult, Verdict


class TestTokens:
    def test_whitespace_is_ignored(self) -> None:
        assert checkers.tokens("1 2\n3\n", "1   2 3")[0]
        assert checkers.tokens("a\n", "a\n\n\n  ")[0]

    def test_first_different_token_is_named(self) -> None:
        ok, message, _ = checkers.tokens("1 2\n3 4\n", "1 2\n3 5\n")
        assert not ok
        assert "line 2" in message and "'4'" in message and "'5'" in message

    def test_missing_and_extra_output(self) -> None:
        ok, message, _ = checkers.tokens("1 2 3", "1 2")
        assert not ok and "'3'" in message and "ends" in message
        ok, message, _ = checkers.tokens("1", "1 2")
        assert not ok and "extra" in message and "'2'" in message
        ok, message, _ = checkers.tokens("7", "")
        assert not ok and "no output" in message

    def test_long_tokens_are_shortened(self) -> None:
        _, message, _ = checkers.tokens("x", "y" * 1000)
        assert len(message) < 200


class TestExact:
    def test_exact_match_and_whitespace_difference(self) -> None:
        assert checkers.exact("a b\n", "a b\n")[0]
        ok, message, _ = checkers.exact("a b\n", "a  b\n")
        assert not ok and "line 1" in message and "column 3" in message

    def test_missing_line(self) -> None:
        ok, message, _ = checkers.exact("a\nb\n", "a\n")
        assert not ok and "'b\\n'" in message


class TestFloat:
    def test_within_tolerance(self) -> None:
        assert checkers.float_tokens("0.3333333", "0.33333334", abs_tol=1e-6, rel_tol=0)[0]
        assert checkers.float_tokens("1000000", "1000000.5", abs_tol=0, rel_tol=1e-6)[0]

    def test_outside_tolerance(self) -> None:
        ok, message, _ = checkers.float_tokens("1.0 2.0", "1.0 2.1", abs_tol=1e-6, rel_tol=1e-6)
        assert not ok and "token 2" in message

    def test_non_numeric_tokens_compare_exactly(self) -> None:
        assert checkers.float_tokens("YES 1.0", "YES 1.0000001")[0]
        assert not checkers.float_tokens("YES 1.0", "yes 1.0")[0]

    def test_nan_and_inf(self) -> None:
        assert checkers.float_tokens("nan", "nan")[0]
        assert not checkers.float_tokens("inf", "1e308")[0]


class TestDispatch:
    def test_check_uses_the_problems_checker(self) -> None:
        exact = Checker(type=CheckerType.EXACT)
        assert not checkers.check(exact, input="", expected="1\n", actual="1")[0]
        assert checkers.check(Checker(), input="", expected="1\n", actual="1")[0]
        lenient = Checker(type=CheckerType.FLOAT, abs_tol=0.1, rel_tol=0)
        assert checkers.check(lenient, input="", expected="1", actual="1.05")[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox runs on Linux")
class TestCustom:
    def _checker(self, tmp_path: Path) -> Path:
        program = tmp_path / "check.py"
        program.write_text(
            "import sys\n"
            "inp, exp, act = (open(p).read().split() for p in sys.argv[1:4])\n"
            "if sorted(act) == sorted(exp):\n"
            "    print('same multiset of', len(act), 'tokens, input had', len(inp))\n"
            "    sys.exit(0)\n"
            "print('different tokens:', ' '.join(act))\n"
            "sys.exit(1)\n"
        )
        return program

    def test_accepts_and_rejects_with_the_programs_message(self, tmp_path: Path) -> None:
        program = self._checker(tmp_path)
        ok, message, _ = checkers.custom(program, input=b"3", expected=b"1 2 3", actual=b"3 1 2")
        assert ok and message == "same multiset of 3 tokens, input had 1"
        ok, message, _ = checkers.custom(program, input=b"3", expected=b"1 2 3", actual=b"3 1 1")
        assert not ok and message == "different tokens: 3 1 1"

    def test_via_check_with_a_relative_program(self, tmp_path: Path) -> None:
        self._checker(tmp_path)
        checker = Checker(type=CheckerType.CUSTOM, program="check.py")
        assert checkers.check(checker, input="", expected="a b", actual="b a", base_dir=tmp_path)[0]

    def test_a_crashing_checker_rejects(self, tmp_path: Path) -> None:
        program = tmp_path / "bad.py"
        program.write_text("raise ValueError('oops')\n")
        ok, message, _ = checkers.custom(program, input=b"", expected=b"", actual=b"")
        assert not ok and "oops" in message

    def test_the_checker_is_sandboxed(self, tmp_path: Path) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("hunter2")
        program = tmp_path / "snoop.py"
        program.write_text(f"print(open({str(secret)!r}).read())\n")
        ok, message, _ = checkers.custom(program, input=b"", expected=b"", actual=b"")
        assert not ok and "hunter2" not in message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox runs on Linux")
def test_a_checker_that_is_not_python_rejects_cleanly(tmp_path: Path) -> None:
    program = tmp_path / "checker.bin"
    program.write_bytes(b"\x7fELF\x00\xff\xfe")
    ok, message, _ = checkers.custom(program, input=b"", expected=b"", actual=b"")
    assert not ok and "Python script" in message


def test_the_mismatch_is_structured_and_the_message_renders_it() -> None:
    """The float checker accepts `1.0000000001` and blames the second token: the mismatch
    says so in fields, and the verdict message is the mismatch's own text."""
    result = checkers.float_tokens("1.0 5\n", "1.0000000001 6\n")
    assert not result.ok
    assert result.mismatch == Mismatch(line=1, token=2, expected="5", actual="6", expected_line=1)
    assert result.message == result.mismatch.describe() == "line 1, token 2: expected '5', got '6'"


def test_token_numbers_count_within_the_line() -> None:
    result = checkers.tokens("1 2\n3 4\n", "1 2\n3 5\n")
    assert result.mismatch is not None and (result.mismatch.line, result.mismatch.token) == (2, 2)


def test_a_result_read_back_from_a_session_keeps_its_mismatch() -> None:
    mismatch = Mismatch(line=1, token=2, expected="5", actual="6")
    result = TestResult(name="t", public=True, verdict=Verdict.WA, mismatch=mismatch)
    assert TestResult(**asdict(result)).mismatch == mismatch
