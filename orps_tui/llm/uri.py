"""Model URIs: which backend, which model, where.

ollama:NAME                 a model served by Ollama, e.g. `ollama:qwen2.5-coder:7b`
embedded                    the bundled SmolLM2-135M, in-process on the CPU
embedded:coder              Qwen2.5-Coder-1.5B, in-process (`orps models pull coder`)
openai:BASE_URL#NAME        an OpenAI-compatible server (vLLM, SGLang, llama.cpp, LM Studio)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from orps_tui.llm.base import ModelError, ModelErrorKind

Backend = Literal["ollama", "embedded", "openai"]

EXAMPLES = "`embedded`, `embedded:coder`, `ollama:NAME`, `openai:BASE_URL#NAME`"

# Short names accepted after `embedded:`; the key is what the catalogue knows.
EMBEDDED_ALIASES = {"": "smollm2", "smollm2": "smollm2", "coder": "coder"}


@dataclass(frozen=True)
class ModelURI:
    backend: Backend
    name: str
    """Ollama model name, embedded catalogue key, or the name sent to an OpenAI server."""
    base_url: str = ""
    """Only for `openai:` URIs: the API root, e.g. `http://127.0.0.1:8000/v1`."""
    text: str = ""
    """The URI as written."""


def _bad(uri: str, why: str) -> ModelError:
    return ModelError(
        ModelErrorKind.BAD_REQUEST,
        f"bad model URI {uri!r}: {why}",
        f"use one of {EXAMPLES}",
    )


def parse_uri(uri: str) -> ModelURI:
    """Split a model URI into its parts; a malformed one raises `ModelError(BAD_REQUEST)`."""
    if not isinstance(uri, str) or not uri.strip():
        raise _bad(str(uri), "it is empty")
    text = uri.strip()
    scheme, sep, rest = text.partition(":")
    if scheme == "embedded":
        key = EMBEDDED_ALIASES.get(rest)
        if key is None:
            raise _bad(text, f"unknown embedded model {rest!r} (known: embedded, embedded:coder)")
        return ModelURI("embedded", key, text=text)
    if scheme == "ollama":
        name = rest.strip()
        if not sep or not name:
            raise _bad(text, "no model name after `ollama:` (e.g. ollama:qwen2.5-coder:7b)")
        if any(c.isspace() for c in name):
            raise _bad(text, "an Ollama model name has no spaces")
        return ModelURI("ollama", name, text=text)
    if scheme == "openai":
        base, hash_, name = rest.rpartition("#")
        if not hash_ or not base or not name.strip():
            raise _bad(
                text, "expected openai:BASE_URL#NAME, e.g. openai:http://127.0.0.1:8000/v1#qwen"
            )
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _bad(text, f"{base!r} is not an http(s) URL")
        return ModelURI("openai", name.strip(), base_url=base.rstrip("/"), text=text)
    raise _bad(text, f"unknown backend {scheme!r}")


def describe_uri(uri: str) -> str:
    """A one-line label for people, e.g. for the app header. Never raises."""
    try:
        parsed = parse_uri(uri)
    except ModelError:
        return f"{uri} (not a valid model URI)"
    if parsed.backend == "ollama":
        return f"{parsed.name} via Ollama"
    if parsed.backend == "openai":
        return f"{parsed.name} at {parsed.base_url} (OpenAI-compatible)"
    from orps_tui.llm.embedded_models import CATALOGUE

    return f"{CATALOGUE[parsed.name].title} (embedded, CPU)"
