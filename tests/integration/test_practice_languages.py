"""Practice mode in other languages: the solution file's extension is its language, function
problems stay Python, attempts record their language, the editor highlights what it can."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from orps_tui.practice.history import History
from orps_tui.practice.judging import PracticeJudge
from orps_tui.practice.workspace import (
    ensure_solution,
    last_solution,
    solution_language,
    solution_path,
    template,
)
from orps_tui.problems.library import find_problem
from orps_tui.sandbox.languages import Language, UnsupportedLanguage
from tests.support.native_solutions import toolchain
from tests.support.scripted_model import sample_problem


def test_the_files_extension_is_its_language() -> None:
    problem = find_problem("warm-streak")
    cpp = ensure_solution(problem, language=Language.CPP)
    assert cpp == solution_path(problem.id, Language.CPP) and cpp.suffix == ".cpp"
    assert cpp.read_text() == template(problem, Language.CPP) and "int main" in cpp.read_text()
    assert solution_language(cpp) is Language.CPP
    assert last_solution(problem.id) == cpp  # the file last written is the one reopened
    assert ensure_solution(problem) == cpp
    with pytest.raises(UnsupportedLanguage, match="function-style"):
        ensure_solution(sample_problem(), language=Language.RUST)


def test_a_history_written_before_languages_is_read_as_python(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, problem_id TEXT NOT NULL,"
        " title TEXT NOT NULL, difficulty TEXT, tags TEXT NOT NULL, created_at REAL NOT NULL,"
        " tests TEXT NOT NULL, verdict TEXT NOT NULL, passed INTEGER NOT NULL,"
        " total INTEGER NOT NULL, max_cpu_s REAL NOT NULL, max_rss_mb REAL NOT NULL,"
        " code_sha256 TEXT NOT NULL, code TEXT NOT NULL);"
        "INSERT INTO attempts VALUES (1, 'p', 'P', NULL, '[]', 1.0, 'all', 'AC', 1, 1, 0.1,"
        " 9.0, 'x', 'print(1)');"
    )
    db.commit()
    db.close()
    with History(path) as history:
        assert [a.language for a in history.attempts()] == ["python"]


def test_practice_judges_a_cpp_file_and_records_its_language(tmp_path: Path) -> None:
    cpp = toolchain(Language.CPP)
    problem = find_problem("warm-streak")
    reference = problem.reference
    assert reference is not None
    with History(tmp_path / "h.sqlite3") as history:
        pj = PracticeJudge(problem, history=history, warm=False, language=cpp)
        try:
            judged = pj.judge("int main(){ return 0 }\n")
            assert judged.report.verdict.value == "CE" and judged.report.language == "cpp"
            judged = pj.judge('#include <cstdio>\nint main(){std::puts("0");}\n')
            assert judged.report.verdict.value in ("WA", "AC")
        finally:
            pj.close()
        rows = history.attempts(problem.id)
    assert [r.language for r in rows] == ["cpp", "cpp"]
    assert rows[-1].verdict == "CE"


async def test_the_editor_highlights_the_solutions_language() -> None:
    from textual.app import App, ComposeResult

    from orps_tui.app.widgets.code_editor import GRAMMARS, code_editor

    class Editors(App[None]):
        def compose(self) -> ComposeResult:
            for language in Language:
                yield code_editor(language, f"e-{language.value}")

    async with Editors().run_test() as pilot:
        for language in Language:
            editor = pilot.app.query_one(f"#e-{language.value}")
            module = GRAMMARS.get(language)
            installed = module is None or _importable(module)
            assert editor.language == (language.value if installed else None)  # type: ignore[attr-defined]


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_practice_judges_a_java_file_end_to_end(tmp_path: Path) -> None:
    java = toolchain(Language.JAVA)
    problem = find_problem("warm-streak")
    path = ensure_solution(problem, language=java)
    assert path.suffix == ".java" and "public class Main" in path.read_text()
    assert solution_language(path) is Language.JAVA and last_solution(problem.id) == path
    with History(tmp_path / "h.sqlite3") as history:
        pj = PracticeJudge(problem, history=history, warm=False, language=java)
        try:
            judged = pj.judge(path.read_text())  # the template compiles and runs
            assert judged.report.verdict.value not in ("CE", "RE"), judged.report.tests[0]
            judged = pj.judge("public class Main { void main() { int x = ; } }\n")
            assert judged.report.verdict.value == "CE" and judged.report.language == "java"
        finally:
            pj.close()
        rows = history.attempts(problem.id)
    assert [r.language for r in rows] == ["java", "java"]
