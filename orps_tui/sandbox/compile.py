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
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orps_tui.problems.model import Limits
from orps_tui.sandbox.languages import (
    SOURCE_NAME,
    Language,
    UnsupportedLanguage,
    compile_argv,
    compiler_path,
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
    binary: bytes | None
    error: str = ""
    """The compiler's first lines when it failed (a CE), else empty."""
    compile_s: float = 0.0
    """Wall time of the compilation."""

    @property
    def ok(self) -> bool:
        return self.binary is not None


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
    argv = compile_argv(language, compiler, settings)
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
            files={SOURCE_NAME + spec.extensions[0]: source.encode("utf-8", "surrogatepass")},
            wall_s=2 * spec.compile_time_s,
            collect=(SOURCE_NAME,),
        ),
        FRESH,
    )
    elapsed = time.monotonic() - started
    binary = outcome.collected.get(SOURCE_NAME) or None
    if outcome.exit_code == 0 and binary and not outcome.output_exceeded:
        return Build(language, binary, compile_s=elapsed)
    return Build(language, None, _ce_text(outcome, spec.compile_time_s), elapsed)


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


def binary_run_spec(
    build: Build, limits: Limits, stdin: bytes, *, wall_factor: float, args: tuple[str, ...] = ()
) -> RunSpec:
    """How one test runs a compiled solution: the binary is copied into the run's work
    dir and exec'd by the harness once every layer is in force."""
    assert build.binary is not None
    spec = build.language.spec
    job: dict[str, Any] = {
        "mode": "exec",
        "argv": ["./" + SOURCE_NAME, *args],
        "allow_exec": True,
        "vm_bytes": spec.memory_allowance_mb << 20,
        "stack_bytes": max(int(limits.memory_mb), 8) << 20,
        "execute_paths": _existing(LOADERS),
    }
    return RunSpec(
        job=job,
        limits=limits,
        stdin=stdin,
        files={SOURCE_NAME: build.binary},
        executables=(SOURCE_NAME,),
        wall_factor=wall_factor,
        oom_markers=spec.oom_markers,
    )
