"""What the docs say about paths, speeds and exit statuses is what the program does."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest

from orps_tui import locations
from orps_tui.llm.embedded_models import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def test_the_data_folder_named_in_the_docs_is_the_real_one() -> None:
    """practice.md said `~/.local/share/orps`; the folder is `~/.local/share/orps-tui`."""
    real = Path(platformdirs.user_data_dir(locations.APP)).relative_to(Path.home())
    for doc in DOCS:
        for named in re.findall(r"~/\.local/share/[\w.-]+", doc.read_text(encoding="utf-8")):
            assert named == f"~/{real}", f"{doc.name} names {named}"


@pytest.mark.parametrize("spec", CATALOGUE.values(), ids=lambda s: s.key)
def test_each_embedded_model_has_one_speed_everywhere(spec) -> None:
    """The coder model's speed was given three ways (README, models.md, `orps models`)."""
    assert spec.speed in spec.note  # what `orps models` prints
    for doc in (REPO / "README.md", REPO / "docs" / "models.md"):
        rows = [line for line in doc.read_text(encoding="utf-8").splitlines()
                if f"`{spec.uri}`" in line and re.search(r"tok(?:en)?s/s", line)]
        assert rows, f"{doc.name}: no speed given for {spec.uri}"
        for row in rows:
            figures = re.findall(r"[~\d.-]+ tok(?:en)?s/s", row)
            assert figures == [spec.speed], f"{doc.name}: {row}"
