"""`orps doctor`: check model servers, embedded runtime, judge isolation and paths.

Each check prints one line (ok / warn / FAIL) and, for a problem, the fix. The exit
status is 0 when the default model answers a tiny prompt and no check failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from orps_tui.config import Settings

HELP = "check model servers, embedded runtime, judge isolation and paths"

PROBE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Check:
    status: str
    """`ok`, `warn` or `fail`."""
    topic: str
    message: str
    fix: str = ""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help=HELP, description=HELP)
    parser.add_argument(
        "--no-probe",
        action="store_true",
        help="do not send the default model a tiny prompt (faster; exit status then follows its health)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(diagnose(sys.stdout, probe=not getattr(args, "no_probe", False)))


async def diagnose(out: TextIO, *, probe: bool = True) -> int:
    from orps_tui.config import ConfigError, Settings, apply_environment, read_settings_file

    checks: list[Check] = []

    def report(check: Check) -> None:
        checks.append(check)
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[check.status]
        print(f"[{mark}] {check.topic}: {check.message}", file=out)
        if check.fix and check.status != "ok":
            print(f"       fix: {check.fix}", file=out)
        out.flush()

    try:
        settings = read_settings_file()
        for check in _config_checks(settings):
            report(check)
    except ConfigError as exc:
        fix = "fix that line, or move the file away to use the defaults"
        report(Check("fail", "config", str(exc), fix))
        settings = Settings()
    try:  # the environment applies even when the file is broken
        apply_environment(settings)
    except ConfigError as exc:
        report(Check("fail", "environment", str(exc), "fix or unset that variable"))
    for check in _path_checks():
        report(check)
    for check in _embedded_checks(settings):
        report(check)
    report(await _ollama_check(settings))
    report(_isolation_check())
    for check in _toolchain_checks():
        report(check)
    default_ok = await _default_model_check(settings, probe, report)
    failed = sum(c.status == "fail" for c in checks)
    warnings = sum(c.status == "warn" for c in checks)
    verdict = "the default model works" if default_ok else "the default model does not work"
    print(f"\n{verdict} ({settings.model.default}); {failed} failed, {warnings} warnings", file=out)
    # A failed check (a broken config file, an unusable data dir) breaks other commands
    # even when the model answers, so it fails the doctor too.
    return 0 if default_ok and not failed else 1


def _config_checks(settings: Settings) -> list[Check]:
    path = settings.path
    if path is None or not path.exists():
        return [Check("ok", "config", f"no file at {path}; using the defaults", "")]
    return [Check("ok", "config", f"{path} read", "")]


def _path_checks() -> list[Check]:
    from orps_tui import locations

    checks = []
    for label, path in (
        ("data dir", locations.data_dir()),
        ("cache dir", locations.cache_dir()),
        ("models dir", locations.models_dir()),
        ("sessions dir", locations.sessions_dir()),
    ):
        parent = _nearest_existing(path)
        if path.exists() and not path.is_dir():
            checks.append(
                Check("fail", label, f"{path} exists but is not a folder", f"move {path} away")
            )
        elif os.access(parent, os.W_OK):
            state = "" if path.exists() else " (created on first use)"
            checks.append(Check("ok", label, f"{path}{state}"))
        else:
            checks.append(
                Check(
                    "fail",
                    label,
                    f"{path} is not writable",
                    f"fix the permissions of {parent}, or set ORPS_DATA_DIR / ORPS_CACHE_DIR",
                )
            )
    return checks


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _embedded_checks(settings: Settings) -> list[Check]:
    from orps_tui.llm.embedded_models import CATALOGUE, runtime_installed
    from orps_tui.llm.embedded_runtime import cpu_threads

    if not runtime_installed():
        return [
            Check("fail", "embedded runtime", "xllamacpp is not installed", "pip install xllamacpp")
        ]
    from importlib.metadata import PackageNotFoundError, version

    try:
        runtime_version = version("xllamacpp")
    except PackageNotFoundError:
        runtime_version = "unknown version"
    checks = [
        Check("ok", "embedded runtime", f"xllamacpp {runtime_version}, {cpu_threads()} thread(s)")
    ]
    for spec in CATALOGUE.values():
        path = spec.path()
        optional = spec.key != "smollm2" and settings.model.default != spec.uri
        topic = f"embedded model {spec.uri}"
        if path is None:
            status = "warn" if optional else "fail"
            what = "not pulled (optional)" if optional else f"missing ({spec.expected_path()})"
            checks.append(Check(status, topic, what, spec.install_fix))
        elif path.stat().st_size != spec.size_bytes:
            checks.append(
                Check(
                    "fail",
                    topic,
                    f"{path} has {path.stat().st_size:,} bytes, expected {spec.size_bytes:,}",
                    spec.install_fix,
                )
            )
        else:
            checks.append(Check("ok", topic, f"{spec.title}, {path}"))
    return checks


async def _ollama_check(settings: Settings) -> Check:
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.ollama_backend import OllamaModel
    from orps_tui.llm.uri import parse_uri

    try:
        uses_ollama = parse_uri(settings.model.default).backend == "ollama"
    except ModelError:
        uses_ollama = False
    model = OllamaModel("any", settings.model)
    try:
        listed = await asyncio.wait_for(model.list_models(), 10)
    except (ModelError, TimeoutError) as exc:
        message = (
            exc.message if isinstance(exc, ModelError) else f"no answer from {model.host} in 10 s"
        )
        fix = exc.fix if isinstance(exc, ModelError) else "check that `ollama serve` is healthy"
        # Only a problem when the default model lives there.
        return Check("fail" if uses_ollama else "warn", "ollama", message, fix)
    finally:
        await model.aclose()
    names = ", ".join(m.name for m in listed[:6]) or "no models pulled"
    more = f" (+{len(listed) - 6} more)" if len(listed) > 6 else ""
    fix = "" if listed else "ollama pull qwen2.5-coder:7b"
    return Check(
        "ok" if listed else "warn", "ollama", f"running at {model.host}: {names}{more}", fix
    )


def _toolchain_checks() -> list[Check]:
    """One line per language the judge accepts: its compiler and version, or how to get it
    (a missing one is a warning: the other languages still work)."""
    from orps_tui.sandbox.languages import LANGUAGES, Language, toolchain_version

    checks = [Check("ok", "language Python", f"{sys.version.split()[0]} (judge, practice, search)")]
    for language, spec in LANGUAGES.items():
        if language is Language.PYTHON:
            continue
        topic = f"language {spec.label}"
        version = toolchain_version(language)
        if version is None:
            checks.append(
                Check("warn", topic, f"{spec.compiler} not found: no {spec.label} solutions",
                      spec.install_hint)
            )
        elif language is Language.JAVA:
            checks.append(_java_check(topic, version))
        else:
            checks.append(Check("ok", topic, f"{version} (judge and practice)"))
    return checks


def _java_check(topic: str, javac_version: str) -> Check:
    """Java needs the JVM beside javac too (a JDK, not only a compiler)."""
    from orps_tui.sandbox.compile import java_runtime
    from orps_tui.sandbox.languages import Language, UnsupportedLanguage

    try:
        java = java_runtime().java
    except UnsupportedLanguage as exc:
        return Check("warn", topic, str(exc), Language.JAVA.spec.install_hint)
    return Check("ok", topic, f"{javac_version}, java {java} (judge and practice)")


def _isolation_check() -> Check:
    try:
        from orps_tui.sandbox.isolation import detect
    except ImportError:
        return Check(
            "warn",
            "judge isolation",
            "the sandbox module is not available in this build",
            "reinstall orps-tui",
        )
    try:
        status = detect()
    except Exception as exc:  # a broken probe must not stop the other checks
        return Check(
            "fail",
            "judge isolation",
            f"detection failed: {type(exc).__name__}: {exc}",
            "report this as a bug",
        )
    layers = {
        "rlimits": getattr(status, "rlimits", False),
        "landlock": getattr(status, "landlock", False),
        "seccomp": getattr(status, "seccomp", False),
        "process group": getattr(status, "process_group", False),
        "clean env": getattr(status, "clean_env", False),
    }
    on = [name for name, enabled in layers.items() if enabled]
    off = [name for name, enabled in layers.items() if not enabled]
    notices = list(getattr(status, "notices", []) or [])
    message = f"on: {', '.join(on) or 'none'}" + (f"; off: {', '.join(off)}" if off else "")
    if notices:
        message += " — " + "; ".join(notices)
    status_word = "ok" if not off else "warn"
    fix = (
        ""
        if not off
        else "run on Linux 5.13+ with seccomp for full isolation; until then judge only code you trust"
    )
    return Check(status_word, "judge isolation", message, fix)


async def _default_model_check(
    settings: Settings, probe: bool, report: Callable[[Check], None]
) -> bool:
    from orps_tui.llm.base import GenOptions, Message, ModelError, collect
    from orps_tui.llm.registry import describe_uri, open_model

    uri = settings.model.default
    topic = f"default model {uri}"
    try:
        model = open_model(uri, settings.model)
    except ModelError as exc:
        report(Check("fail", topic, exc.message, exc.fix))
        return False
    try:
        health = await model.health()
        if not health.ok:
            report(Check("fail", topic, health.message, health.fix))
            return False
        if not probe:
            report(Check("ok", topic, f"{describe_uri(uri)}: {health.message} (not probed)"))
            return True
        options = GenOptions(temperature=0.0, seed=0, max_tokens=8, timeout_s=PROBE_TIMEOUT_S)
        try:
            answer = await collect(model.stream_chat([Message("user", "Say OK.")], options))
        except ModelError as exc:
            report(
                Check(
                    "fail",
                    topic,
                    f"health is fine but a tiny prompt failed: {exc.message}",
                    exc.fix,
                )
            )
            return False
        usage = answer.usage
        speed = f"{usage.tokens_per_s:.0f} tok/s" if usage.tokens_per_s else "speed unknown"
        report(
            Check(
                "ok",
                topic,
                f"{describe_uri(uri)} answered {usage.completion_tokens} tokens; "
                f"first token {usage.ttft_s:.2f} s, {speed}",
            )
        )
        return True
    finally:
        await model.aclose()
