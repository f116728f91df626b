"""`orps stress` end to end: real sandbox, real starter problems, in-process CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.practice.custom_tests import CustomTestStore
from orps_tui.practice.stress import StressRunner, StressSetupError, StressStatus
from orps_tui.problems.library import find_problem

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "tools" / "stress" / "warm_streak_gen.py"
PLANTED = ROOT / "tools" / "stress" / "warm_streak_planted_bug.py"


def _write(tmp_path: Path, name: str, code: str) -> str:
    path = tmp_path / name
    path.write_text(code, encoding="utf-8")
    return str(path)


def test_planted_bug_passes_the_samples_but_stress_finds_it(capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    assert main(["judge", "warm-streak", str(PLANTED), "--tests", "public"]) == 0
    capsys.readouterr()
    # Default iteration count (500); a fixed seed keeps the test deterministic.
    code = main(["stress", "warm-streak", str(PLANTED), "--gen", str(GEN), "--seed", "1",
                 "--save"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FOUND a difference" in out
    assert "--- input ---" in out and "--- brute force output ---" in out
    saved = CustomTestStore("warm-streak").load()
    assert len(saved) == 1 and saved[0].expected is not None
    # The saved test reproduces the bug through the judge, with the brute force's answer.
    assert saved[0].input in out and saved[0].expected.strip() in out
    problem = CustomTestStore("warm-streak").with_custom_tests(find_problem("warm-streak"))
    from orps_tui.sandbox.judge import judge

    report = judge(problem, PLANTED.read_text(), "public")
    assert [t.verdict.value for t in report.tests][-1] == "WA"


def test_correct_solution_agrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = find_problem("warm-streak").reference
    assert ref is not None
    solution = _write(tmp_path, "ok.py", ref)
    assert main(["stress", "warm-streak", solution, "--gen", str(GEN), "--n", "15",
                 "--seed", "3"]) == 0
    assert "OK: the solution agreed with the brute force on 15 inputs" in capsys.readouterr().out


def test_generator_and_brute_failures_are_not_bugs(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad_gen = _write(tmp_path, "gen.py", "import sys\nraise SystemExit(int(sys.argv[1]) % 2 + 4)\n")
    code = main(["stress", "warm-streak", str(PLANTED), "--gen", bad_gen, "--n", "3"])
    captured = capsys.readouterr()
    assert code == 3
    assert "GENERATOR-FAILED: the generator failed on seed" in captured.out
    assert "fix the generator" in captured.err

    brute = _write(tmp_path, "brute.py", "raise RuntimeError('broken brute')\n")
    code = main(["stress", "warm-streak", str(PLANTED), "--gen", str(GEN), "--brute", brute,
                 "--n", "3"])
    captured = capsys.readouterr()
    assert code == 3
    assert "BRUTE-FAILED" in captured.out and "RE" in captured.out
    assert "fix the brute force" in captured.err


def test_a_crash_or_timeout_of_the_solution_is_a_bug(tmp_path: Path) -> None:
    problem = find_problem("warm-streak")
    # Right answers, except a crash when n == 2 and an endless loop when n == 3.
    body = PLANTED.read_text().replace("range(1, n - 1)", "range(1, n)")
    crash = body.replace("best_len, best_start, start = 1, 0, 0",
                         "best_len, best_start, start = 1, 0, 1 // (n - 2)")
    result = StressRunner(problem, crash, GEN.read_text(), n=200, seed=7).run()
    assert result.status is StressStatus.FOUND
    assert result.verdict is not None and result.verdict.value == "RE"
    assert "ZeroDivisionError" in result.message and result.input.startswith("2\n")
    loop = body.replace("print(best_len", "while n == 3:\n    pass\nprint(best_len")
    fast = replace(problem, limits=replace(problem.limits, time_s=0.3))
    result = StressRunner(fast, loop, GEN.read_text(), n=200, seed=7).run()
    assert result.status is StressStatus.FOUND and result.input.startswith("3\n")
    assert result.verdict is not None and result.verdict.value == "TLE"


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    no_ref = _write(tmp_path, "p.toml", """schema = 1
id = "no-ref"
title = "No reference"
kind = "stdio"
[source]
dataset = "t"
license = "MIT"
[statement]
text = "echo"
[limits]
time_s = 1.0
memory_mb = 256
output_kb = 64
[[tests]]
name = "s"
input = "1\\n"
output = "1\\n"
""")
    sol = _write(tmp_path, "s.py", "print(input())\n")
    assert main(["stress", no_ref, sol, "--gen", str(GEN)]) == 2
    assert "has no [reference] solution: give a brute force" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # argparse rejects it, as for every number
        main(["stress", "warm-streak", sol, "--gen", str(GEN), "--n", "0"])
    assert exit_.value.code == 2
    assert "argument --n: must be at least 1, got 0" in capsys.readouterr().err
    broken = _write(tmp_path, "broken.py", "def f(:\n")
    assert main(["stress", "warm-streak", broken, "--gen", str(GEN)]) == 2
    assert "the solution does not compile (line 1)" in capsys.readouterr().err


def test_function_problems_take_argument_tuples(tmp_path: Path) -> None:
    problem = find_problem("fn-factorial-zeros")
    gen = ("import random, sys\nr = random.Random(int(sys.argv[1]))\n"
           "print((r.randint(0, 60), r.choice([2, 3, 4, 6, 10, 12, 16])))\n")
    wrong = "def factorial_zeros(n, base):\n    c = 0\n    while n:\n        n //= base\n" \
            "        c += n\n    return c\n"  # right for prime bases only
    result = StressRunner(problem, wrong, gen, n=300, seed=1).run()
    assert result.status is StressStatus.FOUND, result.message
    assert result.input.startswith("(") and result.brute_output.isdigit()
    test_input, expected = result.custom_test(problem)
    assert test_input.startswith("assert factorial_zeros(*(") and expected is None
    assert problem.reference is not None
    ok = StressRunner(problem, problem.reference, gen, n=10, seed=1).run()
    assert ok.status is StressStatus.AGREED
    not_tuple = StressRunner(problem, problem.reference, "print('hello')", n=2, seed=1).run()
    assert not_tuple.status is StressStatus.GENERATOR_FAILED
    assert "literal tuple" in not_tuple.message


def test_setup_errors_name_what_is_wrong() -> None:
    problem = find_problem("warm-streak")
    with pytest.raises(StressSetupError, match="at least 1"):
        StressRunner(problem, "print(1)", "print(1)", n=0)
    with pytest.raises(StressSetupError, match="the generator does not compile"):
        StressRunner(problem, "print(1)", "def (")
