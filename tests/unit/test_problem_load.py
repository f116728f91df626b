"""Loading both problem layouts, the directory conventions, and write -> load round trips."""

from __future__ import annotations

import dataclasses
import textwrap
import tomllib
from pathlib import Path

import pytest

from orps_tui.problems.load import check_problem, load_problem, natural_key
from orps_tui.problems.model import (
    Checker,
    CheckerType,
    Difficulty,
    FunctionSpec,
    Limits,
    Problem,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)
from orps_tui.problems.write import (
    INLINE_LIMIT_BYTES,
    needs_directory,
    write_problem,
    write_problem_into,
)

STDIO = textwrap.dedent(
    '''\
    schema = 1
    id = "sum"
    title = "Sum"
    kind = "stdio"
    difficulty = "easy"
    rating = 800
    tags = ["math", "implementation"]

    [source]
    dataset = "orps-tui starter set"
    license = "MIT"

    [statement]
    format = "markdown"
    text = """
    Print the sum of the numbers.
    """

    [limits]
    time_s = 1
    memory_mb = 128
    output_kb = 64

    [[tests]]
    name = "sample-1"
    public = true
    input = "3\\n1 2 3\\n"
    output = "6\\n"

    [[tests]]
    name = "big"
    input = "1\\n5\\n"
    output = "5\\n"

    [reference]
    code = """
    input()
    print(sum(map(int, input().split())))
    """
    '''
)

FUNCTION = textwrap.dedent(
    """\
    id = "double"
    title = "Double it"
    kind = "function"

    [source]
    dataset = "mine"
    license = "CC0-1.0"

    [statement]
    text = "Return twice x."

    [limits]

    [function]
    name = "double"
    signature = "def double(x: int) -> int:"
    setup = "import math"

    [[tests]]
    name = "sample-1"
    code = "assert double(2) == 4"
    call = "double(2)"
    expected = "4"

    [[tests]]
    name = "hidden-1"
    code = "assert double(-1) == -2"
    """
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_single_file_stdio_problem_loads_every_field(tmp_path: Path) -> None:
    p = load_problem(write(tmp_path / "sum.toml", STDIO))
    assert p.id == "sum" and p.title == "Sum" and p.kind is ProblemKind.STDIO
    assert p.difficulty is Difficulty.EASY and p.rating == 800
    assert p.tags == ("math", "implementation")
    assert p.source == Source(dataset="orps-tui starter set", license="MIT")
    assert p.statement == Statement(text="Print the sum of the numbers.\n", format="markdown")
    assert p.limits == Limits(time_s=1.0, memory_mb=128, output_kb=64)
    assert isinstance(p.limits.time_s, float)
    assert p.checker == Checker(type=CheckerType.TOKENS)
    assert [t.name for t in p.public_tests] == ["sample-1"]
    assert [t.name for t in p.hidden_tests] == ["big"]
    assert p.tests[0].input == "3\n1 2 3\n" and p.tests[0].output == "6\n"
    assert p.reference is not None and "print(sum" in p.reference
    assert p.path == tmp_path / "sum.toml" and p.base_dir == tmp_path


def test_function_problem_defaults_to_assert_checker_and_default_limits(tmp_path: Path) -> None:
    p = load_problem(write(tmp_path / "double.toml", FUNCTION))
    assert p.kind is ProblemKind.FUNCTION
    assert p.function == FunctionSpec("double", "def double(x: int) -> int:", "import math")
    assert p.checker.type is CheckerType.ASSERT
    assert p.limits == Limits()
    # A name starting with "sample" is public unless `public` says otherwise.
    assert [t.public for t in p.tests] == [True, False]
    assert p.tests[0].call == "double(2)" and p.tests[0].expected == "4"


def test_directory_problem_reads_files_and_discovers_unreferenced_tests(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    text = STDIO.replace(
        'name = "big"\ninput = "1\\n5\\n"\noutput = "5\\n"',
        'name = "big"\ninput_file = "data/big.in"\nanswer_file = "data/big.ans"',
    )
    write(folder / "problem.toml", text)
    write(folder / "data/big.in", "1\n5\n")
    write(folder / "data/big.ans", "5\n")
    for name, data in [("10", "a"), ("2", "b"), ("sample-2", "c"), ("1", "d")]:
        write(folder / f"tests/{name}.in", data + "\n")
        write(folder / f"tests/{name}.ans", data.upper() + "\n")
    write(folder / "tests/orphan.in", "no answer\n")

    result = check_problem(folder)  # the folder itself is accepted, not only problem.toml
    assert result.problem is not None, result.errors
    p = result.problem
    assert p.path == folder / "problem.toml"
    names = [t.name for t in p.tests]
    assert names == ["sample-1", "big", "1", "2", "10", "sample-2"]
    big = p.tests[1]
    assert (big.input, big.output, big.input_file) == ("1\n5\n", "5\n", "data/big.in")
    discovered = {t.name: t for t in p.tests[2:]}
    assert discovered["sample-2"].public and not discovered["10"].public
    assert discovered["2"].input == "b\n" and discovered["2"].output == "B\n"
    assert discovered["2"].input_file == "tests/2.in"
    assert [str(w) for w in result.warnings] == [
        f"{folder / 'problem.toml'}: warning: tests/orphan.in: tests/orphan.in has no "
        "tests/orphan.ans; not used as a test"
    ]


def test_referenced_test_files_are_not_discovered_twice(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    text = STDIO.replace(
        'name = "big"\ninput = "1\\n5\\n"\noutput = "5\\n"',
        'name = "big"\ninput_file = "tests/big.in"\nanswer_file = "tests/big.ans"',
    )
    write(folder / "problem.toml", text)
    write(folder / "tests/big.in", "1\n5\n")
    write(folder / "tests/big.ans", "5\n")
    assert [t.name for t in load_problem(folder).tests] == ["sample-1", "big"]


def test_custom_checker_program_is_relative_to_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    write(folder / "problem.toml", STDIO + '\n[checker]\ntype = "custom"\nprogram = "check.py"\n')
    write(folder / "check.py", "print('ok')\n")
    p = load_problem(folder)
    assert p.checker == Checker(type=CheckerType.CUSTOM, program="check.py")


def test_float_checker_reads_tolerances(tmp_path: Path) -> None:
    text = STDIO + '\n[checker]\ntype = "float"\nabs_tol = 1e-9\nrel_tol = 0\n'
    p = load_problem(write(tmp_path / "sum.toml", text))
    assert p.checker == Checker(type=CheckerType.FLOAT, abs_tol=1e-9, rel_tol=0.0)


def test_reference_may_come_from_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    text = STDIO.split("[reference]")[0] + '[reference]\nfile = "solution.py"\n'
    write(folder / "problem.toml", text)
    write(folder / "solution.py", "print(6)\n")
    assert load_problem(folder).reference == "print(6)\n"


def test_id_not_matching_the_file_name_is_only_a_warning(tmp_path: Path) -> None:
    result = check_problem(write(tmp_path / "other-name.toml", STDIO))
    assert result.problem is not None
    assert len(result.warnings) == 1
    w = result.warnings[0]
    assert (w.field, w.line, w.severity) == ("id", 2, "warning")
    assert "other-name" in w.message


def test_natural_sort_order() -> None:
    assert sorted(["10", "2", "1", "a10", "a9"], key=natural_key) == ["1", "2", "10", "a9", "a10"]


# -- round trips --------------------------------------------------------------------------


def _sample_problem(**changes) -> Problem:
    base = Problem(
        id="tricky",
        title='Quotes " and \\ and """ triple',
        kind=ProblemKind.STDIO,
        source=Source("set", "MIT", original_id="X/1", url="https://example.org/p?q=1"),
        statement=Statement(text="Line 1\n\n  indented\ttab\nend without newline", format="html"),
        limits=Limits(time_s=0.5, memory_mb=64, output_kb=2048),
        tests=(
            TestCase("sample-1", True, input="1 2\n", output="3\n"),
            TestCase("crlf", False, input="1\r\n2\r\n", output="3\r\n"),
            TestCase("empty", False, input="", output=""),
            TestCase("leading-newline", False, input="\n\nx", output='"""\n'),
        ),
        difficulty=Difficulty.HARD,
        rating=2400,
        tags=("a", "b c"),
        checker=Checker(type=CheckerType.FLOAT, abs_tol=1e-4, rel_tol=1e-5),
        reference='print("""x""")\n',
    )
    return dataclasses.replace(base, **changes)


def _without_path(p: Problem) -> Problem:
    return dataclasses.replace(p, path=None)


def test_round_trip_single_file_stdio(tmp_path: Path) -> None:
    original = _sample_problem()
    file = write_problem(original, tmp_path / "tricky.toml")
    assert file == tmp_path / "tricky.toml"
    loaded = load_problem(file)
    assert _without_path(loaded) == original
    assert loaded.path == file


def test_round_trip_function_problem(tmp_path: Path) -> None:
    original = Problem(
        id="double",
        title="Double",
        kind=ProblemKind.FUNCTION,
        source=Source("set", "MIT"),
        statement=Statement("Return 2x."),
        limits=Limits(),
        tests=(
            TestCase("ex-1", True, code="assert double(2) == 4", call="double(2)", expected="4"),
            TestCase(
                "hidden", False, code="def check(f):\n    assert f(0) == 0\n\ncheck(double)\n"
            ),
        ),
        function=FunctionSpec("double", "def double(x):", setup="from code import double\n"),
        checker=Checker(type=CheckerType.ASSERT),
        reference="def double(x):\n    return 2 * x\n",
    )
    loaded = load_problem(write_problem(original, tmp_path / "double.toml"))
    assert _without_path(loaded) == original


def test_multiline_strings_are_written_as_multiline(tmp_path: Path) -> None:
    problem = _sample_problem(tests=(TestCase("sample-1", True, input="1\n2\n", output="3\n"),))
    text = write_problem(problem, tmp_path / "tricky.toml").read_text()
    assert 'input = """' in text
    assert tomllib.loads(text)["tests"][0]["input"] == "1\n2\n"


def test_round_trip_directory_problem_keeps_file_tests(tmp_path: Path) -> None:
    big = "9\n" * (INLINE_LIMIT_BYTES // 2 + 10)
    original = _sample_problem(
        id="dir",
        tests=(
            TestCase("sample-1", True, input="1\n", output="1\n"),
            TestCase(
                "from-file",
                False,
                input="2\n",
                output="2\n",
                input_file="tests/from-file.in",
                answer_file="tests/from-file.ans",
            ),
        ),
    )
    assert needs_directory(original)
    file = write_problem_into(original, tmp_path)
    assert file == tmp_path / "dir" / "problem.toml"
    assert (tmp_path / "dir/tests/from-file.in").read_text() == "2\n"
    assert _without_path(load_problem(file)) == original

    # A big inline test goes to files in a folder, and loads back with the same data.
    with_big = dataclasses.replace(
        original, tests=(*original.tests, TestCase("big", False, big, big))
    )
    loaded = load_problem(write_problem(with_big, tmp_path / "big"))
    assert loaded.tests[-1].input == big and loaded.tests[-1].input_file == "tests/big.in"
    assert "9\n9\n9" not in (tmp_path / "big/problem.toml").read_text()


def test_rewriting_a_loaded_directory_problem_is_stable(tmp_path: Path) -> None:
    folder = tmp_path / "sum"
    write(folder / "problem.toml", STDIO + '\n[checker]\ntype = "custom"\nprogram = "check.py"\n')
    write(folder / "check.py", "print('ok')\n")
    write(folder / "tests/1.in", "1\n")
    write(folder / "tests/1.ans", "1\n")
    first = load_problem(folder)
    copy = write_problem(first, tmp_path / "copy" / "sum")
    assert (tmp_path / "copy/sum/check.py").read_text() == "print('ok')\n"
    second = load_problem(copy)
    assert _without_path(second) == _without_path(first)


@pytest.mark.parametrize("text", [STDIO, FUNCTION])
def test_load_write_load_is_identity(tmp_path: Path, text: str) -> None:
    name = "sum" if text is STDIO else "double"
    first = load_problem(write(tmp_path / "in" / f"{name}.toml", text))
    second = load_problem(write_problem(first, tmp_path / "out" / f"{name}.toml"))
    assert _without_path(second) == _without_path(first)


# -- the library and `orps problems` -------------------------------------------------------

SECRET = "SECRET-HIDDEN-INPUT"


def _library(root: Path) -> Path:
    write(root / "sum.toml", STDIO.replace('input = "1\\n5\\n"', f'input = "{SECRET}\\n"'))
    write(root / "group" / "double.toml", FUNCTION)
    write(root / "dirprob" / "problem.toml", STDIO.replace('id = "sum"', 'id = "dirprob"'))
    write(root / "group" / "nested" / "problem.toml", STDIO.replace('id = "sum"', 'id = "nested"'))
    write(root / ".orps-import-tmp" / "x.toml", "junk")
    write(root / "broken.toml", STDIO.replace("time_s = 1", 'time_s = "slow"'))
    return root


def test_problem_files_finds_both_layouts_one_level_down(tmp_path: Path) -> None:
    from orps_tui.problems.library import problem_files

    root = _library(tmp_path)
    found = [p.relative_to(root).as_posix() for p in problem_files(root)]
    assert found == [
        "broken.toml",
        "dirprob/problem.toml",
        "group/double.toml",
        "group/nested/problem.toml",
        "sum.toml",
    ]


def test_scan_collects_errors_per_file(tmp_path: Path) -> None:
    from orps_tui.problems.library import scan

    result = scan(_library(tmp_path))
    assert sorted(p.id for p in result.problems) == ["dirprob", "double", "nested", "sum"]
    assert list(result.errors) == [tmp_path / "broken.toml"]
    assert "limits.time_s" in result.error_lines()[0]
    assert result.files_checked == 5


def test_find_problem_by_id_or_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orps_tui.problems.library import ProblemNotFound, find_problem
    from orps_tui.problems.model import ProblemError

    root = _library(tmp_path / "starter")
    monkeypatch.setenv("ORPS_STARTER_DIR", str(root))
    assert find_problem("sum").path == root / "sum.toml"
    assert find_problem("nested").path == root / "group/nested/problem.toml"
    assert find_problem(str(root / "dirprob")).id == "dirprob"
    with pytest.raises(ProblemNotFound, match="no problem with id 'nope'"):
        find_problem("nope")
    with pytest.raises(ProblemError):
        find_problem("broken")  # the file named like the id does not load


def test_cli_list_validate_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.cli import main

    root = _library(tmp_path / "lib")
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["problems", "list", str(root)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "stdio" in lines["sum"] and "easy" in lines["sum"] and lines["sum"].endswith("1/1")
    assert "math, implementation" in lines["sum"]
    assert "function" in lines["double"] and lines["double"].endswith("1/1")
    assert "1 file(s) with errors" in out

    assert main(["problems", "validate", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{root / 'broken.toml'}:20: limits.time_s: must be a number" in out
    assert "1 of 5 problem file(s) have errors" in out
    assert main(["problems", "validate", str(root / "sum.toml"), str(root / "group")]) == 0
    assert "3 problem(s) OK" in capsys.readouterr().out
    assert main(["problems", "validate", str(root / "absent")]) == 2
    assert "no such file or folder" in capsys.readouterr().err

    assert main(["problems", "show", str(root / "sum.toml")]) == 0
    out = capsys.readouterr().out
    assert "Print the sum of the numbers." in out and "1 2 3" in out
    assert "1 hidden test(s), not shown" in out and "reference solution present, not shown" in out
    assert SECRET not in out and "print(sum" not in out
    assert "1 s CPU per test, 128 MB memory" in out


def test_cli_show_with_no_public_tests_and_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orps_tui.cli import main

    text = FUNCTION.replace("public", "x").replace('name = "sample-1"', 'name = "a"')
    text = text.replace(
        'text = "Return twice x."', 'format = "html"\ntext = "<p>Return <b>twice</b> x.</p>"'
    )
    write(tmp_path / "double.toml", text)
    assert main(["problems", "show", str(tmp_path / "double.toml")]) == 0
    out = capsys.readouterr().out
    assert "No public tests" in out and "2 hidden test(s)" in out
    assert "Return twice x." in out and "<p>" not in out
    assert "def double(x: int) -> int:" in out
    assert main(["problems", "show", str(tmp_path / "nope.toml")]) == 2
    assert "no such problem file" in capsys.readouterr().err
