"""`orps judge`: JSON shape, exit codes, test selection, clear errors for bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from orps_tui.cli import main

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)

PROBLEM = """\
schema = 1
id = "cli-sum"
title = "Sum"
kind = "stdio"

[source]
dataset = "orps-tui tests"
license = "MIT"

[statement]
text = "Print the sum."

[limits]
time_s = 1.0
memory_mb = 128
output_kb = 64

[[tests]]
name = "sample"
public = true
input = "1 2\\n"
output = "3\\n"

[[tests]]
name = "big"
public = false
input = "20 22\\n"
output = "42\\n"
"""


@pytest.fixture
def problem(tmp_path: Path) -> Path:
    path = tmp_path / "sum.toml"
    path.write_text(PROBLEM)
    return path


def solution(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "solution.py"
    path.write_text(code)
    return path


def test_json_report_and_exit_zero(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sol = solution(tmp_path, "print(sum(map(int, input().split())))\n")
    assert main(["judge", str(problem), str(sol), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "AC" and data["passed"] == data["total"] == 2
    assert [t["name"] for t in data["tests"]] == ["sample", "big"]
    test = data["tests"][0]
    for key in ("name", "public", "verdict", "cpu_s", "wall_s", "peak_rss_mb", "stderr_tail"):
        assert key in test
    assert data["static"]["loc"] == 1
    assert {"rlimits", "landlock", "seccomp", "notices"} <= set(data["isolation"])


def test_failing_test_exits_one_and_tests_selects(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sol = solution(tmp_path, "a, b = map(int, input().split())\nprint(3)\n")
    assert main(["judge", str(problem), str(sol), "--json", "--no-warm", "--jobs", "1"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [t["verdict"] for t in data["tests"]] == ["AC", "WA"]
    assert main(["judge", str(problem), str(sol), "--json", "--tests", "public"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_human_output_has_a_table_and_a_summary(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sol = solution(tmp_path, "raise SystemExit(4)\n")
    assert main(["judge", str(problem), str(sol)]) == 1
    out = capsys.readouterr().out
    assert "sample" in out and "RE" in out and "0/2 passed" in out


def test_compile_error_position(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sol = solution(tmp_path, "print(1\n")
    assert main(["judge", str(problem), str(sol), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "CE" and data["compile_error"]["line"] == 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["judge", "{problem}", "{missing}"], "no such solution file"),
        (["judge", "{missing}.toml", "{solution}"], "no such problem file"),
        (["judge", "{problem}", "{solution}", "--jobs", "0"], "--jobs"),
        (["judge", "{problem}", "{solution}", "--profile", "nope"], "no test named 'nope'"),
    ],
)
def test_usage_errors_exit_two_with_one_line(
    problem: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    fragment: str,
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("schema = 1\nid = 3\n")
    values = {
        "problem": str(problem),
        "solution": str(solution(tmp_path, "print(3)\n")),
        "missing": str(tmp_path / "missing"),
        "bad": str(bad),
    }
    assert main([a.format(**values) for a in args]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_a_bad_problem_file_lists_each_issue_with_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("schema = 1\nid = 3\n")
    assert main(["judge", str(bad), str(solution(tmp_path, "print(3)\n"))]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    # Regression: only the first issue was shown, then "(and 5 more)".
    assert len(lines) >= 5 and "Traceback" not in "\n".join(lines)
    issues = [line.removeprefix("orps: error: ") for line in lines if not line.startswith("(and")]
    assert len(issues) >= 5 and all(line.startswith(f"{bad}:") for line in issues)
    assert any(": id:" in line for line in lines) and any(": title:" in line for line in lines)


def test_a_cpp_solution_by_extension_and_by_lang(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.sandbox.languages import Language
    from tests.support.native_solutions import SOURCES, toolchain

    toolchain(Language.CPP)
    sol = tmp_path / "sum.cpp"
    sol.write_text(SOURCES[Language.CPP]["sum"])
    assert main(["judge", str(problem), str(sol), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "AC" and data["language"] == "cpp"
    as_text = tmp_path / "sum.txt"
    as_text.write_text(SOURCES[Language.CPP]["sum"])
    assert main(["judge", str(problem), str(as_text), "--lang", "cpp"]) == 0
    capsys.readouterr()
    assert main(["judge", str(problem), str(as_text)]) == 2
    assert "unknown solution language '.txt'" in capsys.readouterr().err
    assert main(["judge", str(problem), str(sol), "--profile", "sample"]) == 2
    assert "profiler is Python's" in capsys.readouterr().err


def test_a_java_solution_by_extension(
    problem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.sandbox.languages import Language
    from tests.support.native_solutions import SOURCES, toolchain

    toolchain(Language.JAVA)
    sol = tmp_path / "Sum.java"  # the file's name is free: the class run is Main
    sol.write_text(SOURCES[Language.JAVA]["sum"])
    assert main(["judge", str(problem), str(sol), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "AC" and data["language"] == "java"
