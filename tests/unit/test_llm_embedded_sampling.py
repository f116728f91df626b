"""SmolLM2 looped to the token cap on most calls: its requests carry a repeat penalty and
a lower answer cap; the coder model's do not need them."""

from __future__ import annotations

from orps_tui.llm.base import GenOptions, Message
from orps_tui.llm.embedded import _EmbeddedClient
from orps_tui.llm.embedded_models import CODER, SMOLLM2

MESSAGES = [Message("user", "Write a function.")]


def _body(spec, max_tokens: int = 1500) -> dict:
    client = _EmbeddedClient(spec, "http://127.0.0.1:9/v1", spec.alias)
    return client.request_body(MESSAGES, GenOptions(max_tokens=max_tokens), None)


def test_smollm2_requests_carry_a_repeat_penalty_and_a_lower_cap() -> None:
    body = _body(SMOLLM2)
    assert body["repeat_penalty"] > 1.0 and body["repeat_last_n"] >= 64
    assert SMOLLM2.max_tokens is not None and body["max_tokens"] == SMOLLM2.max_tokens < 1500
    assert _body(SMOLLM2, max_tokens=200)["max_tokens"] == 200  # a smaller ask stands


def test_the_coder_model_is_sampled_as_asked() -> None:
    body = _body(CODER)
    assert "repeat_penalty" not in body and body["max_tokens"] == 1500
