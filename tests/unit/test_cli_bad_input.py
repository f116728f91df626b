"""Careless or hostile use of the CLI: one clear line and the right exit status, never a
traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from orps_tui.cli import main


class _ClosedPipe(io.StringIO):
    """stdout whose reader went away (`orps ... | head`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def _bench_results(tmp_path: Path) -> Path:
    record = {
        "problem": "p", "method": "oneshot", "model": "ollama:x", "valid": True,
        "hidden": {"verdict": "AC", "passed": 3, "total": 3}, "llm_calls": 1, "wall_s": 0.5,
        "time_vs_reference": None,
    }
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_broken_pipe_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = _bench_results(tmp_path)
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(["bench", "--compare", str(results)]) == 1


def test_bench_compare_of_a_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "results.jsonl"
    binary.write_bytes(b"\x7fELF\x02\x01\xd0\xff\x00")
    assert main(["bench", "--compare", str(binary)]) == 2
    err = capsys.readouterr().err
    assert err == f"orps: error: {binary}: not UTF-8 text; is it an `orps bench --out` file?\n"


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_bench_out_that_cannot_be_written_fails_before_any_model_call(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path if where == "folder" else tmp_path / "file" / "results.jsonl"
    # No model server exists here: failing on --out first is what keeps this fast.
    code = main(["bench", "fn-factorial-zeros", "--model", "ollama:absent", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"orps: error: --out {out}: cannot write: ") and err.count("\n") == 1


def test_listen_out_that_cannot_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "inbox"
    assert main(["listen", "--port", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"orps: error: --out {out}: cannot create: ")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e308"])
def test_import_time_limit_must_be_a_sane_number(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["import", "humaneval", str(tmp_path / "x.jsonl"), "--out", str(tmp_path),
              "--time-s", value])
    assert exit_.value.code == 2
    assert "argument --time-s: must be" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "why"),
    [("-k", "0", "at least 1"), ("-k", "99999999999", "at most 1000"),
     ("-r", "-1", "at least 0"), ("-c", "1000", "at most 64")],
)
def test_search_numbers_out_of_range(
    option: str, value: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["solve", "fn-factorial-zeros", option, value])
    assert exit_.value.code == 2
    assert f"{why}, got {value}" in capsys.readouterr().err


def test_a_bad_config_stops_solve_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[judge]\njobs = -3\n", encoding="utf-8")
    monkeypatch.setenv("ORPS_CONFIG", str(config))
    assert main(["solve", "fn-factorial-zeros", "--model", "ollama:absent"]) == 2
    assert capsys.readouterr().err == f"orps: error: {config}: `judge.jobs` must be at least 0, got -3\n"


@pytest.mark.parametrize(("typo", "meant"), [("sovle", "solve"), ("problem", "problems")])
def test_a_misspelt_subcommand_is_named_not_opened_as_a_problem(
    typo: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([typo, "x"]) == 2
    assert capsys.readouterr().err == (
        f"orps: error: unknown command {typo!r}; did you mean `orps {meant}`?\n"
    )


def test_the_app_without_a_terminal_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # pytest's stdin and stdout are not terminals, as in `orps x > log` or under cron.
    assert main(["fn-anagram-pairs"]) == 2
    assert "the app needs a terminal" in capsys.readouterr().err


def test_a_missing_problem_is_named_before_the_terminal_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Regression: `orps missing.toml </dev/null` said "needs a terminal", hiding the real error.
    assert main(["missing.toml"]) == 2
    assert capsys.readouterr().err.strip() == "orps: error: missing.toml: no such problem file"


@pytest.mark.parametrize("fmt", ["humaneval", "lbpp", "mbpp", "companion"])
def test_import_of_a_binary_file_says_it_is_not_text(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "source.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(128, 256)))
    assert main(["import", fmt, str(binary), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"orps: error: import {fmt}: {binary}: not UTF-8 text (byte 0x80")
    assert err.count("\n") == 1 and "codec" not in err


def test_stress_with_a_binary_solution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "solution.py"
    binary.write_bytes(b"\x7fELF\xd0\xff")
    gen = tmp_path / "gen.py"
    gen.write_text("print(1)\n")
    assert main(["stress", "clock-angle", str(binary), "--gen", str(gen)]) == 2
    assert "not UTF-8 text; is it a source file?" in capsys.readouterr().err


def test_a_data_dir_that_is_a_file_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.write_text("not a folder")
    monkeypatch.setenv("ORPS_DATA_DIR", str(data))
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:1")  # no model call before the session
    monkeypatch.setattr("orps_tui.cli.solve.model_ready_or_fail", lambda uri, settings: None)
    assert main(["solve", "fn-factorial-zeros", "--model", "ollama:absent", "-k", "1", "-r", "0"]) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"orps: error: {data}/sessions/") and "Not a directory" in err
    assert f"in the data dir {data}; ORPS_DATA_DIR moves it" in err


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("", "no records; is it an `orps bench --out` file?"),
        ('{"method": 1, "hidden": 2, "valid": 3}\n', ":1: not an orps bench record (`method`"),
        ('{"method": "orps", "hidden": 2, "valid": true}\n', "`hidden` must be null or"),
        ('{"method": "orps", "hidden": null, "valid": true, "llm_calls": "9", "wall_s": 1}\n',
         "`llm_calls` must be a number"),
    ],
)
def test_bench_compare_of_a_file_that_holds_no_records(
    tmp_path: Path, content: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["bench", "--compare", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"orps: error: {path}") and why in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"tests = 3\n", "`tests` must be an array of tables"),
     (b"garbage\n", "cannot read custom tests: Expected '='"),
     (b"\xd0\xff", "cannot read custom tests: not UTF-8 text")],
)
def test_a_damaged_custom_test_file_is_a_value_error_naming_it(
    tmp_path: Path, content: bytes, why: str
) -> None:
    from orps_tui.practice.custom_tests import CustomTestStore

    store = CustomTestStore("p", root=tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    with pytest.raises(ValueError, match=f"^{store.path}: ") as err:
        store.add("1\n")
    assert why in str(err.value)
