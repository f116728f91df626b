"""Performance tests (`performance = true`) in problem files: loading, validation with
file:line:field errors, writing back, and `orps problems show`."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from orps_tui.problems.load import check_problem, load_problem
from orps_tui.problems.model import ProblemIssue
from orps_tui.problems.write import INLINE_LIMIT_BYTES, write_problem, write_problem_into

STDIO = textwrap.dedent(
    """\
    id = "sum"
    title = "Sum"
    kind = "stdio"

    [source]
    dataset = "mine"
    license = "MIT"

    [statement]
    text = "Print the sum."

    [limits]
    time_s = 1.0

    [[tests]]
    name = "sample-1"
    input = "2\\n1 2\\n"
    output = "3\\n"

    [[tests]]
    name = "perf-max"
    performance = true
    input = "3\\n1 2 3\\n"

    [[tests]]
    name = "hidden-1"
    input = "1\\n5\\n"
    output = "5\\n"
    """
)
# Lines in STDIO: second [[tests]] 20, name 21, performance 22, input 23; third [[tests]] 25.

FUNCTION = textwrap.dedent(
    """\
    id = "double"
    title = "Double"
    kind = "function"

    [source]
    dataset = "mine"
    license = "MIT"

    [statement]
    text = "Return twice x."

    [limits]

    [function]
    name = "double"
    signature = "def double(x: int) -> int:"

    [[tests]]
    name = "sample-1"
    code = "assert double(2) == 4"

    [[tests]]
    name = "perf-max"
    performance = true
    call = "double(<a big number>)"
    code = "double(10 ** 5000)"
    """
)
# Lines in FUNCTION: second [[tests]] 22, performance 24, call 25, code 26.


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(tmp_path: Path, text: str) -> list[ProblemIssue]:
    result = check_problem(write(tmp_path / "p.toml", text))
    assert result.problem is None, "expected the file to be rejected"
    return result.errors


def issue_for(issues: list[ProblemIssue], field: str) -> ProblemIssue:
    matching = [i for i in issues if i.field == field]
    assert matching, f"no issue for {field!r} in {[str(i) for i in issues]}"
    return matching[0]


def test_stdio_performance_test_is_public_and_has_no_expected_output(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path / "sum.toml", STDIO))
    perf = problem.tests[1]
    assert perf.name == "perf-max" and perf.performance and perf.public
    assert perf.input == "3\n1 2 3\n" and perf.output is None
    assert [t.name for t in problem.public_tests] == ["sample-1", "perf-max"]
    assert [t.name for t in problem.hidden_tests] == ["hidden-1"]
    assert problem.performance_tests == (perf,)
    assert [t.name for t in problem.select_tests("public")] == ["sample-1", "perf-max"]
    assert "perf-max" not in [t.name for t in problem.select_tests("hidden")]
    assert not any(t.performance for t in problem.tests if t.name != "perf-max")


def test_function_performance_test_loads(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path / "double.toml", FUNCTION))
    perf = problem.tests[1]
    assert perf.performance and perf.public
    assert perf.code == "double(10 ** 5000)" and perf.expected is None
    assert perf.call == "double(<a big number>)"


def test_explicit_public_true_is_accepted(tmp_path: Path) -> None:
    text = STDIO.replace("performance = true\n", "performance = true\npublic = true\n")
    assert load_problem(write(tmp_path / "sum.toml", text)).tests[1].public


def test_performance_test_cannot_be_hidden(tmp_path: Path) -> None:
    text = STDIO.replace("performance = true\n", "performance = true\npublic = false\n")
    issue = issue_for(errors(tmp_path, text), "tests[2].public")
    assert issue.line == 23
    assert "always public" in issue.message
    assert str(issue).startswith(f"{tmp_path / 'p.toml'}:23: tests[2].public: ")


def test_performance_must_be_a_boolean(tmp_path: Path) -> None:
    text = STDIO.replace("performance = true", 'performance = "yes"')
    issue = issue_for(errors(tmp_path, text), "tests[2].performance")
    assert issue.line == 22 and "true or false" in issue.message


def test_stdio_performance_test_takes_no_expected_output(tmp_path: Path) -> None:
    text = STDIO.replace('input = "3\\n1 2 3\\n"', 'input = "3\\n1 2 3\\n"\noutput = "6\\n"')
    issues = errors(tmp_path, text)
    issue = issue_for(issues, "tests[2].output")
    assert issue.line == 24 and "no expected output" in issue.message
    assert len(issues) == 1


def test_stdio_performance_test_with_answer_file_is_one_error(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    write(folder / "tests/perf.in", "1\n5\n")
    write(folder / "tests/perf.ans", "5\n")
    text = STDIO.replace(
        'input = "3\\n1 2 3\\n"', 'input_file = "tests/perf.in"\nanswer_file = "tests/perf.ans"'
    )
    write(folder / "problem.toml", text)
    result = check_problem(folder)
    assert result.problem is None
    assert [(i.field, i.line) for i in result.errors] == [("tests[2].answer_file", 24)]


def test_stdio_performance_test_needs_an_input(tmp_path: Path) -> None:
    text = STDIO.replace('input = "3\\n1 2 3\\n"\n', "")
    issue = issue_for(errors(tmp_path, text), "tests[2]")
    assert issue.line == 20 and "needs input" in issue.message


def test_function_performance_test_must_not_assert(tmp_path: Path) -> None:
    text = FUNCTION.replace(
        'code = "double(10 ** 5000)"', 'code = "r = double(10 ** 5000)\\nassert r > 0"'
    )
    issue = issue_for(errors(tmp_path, text), "tests[2].code")
    assert issue.line == 26
    assert "must not assert" in issue.message and "line 2" in issue.message


def test_function_performance_test_takes_no_expected_value(tmp_path: Path) -> None:
    text = FUNCTION.replace('code = "double', 'expected = "2"\ncode = "double')
    issue = issue_for(errors(tmp_path, text), "tests[2].expected")
    assert issue.line == 26 and "no expected value" in issue.message


def test_function_performance_test_with_bad_syntax_is_left_to_the_judge(tmp_path: Path) -> None:
    text = FUNCTION.replace('code = "double(10 ** 5000)"', 'code = "double(("')
    assert load_problem(write(tmp_path / "double.toml", text)).tests[1].code == "double(("


def test_unreferenced_input_without_answer_is_not_a_performance_test(tmp_path: Path) -> None:
    # Performance tests are declared, never discovered: a lone .in still only warns.
    folder = tmp_path / "sum"
    write(folder / "problem.toml", STDIO)
    write(folder / "tests/big.in", "1\n5\n")
    result = check_problem(folder)
    assert result.problem is not None
    assert [t.name for t in result.problem.tests] == ["sample-1", "perf-max", "hidden-1"]
    assert any("has no tests/big.ans" in str(w) for w in result.warnings)


def _without_path(problem):
    return dataclasses.replace(problem, path=None)


@pytest.mark.parametrize(("text", "name"), [(STDIO, "sum.toml"), (FUNCTION, "double.toml")])
def test_round_trip_single_file(tmp_path: Path, text: str, name: str) -> None:
    original = load_problem(write(tmp_path / "src" / name, text))
    written = write_problem(original, tmp_path / "out" / name)
    assert "performance = true" in written.read_text()
    assert written.read_text().count("performance") == 1
    assert _without_path(load_problem(written)) == _without_path(original)


def test_round_trip_folder_with_a_big_performance_input(tmp_path: Path) -> None:
    big = "100000\n" + " ".join(["7"] * (INLINE_LIMIT_BYTES // 2)) + "\n"
    original = load_problem(write(tmp_path / "src" / "sum.toml", STDIO))
    perf = dataclasses.replace(original.tests[1], input=big)
    problem = dataclasses.replace(original, tests=(original.tests[0], perf, original.tests[2]))
    file = write_problem_into(problem, tmp_path / "out")
    assert file == tmp_path / "out" / "sum" / "problem.toml"
    assert (tmp_path / "out/sum/tests/perf-max.in").read_text() == big
    assert not (tmp_path / "out/sum/tests/perf-max.ans").exists()
    loaded = load_problem(file)
    assert loaded.tests[1].performance and loaded.tests[1].input == big
    assert loaded.tests[1].input_file == "tests/perf-max.in" and loaded.tests[1].output is None
    # Written again from the loaded copy: the same files and the same problem.
    again = load_problem(write_problem(loaded, tmp_path / "again" / "sum"))
    assert _without_path(again) == _without_path(loaded)


def test_show_lists_the_performance_test_without_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.cli import main

    folder = tmp_path / "sum"
    big = "200000\n" + " ".join(["123456"] * 200_000) + "\n"
    write(folder / "tests/perf-max.in", big)
    write(
        folder / "problem.toml",
        STDIO.replace('input = "3\\n1 2 3\\n"', 'input_file = "tests/perf-max.in"'),
    )
    assert main(["problems", "show", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "public tests (2)" in out
    assert "perf-max" in out and "performance input" in out
    assert f"{len(big.encode()):,} bytes" in out and "from tests/perf-max.in" in out
    assert "123456" not in out
    assert len(out) < 5000
    assert "1 2" in out  # the sample is still shown in full


def test_show_function_performance_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.cli import main

    assert main(["problems", "show", str(write(tmp_path / "double.toml", FUNCTION))]) == 0
    out = capsys.readouterr().out
    assert "performance input" in out and "double(10 ** 5000)" in out
