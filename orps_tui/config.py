"""Typed settings, read from a TOML file and overridden by environment variables.

The file is `locations.config_file()` (`$ORPS_CONFIG` moves it). Every field has a
default, so an absent file is fine; `docs/config.example.toml` is the documented
default file. Unknown keys and wrong types are reported with the file and key.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

from orps_tui import locations


@dataclass
class ModelSettings:
    default: str = "embedded"
    """Model URI used when none is given: `embedded`, `embedded:coder`, `ollama:NAME`,
    `openai:BASE_URL#NAME`."""
    ollama_host: str = "http://127.0.0.1:11434"
    """Ollama server address; the OLLAMA_HOST environment variable wins over this."""
    openai_api_key_env: str = "OPENAI_API_KEY"
    """Name of the environment variable holding a key for OpenAI-compatible endpoints."""
    concurrency: int = 2
    """Model calls in flight at once. Raise Ollama's OLLAMA_NUM_PARALLEL to match."""
    timeout_s: float = 300.0
    """Give up on one model call after this many seconds."""
    retries: int = 3
    """Retries of a failed call (connection reset, 5xx, cut stream) before giving up."""
    num_ctx: int = 16384
    """Context window asked of Ollama; branch histories reach ~15k tokens at depth 5."""
    keep_alive: str = "10m"
    """How long Ollama keeps the model loaded after the last call."""
    temperature: float = 0.5
    """Sampling temperature of every model call (0 = always the likeliest token)."""
    max_tokens: int = 1500
    """Most tokens one model answer may have."""
    critic_max_tokens: int = 512
    """Most tokens one critic answer may have: a review takes 80-200; the cap ends a review
    that has fallen into a loop long before `max_tokens` would."""


@dataclass
class SearchSettings:
    samples: int = 3
    """K: children per expansion (the paper uses 20)."""
    beam: int = 2
    """B: nodes kept per round (the paper uses 3)."""
    rounds: int = 3
    """R: rounds of expansion (the paper uses 5)."""
    method: str = "orps"
    """`orps` (the tree search) or `sampling` (K independent programs, no critic, no
    refinement: best-of-K; with small models it often beats ORPS at the same calls)."""
    seed: int = 0
    """Base sampling seed; each node's seed is derived from it, so runs are reproducible."""
    ranking: str = "lexicographic"
    """Beam ranking: `lexicographic` (critic score, then outcome score, as the reference
    code does) or `weighted` (0.5 x critic/5 + 0.5 x outcome/2, as the paper states)."""
    ast_scale: float = 200.0
    """Outcome score: syntax-tree size counted as 1/(1 + ast_nodes/ast_scale)."""
    complexity_scale: float = 10.0
    """Outcome score: cyclomatic complexity counted as 1/(1 + complexity/complexity_scale)."""
    loc_scale: float = 50.0
    """Outcome score: lines of code counted as 1/(1 + loc/loc_scale)."""


@dataclass
class JudgeSettings:
    jobs: int = 0
    """Tests judged in parallel; 0 = one per CPU core."""
    warm: bool = True
    """Use a warm fork server per problem instead of a fresh interpreter per test."""
    wall_factor: float = 3.0
    """Wall-clock guard = this x the CPU limit (plus one second)."""
    cpp_flags: str = "-O2 -std=c++17"
    """g++ flags for C++ solutions (the source and `-o` are added)."""
    rust_flags: str = "-O --edition 2021"
    """rustc flags for Rust solutions (the source and `-o` are added)."""
    java_flags: str = "-encoding UTF-8"
    """javac flags for Java solutions (`-d classes Main.java` is added)."""


@dataclass
class UiSettings:
    theme: str = "orps-dark"
    """Colour theme: `orps-dark`, `orps-light`, `orps-high-contrast`, or the `name` of a
    theme file in the `themes/` folder next to this file."""
    keys: dict[str, str] = field(default_factory=dict)
    """Remapped keys by binding id, e.g. `"tree.prune" = "d"`."""


@dataclass
class Settings:
    model: ModelSettings = field(default_factory=ModelSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    path: Path | None = None


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Bounds:
    """The values a numeric setting may take: `low`..`high`, both inclusive unless
    `above` is set, in which case the value must be strictly greater than `low`."""

    low: float | None = None
    high: float | None = None
    above: bool = False

    def problem(self, value: float) -> str | None:
        """Why `value` is out of bounds, or None when it is fine."""
        if not math.isfinite(value):
            return "must be a finite number"
        if self.low is not None:
            if self.above and value <= self.low:
                return f"must be greater than {_number(self.low)}"
            if not self.above and value < self.low:
                return f"must be at least {_number(self.low)}"
        if self.high is not None and value > self.high:
            return f"must be at most {_number(self.high)}"
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


POSITIVE = Bounds(0, above=True)

# Allowed values by dotted setting name; a setting not listed takes any value of its type.
# The CLI's K/B/R options and SearchConfig use the same bounds.
SETTING_BOUNDS: dict[str, Bounds] = {
    "model.concurrency": Bounds(1, 64),
    "model.timeout_s": POSITIVE,
    "model.retries": Bounds(0, 20),
    "model.num_ctx": Bounds(256, 1 << 21),
    "model.temperature": Bounds(0, 5),
    "model.max_tokens": Bounds(1, 1 << 20),
    "model.critic_max_tokens": Bounds(1, 1 << 20),
    "search.samples": Bounds(1, 1000),
    "search.beam": Bounds(1, 1000),
    "search.rounds": Bounds(0, 1000),
    "search.ast_scale": POSITIVE,
    "search.complexity_scale": POSITIVE,
    "search.loc_scale": POSITIVE,
    "judge.jobs": Bounds(0, 256),
    "judge.wall_factor": Bounds(1, 100),
}

SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "search.ranking": ("lexicographic", "weighted"),
    "search.method": ("orps", "sampling"),
}


def load_settings(path: Path | None = None) -> Settings:
    """The settings file (default `locations.config_file()`), then the environment."""
    settings = read_settings_file(path)
    apply_environment(settings)
    return settings


def read_settings_file(path: Path | None = None) -> Settings:
    """The settings the file holds, without the environment; an absent file is the defaults."""
    path = path or locations.config_file()
    settings = Settings(path=path)
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset "
                f"{exc.start}); a config file is TOML"
            ) from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        _apply(settings, data, path, "")
    return settings


def apply_environment(settings: Settings) -> None:
    """OLLAMA_HOST and ORPS_MODEL win over the file (also over a file that failed to load)."""
    if host := os.environ.get("OLLAMA_HOST", "").strip():
        try:
            settings.model.ollama_host = ollama_address(host)
        except ValueError as exc:
            raise ConfigError(f"OLLAMA_HOST={host!r}: {exc}") from None
    if model := os.environ.get("ORPS_MODEL"):
        settings.model.default = model


OLLAMA_PORT = 11434


def ollama_address(value: str) -> str:
    """`value` as a full URL, read the way Ollama reads OLLAMA_HOST: `host`, `host:port`,
    `:port` or a URL; a missing port is 11434 unless a scheme is given. ValueError says
    what is wrong."""
    from urllib.parse import urlsplit

    text = value.strip()
    if not text:
        raise ValueError("empty address")
    if "://" not in text:
        text = text.rstrip("/")
        host_port = text.split("/", 1)[0]
        bracketed = host_port.startswith("[") and host_port.endswith("]")
        if bracketed or ":" not in host_port:
            text = text.replace(host_port, f"{host_port}:{OLLAMA_PORT}", 1)
        if text.startswith(":"):
            text = "127.0.0.1" + text
        text = "http://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"not a valid address ({exc}); e.g. http://127.0.0.1:11434") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) address; e.g. http://127.0.0.1:11434")
    return text.rstrip("/")


def _apply(target: Any, data: dict[str, Any], path: Path, prefix: str) -> None:
    hints = get_type_hints(type(target))
    known = {f.name for f in fields(target) if f.name != "path"}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(f"{path}: unknown setting `{name}`")
        current = getattr(target, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: `{name}` must be a table")
            _apply(current, value, path, f"{name}.")
            continue
        expected = hints[key]
        value = _coerce(value, expected, path, name)
        _check_value(value, path, name)
        setattr(target, key, value)


def _check_value(value: Any, path: Path, name: str) -> None:
    if name == "model.ollama_host":
        try:
            ollama_address(value)
        except ValueError as exc:
            raise ConfigError(f"{path}: `{name}` {value!r}: {exc}") from None
    bounds = SETTING_BOUNDS.get(name)
    if bounds is not None and (why := bounds.problem(value)):
        raise ConfigError(f"{path}: `{name}` {why}, got {value!r}")
    choices = SETTING_CHOICES.get(name)
    if choices is not None and value not in choices:
        raise ConfigError(f"{path}: `{name}` must be one of {', '.join(choices)}, got {value!r}")


def _coerce(value: Any, expected: Any, path: Path, name: str) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    origin = getattr(expected, "__origin__", expected)
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{path}: `{name}` must be a table of strings")
        return dict(value)
    if isinstance(value, bool) != (origin is bool) or not isinstance(value, origin):
        raise ConfigError(
            f"{path}: `{name}` must be {origin.__name__}, got {type(value).__name__} {value!r}"
        )
    return value
