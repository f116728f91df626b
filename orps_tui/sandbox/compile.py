"""Compiling a solution once, and the run spec that execs the result (docs/judge.md,
Languages).

The compiler runs in the sandbox too: its own process group, a clean environment,
rlimits from the language's table (compile time, compiler memory, output size),
Landlock (read and execute the system's toolchain folders, write only the work dir: an
`#include "/home/you/secret"` fails) and the seccomp filter's shared part (no sockets,
tracing, namespaces...; it may fork and exec: a compiler is several programs).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orps_tui.problems.model import Limits
from orps_tui.sandbox.languages import (
    JAVA_CLASS,
    JAVA_CLASSES,
    SOURCE_NAME,
    Language,
    UnsupportedLanguage,
    compile_argv,
    compiler_path,
    source_file,
)
from orps_tui.sandbox.runner import FRESH, RunSpec, execute

if TYPE_CHECKING:
    from orps_tui.config import JudgeSettings

CE_LINES = 12
"""The compiler's first lines shown with a CE."""
TOOLCHAIN_DIRS = ("/usr", "/lib", "/lib64", "/bin", "/etc/alternatives")
"""What a compiler may read and execute (with the language's own toolchain folder)."""
LOADERS = ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1")
"""The dynamic loader a native binary names: the one file besides it that may be executed."""


@dataclass(frozen=True)
class Build:
    """One solution compiled (or not)."""

    language: Language
    files: dict[str, bytes] | None
    """What the compiler made, by work-dir path (the binary `solution`; Java's
    `classes/*.class`); None when it failed."""
    error: str = ""
    """The compiler's first lines when it failed (a CE), else empty."""
    compile_s: float = 0.0
    """Wall time of the compilation."""

    @property
    def ok(self) -> bool:
        return self.files is not None


@dataclass(frozen=True)
class JavaRuntime:
    """The JDK that javac belongs to: its `java` launcher, and the folders outside the
    JDK that its files link to (Debian keeps `conf/` and `lib/security` in /etc)."""

    java: str
    home: str
    linked_dirs: tuple[str, ...]


@functools.cache
def java_runtime() -> JavaRuntime:
    javac, _extra = _toolchain(Language.JAVA)
    home = os.path.dirname(os.path.dirname(javac))
    java = os.path.join(home, "bin", "java")
    if not os.access(java, os.X_OK):
        raise UnsupportedLanguage(f"Java solutions need {java} beside {javac}, which is absent")
    dirs: set[str] = set()
    for folder, _subdirs, names in os.walk(home):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not target.startswith(home + os.sep) and os.path.exists(target):
                    dirs.add(os.path.dirname(target))
    top = sorted(d for d in dirs if not any(d.startswith(o + os.sep) for o in dirs))
    return JavaRuntime(java=java, home=home, linked_dirs=tuple(top))


@functools.cache
def _toolchain(language: Language) -> tuple[str, tuple[str, ...]]:
    """(the compiler to exec, the folders it needs besides the system's). rustup's proxy
    needs its home; the toolchain's own rustc (from `--print sysroot`) needs only the
    sysroot."""
    path = compiler_path(language)
    if path is None:
        raise UnsupportedLanguage(
            f"{language.label} solutions need {language.spec.compiler}, which is not "
            f"installed here ({language.spec.install_hint}); `orps doctor` lists toolchains"
        )
    real = os.path.realpath(path)
    if language is Language.RUST:
        try:
            sysroot = subprocess.run(
                [path, "--print", "sysroot"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError) as exc:
            raise UnsupportedLanguage(f"rustc --print sysroot failed: {exc}") from None
        return os.path.join(sysroot, "bin", "rustc"), (sysroot,)
    return real, ()


def compile_solution(
    language: Language, source: str, settings: JudgeSettings | None = None
) -> Build:
    """Compile `source` in a fresh sandboxed work dir; the binary comes back as bytes."""
    spec = language.spec
    compiler, extra = _toolchain(language)
    if language is Language.JAVA:
        extra = (*extra, *java_runtime().linked_dirs)
    argv = compile_argv(language, compiler, settings)
    java = language is Language.JAVA
    limits = Limits(
        time_s=spec.compile_time_s,
        memory_mb=spec.compile_memory_mb,
        output_kb=spec.compile_output_kb,
    )
    job: dict[str, Any] = {
        "mode": "exec",
        "argv": argv,
        "allow_exec": True,
        "per_run_seccomp": False,
        "vm_bytes": 0,
        "nofile": 256,
        "execute_paths": [*_existing(TOOLCHAIN_DIRS), *extra],
    }
    started = time.monotonic()
    outcome = execute(
        RunSpec(
            job=job,
            limits=limits,
            files={source_file(language): source.encode("utf-8", "surrogatepass")},
            wall_s=2 * spec.compile_time_s,
            collect=(JAVA_CLASSES + "/",) if java else (SOURCE_NAME,),
        ),
        FRESH,
    )
    elapsed = time.monotonic() - started
    made = {name: data for name, data in outcome.collected.items() if data}
    if outcome.exit_code == 0 and made and not outcome.output_exceeded:
        missing = _missing_entry_point(language, made)
        if missing:
            return Build(language, None, missing, elapsed)
        return Build(language, made, compile_s=elapsed)
    text = _ce_text(outcome, spec.compile_time_s)
    return Build(language, None, _explain_java(text) if java else text, elapsed)


_JAVA_WRONG_FILE = re.compile(r"class (\w+) is public, should be declared in a file named")


def _missing_entry_point(language: Language, made: dict[str, bytes]) -> str:
    """A Java build without the class the judge runs: the one rule, said as a CE."""
    if language is not Language.JAVA or f"{JAVA_CLASSES}/{JAVA_CLASS}.class" in made:
        return ""
    return (
        f"Main.java:1: error: no class {JAVA_CLASS}: a Java solution is `public class "
        f"{JAVA_CLASS}` with `public static void main(String[] args)`, in no package"
    )


def _explain_java(text: str) -> str:
    """javac's complaint about a public class not named Main, with the rule first."""
    m = _JAVA_WRONG_FILE.search(text)
    if not m:
        return text
    return (
        f"Main.java:1: error: the public class is {m.group(1)}: a Java solution's public "
        f"class must be named {JAVA_CLASS} (`public class {JAVA_CLASS}`)\n{text}"
    )


def _ce_text(outcome: Any, time_s: float) -> str:
    if outcome.timed_out:
        return f"the compiler ran past its {time_s:g} s limit"
    if outcome.output_exceeded:
        return "the compiler printed more than its output limit"
    text = (outcome.stderr_head or outcome.stdout).decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()][:CE_LINES]
    if lines:
        return "\n".join(lines)
    how = f"signal {outcome.signal}" if outcome.signal else f"exit code {outcome.exit_code}"
    return f"the compiler failed ({how}) without a message"


def _existing(paths: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for path in paths:
        real = os.path.realpath(path)
        if os.path.exists(real) and real not in out:
            out.append(real)
    return out


JVM_STACK_MB = 64
"""Each Java thread's stack (-Xss), main's included: deep recursion works (Codeforces' figure)."""


def run_argv(build: Build, limits: Limits, args: tuple[str, ...] = ()) -> list[str]:
    """The command line of one run, in the work dir holding the build's files."""
    if build.language is not Language.JAVA:
        return ["./" + SOURCE_NAME, *args]
    heap = [f"-Xmx{int(limits.memory_mb)}m"] if limits.memory_mb > 0 else []
    return [
        java_runtime().java,
        # one GC thread, no perf-data file in /tmp, no raising of the open-files limit
        "-XX:+UseSerialGC",
        "-XX:-UsePerfData",
        "-XX:-MaxFDLimit",
        # what the JVM reserves (not uses) besides the heap, kept within its allowance
        "-XX:CompressedClassSpaceSize=64m",
        "-XX:ReservedCodeCacheSize=64m",
        f"-Xss{JVM_STACK_MB}m",
        *heap,
        "-cp",
        JAVA_CLASSES,
        JAVA_CLASS,
        *args,
    ]


def binary_run_spec(
    build: Build, limits: Limits, stdin: bytes, *, wall_factor: float, args: tuple[str, ...] = ()
) -> RunSpec:
    """How one test runs a compiled solution: the build's files are copied into the run's
    work dir and the harness execs the binary (Java: the JVM on the classes) once every
    layer is in force."""
    assert build.files is not None
    spec = build.language.spec
    job: dict[str, Any] = {
        "mode": "exec",
        "argv": run_argv(build, limits, args),
        "allow_exec": True,
        "vm_bytes": spec.memory_allowance_mb << 20,
        "execute_paths": _existing(LOADERS),
    }
    env: dict[str, str] = {}
    executables: tuple[str, ...] = ()
    if build.language is Language.JAVA:
        runtime = java_runtime()
        job["execute_paths"] = [runtime.java, *job["execute_paths"]]
        job["extra_read_paths"] = list(runtime.linked_dirs)
        # glibc's per-thread malloc arenas reserve 64 MB of address space each
        env["MALLOC_ARENA_MAX"] = "1"
    else:
        job["stack_bytes"] = max(int(limits.memory_mb), 8) << 20
        executables = (SOURCE_NAME,)
    return RunSpec(
        job=job,
        limits=limits,
        stdin=stdin,
        files=dict(build.files),
        env=env,
        executables=executables,
        wall_factor=wall_factor,
        oom_markers=spec.oom_markers,
        rss_allowance_mb=spec.rss_allowance_mb,
        crash_pattern=spec.crash_pattern,
    )
