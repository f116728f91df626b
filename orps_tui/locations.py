"""Where orps keeps its files (XDG / platform conventions via platformdirs).

Every location can be moved with an environment variable, which tests use to stay
out of the user's real directories.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "orps-tui"


def _env_path(var: str) -> Path | None:
    value = os.environ.get(var)
    return Path(value).expanduser() if value else None


def config_file() -> Path:
    """The settings file: `$ORPS_CONFIG`, else `<user config dir>/config.toml`."""
    return _env_path("ORPS_CONFIG") or Path(platformdirs.user_config_dir(APP)) / "config.toml"


def data_dir() -> Path:
    """Sessions, practice history: `$ORPS_DATA_DIR`, else the user data dir."""
    return _env_path("ORPS_DATA_DIR") or Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    """Downloaded models and other re-creatable files: `$ORPS_CACHE_DIR`, else the user cache dir."""
    return _env_path("ORPS_CACHE_DIR") or Path(platformdirs.user_cache_dir(APP))


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def models_dir() -> Path:
    return cache_dir() / "models"


def user_themes_dir() -> Path:
    return config_file().parent / "themes"


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def starter_problems_dir() -> Path:
    """The bundled starter set (`problems/` at the top of the source tree)."""
    return _env_path("ORPS_STARTER_DIR") or repo_root() / "problems"


def bundled_themes_dir() -> Path:
    return repo_root() / "themes"
