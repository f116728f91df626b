"""The header's cache figure: the share of prompt tokens the model server served from its
cache, from the calls recorded on the nodes (so live and review agree), shown only where
the server says, and the first figure to give way in a narrow terminal."""

from __future__ import annotations

from orps_tui.app.widgets.status_header import HeaderInfo, header_text
from orps_tui.search.tree import CallStats, cached_share


def test_the_share_counts_only_calls_whose_server_said() -> None:
    calls = [CallStats("programmer", prompt_tokens=1000, prompt_evaluated=100),
             CallStats("critic", prompt_tokens=3000, prompt_evaluated=300),
             CallStats("programmer", prompt_tokens=500)]  # server said nothing
    assert cached_share(calls) == 0.9
    assert cached_share(calls[2:]) is None
    assert cached_share([]) is None


def test_the_header_shows_it_and_drops_it_first_when_narrow() -> None:
    info = HeaderInfo("lbpp-1", "embedded:coder", round=1, rounds=3, nodes=8, llm_calls=15,
                      max_calls=16, tokens=35_498, cached_share=0.83, elapsed_s=None,
                      state="running")
    wide = header_text(info, width=200).plain
    assert "83% cached" in wide and "35.5k tokens" in wide
    narrow = header_text(info, width=80).plain
    assert "cached" not in narrow and "15/16 calls" in narrow and len(narrow) <= 80
    unknown = header_text(HeaderInfo("p", "m", tokens=10, state="running"), width=200).plain
    assert "cached" not in unknown


def test_calls_a_person_spent_beyond_the_budget_read_as_steered() -> None:
    """A person's expansions are not bound by the call budget: the header said "7/2 calls"."""
    info = HeaderInfo("p", "m", llm_calls=7, max_calls=2, tokens=10, state="review")
    assert "2 + 5 steered calls" in header_text(info, width=200).plain
    within = HeaderInfo("p", "m", llm_calls=2, max_calls=2, tokens=10, state="review")
    assert "2/2 calls" in header_text(within, width=200).plain


async def test_an_unchanged_header_is_not_drawn_again() -> None:
    """The search screen sends the header ~13 times a second; under a dialog each redraw
    repainted the whole dimmed screen (half a core while the person typed a hint)."""
    from textual.app import App, ComposeResult

    from orps_tui.app.widgets.status_header import StatusHeader

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusHeader()

    app = One()
    async with app.run_test(size=(100, 5)) as pilot:
        header = app.query_one(StatusHeader)
        drawn: list[object] = []
        update = header.update
        header.update = lambda *a, **k: (drawn.append(a), update(*a, **k))[1]  # type: ignore
        info = HeaderInfo("p", "m", llm_calls=3, max_calls=8, tokens=10, state="running",
                          elapsed_s=61.2)
        header.show(info)
        header.show(HeaderInfo(**{**info.__dict__, "elapsed_s": 61.9}))  # same second
        await pilot.pause()
        assert len(drawn) == 1
        header.show(HeaderInfo(**{**info.__dict__, "elapsed_s": 62.1}))
        assert len(drawn) == 2 and "01:02" in str(drawn[-1][0])
