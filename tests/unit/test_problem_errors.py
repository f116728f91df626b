"""Every kind of malformed problem file gets an issue naming the file, the line and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from orps_tui.problems.load import check_problem, load_problem
from orps_tui.problems.model import ProblemError, ProblemIssue

GOOD = textwrap.dedent(
    """\
    id = "p"
    title = "P"
    kind = "stdio"

    [source]
    dataset = "set"
    license = "MIT"

    [statement]
    text = "Echo."

    [limits]
    time_s = 1.0
    memory_mb = 64

    [[tests]]
    name = "sample-1"
    input = "1\\n"
    output = "1\\n"

    [[tests]]
    name = "hidden-1"
    input = "2\\n"
    output = "2\\n"
    """
)
# Line numbers in GOOD: id 1, kind 3, [source] 5, [statement] 9, [limits] 12, time_s 13,
# memory_mb 14, first [[tests]] 16, its name 17, input 18; second [[tests]] 21, name 22.

FUNCTION = textwrap.dedent(
    """\
    id = "p"
    title = "P"
    kind = "function"

    [source]
    dataset = "set"
    license = "MIT"

    [statement]
    text = "Double."

    [limits]

    [function]
    name = "f"
    signature = "def f(x):"

    [[tests]]
    name = "sample-1"
    code = "assert f(1) == 2"
    """
)
# Lines in FUNCTION: kind 3, [function] 14, [[tests]] 18, code 20.


def errors_for(tmp_path: Path, text: str | bytes, name: str = "p.toml") -> list[ProblemIssue]:
    file = tmp_path / name
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(text, encoding="utf-8")
    result = check_problem(file)
    assert result.problem is None, "expected the file to be rejected"
    with pytest.raises(ProblemError) as raised:
        load_problem(file)
    assert raised.value.issues == result.errors
    for issue in result.errors:
        assert issue.file == file
        assert str(file) in str(issue)
    return result.errors


def only(issues: list[ProblemIssue], field: str | None) -> ProblemIssue:
    matching = [i for i in issues if i.field == field]
    assert matching, f"no issue for {field!r} in {[str(i) for i in issues]}"
    return matching[0]


def assert_issue(issue: ProblemIssue, line: int | None, *words: str) -> None:
    assert issue.line == line, str(issue)
    text = str(issue)
    if line is not None:
        assert f":{line}:" in text
    if issue.field:
        assert f" {issue.field}: " in text
    for word in words:
        assert word in issue.message, text


def test_good_files_load(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(GOOD)
    assert len(load_problem(tmp_path / "p.toml").tests) == 2
    (tmp_path / "p.toml").write_text(FUNCTION)
    assert load_problem(tmp_path / "p.toml").function is not None


def test_toml_syntax_error_names_the_line_and_key(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace("time_s = 1.0", "time_s = 1.0.0"))
    assert len(issues) == 1
    assert_issue(only(issues, "time_s"), 13, "TOML syntax error", "column")


def test_missing_limits_table(tmp_path: Path) -> None:
    text = GOOD.replace("[limits]\ntime_s = 1.0\nmemory_mb = 64\n", "")
    assert_issue(only(errors_for(tmp_path, text), "limits"), 1, "missing required table [limits]")


@pytest.mark.parametrize(
    ("remove", "field", "line"),
    [
        ('id = "p"\n', "id", 1),
        ('title = "P"\n', "title", 1),
        ('kind = "stdio"\n', "kind", 1),
        ('[source]\ndataset = "set"\nlicense = "MIT"\n', "source", 1),
        ('[statement]\ntext = "Echo."\n', "statement", 1),
        ('license = "MIT"\n', "source.license", 5),
        ('text = "Echo."\n', "statement.text", 9),
    ],
)
def test_missing_required_fields(tmp_path: Path, remove: str, field: str, line: int) -> None:
    issues = errors_for(tmp_path, GOOD.replace(remove, ""))
    assert_issue(only(issues, field), line, "missing required")


def test_every_missing_field_is_reported_at_once(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, "schema = 1\n[limits]\ntime_s = 1\n")
    fields = {i.field for i in issues}
    assert {"id", "title", "kind", "source", "statement"} <= fields


def test_unknown_kind(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('kind = "stdio"', 'kind = "interactive"'))
    assert_issue(only(issues, "kind"), 3, "unknown kind 'interactive'", '"stdio" or "function"')


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "words"),
    [
        ("time_s = 1.0", 'time_s = "fast"', "limits.time_s", 13, ("must be a number", "'fast'")),
        ("time_s = 1.0", "time_s = true", "limits.time_s", 13, ("a boolean",)),
        ("memory_mb = 64", "memory_mb = 64.5", "limits.memory_mb", 14, ("an integer",)),
        ('id = "p"', "id = 3", "id", 1, ("must be a string",)),
        ('name = "sample-1"', "name = 1", "tests[1].name", 17, ("must be a string",)),
        (
            'name = "hidden-1"',
            'name = "hidden-1"\npublic = "yes"',
            "tests[2].public",
            23,
            ("true or false",),
        ),
        ('kind = "stdio"', 'kind = "stdio"\ntags = "dp"', "tags", 4, ("an array",)),
    ],
)
def test_bad_types(tmp_path: Path, old: str, new: str, field: str, line: int, words) -> None:
    issues = errors_for(tmp_path, GOOD.replace(old, new, 1))
    assert_issue(only(issues, field), line, *words)


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ("time_s = 1.0", "time_s = 0", "limits.time_s", 13),
        ("memory_mb = 64", "memory_mb = -1", "limits.memory_mb", 14),
        ("memory_mb = 64", "memory_mb = 64\noutput_kb = 0", "limits.output_kb", 15),
    ],
)
def test_zero_or_negative_limits(tmp_path: Path, old: str, new: str, field: str, line: int) -> None:
    assert_issue(only(errors_for(tmp_path, GOOD.replace(old, new)), field), line, "greater than 0")


@pytest.mark.parametrize(
    ("new", "field", "line", "words"),
    [
        ("time_s = nan", "limits.time_s", 13, ("greater than 0", "nan")),
        ("time_s = inf", "limits.time_s", 13, ("greater than 0", "inf")),
        ("time_s = 1e308", "limits.time_s", 13, ("at most 600",)),
        ("time_s = 1.0\nmemory_mb = 99999999999", "limits.memory_mb", 14, ("at most 65536",)),
    ],
)
def test_non_finite_or_huge_limits(
    tmp_path: Path, new: str, field: str, line: int, words: tuple[str, ...]
) -> None:
    text = GOOD.replace("time_s = 1.0", new).replace("memory_mb = 64", "", 1 if "\n" in new else 0)
    assert_issue(only(errors_for(tmp_path, text), field), line, *words)


def test_test_without_input_or_code(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('input = "2\\n"\n', ""))
    assert_issue(only(issues, "tests[2]"), 21, "needs input")
    issues = errors_for(tmp_path, FUNCTION.replace('code = "assert f(1) == 2"\n', ""))
    assert_issue(only(issues, "tests[1]"), 18, "needs code")


def test_stdio_test_without_expected_output(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('output = "2\\n"\n', ""))
    assert_issue(only(issues, "tests[2]"), 21, "needs output")


def test_stdio_test_with_code_and_function_test_with_input(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('input = "2\\n"', 'input = "2\\n"\ncode = "x"'))
    assert_issue(only(issues, "tests[2].code"), 24, "stdio tests take input and output")
    issues = errors_for(tmp_path, FUNCTION + 'input = "1\\n"\n')
    assert_issue(only(issues, "tests[1].input"), 21, "function tests take code")


def test_function_kind_without_function_table(tmp_path: Path) -> None:
    text = FUNCTION.replace('[function]\nname = "f"\nsignature = "def f(x):"\n', "")
    assert_issue(only(errors_for(tmp_path, text), "kind"), 3, "needs a [function] table")


def test_function_table_on_stdio_problem(tmp_path: Path) -> None:
    text = GOOD.replace("[limits]", '[function]\nname = "f"\nsignature = "def f():"\n\n[limits]')
    assert_issue(only(errors_for(tmp_path, text), "function"), 12, 'only for kind = "function"')


@pytest.mark.parametrize(
    ("base", "checker", "words"),
    [
        ("GOOD", "magic", ("unknown checker 'magic'",)),
        ("GOOD", "assert", ('"assert" checker is only for kind = "function"',)),
        ("FUNCTION", "tokens", ('kind = "function" uses the "assert" checker',)),
    ],
)
def test_checker_type_errors(tmp_path: Path, base: str, checker: str, words) -> None:
    text = {"GOOD": GOOD, "FUNCTION": FUNCTION}[base]
    lines = text.count("\n")
    text += f'\n[checker]\ntype = "{checker}"\n'
    assert_issue(only(errors_for(tmp_path, text), "checker.type"), lines + 3, *words)


def test_custom_checker_without_program_file(tmp_path: Path) -> None:
    lines = GOOD.count("\n")
    text = GOOD + '\n[checker]\ntype = "custom"\nprogram = "missing.py"\n'
    assert_issue(only(errors_for(tmp_path, text), "checker.program"), lines + 4, "not found")


def test_negative_tolerance(tmp_path: Path) -> None:
    lines = GOOD.count("\n")
    text = GOOD + '\n[checker]\ntype = "float"\nabs_tol = -1\n'
    assert_issue(only(errors_for(tmp_path, text), "checker.abs_tol"), lines + 4, "negative")


def test_duplicate_test_names(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('name = "hidden-1"', 'name = "sample-1"'))
    assert_issue(only(issues, "tests[2].name"), 22, "duplicate test name 'sample-1'", "tests[1]")


def test_unreadable_or_missing_input_file(tmp_path: Path) -> None:
    text = GOOD.replace('input = "2\\n"', 'input_file = "tests/nope.in"')
    assert_issue(
        only(errors_for(tmp_path, text), "tests[2].input_file"), 23, "'tests/nope.in' not found"
    )

    (tmp_path / "bad.in").write_bytes(b"\xff\xfe")
    text = GOOD.replace('input = "2\\n"', 'input_file = "bad.in"')
    assert_issue(only(errors_for(tmp_path, text), "tests[2].input_file"), 23, "not valid UTF-8")

    text = GOOD.replace('input = "2\\n"', 'input_file = "../../etc/passwd"')
    assert_issue(
        only(errors_for(tmp_path, text), "tests[2].input_file"), 23, "outside the problem folder"
    )


def test_input_and_input_file_together(tmp_path: Path) -> None:
    (tmp_path / "two.in").write_text("2\n")
    text = GOOD.replace('input = "2\\n"', 'input = "2\\n"\ninput_file = "two.in"')
    assert_issue(only(errors_for(tmp_path, text), "tests[2].input_file"), 24, "not both")


def test_unsupported_schema(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, "schema = 2\n" + GOOD)
    assert_issue(only(issues, "schema"), 1, "unsupported schema 2")


def test_unknown_keys_are_errors(tmp_path: Path) -> None:
    text = (
        GOOD.replace('title = "P"', 'title = "P"\nauthor = "me"')
        .replace("memory_mb = 64", "memory_mb = 64\nmemory = 1")
        .replace('name = "hidden-1"', 'name = "hidden-1"\npublc = true')
    )
    issues = errors_for(tmp_path, text)
    assert_issue(only(issues, "author"), 3, "unknown top-level field")
    assert_issue(only(issues, "limits.memory"), 16, "unknown field in [limits]")
    assert_issue(only(issues, "tests[2].publc"), 25, "unknown field in [[tests]]")


def test_empty_file(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, "  \n\n")
    assert len(issues) == 1
    assert_issue(issues[0], 1, "the file is empty")


def test_non_utf8_file(tmp_path: Path) -> None:
    issues = errors_for(tmp_path, GOOD.replace('"Echo."', '"caf\xe9"').encode("latin-1"))
    assert len(issues) == 1
    assert_issue(issues[0], 10, "not valid UTF-8", "0xe9")


def test_no_tests_at_all(tmp_path: Path) -> None:
    text = GOOD.split("[[tests]]")[0]
    assert_issue(only(errors_for(tmp_path, text), "tests"), 1, "no tests")


def test_bad_id_and_unknown_difficulty(tmp_path: Path) -> None:
    text = GOOD.replace('id = "p"', 'id = "has space"').replace(
        'kind = "stdio"', 'kind = "stdio"\ndifficulty = "brutal"'
    )
    issues = errors_for(tmp_path, text)
    assert_issue(only(issues, "id"), 1, "not a valid id")
    assert_issue(only(issues, "difficulty"), 4, "unknown difficulty 'brutal'")


def test_missing_file_and_directory_without_problem_toml(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="no such file"):
        load_problem(tmp_path / "absent.toml")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ProblemError) as raised:
        load_problem(tmp_path / "folder")
    assert raised.value.issues[0].file == tmp_path / "folder" / "problem.toml"


def test_discovered_test_name_clashing_with_an_entry(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    (folder / "tests").mkdir(parents=True)
    (folder / "tests/hidden-1.in").write_text("x\n")
    (folder / "tests/hidden-1.ans").write_text("x\n")
    issues = errors_for(folder, GOOD, name="problem.toml")
    issue = only(issues, "tests/hidden-1.in")
    assert issue.line is None and "duplicate test name 'hidden-1'" in issue.message


def test_line_numbers_inside_multiline_strings_are_not_mistaken_for_keys(tmp_path: Path) -> None:
    text = GOOD.replace('text = "Echo."', 'text = """\nkind = "fake"\n[limits]\n"""')
    text = text.replace("time_s = 1.0", 'time_s = "x"')
    assert_issue(only(errors_for(tmp_path, text), "limits.time_s"), 16, "must be a number")
