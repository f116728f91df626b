"""`orps models` and `orps doctor` end to end, against the fake Ollama server."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.llm import embedded_models
from tests.support.fake_ollama import FakeOllama

needs_embedded = pytest.mark.skipif(
    not embedded_models.runtime_installed() or embedded_models.SMOLLM2.path() is None,
    reason="xllamacpp or the SmolLM2 model file is missing",
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOllama]:
    with FakeOllama(models=["qwen2.5-coder:7b"]) as srv:
        monkeypatch.setenv("OLLAMA_HOST", srv.url)
        yield srv


@pytest.fixture
def no_ollama(monkeypatch: pytest.MonkeyPatch) -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("OLLAMA_HOST", host)
    return f"http://{host}"


def test_models_lists_embedded_and_ollama(
    fake: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.loaded.append("qwen2.5-coder:7b")
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "* embedded " in out and "135M" in out and "Q4_1" in out
    assert "embedded:coder" in out
    assert f"ollama at {fake.url}" in out
    assert "ollama:qwen2.5-coder:7b" in out and "4.7 GB" in out and "Q4_K_M" in out
    assert "loaded now" in out


def test_models_with_ollama_down_prints_one_line(
    no_ollama: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("ollama")]
    assert lines == [
        f"ollama at {no_ollama}: Ollama is not running at {no_ollama} — start it with `ollama serve` (or set OLLAMA_HOST / model.ollama_host to where it runs)"
    ]
    assert "embedded" in out


def test_pull_from_ollama_shows_progress(
    fake: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "pull", "ollama:qwen2.5-coder:1.5b"]) == 0
    captured = capsys.readouterr()
    assert "pulling manifest" in captured.err and "1.00/1.00 GB" not in captured.out
    assert "#" * 30 in captured.err  # the bar reached the end
    assert "ready: ollama:qwen2.5-coder:1.5b" in captured.out
    assert fake.find("qwen2.5-coder:1.5b") is not None


def test_pull_of_an_unknown_ollama_model_fails(
    fake: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "pull", "ollama:no-such"]) == 1
    assert "no model called 'no-such'" in capsys.readouterr().err


def test_pull_of_something_else_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "pull", "gpt-5"]) == 2
    assert "use `coder` or `ollama:NAME`" in capsys.readouterr().err


def test_doctor_fails_when_the_default_ollama_model_is_missing(
    fake: FakeOllama, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORPS_MODEL", "ollama:llama3")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] default model ollama:llama3: model llama3 is not pulled" in out
    assert "fix: ollama pull llama3" in out
    assert "[ok  ] ollama: running at" in out
    assert "judge isolation" in out and "config" in out and "models dir" in out


def test_doctor_probes_the_default_model(
    fake: FakeOllama, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORPS_MODEL", "ollama:qwen2.5-coder:7b")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "[ok  ] default model ollama:qwen2.5-coder:7b" in out and "answered" in out
    assert "the default model works" in out
    assert len(fake.requests_to("/api/chat")) == 1


@needs_embedded
def test_doctor_with_the_embedded_default_and_a_bad_config(
    no_ollama: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["ORPS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[model]\nconcurrency = 'two'\n")
    assert main(["doctor", "--no-probe"]) == 1  # every other command would refuse this file
    out = capsys.readouterr().out
    assert "[FAIL] config:" in out and "`model.concurrency` must be int" in out
    assert "[warn] ollama: Ollama is not running" in out  # not the default: a warning only
    assert "[warn] embedded model embedded:coder: not pulled (optional)" in out
    assert "[ok  ] default model embedded" in out
