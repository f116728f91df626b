"""Load and validate problem files (docs/architecture.md; the reference is docs/problem-format.md).

`load_problem(path)` returns a `Problem` or raises `ProblemError` listing every problem
found, each with the file, the line (where known) and the field. `check_problem(path)`
does the same work but returns errors and warnings instead of raising.

Two layouts: `problems/<id>.toml`, and `problems/<id>/problem.toml` with data files in
the folder. In a folder, every `tests/<name>.in` with a `tests/<name>.ans` that no
`[[tests]]` entry references is appended as a test `<name>` (public iff the name starts
with "sample"), in natural sort order.
"""

from __future__ import annotations

import ast
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orps_tui.problems.model import (
    LIMIT_MAX,
    SCHEMA_VERSION,
    Checker,
    CheckerType,
    Difficulty,
    FunctionSpec,
    Limits,
    Problem,
    ProblemError,
    ProblemIssue,
    ProblemKind,
    Source,
    Statement,
    TestCase,
)
from orps_tui.problems.toml_lines import TomlLines, key_on_line

DIR_PROBLEM_FILE = "problem.toml"
TESTS_DIR = "tests"
STATEMENT_FORMATS = ("markdown", "html", "text", "latex")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

TOP_LEVEL_KEYS = frozenset(
    {
        "schema",
        "id",
        "title",
        "kind",
        "difficulty",
        "rating",
        "tags",
        "source",
        "statement",
        "limits",
        "function",
        "checker",
        "tests",
        "reference",
    }
)
TABLE_KEYS = {
    "source": frozenset({"dataset", "license", "original_id", "url"}),
    "statement": frozenset({"text", "format"}),
    "limits": frozenset({"time_s", "memory_mb", "output_kb"}),
    "function": frozenset({"name", "signature", "setup"}),
    "checker": frozenset({"type", "abs_tol", "rel_tol", "program"}),
    "reference": frozenset({"code", "file"}),
}
TEST_KEYS = frozenset(
    {
        "name",
        "public",
        "performance",
        "input",
        "output",
        "input_file",
        "answer_file",
        "code",
        "call",
        "expected",
    }
)
STDIO_ONLY_TEST_KEYS = ("input", "output", "input_file", "answer_file")
FUNCTION_ONLY_TEST_KEYS = ("code", "call", "expected")

_MISSING = object()
_NUMBER = (int, float)


@dataclass
class LoadResult:
    """What `check_problem` found: the problem (None if any error), errors and warnings."""

    problem: Problem | None
    errors: list[ProblemIssue] = field(default_factory=list)
    warnings: list[ProblemIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is not None


def resolve_problem_file(path: str | Path) -> Path:
    """A problem's TOML file: `path` itself, or `path/problem.toml` for a folder."""
    path = Path(path)
    return path / DIR_PROBLEM_FILE if path.is_dir() else path


def load_problem(path: str | Path) -> Problem:
    """Load and validate one problem; raise `ProblemError` listing every error found."""
    result = check_problem(path)
    if result.problem is None:
        raise ProblemError(result.errors)
    return result.problem


def check_problem(path: str | Path) -> LoadResult:
    """Load and validate one problem, returning errors and warnings instead of raising."""
    file = resolve_problem_file(path)
    errors: list[ProblemIssue] = []
    text = _read_text(file, errors)
    if text is None:
        return LoadResult(None, errors)
    if not text.strip():
        errors.append(
            ProblemIssue(
                file,
                "the file is empty: a problem needs at least "
                "id, title, kind, [source], [statement], [limits] and tests",
                line=1,
            )
        )
        return LoadResult(None, errors)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        errors.append(_syntax_issue(file, text, exc))
        return LoadResult(None, errors)
    return _Validator(file, text, data).run()


def _read_text(file: Path, errors: list[ProblemIssue]) -> str | None:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        errors.append(ProblemIssue(file, "no such file"))
        return None
    except OSError as exc:
        errors.append(ProblemIssue(file, f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.append(
            ProblemIssue(
                file,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start}); save the file as UTF-8",
                line=line,
            )
        )
        return None


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _syntax_issue(file: Path, text: str, exc: tomllib.TOMLDecodeError) -> ProblemIssue:
    message = str(exc)
    line: int | None = None
    if match := _AT_LINE.search(message):
        line = int(match.group(1))
        message = f"{message[: match.start()]} at column {match.group(2)}"
    elif "end of document" in message:
        line = text.count("\n") + 1
    field_name = key_on_line(text, line) if line else None
    return ProblemIssue(file, f"TOML syntax error: {message}", field=field_name, line=line)


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class _Validator:
    """Checks one parsed document, collecting every issue rather than stopping at the first."""

    def __init__(self, file: Path, text: str, data: dict[str, Any]):
        self.file = file
        self.base = file.parent
        self.lines = TomlLines(text)
        self.data = data
        self.errors: list[ProblemIssue] = []
        self.warnings: list[ProblemIssue] = []
        self.is_dir_layout = file.name == DIR_PROBLEM_FILE
        self.needs_answers = True

    # -- reporting -------------------------------------------------------------------

    def error(self, path: tuple[str | int, ...], message: str, *, located: bool = True) -> None:
        self.errors.append(self._issue(path, message, located, "error"))

    def warn(self, path: tuple[str | int, ...], message: str, *, located: bool = True) -> None:
        self.warnings.append(self._issue(path, message, located, "warning"))

    def _issue(self, path, message, located: bool, severity: str) -> ProblemIssue:
        """`located=False` for things that live outside the TOML text (data files)."""
        return ProblemIssue(
            self.file,
            message,
            field=_field_name(path),
            line=self.lines.line(*path) if located else None,
            severity=severity,
        )

    # -- typed access ------------------------------------------------------------------

    def get(
        self,
        table: dict[str, Any],
        path: tuple[str | int, ...],
        kinds: tuple[type, ...],
        what: str,
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        """`table[path[-1]]` if present and of the right type; records an error otherwise."""
        key = path[-1]
        if key not in table:
            if required:
                self.error(path, f"missing required field ({what})")
                return _MISSING
            return default
        value = table[key]
        is_bool = isinstance(value, bool)
        if not isinstance(value, kinds) or (is_bool and bool not in kinds):
            self.error(path, f"must be {what}, got {_type_name(value)} {_short(value)}")
            return _MISSING
        return value

    def table(self, path: tuple[str, ...], *, required: bool) -> dict[str, Any] | None:
        value = self.data.get(path[0], _MISSING)
        if value is _MISSING:
            if required:
                self.error(path, f"missing required table [{path[0]}]")
            return None
        if not isinstance(value, dict):
            self.error(path, f"must be a table ([{path[0]}]), got {_type_name(value)}")
            return None
        allowed = TABLE_KEYS[path[0]]
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, key),
                    f"unknown field in [{path[0]}]; expected one of: {', '.join(sorted(allowed))}",
                )
        return value

    # -- the document ----------------------------------------------------------------------

    def run(self) -> LoadResult:
        d = self.data
        for key in d:
            if key not in TOP_LEVEL_KEYS:
                self.error(
                    (key,),
                    "unknown top-level field; expected one of: "
                    + ", ".join(sorted(TOP_LEVEL_KEYS)),
                )

        schema = self.get(d, ("schema",), (int,), "an integer", default=SCHEMA_VERSION)
        if schema is not _MISSING and schema != SCHEMA_VERSION:
            self.error(
                ("schema",), f"unsupported schema {schema}; this orps reads schema {SCHEMA_VERSION}"
            )
        problem_id = self.get(d, ("id",), (str,), 'a string such as "two-sum"', required=True)
        if isinstance(problem_id, str):
            self._check_id(problem_id)
        title = self.get(d, ("title",), (str,), "a string", required=True)
        if isinstance(title, str) and not title.strip():
            self.error(("title",), "must not be empty")
        kind = self._kind()
        difficulty = self._difficulty()
        rating = self.get(d, ("rating",), (int,), "an integer")
        if isinstance(rating, int) and rating <= 0:
            self.error(("rating",), f"must be positive, got {rating}")
        tags = self._tags()
        source = self._source()
        statement = self._statement()
        limits = self._limits()
        function = self._function(kind)
        checker = self._checker(kind)
        self.needs_answers = checker.type is not CheckerType.CUSTOM
        tests = self._tests(kind)
        reference = self._reference()

        if self.errors or kind is None or source is None or statement is None or limits is None:
            return LoadResult(None, self.errors, self.warnings)
        problem = Problem(
            id=problem_id,
            title=title,
            kind=kind,
            source=source,
            statement=statement,
            limits=limits,
            tests=tuple(tests),
            difficulty=difficulty,
            rating=rating,
            tags=tuple(tags),
            function=function,
            checker=checker,
            reference=reference,
            path=self.file,
        )
        return LoadResult(problem, self.errors, self.warnings)

    def _check_id(self, problem_id: str) -> None:
        if not ID_RE.match(problem_id):
            self.error(
                ("id",),
                f"{problem_id!r} is not a valid id: use letters, digits, "
                "'-', '_' and '.', starting with a letter or digit",
            )
            return
        expected = self.base.name if self.is_dir_layout else self.file.stem
        if problem_id != expected:
            where = "folder" if self.is_dir_layout else "file"
            self.warn(
                ("id",),
                f"id {problem_id!r} does not match the {where} name "
                f"{expected!r}; lookup by id uses the id",
            )

    def _kind(self) -> ProblemKind | None:
        kinds = " or ".join(f'"{k.value}"' for k in ProblemKind)
        value = self.get(self.data, ("kind",), (str,), kinds, required=True)
        if not isinstance(value, str):
            return None
        try:
            return ProblemKind(value)
        except ValueError:
            self.error(("kind",), f"unknown kind {value!r}; use {kinds}")
            return None

    def _difficulty(self) -> Difficulty | None:
        names = ", ".join(d.value for d in Difficulty)
        value = self.get(self.data, ("difficulty",), (str,), f"one of {names}")
        if not isinstance(value, str):
            return None
        try:
            return Difficulty(value)
        except ValueError:
            self.error(("difficulty",), f"unknown difficulty {value!r}; use one of {names}")
            return None

    def _tags(self) -> list[str]:
        value = self.get(self.data, ("tags",), (list,), "an array of strings", default=[])
        if value is _MISSING:
            return []
        bad = [t for t in value if not isinstance(t, str)]
        if bad:
            self.error(("tags",), f"must be an array of strings, found {_short(bad[0])}")
            return []
        return list(value)

    def _source(self) -> Source | None:
        t = self.table(("source",), required=True)
        if t is None:
            return None
        dataset = self.get(t, ("source", "dataset"), (str,), "a string", required=True)
        license_ = self.get(
            t, ("source", "license"), (str,), 'a string such as "MIT"', required=True
        )
        original_id = self.get(t, ("source", "original_id"), (str,), "a string")
        url = self.get(t, ("source", "url"), (str,), "a string")
        if _MISSING in (dataset, license_, original_id, url):
            return None
        return Source(dataset=dataset, license=license_, original_id=original_id, url=url)

    def _statement(self) -> Statement | None:
        t = self.table(("statement",), required=True)
        if t is None:
            return None
        text = self.get(t, ("statement", "text"), (str,), "a string", required=True)
        fmt = self.get(t, ("statement", "format"), (str,), "a string", default="markdown")
        if isinstance(fmt, str) and fmt not in STATEMENT_FORMATS:
            self.error(
                ("statement", "format"),
                f"unknown format {fmt!r}; use one of " + ", ".join(STATEMENT_FORMATS),
            )
            return None
        if text is _MISSING or fmt is _MISSING:
            return None
        return Statement(text=text, format=fmt)

    def _limits(self) -> Limits | None:
        t = self.table(("limits",), required=True)
        if t is None:
            return None
        defaults = Limits()
        time_s = self.get(
            t, ("limits", "time_s"), _NUMBER, "a number of CPU seconds", default=defaults.time_s
        )
        memory_mb = self.get(
            t, ("limits", "memory_mb"), (int,), "an integer (MB)", default=defaults.memory_mb
        )
        output_kb = self.get(
            t, ("limits", "output_kb"), (int,), "an integer (KB)", default=defaults.output_kb
        )
        ok = True
        for name, value in (("time_s", time_s), ("memory_mb", memory_mb), ("output_kb", output_kb)):
            if value is _MISSING:
                ok = False
            elif not math.isfinite(value) or value <= 0:
                self.error(("limits", name), f"must be greater than 0, got {value}")
                ok = False
            elif value > LIMIT_MAX[name]:
                self.error(("limits", name), f"must be at most {LIMIT_MAX[name]:.0f}, got {value}")
                ok = False
        if not ok:
            return None
        return Limits(time_s=float(time_s), memory_mb=memory_mb, output_kb=output_kb)

    def _function(self, kind: ProblemKind | None) -> FunctionSpec | None:
        present = "function" in self.data
        if kind is ProblemKind.STDIO and present:
            self.error(("function",), 'a [function] table is only for kind = "function"')
            return None
        if kind is not ProblemKind.FUNCTION:
            return None
        t = self.table(("function",), required=False)
        if t is None:
            if not present:
                self.error(
                    ("kind",), 'kind = "function" needs a [function] table with name and signature'
                )
            return None
        name = self.get(t, ("function", "name"), (str,), "a string", required=True)
        signature = self.get(t, ("function", "signature"), (str,), "a string", required=True)
        setup = self.get(t, ("function", "setup"), (str,), "a string", default="")
        if isinstance(name, str) and not name.isidentifier():
            self.error(("function", "name"), f"{name!r} is not a Python identifier")
            return None
        if _MISSING in (name, signature, setup):
            return None
        return FunctionSpec(name=name, signature=signature, setup=setup)

    def _checker(self, kind: ProblemKind | None) -> Checker:
        default_type = CheckerType.ASSERT if kind is ProblemKind.FUNCTION else CheckerType.TOKENS
        t = self.table(("checker",), required=False)
        if t is None:
            return Checker(type=default_type)
        names = ", ".join(c.value for c in CheckerType)
        raw_type = self.get(
            t, ("checker", "type"), (str,), f"one of {names}", default=default_type.value
        )
        abs_tol = self.get(t, ("checker", "abs_tol"), _NUMBER, "a number", default=1e-6)
        rel_tol = self.get(t, ("checker", "rel_tol"), _NUMBER, "a number", default=1e-6)
        program = self.get(t, ("checker", "program"), (str,), "a path (string)")
        checker_type = default_type
        if isinstance(raw_type, str):
            try:
                checker_type = CheckerType(raw_type)
            except ValueError:
                self.error(("checker", "type"), f"unknown checker {raw_type!r}; use one of {names}")
        if kind is ProblemKind.FUNCTION and checker_type is not CheckerType.ASSERT:
            self.error(
                ("checker", "type"),
                f'kind = "function" uses the "assert" checker, not {checker_type.value!r}',
            )
        if kind is ProblemKind.STDIO and checker_type is CheckerType.ASSERT:
            self.error(
                ("checker", "type"),
                'the "assert" checker is only for kind = "function"; '
                "stdio problems use tokens, exact, float or custom",
            )
        for name, value in (("abs_tol", abs_tol), ("rel_tol", rel_tol)):
            if isinstance(value, _NUMBER) and value < 0:
                self.error(("checker", name), f"must not be negative, got {value}")
        if checker_type is CheckerType.CUSTOM:
            if program is None:
                self.error(
                    ("checker", "program"),
                    'the "custom" checker needs program = "<path relative to the problem folder>"',
                )
            elif isinstance(program, str):
                self._relative_file(("checker", "program"), program)
        elif program is not None and program is not _MISSING:
            self.error(("checker", "program"), 'only the "custom" checker takes a program')
        if _MISSING in (abs_tol, rel_tol, program):
            return Checker(type=checker_type)
        return Checker(
            type=checker_type, abs_tol=float(abs_tol), rel_tol=float(rel_tol), program=program
        )

    def _reference(self) -> str | None:
        t = self.table(("reference",), required=False)
        if t is None:
            return None
        code = self.get(t, ("reference", "code"), (str,), "a string")
        file = self.get(t, ("reference", "file"), (str,), "a path (string)")
        if code is _MISSING or file is _MISSING:
            return None
        if code is not None and file is not None:
            self.error(("reference", "file"), "give either code or file, not both")
            return None
        if file is not None:
            return self._read_relative(("reference", "file"), file)
        if code is None:
            self.error(("reference",), 'needs code = """...""" or file = "<path>"')
        return code

    # -- tests ------------------------------------------------------------------------------

    def _tests(self, kind: ProblemKind | None) -> list[TestCase]:
        raw = self.data.get("tests", [])
        if not isinstance(raw, list) or any(not isinstance(t, dict) for t in raw):
            self.error(("tests",), "must be an array of tables: write each test under [[tests]]")
            raw = []
        tests: list[TestCase] = []
        seen: dict[str, int] = {}
        referenced: set[str] = set()
        for index, entry in enumerate(raw, start=1):
            name = entry.get("name", f"test-{index}")
            duplicate = isinstance(name, str) and name in seen
            if duplicate:
                self.error(
                    ("tests", index, "name"),
                    f"duplicate test name {name!r} (also tests[{seen[name]}])",
                )
            elif isinstance(name, str):
                seen[name] = index
            test = self._test(index, entry, kind, referenced)
            if test is not None and not duplicate:
                tests.append(test)
        if self.is_dir_layout:
            tests.extend(self._discovered_tests(kind, referenced, seen))
        if not tests and not self.errors:
            self.error(
                ("tests",),
                "no tests: add [[tests]] entries"
                + (" or tests/<name>.in + .ans files" if self.is_dir_layout else ""),
            )
        return tests

    def _test(
        self, index: int, entry: dict[str, Any], kind: ProblemKind | None, referenced: set[str]
    ) -> TestCase | None:
        errors_before = len(self.errors)
        p = ("tests", index)
        for key in entry:
            if key not in TEST_KEYS:
                self.error(
                    (*p, key),
                    "unknown field in [[tests]]; expected one of: " + ", ".join(sorted(TEST_KEYS)),
                )
        name = self.get(entry, (*p, "name"), (str,), "a string", default=f"test-{index}")
        if isinstance(name, str) and not name.strip():
            self.error((*p, "name"), "must not be empty")
        performance = self.get(entry, (*p, "performance"), (bool,), "true or false", default=False)
        performance = performance is True
        default_public = performance or (isinstance(name, str) and name.startswith("sample"))
        public = self.get(entry, (*p, "public"), (bool,), "true or false", default=default_public)
        if performance and public is False:
            self.error(
                (*p, "public"),
                "a performance test is always public (the search judges candidates on it); "
                "drop public = false",
            )
        values = {
            key: self.get(entry, (*p, key), (str,), "a string")
            for key in (*STDIO_ONLY_TEST_KEYS, *FUNCTION_ONLY_TEST_KEYS)
        }
        if kind is ProblemKind.FUNCTION:
            wrong = [k for k in STDIO_ONLY_TEST_KEYS if values[k] is not None]
            for key in wrong:
                self.error((*p, key), f'function tests take code = "assert ...", not {key}')
            if values["code"] is None:
                self.error(p, 'a function test needs code, e.g. code = "assert solve(1) == 2"')
            elif performance:
                self._check_performance_code(p, values)
        elif kind is ProblemKind.STDIO:
            for key in FUNCTION_ONLY_TEST_KEYS:
                if values[key] is not None:
                    self.error((*p, key), f"stdio tests take input and output, not {key}")
            values["input"] = self._inline_or_file(p, values, "input", "input_file", referenced)
            values["output"] = self._inline_or_file(p, values, "output", "answer_file", referenced)
            if values["input"] is None and values["input_file"] is None:
                self.error(p, 'a stdio test needs input = "..." or input_file = "<path>"')
            elif (
                not performance
                and values["output"] is None
                and values["answer_file"] is None
                and self.needs_answers
            ):
                self.error(
                    p,
                    'a stdio test needs output = "..." or answer_file = "<path>" '
                    "(only a custom checker may do without)",
                )
            for key in ("output", "answer_file") if performance else ():
                if key in entry:
                    self.error(
                        (*p, key),
                        "a performance test has no expected output: its output is "
                        "never checked, only its time, memory and exit",
                    )
        if len(self.errors) > errors_before or kind is None:
            return None
        return TestCase(name=name, public=public, performance=performance, **values)

    def _check_performance_code(self, p: tuple[str | int, ...], values: dict[str, Any]) -> None:
        """A function performance test calls the function and checks nothing."""
        if values["expected"] is not None:
            self.error(
                (*p, "expected"),
                "a performance test has no expected value: its result is never checked",
            )
        code = values["code"]
        if not isinstance(code, str):
            return
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            return  # the judge reports a test that does not compile
        asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
        if asserts:
            self.error(
                (*p, "code"),
                f"a performance test must not assert anything (line {asserts[0]} of its code): "
                "it only calls the function on a large input",
            )

    def _inline_or_file(
        self, p, values, inline_key: str, file_key: str, referenced: set[str]
    ) -> str | None:
        inline, file = values[inline_key], values[file_key]
        if inline is _MISSING or file is _MISSING:
            return None
        if inline is not None and file is not None:
            self.error((*p, file_key), f"give either {inline_key} or {file_key}, not both")
            return None
        if file is None:
            return inline
        resolved = self._relative_file((*p, file_key), file)
        if resolved is not None:
            referenced.add(resolved.as_posix())
        return self._read_relative((*p, file_key), file)

    def _relative_file(
        self, path: tuple[str | int, ...], name: str, located: bool = True
    ) -> Path | None:
        """`name` resolved inside the problem folder (relative to it), or None with an error."""
        rel = Path(name)
        if rel.is_absolute() or not name.strip():
            self.error(
                path, f"{name!r} must be a path relative to the problem folder", located=located
            )
            return None
        target = (self.base / rel).resolve()
        if not target.is_relative_to(self.base.resolve()):
            self.error(path, f"{name!r} points outside the problem folder", located=located)
            return None
        if not target.is_file():
            self.error(path, f"{name!r} not found (looked for {self.base / rel})", located=located)
            return None
        return target.relative_to(self.base.resolve())

    def _read_relative(
        self, path: tuple[str | int, ...], name: str, located: bool = True
    ) -> str | None:
        if self._relative_file(path, name, located) is None:
            return None
        try:
            return (self.base / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(path, f"{name!r} is not valid UTF-8 text", located=located)
        except OSError as exc:
            self.error(path, f"cannot read {name!r}: {exc.strerror or exc}", located=located)
        return None

    def _discovered_tests(
        self, kind: ProblemKind | None, referenced: set[str], seen: dict[str, int]
    ) -> list[TestCase]:
        folder = self.base / TESTS_DIR
        if not folder.is_dir():
            return []
        found: list[TestCase] = []
        inputs = sorted(folder.glob("*.in"), key=lambda f: natural_key(f.stem))
        for input_path in inputs:
            rel_in = f"{TESTS_DIR}/{input_path.name}"
            if rel_in in referenced:
                continue
            name = input_path.stem
            rel_ans = f"{TESTS_DIR}/{name}.ans"
            issue_path = (rel_in,)
            if not (self.base / rel_ans).is_file():
                self.warn(
                    issue_path, f"{rel_in} has no {rel_ans}; not used as a test", located=False
                )
                continue
            if kind is ProblemKind.FUNCTION:
                self.warn(
                    issue_path,
                    "function problems do not use tests/*.in files; ignored",
                    located=False,
                )
                continue
            if name in seen:
                self.error(
                    issue_path,
                    f"duplicate test name {name!r}: tests[{seen[name]}] has "
                    f"the same name as the unreferenced file {rel_in}",
                    located=False,
                )
                continue
            text_in = self._read_relative(issue_path, rel_in, located=False)
            text_ans = self._read_relative(issue_path, rel_ans, located=False)
            if text_in is None or text_ans is None:
                continue
            found.append(
                TestCase(
                    name=name,
                    public=name.startswith("sample"),
                    input=text_in,
                    output=text_ans,
                    input_file=rel_in,
                    answer_file=rel_ans,
                )
            )
        return found


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "2" before "10": digits compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def _field_name(path: tuple[str | int, ...]) -> str | None:
    if not path:
        return None
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
