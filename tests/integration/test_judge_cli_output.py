"""`orps judge` human output: whatever the solution prints, the report prints as written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orps_tui.cli import main
from tests.integration.test_judge_cli import PROBLEM

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)


def test_markup_in_the_output_is_printed_literally_not_interpreted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = tmp_path / "sum.toml"
    problem.write_text(PROBLEM)
    sol = tmp_path / "s.py"
    # Regression: this used to raise rich.errors.MarkupError (a traceback, exit 1).
    sol.write_text('print("[/red] x [bold]")\n')
    assert main(["judge", str(problem), str(sol)]) == 1
    out = capsys.readouterr().out
    assert "got '[/red]'" in out
    # Messages stand whole on their own line under the table, not folded into a column.
    assert any(line.startswith("sample: line 1, token 1: expected '3'") for line in out.splitlines())
