"""The home screen: browse and filter problems, pick a model (live Ollama list), set the
budget, start; plain words when Ollama is not there. Uses the fake Ollama HTTP server."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from orps_tui.app.app import OrpsApp
from orps_tui.app.screens.home import HomeScreen
from orps_tui.app.screens.search import SearchScreen
from orps_tui.app.widgets.model_picker import ModelPicker
from orps_tui.app.widgets.problem_picker import ProblemPicker
from orps_tui.app.widgets.status_header import StatusHeader
from orps_tui.config import Settings
from tests.support.fake_ollama import FakeOllama, Request
from tests.support.scripted_model import code_reply, critic_json
from tests.ui.harness import SIZE, wait_for

DEAD_HOST = "http://127.0.0.1:9"  # discard port: nothing listens


def _offline() -> Settings:
    """Default settings, with Ollama at an address where nothing listens."""
    settings = Settings()
    settings.model.ollama_host = DEAD_HOST
    return settings


def _answer(request: Request) -> str:
    if request.is_critic:
        return critic_json(5, "Correct and simple.", finished=True)
    # The fake server answers with the problem's own reference: this tests the plumbing.
    return code_reply(_reference())


def _reference() -> str:
    from orps_tui.problems.library import find_problem

    reference = find_problem("fn-factorial-zeros").reference
    assert reference
    return reference


async def test_filter_narrows_the_starter_set_by_difficulty_and_tag() -> None:
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 20, what="the starter set")
        total = len(picker.rows)
        await pilot.press(*"hard")
        await pilot.pause(0.1)
        assert 0 < len(picker.shown) < total
        assert all(r.difficulty == "hard" for r in picker.shown)
        picker.query_one("#problem-filter", Input).value = "easy fn-"
        await pilot.pause(0.1)
        assert picker.shown and all(r.difficulty == "easy" and r.id.startswith("fn-")
                                    for r in picker.shown)
        assert picker.query_one(DataTable).row_count == len(picker.shown)


async def test_ollama_not_running_is_said_plainly_and_embedded_offered() -> None:
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        models = app.screen.query_one(ModelPicker)
        await wait_for(pilot, lambda: "Ollama not running" in models.ollama_status, 15,
                       "the Ollama status")
        assert "`ollama serve`" in models.ollama_status
        assert "embedded" in models.uris


async def test_model_not_pulled_names_the_pull_command() -> None:
    with FakeOllama(models=["llama3.2:1b"]) as server:
        settings = Settings()
        settings.model.ollama_host = server.url
        settings.model.default = "ollama:qwen2.5-coder:7b"
        app = OrpsApp(settings)
        async with app.run_test(size=SIZE) as pilot:
            models = app.screen.query_one(ModelPicker)
            await wait_for(pilot, lambda: "ollama:llama3.2:1b" in models.uris, 15)
            assert models.chosen == "ollama:qwen2.5-coder:7b"
            assert "model not pulled: `ollama pull qwen2.5-coder:7b`" in models.ollama_status


async def _pick_factorial_zeros(pilot: Pilot) -> HomeScreen:
    """Typed into the filter, Enter to the table, Enter on the row: the home screen."""
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    picker = home.query_one(ProblemPicker)
    await wait_for(pilot, lambda: len(picker.rows) > 20)
    await pilot.press(*"factorial", "enter", "enter")
    return home


async def test_pick_problem_model_budget_and_start_a_search() -> None:
    with FakeOllama(models=["qwen2.5-coder:7b"], reply=_answer) as server:
        settings = Settings()
        settings.model.ollama_host = server.url
        app = OrpsApp(settings, frozen_clock=True)
        async with app.run_test(size=SIZE) as pilot:
            home = await _pick_factorial_zeros(pilot)
            assert home.problem_ref is not None and "fn-factorial-zeros" in home.problem_ref
            models = home.query_one(ModelPicker)
            await wait_for(pilot, lambda: "ollama:qwen2.5-coder:7b" in models.uris, 15)
            models.query_one("OptionList").highlighted = models.uris.index(
                "ollama:qwen2.5-coder:7b")
            await pilot.pause(0.05)
            assert home.model_uri == "ollama:qwen2.5-coder:7b"
            home.query_one("#budget-samples", Input).value = "2"
            home.query_one("#budget-rounds", Input).value = "1"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), 30,
                           "the search screen")
            link = app.screen.link
            assert link.engine.config.samples == 2 and link.engine.config.rounds == 1
            await wait_for(pilot, lambda: link.engine.result is not None, 60, "the search")
            answer = link.engine.result.answer
            assert answer is not None and answer.report.pass_rate == 1.0
            assert server.requests_to("/api/chat")


async def test_bad_budget_is_refused_with_a_message() -> None:
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 0)
        app.screen.problem_ref = picker.rows[0].ref
        app.screen.query_one("#budget-beam", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HomeScreen)
        assert any("B beam: must be between 1 and 20" in n.message for n in app._notifications)


async def test_problem_on_the_command_line_with_a_dead_server_offers_the_embedded_model() -> None:
    from pathlib import Path

    from textual.widgets import Static

    from orps_tui.app.launch import Launch
    from orps_tui.app.screens.starting import StartingScreen

    problem = Path(__file__).resolve().parents[2] / "problems" / "fn-factorial-zeros.toml"
    app = OrpsApp(_offline(), Launch(problem=problem, model="ollama:qwen2.5-coder:7b"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartingScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#starting-buttons").display, 20,
                       "the failure message")
        message = str(screen.query_one("#starting-message", Static).render())
        assert "ollama serve" in message
        assert screen.query_one("#embedded").display
        assert any(b.binding.action == "use_embedded" and b.enabled
                   for b in screen.active_bindings.values())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_a_malformed_problem_file_is_named_with_its_line(tmp_path) -> None:
    """Also: the footer used to offer `m Use the embedded model` when the problem file, not
    the model, was at fault; and the message was read as markup (the path lost its `[b]`)."""
    from textual.widgets import Static

    from orps_tui.app.launch import Launch
    from orps_tui.app.screens.starting import StartingScreen

    bad = tmp_path / "[b]bad.toml"
    bad.write_text('schema = 1\nid = "x"\ntitle = \n')
    app = OrpsApp(_offline(), Launch(problem=bad, model="embedded"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartingScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#starting-buttons").display, 20)
        message = str(screen.query_one("#starting-message", Static).render())
        assert f"{bad}:3" in message
        assert not screen.query_one("#embedded").display
        shown = {b.binding.action for b in screen.active_bindings.values()
                 if b.enabled and b.binding.show}
        assert "use_embedded" not in shown and "back" in shown


async def test_statement_preview_is_plain_text_reflowed() -> None:
    """A statement's brackets used to be read as markup (`grid[i][j]` showed as `grid`, a
    `[/]` raised), and the file's line breaks broke the pane's wrapping mid-sentence."""
    from textual.widgets import Static

    from orps_tui.app.widgets.problem_picker import ProblemRow

    app = OrpsApp(_offline())
    statement = ("# Title\n\nRead grid[i][j] for each cell\nof the grid; [b]bold[/b] and [/]\n"
                 "are text.\n\nSecond paragraph.\n")
    row = ProblemRow("x.toml", "x-grid", "Grid", "easy", ("arrays",), "function", statement)
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 20, what="the starter set")
        picker.set_rows([row])
        await pilot.pause(0.1)
        shown = picker.query_one("#problem-statement", Static).render()
        text = getattr(shown, "plain", str(shown))
        assert text == ("Grid · easy · function · arrays\n"
                        "Read grid[i][j] for each cell of the grid; [b]bold[/b] and [/] are "
                        "text.\nSecond paragraph.")


async def test_statement_preview_renders_markdown_and_whole_tags() -> None:
    """The preview showed raw Markdown (`w_i` with its backticks); tags were cut to 6
    characters by the table."""
    from textual.widgets import Static

    from orps_tui.app.widgets.problem_picker import ProblemRow

    app = OrpsApp(_offline())
    statement = "Parcel `i` weighs `w_i` kilograms; **at most** C, see [the rules](https://x.y)."
    row = ProblemRow("x.toml", "x-parcels", "Parcels", "medium",
                     ("implementation", "two-pointers"), "stdio", statement)
    async with app.run_test(size=(80, 24)) as pilot:
        picker = app.screen.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 20, what="the starter set")
        picker.set_rows([row])
        await pilot.pause(0.1)
        shown = picker.query_one("#problem-statement", Static).render()
        text = getattr(shown, "plain", str(shown))
        assert "implementation, two-pointers" in text
        assert "Parcel i weighs w_i kilograms; at most C, see the rules." in text
        assert "`" not in text and "**" not in text


async def test_budget_values_stay_visible_in_an_80x24_terminal() -> None:
    """At 80x24 the budget inputs were squeezed to nothing: K, B, R and concurrency could not
    be read or edited."""
    from orps_tui.app.widgets.budget_form import FIELDS

    app = OrpsApp(_offline())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        for name, *_ in FIELDS:
            box = app.screen.query_one(f"#budget-{name}", Input)
            assert box.content_region.width >= len(box.value) + 1, (name, box.content_region)



async def test_enter_in_the_path_box_picks_the_file_and_moves_to_the_model() -> None:
    """Enter in the path box started a search at once with the default model and budget;
    it picks the problem and moves on to the next choice, the model."""
    from orps_tui.problems.library import find_problem

    path = str(find_problem("fn-factorial-zeros").path)
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        picker = home.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 20, what="the starter set")
        box = home.query_one("#problem-path", Input)
        box.focus()
        box.value = path
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is home
        assert home.problem_ref == path
        assert app.focused is home.query_one("#model-list")


async def test_enter_in_the_path_box_names_a_missing_file() -> None:
    app = OrpsApp(_offline())
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        picker = home.query_one(ProblemPicker)
        await wait_for(pilot, lambda: len(picker.rows) > 20, what="the starter set")
        box = home.query_one("#problem-path", Input)
        box.focus()
        box.value = "no/such/problem.toml"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is home and home.problem_ref != "no/such/problem.toml"
        assert any("no/such/problem.toml: no such problem file" in n.message
                   for n in app._notifications)


async def test_sampling_picked_by_keys_runs_k_programs_with_no_critic() -> None:
    """The method select, driven by keys: sampling greys out beam and rounds, says what K
    calls buy, and the search it starts is K roots, no critic call, no round."""
    from textual.widgets import Select

    from orps_tui.search.search_config import SearchMethod

    with FakeOllama(models=["qwen2.5-coder:7b"], reply=_answer) as server:
        settings = Settings()
        settings.model.ollama_host = server.url
        settings.model.default = "ollama:qwen2.5-coder:7b"
        app = OrpsApp(settings, frozen_clock=True)
        async with app.run_test(size=SIZE) as pilot:
            home = await _pick_factorial_zeros(pilot)
            method = home.query_one("#budget-method", Select)
            method.focus()
            await pilot.press("enter", "down", "enter")
            await wait_for(pilot, lambda: method.value is SearchMethod.SAMPLING)
            assert home.query_one("#budget-beam", Input).disabled
            assert home.query_one("#budget-rounds", Input).disabled
            home.query_one("#budget-samples", Input).value = "4"
            home.query_one("#budget-concurrency", Input).value = "3"
            await pilot.pause(0.05)
            calls = str(home.query_one("#budget-calls").render())
            assert calls == "4 calls: 4 programs, no critic"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), 30,
                           "the search screen")
            link = app.screen.link
            config = link.engine.config
            assert config.method is SearchMethod.SAMPLING
            assert (config.samples, config.rounds, config.critic, config.budget) == (4, 0, False, 4)
            # the model is opened for the budget's calls in flight, not the setting's 2
            assert config.concurrency == link.engine.model.settings.concurrency == 3
            await wait_for(pilot, lambda: link.engine.result is not None, 60, "the search")
            assert len(link.tree.nodes) == 4 and all(n.parent_id is None
                                                     for n in link.tree.nodes.values())
            chats = server.requests_to("/api/chat")
            assert len(chats) == 4 and not any(r.is_critic for r in chats)
            await pilot.pause(0.1)
            header = app.screen.query_one(StatusHeader).render()
            assert " · sampling · " in getattr(header, "plain", str(header)).replace("  ", " ")
