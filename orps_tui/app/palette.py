"""Semantic colours (success, error, warning, ...) taken from the active theme, for the Rich
text the widgets build: a verdict, a diff line or a bar follows the light and high-contrast
themes instead of the dark theme's hex values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class Palette:
    success: str
    error: str
    warning: str
    primary: str
    secondary: str
    accent: str

    @classmethod
    def of(cls, app: App[object] | None) -> Palette:
        """The palette of `app`'s current theme; a colour the theme leaves out keeps the
        default (the bundled dark theme's)."""
        theme = app.current_theme if app is not None else None
        if theme is None:
            return DEFAULT
        return cls(*(getattr(theme, role, None) or getattr(DEFAULT, role) for role in ROLES))

    def verdict(self, passed_fraction: float) -> str:
        """The colour of a pass rate: all passed, none passed, or some."""
        if passed_fraction >= 1.0:
            return self.success
        return self.error if passed_fraction <= 0 else self.warning


ROLES = ("success", "error", "warning", "primary", "secondary", "accent")
DEFAULT = Palette(success="#2fa84f", error="#e0433a", warning="#d4a017", primary="#4ea1ff",
                  secondary="#b06fd8", accent="#e07b00")
"""The bundled orps-dark theme's colours (themes/orps-dark.toml)."""
