"""Typed settings, read from a TOML file and overridden by environment variables.

The file is `locations.config_file()` (`$ORPS_CONFIG` moves it). Every field has a
default, so an absent file is fine; `docs/config.example.toml` is the documented
default file. Unknown keys and wrong types are reported with the file and key.
"""

from __future__ import annotations

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
    max_tokens: int = 1500


@dataclass
class SearchSettings:
    samples: int = 3
    """K: children per expansion (the paper uses 20)."""
    beam: int = 2
    """B: nodes kept per round (the paper uses 3)."""
    rounds: int = 3
    """R: rounds of expansion (the paper uses 5)."""
    seed: int = 0
    ranking: str = "lexicographic"
    """Beam ranking: `lexicographic` (critic score, then outcome score, as the reference
    code does) or `weighted` (0.5 x critic/5 + 0.5 x outcome/2, as the paper states)."""
    time_scale_s: float = 1.0
    memory_scale_mb: float = 64.0
    ast_scale: float = 200.0
    complexity_scale: float = 10.0
    loc_scale: float = 50.0


@dataclass
class JudgeSettings:
    jobs: int = 0
    """Tests judged in parallel; 0 = one per CPU core."""
    warm: bool = True
    """Use a warm fork server per problem instead of a fresh interpreter per test."""
    wall_factor: float = 3.0
    """Wall-clock guard = this x the CPU limit (plus one second)."""


@dataclass
class UiSettings:
    theme: str = "orps-dark"
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


def load_settings(path: Path | None = None) -> Settings:
    path = path or locations.config_file()
    settings = Settings(path=path)
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
        _apply(settings, data, path, "")
    host = os.environ.get("OLLAMA_HOST")
    if host:
        settings.model.ollama_host = host if "://" in host else f"http://{host}"
    if os.environ.get("ORPS_MODEL"):
        settings.model.default = os.environ["ORPS_MODEL"]
    return settings


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
        setattr(target, key, _coerce(value, expected, path, name))


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
