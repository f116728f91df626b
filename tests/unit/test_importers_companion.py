"""Competitive Companion payload importer, all-or-nothing writing, and `orps import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.problems.importers import ImportFailure, ImportOptions, import_problems, read_source
from orps_tui.problems.importers.common import slugify
from orps_tui.problems.importers.companion import problem_from_payload
from orps_tui.problems.load import load_problem

PAYLOAD = {
    "name": "A. Watermelon",
    "group": "Codeforces - Beta Round #4",
    "url": "https://codeforces.com/problemset/problem/4/A",
    "interactive": False,
    "memoryLimit": 64,
    "timeLimit": 1000,
    "tests": [{"input": "8\n", "output": "YES\n"}, {"input": "5\n", "output": "NO\n"}],
    "testType": "single",
    "input": {"type": "stdin"},
    "output": {"type": "stdout"},
    "languages": {"java": {"mainClass": "Main", "taskClass": "Task"}},
    "batch": {"id": "x", "size": 1},
}


def test_payload_becomes_a_stdio_problem_with_public_samples() -> None:
    p = problem_from_payload(PAYLOAD)
    assert (p.id, p.title) == ("a-watermelon", "A. Watermelon")
    assert (p.limits.time_s, p.limits.memory_mb) == (1.0, 64)
    assert [(t.name, t.public, t.input, t.output) for t in p.tests] == [
        ("sample-1", True, "8\n", "YES\n"),
        ("sample-2", True, "5\n", "NO\n"),
    ]
    assert p.hidden_tests == ()
    assert p.source.url == PAYLOAD["url"] and p.source.dataset == PAYLOAD["group"]
    assert PAYLOAD["url"] in p.statement.text


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ([], "expected a JSON object"),
        ({**PAYLOAD, "name": ""}, "'name'"),
        ({**PAYLOAD, "tests": []}, "'tests'"),
        ({**PAYLOAD, "tests": [{"input": "1"}]}, "tests[1] needs string fields"),
        ({**PAYLOAD, "interactive": True}, "interactive"),
        ({**PAYLOAD, "timeLimit": "soon"}, "timeLimit must be a positive number"),
    ],
)
def test_malformed_payloads(payload, words: str) -> None:
    with pytest.raises(ImportFailure) as raised:
        problem_from_payload(payload)
    assert words in str(raised.value)


def test_list_file_round_trips(tmp_path: Path) -> None:
    second = {**PAYLOAD, "name": "B. Next", "timeLimit": 2500}
    source = tmp_path / "cc.json"
    source.write_text(json.dumps([PAYLOAD, second]))
    written = import_problems("companion", source, tmp_path / "out").written
    assert [w.name for w in written] == ["a-watermelon.toml", "b-next.toml"]
    loaded = load_problem(written[1])
    assert loaded.limits.time_s == 2.5
    assert loaded.tests == read_source("companion", source, ImportOptions()).problems[1].tests


def test_slugify() -> None:
    assert slugify("A. Two  Sum!") == "a-two-sum"
    assert slugify("Ünïcödé — names") == "unicode-names"
    assert slugify("!!!").startswith("problem-") and slugify("!!!") == slugify("!!!")
    assert slugify("两数之和") != slugify("三数之和")  # no latin letters: a hash keeps them apart
    assert slugify("!!!", fallback="test") == "test"


def test_existing_targets_need_force_and_duplicates_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "cc.json"
    source.write_text(json.dumps(PAYLOAD))
    out = tmp_path / "out"
    import_problems("companion", source, out)
    (out / "a-watermelon.toml").write_text("edited")
    with pytest.raises(ImportFailure, match="already exist"):
        import_problems("companion", source, out)
    assert (out / "a-watermelon.toml").read_text() == "edited"
    import_problems("companion", source, out, force=True)
    assert load_problem(out / "a-watermelon.toml").title == "A. Watermelon"

    source.write_text(json.dumps([PAYLOAD, PAYLOAD]))
    with pytest.raises(ImportFailure, match="two problems would get the id 'a-watermelon'"):
        import_problems("companion", source, tmp_path / "dup")
    assert not (tmp_path / "dup").exists()
    assert [p.name for p in out.iterdir()] == ["a-watermelon.toml"]  # no staging left behind


def test_out_is_a_file(tmp_path: Path) -> None:
    source = tmp_path / "cc.json"
    source.write_text(json.dumps(PAYLOAD))
    (tmp_path / "file").write_text("x")
    with pytest.raises(ImportFailure, match="not a folder"):
        import_problems("companion", source, tmp_path / "file")


def test_cli_import_prints_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "cc.json"
    source.write_text(json.dumps(PAYLOAD))
    assert main(["import", "companion", str(source), "--out", str(tmp_path / "o")]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [str(tmp_path / "o" / "a-watermelon.toml")]
    assert "imported 1 problem(s)" in err


def test_cli_import_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text("{nope")
    code = main(["import", "companion", str(tmp_path / "bad.json"), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not JSON" in err and "bad.json:1" in err
    assert main(["import", "kattis", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_names_without_latin_letters_and_a_problem_called_problem(tmp_path: Path) -> None:
    payloads = [{**PAYLOAD, "name": "两数之和"}, {**PAYLOAD, "name": "三数之和"},
                {**PAYLOAD, "name": "Problem"}]
    source = tmp_path / "cc.json"
    source.write_text(json.dumps(payloads), encoding="utf-8")
    written = import_problems("companion", source, tmp_path / "out").written
    assert len({w.parent / w.stem for w in written}) == 3  # no two share a file
    # `problem.toml` directly in the folder would turn the whole folder into one problem.
    assert not (tmp_path / "out" / "problem.toml").exists()
    assert written[2] == tmp_path / "out" / "problem" / "problem.toml"
    assert [load_problem(w).title for w in written] == ["两数之和", "三数之和", "Problem"]


def test_listener_saving_a_problem_called_problem_keeps_the_inbox_a_folder(tmp_path: Path) -> None:
    from orps_tui.problems.companion_listener import save_to

    save = save_to(tmp_path / "inbox")
    first = save(problem_from_payload({**PAYLOAD, "name": "Problem"}))
    second = save(problem_from_payload({**PAYLOAD, "name": "Problem"}))  # sent again
    assert first == tmp_path / "inbox" / "problem" / "problem.toml"
    assert second == first  # already saved: the same file, no `-2` copy
    assert not (tmp_path / "inbox" / "problem.toml").exists()
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == ["problem"]
    assert load_problem(first).id == "problem"
