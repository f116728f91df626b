"""The language table: a solution's language from its file, compile command lines from the
config, compiler errors as a report's compile error, and what `orps doctor` says."""

from __future__ import annotations

import shutil

import pytest

from orps_tui.cli.doctor import _toolchain_checks
from orps_tui.config import JudgeSettings
from orps_tui.sandbox.judge import compile_issue
from orps_tui.sandbox.languages import (
    LANGUAGES,
    Language,
    UnsupportedLanguage,
    compile_argv,
    language_for_path,
)


def test_the_extension_decides_unless_overridden() -> None:
    assert language_for_path("a/sol.py") is Language.PYTHON
    assert language_for_path("sol.CPP") is Language.CPP
    assert language_for_path("sol.cc") is Language.CPP
    assert language_for_path("main.rs") is Language.RUST
    assert language_for_path("sol.txt", "c++") is Language.CPP
    assert language_for_path("sol.py", "rust") is Language.RUST
    assert language_for_path("Main.java") is Language.JAVA
    assert language_for_path("sol.txt", "java") is Language.JAVA
    with pytest.raises(UnsupportedLanguage, match=r"accepted: Python \(\.py\), C\+\+"):
        language_for_path("sol.kt")
    with pytest.raises(UnsupportedLanguage, match="unknown language 'cobol'"):
        language_for_path("sol.py", "cobol")


def test_every_language_has_one_row_and_distinct_extensions() -> None:
    assert set(LANGUAGES) == set(Language)
    extensions = [ext for spec in LANGUAGES.values() for ext in spec.extensions]
    assert len(extensions) == len(set(extensions))
    assert not Language.PYTHON.spec.compiled and Language.CPP.spec.compiled


def test_compile_flags_come_from_the_config() -> None:
    assert compile_argv(Language.CPP, "/usr/bin/g++") == [
        "/usr/bin/g++",
        "-O2",
        "-std=c++17",
        "solution.cpp",
        "-o",
        "solution",
    ]
    settings = JudgeSettings(cpp_flags="-O0 -std=c++20 -DLOCAL")
    assert compile_argv(Language.CPP, "g++", settings)[1:4] == ["-O0", "-std=c++20", "-DLOCAL"]


def test_a_compiler_error_names_its_line_and_column() -> None:
    gcc = (
        "solution.cpp: In function 'int main()':\n"
        "solution.cpp:3:13: error: 'x' was not declared in this scope\n"
    )
    issue = compile_issue(gcc)
    assert (issue.line, issue.column) == (3, 13) and issue.message == gcc
    javac = "Main.java:4: error: ';' expected\n        int x = 1\n                 ^\n1 error\n"
    assert (compile_issue(javac).line, compile_issue(javac).column) == (4, 1)
    rustc = "error: expected expression, found `;`\n --> solution.rs:1:20\n  |\n"
    assert (compile_issue(rustc).line, compile_issue(rustc).column) == (1, 20)
    assert (compile_issue("ld: cannot find -lfoo").line, 1) == (1, 1)


def test_doctor_lists_toolchains_and_how_to_install_a_missing_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = {c.topic: c for c in _toolchain_checks()}
    assert checks["language Python"].status == "ok"
    if shutil.which("g++"):
        assert checks["language C++"].status == "ok" and "g++" in checks["language C++"].message
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    missing = {c.topic: c for c in _toolchain_checks()}
    assert missing["language C++"].status == "warn"
    assert "apt install g++" in missing["language C++"].fix
    assert "rustup" in missing["language Rust"].fix
    assert "jdk" in missing["language Java"].fix


def test_java_is_compiled_into_classes_and_run_as_main_with_the_heap_at_the_limit() -> None:
    argv = compile_argv(Language.JAVA, "/jdk/bin/javac")
    assert argv[0] == "/jdk/bin/javac" and argv[-3:] == ["-d", "classes", "Main.java"]
    assert "-encoding" in argv and "-J-XX:-UsePerfData" in argv
    settings = JudgeSettings(java_flags="-g -Xlint:none")
    assert compile_argv(Language.JAVA, "javac", settings)[-5:-3] == ["-g", "-Xlint:none"]
    if shutil.which("javac") is None:
        pytest.skip("javac is not installed: no Java run command line")
    from orps_tui.problems.model import Limits
    from orps_tui.sandbox.compile import Build, java_runtime, run_argv

    build = Build(Language.JAVA, {"classes/Main.class": b""})
    run = run_argv(build, Limits(time_s=1.0, memory_mb=200), ("x",))
    assert run[0] == java_runtime().java and run[-4:] == ["-cp", "classes", "Main", "x"]
    assert "-Xmx200m" in run and "-XX:+UseSerialGC" in run
    assert not any(arg.startswith("-Xmx") for arg in run_argv(build, Limits(memory_mb=0)))
