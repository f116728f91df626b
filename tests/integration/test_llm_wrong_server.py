"""A plain web server on the model port: one clear error, no HTML dump, no retries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.config import ModelSettings
from orps_tui.llm.base import GenOptions, HealthState, Message, ModelError, ModelErrorKind, collect
from orps_tui.llm.calls import web_page_summary
from orps_tui.llm.ollama_backend import OllamaModel
from orps_tui.llm.openai_backend import OpenAIModel


class _Quiet(SimpleHTTPRequestHandler):
    posts = 0

    def do_POST(self) -> None:  # what http.server does, counted
        type(self).posts += 1
        self.send_error(501, f"Unsupported method ('{self.command}')")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    _Quiet.posts = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _assert_one_line(error: ModelError) -> None:
    assert "\n" not in error.message and "<" not in error.message


async def test_ollama_health_and_chat_name_the_wrong_server(web_server: str) -> None:
    model = OllamaModel("qwen", ModelSettings(), host=web_server, backoff_s=0.01)
    try:
        health = await model.health()
        assert health.state is HealthState.ERROR
        assert f"the server at {web_server} is not Ollama (HTTP 404" in health.message
        with pytest.raises(ModelError) as err:
            await collect(model.stream_chat([Message("user", "hi")], GenOptions()))
        assert err.value.kind is ModelErrorKind.BAD_REQUEST and "is not Ollama" in err.value.message
        _assert_one_line(err.value)
        assert _Quiet.posts == 1  # not retried: another server will not turn into Ollama
    finally:
        await model.aclose()


async def test_openai_chat_names_the_wrong_server(web_server: str) -> None:
    model = OpenAIModel(f"{web_server}/v1", "qwen", ModelSettings())
    try:
        with pytest.raises(ModelError) as err:
            await collect(model.stream_chat([Message("user", "hi")], GenOptions()))
        assert "is not an OpenAI-compatible API (HTTP 501" in err.value.message
        _assert_one_line(err.value)
        assert _Quiet.posts == 1
    finally:
        await model.aclose()


def test_models_pull_to_a_web_server_is_one_clear_failure(
    web_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", web_server)
    assert main(["models", "pull", "ollama:qwen"]) == 1
    err = capsys.readouterr().err
    assert "is not Ollama" in err and "<html" not in err.lower()


@pytest.mark.parametrize("target", ["ollama:", "ollama:two words"])
def test_models_pull_of_a_malformed_name_is_a_usage_error(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "pull", target]) == 2
    assert capsys.readouterr().err.startswith("orps: error: bad model URI")


def test_web_page_summary() -> None:
    page = "<!DOCTYPE HTML>\n<html><head><title>Error response</title></head>\n<body><h1>Oops</h1></body></html>"
    assert web_page_summary(page) == "Error response: Oops"
    assert web_page_summary('{"error": "model not found"}') is None
    assert len(web_page_summary("<html><body>" + "word " * 100 + "</body></html>") or "") <= 81


def test_a_malformed_ollama_host_does_not_break_importing_the_backend() -> None:
    # The ollama library builds a client from OLLAMA_HOST at import and raised ValueError.
    import os
    import subprocess
    import sys

    env = {**os.environ, "OLLAMA_HOST": "host:abc"}
    done = subprocess.run(
        [sys.executable, "-c", "import orps_tui.llm.ollama_backend, os; print(os.environ['OLLAMA_HOST'])"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "host:abc"  # restored for everyone else


def test_doctor_reports_a_malformed_ollama_host_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "host:abc")
    monkeypatch.setenv("ORPS_MODEL", "ollama:qwen")
    assert main(["doctor", "--no-probe"]) == 1
    out = capsys.readouterr().out
    assert out.count("OLLAMA_HOST='host:abc'") == 1
    assert "[FAIL] environment: OLLAMA_HOST='host:abc': not a valid address" in out


class _Bare404(SimpleHTTPRequestHandler):
    """A gateway that answers 404 with no body, as some proxies do for any address."""

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


async def test_a_bare_404_is_not_a_missing_model() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bare404)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}"
    model = OllamaModel("qwen", ModelSettings(), host=host, backoff_s=0.01)
    try:
        health = await model.health()
        assert health.state is HealthState.ERROR
        assert health.message == f"the server at {host} is not Ollama (HTTP 404)"
        with pytest.raises(ModelError) as err:
            await model.list_models()
        assert err.value.kind is ModelErrorKind.BAD_REQUEST
    finally:
        await model.aclose()
        server.shutdown()
        server.server_close()
