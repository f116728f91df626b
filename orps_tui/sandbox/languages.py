"""The languages the judge accepts, and the one table that says how each is built and run
(docs/judge.md, Languages).

Python is the default: the harness runs its source directly (warm fork server, per-line
profiler, static metrics). Every other language is "compile once per solution, run the
result": the compiler runs in the sandbox with its own limits (compile.py), and each test
execs the binary (or, for Java, the JVM on the compiled classes) under the same layers as
Python, plus what that program needs (one `execve`, Landlock execute rights on the binary
or the JVM's launcher and the dynamic loader; for Java, reading the JDK's configuration).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from orps_tui.problems.model import Problem, ProblemKind

if TYPE_CHECKING:
    from orps_tui.config import JudgeSettings


class Language(StrEnum):
    PYTHON = "python"
    CPP = "cpp"
    RUST = "rust"
    JAVA = "java"

    @property
    def spec(self) -> LanguageSpec:
        return LANGUAGES[self]

    @property
    def label(self) -> str:
        return LANGUAGES[self].label


class UnsupportedLanguage(ValueError):
    """A solution the judge cannot run in this language (one line, for the user)."""


@dataclass(frozen=True)
class LanguageSpec:
    label: str
    extensions: tuple[str, ...]
    """The first is the one a new file gets."""
    compiler: str | None = None
    """The compiler's name on PATH (or an absolute path); None: interpreted (Python)."""
    compiler_fallbacks: tuple[str, ...] = ()
    flags_setting: str = ""
    """The `[judge]` setting holding the compile flags (config.py owns their defaults)."""
    compile_time_s: float = 30.0
    compile_memory_mb: int = 2048
    compile_output_kb: int = 64
    memory_allowance_mb: int = 32
    """Address space a native binary maps before it allocates anything (libc, the C++
    runtime, its stack): added to the problem's memory limit for RLIMIT_AS, as judges do."""
    rss_allowance_mb: int = 0
    """Peak RSS the runtime itself takes (the JVM): MLE is a peak over limit + this."""
    oom_markers: tuple[bytes, ...] = ()
    """What the language's runtime prints on stderr when an allocation fails."""
    install_hint: str = ""
    version_args: tuple[str, ...] = ("--version",)
    crash_pattern: bytes = b""
    """A regex on stderr whose group 1 names a runtime error (Java's uncaught exception)."""

    @property
    def compiled(self) -> bool:
        return self.compiler is not None


SOURCE_NAME = "solution"
"""A compiled solution's source is `solution<ext>` and its binary `solution` in the work dir."""
JAVA_CLASS = "Main"
"""The class a Java solution runs: `public class Main` (AtCoder's rule), in `Main.java`."""
JAVA_CLASSES = "classes"
"""Where javac writes the classes (the work dir's folder on the JVM's class path)."""
JVM_RSS_ALLOWANCE_MB = 64
"""The JVM's own peak RSS (about 36 MB for an empty Main on JDK 17, more once the JIT
compiles), allowed on top of the memory limit, which is the heap's -Xmx."""

LANGUAGES: dict[Language, LanguageSpec] = {
    Language.PYTHON: LanguageSpec(label="Python", extensions=(".py",)),
    Language.CPP: LanguageSpec(
        label="C++",
        extensions=(".cpp", ".cc", ".cxx", ".c++"),
        compiler="g++",
        flags_setting="cpp_flags",
        oom_markers=(b"std::bad_alloc",),
        install_hint="apt install g++ (Debian/Ubuntu), dnf install gcc-c++, brew install gcc",
    ),
    Language.RUST: LanguageSpec(
        label="Rust",
        extensions=(".rs",),
        compiler="rustc",
        compiler_fallbacks=("~/.cargo/bin/rustc",),
        flags_setting="rust_flags",
        compile_time_s=60.0,
        oom_markers=(b"memory allocation of",),
        install_hint="curl https://sh.rustup.rs -sSf | sh (rustup), or apt install rustc",
    ),
    Language.JAVA: LanguageSpec(
        label="Java",
        extensions=(".java",),
        compiler="javac",
        flags_setting="java_flags",
        compile_time_s=60.0,
        compile_memory_mb=4096,  # address space: javac is a JVM, which reserves a lot
        memory_allowance_mb=2048,
        rss_allowance_mb=JVM_RSS_ALLOWANCE_MB,
        oom_markers=(b"java.lang.OutOfMemoryError",),
        install_hint="apt install default-jdk-headless (Debian/Ubuntu), dnf install "
        "java-17-openjdk-devel, brew install openjdk",
        version_args=("-version",),
        crash_pattern=rb'Exception in thread "main" ([^\n]+)',
    ),
}


def language_for_path(path: str | os.PathLike[str], override: str | None = None) -> Language:
    """The language of a solution file: `override` (a name or an extension) if given,
    else its extension. UnsupportedLanguage names what is accepted."""
    if override:
        return parse_language(override)
    suffix = Path(path).suffix.lower()
    for language, spec in LANGUAGES.items():
        if suffix in spec.extensions:
            return language
    raise UnsupportedLanguage(
        f"{Path(path).name}: unknown solution language {suffix or '(no extension)'!r}; "
        f"accepted: {accepted_text()} (or give --lang)"
    )


_ALIASES = {
    "py": "python",
    "python3": "python",
    "c++": "cpp",
    "cxx": "cpp",
    "rs": "rust",
    "java17": "java",
}


def parse_language(name: str) -> Language:
    key = name.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    for language, spec in LANGUAGES.items():
        if key == language.value or "." + key in spec.extensions:
            return language
    raise UnsupportedLanguage(f"unknown language {name!r}; accepted: {accepted_text()}")


def accepted_text() -> str:
    return ", ".join(f"{spec.label} ({' '.join(spec.extensions)})" for spec in LANGUAGES.values())


def check_language(problem: Problem, language: Language) -> None:
    """Function-style problems call a Python function: only Python solutions fit them;
    stdio problems take every language."""
    if problem.kind is ProblemKind.FUNCTION and language is not Language.PYTHON:
        raise UnsupportedLanguage(
            f"{problem.id} is a function-style problem (the judge calls a Python function): "
            f"write its solution in Python; {language.label} works for stdio problems"
        )


def compiler_path(language: Language) -> str | None:
    """The compiler found on this machine, resolved to its real file; None if absent."""
    spec = language.spec
    if spec.compiler is None:
        return None
    for name in (spec.compiler, *spec.compiler_fallbacks):
        found = shutil.which(os.path.expanduser(name))
        if found:
            return found
    return None


def compile_flags(language: Language, settings: JudgeSettings | None = None) -> list[str]:
    spec = language.spec
    if not spec.flags_setting:
        return []
    if settings is None:
        from orps_tui.config import JudgeSettings

        settings = JudgeSettings()
    return shlex.split(str(getattr(settings, spec.flags_setting)))


def compile_argv(
    language: Language, compiler: str, settings: JudgeSettings | None = None
) -> list[str]:
    """The compiler's command line, run in the work dir holding the source."""
    if language is Language.JAVA:
        # javac is a JVM too: a small heap, no perf-data file in /tmp, one GC thread
        jvm = ["-J-Xmx1g", "-J-XX:+UseSerialGC", "-J-XX:-UsePerfData"]
        flags = compile_flags(language, settings)
        return [compiler, *jvm, *flags, "-d", JAVA_CLASSES, source_file(language)]
    source = source_file(language)
    return [compiler, *compile_flags(language, settings), source, "-o", SOURCE_NAME]


def source_file(language: Language) -> str:
    """The name a solution's source gets in the compiler's work dir."""
    if language is Language.JAVA:
        return JAVA_CLASS + ".java"
    return SOURCE_NAME + language.spec.extensions[0]


def toolchain_version(language: Language) -> str | None:
    """The first line of `compiler --version`, or None when the compiler is absent."""
    path = compiler_path(language)
    if path is None:
        return None
    try:
        done = subprocess.run(
            [path, *language.spec.version_args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"(found at {path}, but `--version` failed: {exc})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else path
