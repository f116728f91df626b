"""Model URIs and the registry: parsing, labels, and clear errors for bad input."""

from __future__ import annotations

import pytest

from orps_tui.config import ModelSettings
from orps_tui.llm.base import ChatModel, ModelError, ModelErrorKind
from orps_tui.llm.embedded import EmbeddedModel
from orps_tui.llm.ollama_backend import OllamaModel, same_model
from orps_tui.llm.openai_backend import OpenAIModel
from orps_tui.llm.registry import describe_uri, open_model
from orps_tui.llm.uri import parse_uri


@pytest.mark.parametrize(
    ("uri", "backend", "name", "base"),
    [
        ("embedded", "embedded", "smollm2", ""),
        ("embedded:smollm2", "embedded", "smollm2", ""),
        ("embedded:coder", "embedded", "coder", ""),
        ("ollama:qwen2.5-coder:7b", "ollama", "qwen2.5-coder:7b", ""),
        ("ollama:llama3", "ollama", "llama3", ""),
        ("openai:http://127.0.0.1:8000/v1#qwen", "openai", "qwen", "http://127.0.0.1:8000/v1"),
        (
            "openai:https://gpu-box.lan/v1/#org/model-7b",
            "openai",
            "org/model-7b",
            "https://gpu-box.lan/v1",
        ),
        ("  ollama:phi4  ", "ollama", "phi4", ""),
    ],
)
def test_parse_good_uris(uri: str, backend: str, name: str, base: str) -> None:
    parsed = parse_uri(uri)
    assert (parsed.backend, parsed.name, parsed.base_url) == (backend, name, base)


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("ollama:", "no model name"),
        ("ollama", "no model name"),
        ("ollama:my model", "no spaces"),
        ("embedded:gpt5", "unknown embedded model 'gpt5'"),
        ("openai:http://x:8000/v1", "expected openai:BASE_URL#NAME"),
        ("openai:http://x:8000/v1#", "expected openai:BASE_URL#NAME"),
        ("openai:ftp://x/v1#m", "is not an http(s) URL"),
        ("openai:localhost:8000#m", "is not an http(s) URL"),
        ("vllm:qwen", "unknown backend 'vllm'"),
    ],
)
def test_bad_uris_fail_with_one_clear_line(uri: str, says: str) -> None:
    with pytest.raises(ModelError) as info:
        open_model(uri)
    err = info.value
    assert err.kind is ModelErrorKind.BAD_REQUEST and not err.retryable
    assert says in err.message and "\n" not in str(err)
    assert "ollama:NAME" in err.fix


def test_open_model_picks_the_backend_without_touching_the_network() -> None:
    settings = ModelSettings(ollama_host="http://10.255.255.1:11434")
    ollama = open_model("ollama:qwen2.5-coder:7b", settings)
    assert isinstance(ollama, OllamaModel) and ollama.uri == "ollama:qwen2.5-coder:7b"
    assert ollama.host == "http://10.255.255.1:11434"
    remote = open_model("openai:http://127.0.0.1:9/v1#qwen", settings)
    assert isinstance(remote, OpenAIModel) and remote.base_url == "http://127.0.0.1:9/v1"
    assert remote.uri == "openai:http://127.0.0.1:9/v1#qwen"
    embedded = open_model("embedded:coder")
    assert isinstance(embedded, EmbeddedModel) and embedded.uri == "embedded:coder"
    for model in (ollama, remote, embedded):
        assert isinstance(model, ChatModel)


def test_describe_uri_is_one_line_and_never_raises() -> None:
    assert describe_uri("ollama:qwen2.5-coder:7b") == "qwen2.5-coder:7b via Ollama"
    assert (
        describe_uri("openai:http://h:8000/v1#qwen")
        == "qwen at http://h:8000/v1 (OpenAI-compatible)"
    )
    assert "SmolLM2-135M" in describe_uri("embedded")
    assert "Qwen2.5-Coder-1.5B" in describe_uri("embedded:coder")
    assert describe_uri("nonsense") == "nonsense (not a valid model URI)"


def test_ollama_names_match_like_ollama_does() -> None:
    assert same_model("llama3", "llama3:latest")
    assert same_model("qwen2.5-coder:7b", "qwen2.5-coder:7b")
    assert not same_model("qwen2.5-coder:7b", "qwen2.5-coder:1.5b")
