"""The core (problems, sandbox, llm, search) must never import Textual (docs/architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ("problems", "sandbox", "llm", "search", "practice")
PKG = Path(__file__).resolve().parents[2] / "orps_tui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_package_source_does_not_import_textual_or_app(package: str) -> None:
    offenders = []
    for path in sorted((PKG / package).rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in ("textual", "rich") or name.startswith("orps_tui.app"):
                offenders.append(f"{path.relative_to(PKG)} imports {name}")
    assert offenders == []


def test_importing_the_core_loads_no_textual_module() -> None:
    """Catches indirect imports too (a core module importing a helper that imports Textual)."""
    modules = []
    for package in CORE:
        for path in sorted((PKG / package).rglob("*.py")):
            rel = path.relative_to(PKG.parent).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
