"""The app's pure parts: themes from TOML, the keymap table, the CLI parser, the event
buffer and node labels. No running app needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orps_tui import locations
from orps_tui.app.event_buffer import EventBuffer
from orps_tui.app.keymap import ALL_KEYS, BY_ID, check_keymap
from orps_tui.app.node_format import node_label, node_summary, short_strategy
from orps_tui.app.themes import ThemeError, discover_themes, load_theme_file
from orps_tui.cli import CliError, main
from orps_tui.cli.app import parse
from orps_tui.search import events as ev
from orps_tui.search.tree import Author, Node, NodeFate, NodeState

# ---- themes --------------------------------------------------------------------------


def test_bundled_themes_include_a_light_and_a_high_contrast_one() -> None:
    loaded = discover_themes()
    names = {t.name: t for t in loaded.themes}
    assert loaded.problems == []
    assert {"orps-dark", "orps-light", "orps-high-contrast"} <= set(names)
    assert names["orps-light"].dark is False
    assert names["orps-high-contrast"].background == "#000000"


def test_user_theme_dir_adds_and_overrides(tmp_path: Path) -> None:
    folder = locations.user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\n[colors]\nprimary = "#ff0000"\n')
    (folder / "dark.toml").write_text('name = "orps-dark"\n[colors]\nprimary = "#00ff00"\n')
    (folder / "broken.toml").write_text('name = "bad"\n[colors]\nprimary = "not-a-colour"\n')
    loaded = discover_themes()
    names = {t.name: t for t in loaded.themes}
    assert names["mine"].primary == "#ff0000"
    assert names["orps-dark"].primary == "#00ff00"
    assert len(loaded.problems) == 1 and "broken.toml" in loaded.problems[0]


@pytest.mark.parametrize(("text", "message"), [
    ('[colors]\nprimary = "#fff"\n', "`name` must be a non-empty string"),
    ('name = "x"\n', "`colors.primary` is required"),
    ('name = "x"\n[colors]\nprimary = "#fff"\nshiny = "#000"\n', "unknown colour `colors.shiny`"),
    ('name = "x"\ndark = "yes"\n[colors]\nprimary = "#fff"\n', "`dark` must be true or false"),
    ('name = "x"\n[colors\n', "Expected"),
])
def test_bad_theme_files_are_named_with_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(ThemeError) as info:
        load_theme_file(path)
    assert str(path) in str(info.value) and message in str(info.value)


# ---- keymap --------------------------------------------------------------------------


def test_binding_ids_are_unique_and_palette_names_say_the_pane() -> None:
    assert len(BY_ID) == len(ALL_KEYS)
    for spec in ALL_KEYS:
        pane, _, what = spec.palette.partition(": ")
        assert pane in {"tree", "search", "detail", "profiler", "help", "app", "practice"} \
            and what


def test_unknown_binding_ids_in_the_config_are_reported() -> None:
    assert check_keymap({"tree.prune": "d"}) == []
    problems = check_keymap({"tree.prun": "d"})
    assert len(problems) == 1 and "`tree.prun`" in problems[0]


# ---- the CLI --------------------------------------------------------------------------


def test_parse_takes_problem_model_and_budget() -> None:
    args = parse(["problems/fn-gcd-pair-sum.toml", "--model", "ollama:x", "-k", "4", "--beam",
                  "2", "--rounds", "0", "-c", "3"])
    assert (args.problem, args.model, args.samples, args.beam, args.rounds, args.concurrency) \
        == ("problems/fn-gcd-pair-sum.toml", "ollama:x", 4, 2, 0, 3)
    assert args.method is None
    assert parse(["fn-gcd-pair-sum", "--method", "sampling"]).method == "sampling"


@pytest.mark.parametrize(("argv", "message"), [
    (["missing.toml"], "missing.toml: no such problem file"),
    (["--samples", "0"], "--samples must be at least 1"),
    (["x-id", "--resume", "s"], "either PROBLEM or --resume"),
    (["--resume", "s", "--method", "sampling"], "a resumed session goes on by its own"),
    (["--resume", "nowhere"], "nowhere: no such session"),
    (["--bogus"], "unknown argument '--bogus'"),
])
def test_parse_errors_are_one_line(argv: list[str], message: str) -> None:
    with pytest.raises(CliError) as info:
        parse(argv)
    assert message in str(info.value)


def test_resume_without_a_session_takes_the_newest() -> None:
    """docs/app.md says `orps --resume` continues the last session; it used to be a usage
    error (`--resume: expected one argument`)."""
    with pytest.raises(CliError, match="no saved session yet"):
        parse(["--resume"])
    root = locations.sessions_dir()
    for name in ("20260101T000000Z-old", "20260301T000000Z-new", "20260401T000000Z-empty"):
        (root / name).mkdir(parents=True)
    for name in ("20260101T000000Z-old", "20260301T000000Z-new"):
        (root / name / "session.jsonl").write_text("{}\n")
    assert parse(["--resume"]).resume == str(root / "20260301T000000Z-new")
    with pytest.raises(CliError, match="either PROBLEM or --resume"):
        parse(["x-id", "--resume"])


def test_main_prints_the_error_and_exits_2(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import orps_tui.cli

    # As in a terminal: without one, `orps` refuses before it looks at the arguments.
    monkeypatch.setattr(orps_tui.cli, "_interactive", lambda: True)
    assert main(["missing.toml"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "orps: error: missing.toml: no such problem file"


def test_orps_help_still_lists_the_subcommands() -> None:
    out = subprocess.run([sys.executable, "-c", "import sys, orps_tui.cli as c; "
                          "sys.exit(c.main(['--help']))"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "judge" in out.stdout and "solve" in out.stdout


def test_importing_the_app_loads_no_engine_backend_or_tree_sitter() -> None:
    code = ("import sys, orps_tui.cli.app, orps_tui.app.app, orps_tui.app.screens.home\n"
            "heavy = [m for m in ('orps_tui.search.engine', 'orps_tui.llm.ollama_backend', "
            "'orps_tui.llm.embedded', 'tree_sitter', 'ollama', 'orps_tui.sandbox.judge') "
            "if m in sys.modules]\nprint(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == ""


# ---- coalescing and labels ------------------------------------------------------------


def test_event_buffer_coalesces_a_burst_into_one_batch() -> None:
    buffer = EventBuffer()
    for i in range(500):
        buffer.push(ev.TextStreamed(i % 5, "programmer", "x"))
    buffer.push(ev.NodeStateChanged(7, NodeState.PENDING, NodeState.GENERATING))
    buffer.push(ev.SearchPaused(True))
    batch = buffer.drain()
    assert batch.events == 502 and batch.changed == {0, 1, 2, 3, 4, 7}
    assert batch.paused is True
    assert buffer.drain().empty


def test_node_label_shows_state_best_scores_and_author() -> None:
    node = Node(id=12, parent_id=3, depth=1, state=NodeState.KEPT, process_score=4.0,
                outcome_score=1.42, strategy="Aim for the most efficient algorithm you know.")
    text = node_label(node, best=True).plain
    assert text.startswith("● #12 ★") and "p4.0" in text and "o1.42" in text
    assert "Aim for the most efficient…" in text
    person = Node(id=13, parent_id=12, depth=2, author=Author.PERSON, state=NodeState.PRUNED)
    assert node_label(person).plain.startswith("✂ #13") and "person" in node_label(person).plain
    assert short_strategy("short") == "short"


def test_a_repeated_child_has_its_own_glyph_and_words_not_an_errors() -> None:
    repeat = Node(id=5, parent_id=2, depth=1, state=NodeState.ERROR, fate=NodeFate.REPEATED,
                  strategy="Keep it short and clear",
                  error="the same program as #2, on its branch: not judged or reviewed again")
    label = node_label(repeat).plain
    assert label.startswith("↺ #5") and label.endswith("p– o– same as #2")
    assert node_summary(repeat).startswith("#5 · repeats a program on its branch")
    crash = Node(id=6, parent_id=2, depth=1, state=NodeState.ERROR, error="no code block")
    assert node_label(crash).plain.startswith("✖ #6") and "no code block" in node_label(crash).plain
    assert node_summary(crash) == "#6 · error"
    crash.rewrite_of = 4
    assert node_summary(crash) == "#6 · error · written again after #4"


def test_each_strategy_reads_whole_in_the_tree() -> None:
    """Strategies were cut at ~18 characters (`Keep it short and…`): the tree shows each
    one's first clause, whole when it fits in 30 characters."""
    from orps_tui.search.prompts import STRATEGIES

    labels = [short_strategy(s) for s in STRATEGIES]
    assert len(set(labels)) == len(STRATEGIES)
    assert all(len(label) <= 30 for label in labels)
    for strategy, label in zip(STRATEGIES, labels, strict=True):
        clause = strategy.split(":")[0].split(",")[0].split(" (")[0].rstrip(".")
        if len(clause) <= 30:
            assert label == clause, (strategy, label)
    assert "Keep it short and clear" in labels and "Consider dynamic programming" in labels


async def test_theme_from_config_and_a_clear_message_for_an_unknown_one() -> None:
    from orps_tui.app.app import OrpsApp
    from orps_tui.config import Settings

    settings = Settings()
    settings.ui.theme = "orps-light"
    settings.model.ollama_host = "http://127.0.0.1:9"
    app = OrpsApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "orps-light"
    settings.ui.theme = "no-such-theme"
    settings.ui.keys = {"tree.nope": "z"}
    app = OrpsApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "orps-dark"
        messages = [n.message for n in app._notifications]
        assert any("ui.theme: no theme named `no-such-theme`" in m for m in messages)
        assert any("unknown binding id `tree.nope`" in m for m in messages)


def test_the_sandbox_notices_take_one_line_and_the_help_holds_them() -> None:
    """Six lines of sandbox disclaimer filled the small profiler pane."""
    from orps_tui.app.widgets.static_metrics_view import metrics_text, sandbox_help
    from orps_tui.sandbox.report import (
        IsolationStatus,
        JudgeReport,
        StaticMetrics,
        TestResult,
        Verdict,
    )

    notices = ["Landlock is not available (kernel < 5.13 or disabled): the code can read and "
               "write files anywhere your user can",
               "seccomp is not available here (aarch64): the code can start processes and "
               "open sockets",
               "Landlock ABI 3 < 4: TCP is not restricted by Landlock (seccomp still blocks "
               "sockets)"]
    report = JudgeReport(Verdict.AC, 1, 1, [TestResult("t", True, Verdict.AC)], StaticMetrics(),
                         IsolationStatus(notices=notices))
    text = metrics_text(report).plain
    assert len(text.splitlines()) == 2 and "?" in text.splitlines()[1]
    assert len(text.splitlines()[1]) <= 60
    details = sandbox_help(report)
    assert all(n in details for n in notices)
