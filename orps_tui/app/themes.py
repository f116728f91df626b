"""Colour themes from TOML files: the bundled `themes/` folder, then the user's own.

A theme file holds `name`, `dark`, optional `luminosity_spread`/`text_alpha`, a
`[colors]` table (Textual's theme colours) and a `[variables]` table (design
variables). A user theme with a bundled theme's name replaces it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.theme import Theme

from orps_tui import locations

DEFAULT_THEME = "orps-dark"
_COLOR_KEYS = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)


class ThemeError(Exception):
    """A theme file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class LoadedThemes:
    themes: list[Theme]
    problems: list[str]
    """One line per theme file that could not be loaded (shown as notifications)."""


def load_theme_file(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read: {exc.strerror}") from exc
    return theme_from_dict(data, path)


def theme_from_dict(data: dict[str, Any], path: Path) -> Theme:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(f"{path}: `name` must be a non-empty string")
    colors = data.get("colors", {})
    if not isinstance(colors, dict):
        raise ThemeError(f"{path}: `colors` must be a table")
    unknown = sorted(set(colors) - set(_COLOR_KEYS))
    if unknown:
        raise ThemeError(f"{path}: unknown colour `colors.{unknown[0]}` (known: {', '.join(_COLOR_KEYS)})")
    if "primary" not in colors:
        raise ThemeError(f"{path}: `colors.primary` is required")
    for key, value in colors.items():
        if not isinstance(value, str):
            raise ThemeError(f"{path}: `colors.{key}` must be a colour string like \"#4ea1ff\"")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeError(f"{path}: `variables` must be a table of strings")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"{path}: `dark` must be true or false")
    extra: dict[str, Any] = {}  # Theme's float settings, passed by name
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThemeError(f"{path}: `{key}` must be a number")
            extra[key] = float(value)
    try:
        theme = Theme(name=name, dark=dark, variables=dict(variables), **colors, **extra)
        # Parse every colour now, so a typo is reported here and not at first paint.
        theme.to_color_system()
    except Exception as exc:  # Textual raises ColorParseError and friends
        raise ThemeError(f"{path}: {exc}") from exc
    return theme


def discover_themes(extra_dirs: tuple[Path, ...] = ()) -> LoadedThemes:
    """Bundled themes, then user themes (which win on a name clash)."""
    by_name: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in (locations.bundled_themes_dir(), locations.user_themes_dir(), *extra_dirs):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                problems.append(str(exc))
                continue
            by_name[theme.name] = theme
    return LoadedThemes(list(by_name.values()), problems)
