"""Pick the model: Ollama's models (from the server's list), the embedded models, and the
configured default; the server's status in plain words, with the command that fixes it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from orps_tui.config import Settings
    from orps_tui.llm.base import ModelError, ModelInfo

FIRST_FRAME_GRACE_S = 0.15


async def _list_ollama(settings: Settings) -> tuple[str, list[ModelInfo], ModelError | None]:
    from orps_tui.llm.base import ModelError
    from orps_tui.llm.ollama_backend import OllamaModel

    client = OllamaModel("list", settings.model)
    try:
        return client.host, await client.list_models(), None
    except ModelError as exc:
        return client.host, [], exc
    finally:
        await client.aclose()


class ModelPicker(Vertical):
    HELP = "Ollama models come from the server; the embedded model needs no server."

    class Chosen(Message):
        def __init__(self, uri: str) -> None:
            self.uri = uri
            super().__init__()

    def __init__(self, default_uri: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "model"
        self.default_uri = default_uri
        self.uris: list[str] = []
        self.ollama_status = "checking Ollama…"
        self._ollama_options: list[tuple[str, str]] = []
        self._last_ollama_status: tuple[str, bool] | None = None
        self.ollama_uris: set[str] | None = None
        """The server's models; None until it answered (or when it is not running)."""

    def compose(self) -> ComposeResult:
        yield OptionList(id="model-list")
        yield Static(self.ollama_status, id="model-status")

    def on_mount(self) -> None:
        self.set_options(self._embedded_options(), [])
        # After the first frame: the Ollama client (httpx, pydantic) takes a while to import.
        self.set_timer(FIRST_FRAME_GRACE_S, self.probe)

    def _embedded_options(self) -> list[tuple[str, str]]:
        from orps_tui.llm.embedded_models import CATALOGUE

        out = []
        for spec in CATALOGUE.values():
            present = spec.path() is not None
            tag = "" if present else " — not installed"  # the fix shows when picked
            out.append((spec.uri, f"{spec.uri}  ({spec.title.split('-')[0]} {spec.parameters})"
                                  f"{tag}"))
        return out

    def use(self, uri: str) -> None:
        """Make `uri` the default and the choice (after the first run fetched a model)."""
        self.default_uri = uri
        self.set_options(self._embedded_options(), self._ollama_options)
        if uri in self.uris:
            self.query_one(OptionList).highlighted = self.uris.index(uri)

    def set_options(self, embedded: list[tuple[str, str]], ollama: list[tuple[str, str]]) -> None:
        self._ollama_options = list(ollama)
        options = list(ollama) + list(embedded)
        if self.default_uri not in {u for u, _ in options}:
            options.insert(0, (self.default_uri, f"{self.default_uri}  (from your config)"))
        listing = self.query_one(OptionList)
        keep = self.chosen
        listing.clear_options()
        listing.add_options([Option(label, id=uri) for uri, label in options])
        self.uris = [u for u, _ in options]
        target = keep if keep in self.uris else self.default_uri
        listing.highlighted = self.uris.index(target) if target in self.uris else 0

    @property
    def chosen(self) -> str | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or not self.uris:
            return None
        return self.uris[listing.highlighted]

    @work(thread=True, exclusive=True, exit_on_error=False)
    def probe(self) -> None:
        """Ask the Ollama server for its models (in a thread, with its own event loop)."""
        settings = self.app.settings  # type: ignore[attr-defined]
        host, models, error = asyncio.run(_list_ollama(settings))
        self.app.call_from_thread(self._probed, host, models, error)

    def _probed(self, host: str, models: list[ModelInfo], error: ModelError | None) -> None:
        from orps_tui.llm.base import ModelErrorKind

        if error is not None:
            if error.kind is ModelErrorKind.UNREACHABLE:
                status = ("Ollama not running: start it with `ollama serve` "
                          f"(looked at {host}). The embedded model works without it.")
            else:
                status = f"Ollama: {error.message}" + (f" — {error.fix}" if error.fix else "")
            self._status(status, ok=False)
            return
        client_host = host
        ollama = [(f"ollama:{m.name}", f"ollama:{m.name}  — {m.parameters or ''} "
                   f"{m.quantization or ''}".rstrip()) for m in models]
        self.ollama_uris = {u for u, _ in ollama}
        self.set_options(self._embedded_options(), ollama)
        if models:
            self._status(f"Ollama at {client_host}: {len(models)} model(s)", ok=True)
        else:
            self._status("Ollama is running but has no model: `ollama pull qwen2.5-coder:7b` "
                         "(or use the embedded model)", ok=False)
        self._check_chosen()

    def _status(self, text: str, ok: bool) -> None:
        self.ollama_status = text
        if not text.startswith(("embedded", "model not pulled")):
            self._last_ollama_status = (text, ok)
        widget = self.query_one("#model-status", Static)
        widget.update(text)
        widget.set_class(not ok, "-warning")

    def _check_chosen(self) -> None:
        uri = self.chosen
        from orps_tui.llm.embedded_models import CATALOGUE

        spec = next((s for s in CATALOGUE.values() if s.uri == uri), None)
        if spec is not None and spec.path() is None:
            self._status(f"{uri} is not installed: `{spec.install_fix}`", ok=False)
            return
        if spec is not None and self._last_ollama_status:
            self._status(*self._last_ollama_status)
        if uri and uri.startswith("ollama:") and self.ollama_uris is not None \
                and uri not in self.ollama_uris:
            name = uri.split(":", 1)[1]
            self._status(f"model not pulled: `ollama pull {name}` — or pick the embedded "
                         "model below", ok=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self._check_chosen()
            self.post_message(self.Chosen(event.option.id))
