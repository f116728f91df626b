"""Shared fixtures: keep every test out of the user's real config, data and cache dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATASETS = SHARED / "datasets"
STARTER = REPO / "problems"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path_factory.mktemp("orps-home")
    monkeypatch.setenv("ORPS_CONFIG", str(base / "config" / "config.toml"))
    monkeypatch.setenv("ORPS_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ORPS_CACHE_DIR", str(base / "cache"))
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("ORPS_MODEL", raising=False)
    # The first run's offer to fetch the coder model is answered: tests keep SmolLM2
    # (tests/ui/test_first_run.py asks it on purpose).
    (base / "data").mkdir(parents=True, exist_ok=True)
    (base / "data" / "first-run.json").write_text('{"coder": "declined"}\n', encoding="utf-8")


@pytest.fixture
def datasets() -> Path:
    if not DATASETS.is_dir():
        pytest.skip(f"shared data sets not found at {DATASETS}")
    return DATASETS
