"""Shared by the starter-set tests: the tags the starter problems may use, and loading a
`tools/` script (the test generators) as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

COMMON_TAGS = frozenset({
    "arrays", "strings", "math", "greedy", "dp", "graphs", "data-structures", "sorting",
    "binary-search", "number-theory", "implementation", "two-pointers",
})
"""Tags both halves of the starter set (function and stdio) draw from."""


def load_tool(path: Path, name: str) -> ModuleType:
    """The script at `path` imported as module `name` (not left in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module
