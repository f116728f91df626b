"""Open a `ChatModel` from a model URI (see `uri.py` for the forms)."""

from __future__ import annotations

from orps_tui.config import ModelSettings
from orps_tui.llm.base import ChatModel
from orps_tui.llm.uri import describe_uri, parse_uri

__all__ = ["describe_uri", "open_model"]


def open_model(uri: str, settings: ModelSettings | None = None) -> ChatModel:
    """A model for `uri`; a malformed URI raises `ModelError(BAD_REQUEST)`.

    Opening is cheap and never touches the network or loads weights: problems show up
    in `health()` or in the first call, as `ModelError`s with a fix.
    """
    parsed = parse_uri(uri)
    settings = settings or ModelSettings()
    if parsed.backend == "ollama":
        from orps_tui.llm.ollama_backend import OllamaModel

        return OllamaModel(parsed.name, settings)
    if parsed.backend == "openai":
        from orps_tui.llm.openai_backend import OpenAIModel

        return OpenAIModel(parsed.base_url, parsed.name, settings, uri=parsed.text)
    from orps_tui.llm.embedded import EmbeddedModel

    return EmbeddedModel(parsed.name, settings)
