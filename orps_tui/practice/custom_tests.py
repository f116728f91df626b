"""A person's own tests for a problem, kept beside (never inside) the problem file.

Stored as TOML in `<data dir>/practice/<problem id>/custom_tests.toml`. A stdio test has an
input and either an expected output or none ("any output": only a crash, a timeout or a
limit fails it). A function test is assertion code, or a bare call for a crash check.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import tomli_w

from orps_tui import locations
from orps_tui.problems.model import Problem, ProblemKind, TestCase

PREFIX = "custom-"


@dataclass(frozen=True)
class CustomTest:
    name: str
    input: str = ""
    """stdio: the program's input. function: the code to run (asserts or a bare call)."""
    expected: str | None = None
    """stdio: the expected output; None accepts any output."""

    def to_test_case(self, kind: ProblemKind) -> TestCase:
        if kind is ProblemKind.FUNCTION:
            return TestCase(name=self.name, public=True, code=self.input)
        return TestCase(name=self.name, public=True, input=self.input, output=self.expected)


class CustomTestStore:
    def __init__(self, problem_id: str, root: Path | None = None):
        self.problem_id = problem_id
        base = root or locations.data_dir() / "practice"
        self.path = base / problem_id / "custom_tests.toml"

    def load(self) -> list[CustomTest]:
        if not self.path.exists():
            return []
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{self.path}: cannot read custom tests: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ValueError(f"{self.path}: cannot read custom tests: not UTF-8 text") from exc
        entries = data.get("tests", [])
        if not isinstance(entries, list):
            raise ValueError(f"{self.path}: `tests` must be an array of tables")
        tests = []
        for i, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError(f"{self.path}: test #{i} has no name")
            expected = entry.get("expected")
            tests.append(CustomTest(entry["name"], str(entry.get("input", "")),
                                    expected if isinstance(expected, str) else None))
        return tests

    def save(self, tests: list[CustomTest]) -> None:
        entries = []
        for t in tests:
            entry: dict[str, str] = {"name": t.name, "input": t.input}
            if t.expected is not None:
                entry["expected"] = t.expected
            entries.append(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        numbers = [int(t.name[len(PREFIX):]) for t in tests
                   if t.name.startswith(PREFIX) and t.name[len(PREFIX):].isdigit()]
        doc = {"next": max([*numbers, self._high_water()]) + 1, "tests": entries}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(doc, multiline_strings=True), "utf-8")
        os.replace(tmp, self.path)

    def _high_water(self) -> int:
        """The highest number ever given, so a deleted test's name is never reused."""
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return 0
        nxt = data.get("next")
        return nxt - 1 if isinstance(nxt, int) else 0

    def add(self, input: str, expected: str | None = None) -> CustomTest:
        tests = self.load()
        numbers = [int(t.name[len(PREFIX):]) for t in tests
                   if t.name.startswith(PREFIX) and t.name[len(PREFIX):].isdigit()]
        n = max([*numbers, self._high_water()]) + 1
        test = CustomTest(f"{PREFIX}{n}", input, expected)
        self.save([*tests, test])
        return test

    def update(self, name: str, *, input: str | None = None, expected: str | None = None,
               any_output: bool = False) -> CustomTest:
        tests = self.load()
        for i, t in enumerate(tests):
            if t.name == name:
                new = replace(
                    t,
                    input=t.input if input is None else input,
                    expected=None if any_output else (t.expected if expected is None
                                                      else expected),
                )
                tests[i] = new
                self.save(tests)
                return new
        raise KeyError(f"no custom test named {name!r}")

    def delete(self, name: str) -> None:
        tests = self.load()
        kept = [t for t in tests if t.name != name]
        if len(kept) == len(tests):
            raise KeyError(f"no custom test named {name!r}")
        self.save(kept)

    def with_custom_tests(self, problem: Problem) -> Problem:
        """The problem with the custom tests appended as public tests."""
        extra = tuple(t.to_test_case(problem.kind) for t in self.load())
        return replace(problem, tests=problem.tests + extra)
