"""`orps solve` and `orps bench` end to end against the fake Ollama server and the real judge."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orps_tui.cli import main
from orps_tui.problems.library import find_problem
from orps_tui.search.session import list_sessions, load_session
from tests.integration.test_engine_ollama import MODEL, Script
from tests.support.fake_ollama import FakeOllama
from tests.support.signals import default_sigint

REPO = Path(__file__).resolve().parents[2]
PROBLEM = "fn-factorial-zeros"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with FakeOllama(models=[MODEL], reply=Script(find_problem(PROBLEM)),
                    prefix_cache=True) as srv:
        monkeypatch.setenv("OLLAMA_HOST", srv.url)
        yield srv


def test_solve_json(server: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "2", "-b", "1", "-r", "1",
                 "--seed", "5", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"problem", "model", "answer", "stats", "session"}
    assert result["problem"] == PROBLEM and result["model"] == f"ollama:{MODEL}"
    answer = result["answer"]
    assert answer["public"] == {"verdict": "AC", "passed": 2, "total": 2}
    assert answer["hidden"]["verdict"] == "AC" and answer["hidden"]["passed"] == answer["hidden"]["total"]
    assert "def factorial_zeros" in answer["code"]
    assert result["stats"]["llm_calls"] == 8 and result["stats"]["nodes"] == 4
    assert set(result["stats"]) >= {"llm_calls", "prompt_tokens", "completion_tokens", "nodes",
                                    "wall_s", "cached_tokens", "evaluated_tokens",
                                    "evaluated_share"}
    # the fake Ollama says, as Ollama >= 0.30 does, what it served from its prompt cache
    stats = result["stats"]
    assert 0 < stats["evaluated_tokens"] < stats["prompt_tokens"]
    assert stats["cached_tokens"] == stats["prompt_tokens"] - stats["evaluated_tokens"]
    assert stats["evaluated_share"] == pytest.approx(
        stats["evaluated_tokens"] / stats["prompt_tokens"], abs=1e-3)
    session = load_session(result["session"])
    assert session.finished is not None and len(session.tree) == 4
    assert [s.directory for s in list_sessions()] == [Path(result["session"])]
    calls = len(server.requests_to("/api/chat"))
    assert main(["solve", "--resume", result["session"], "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["answer"] == answer and again["reason"] == result["reason"]
    assert len(server.requests_to("/api/chat")) == calls  # a finished search is not re-run
    reread = load_session(result["session"])  # and it is still finished, with the same answer
    assert reread.finished is not None and not reread.resumable
    assert reread.finished["answer_id"] == session.finished["answer_id"]


def test_solve_text_output(server: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "2", "-r", "0"]) == 0
    captured = capsys.readouterr()
    assert "hidden tests: AC" in captured.out and "```python" in captured.out
    assert "round 0:" in captured.err  # plain progress lines when not a terminal


@pytest.mark.parametrize(("argv", "message"), [
    (["solve"], "give a PROBLEM"),
    (["solve", "no-such-problem-id"], "no problem with id"),
    (["solve", PROBLEM, "--model", "bogus:x"], "unknown backend"),
    (["solve", "--resume", "/nonexistent/session"], "no such session"),
    (["solve", "--resume", "s", "--method", "sampling"], "a resumed session goes on by its"),
    (["bench"], "give PROBLEMS"),
    (["bench", PROBLEM, "--method", "magic"], "unknown method"),
])
def test_bad_input_is_one_line(argv: list[str], message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_bad_numbers_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["solve", PROBLEM, "--samples", "0"])
    assert exc.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_bench_methods_and_compare(server: FakeOllama, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.jsonl"
    code = main(["bench", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "2", "-b", "1", "-r", "1",
                 "--calls", "6", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["method"] for r in records] == ["orps", "pool", "reflexion"]
    by = {r["method"]: r for r in records}
    assert {r["calls"] for r in records} == {6} and {r["seed"] for r in records} == {0}
    assert by["orps"]["llm_calls"] == 6 and by["pool"]["llm_calls"] == 6
    assert by["reflexion"]["llm_calls"] <= 6
    assert len(by["pool"]["pool"]) == 6
    # every pool sample graded on the 14 hidden tests by the real judge
    assert all(s["hidden"]["total"] == 14 for s in by["pool"]["pool"])
    assert by["orps"]["hidden"]["total"] == 14 and by["orps"]["time_rel"] > 0
    assert all(len(pair) == 2 for pair in by["orps"]["diagnostics"]["critic_hidden"])
    printed = captured.out
    for name in ("pass@1 (hidden)", "oneshot-mean", "bestofn-tokens", "reflexion", "won:lost"):
        assert name in printed
    assert "fn-factorial-zeros pool seed 0: 6 samples" in captured.err
    main(["bench", "--compare", str(out), f"{out}:again"])
    table = capsys.readouterr().out
    assert "orps@again" in table and "bestofn@again" in table


def test_solve_keeps_to_a_fixed_call_budget(server: FakeOllama,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "2", "-r", "2",
                 "--calls", "5", "--json"])
    assert code == 0
    stats = json.loads(capsys.readouterr().out)["stats"]
    assert stats["llm_calls"] == 4  # two nodes of 2 calls; a third would need 6


def test_solve_by_sampling_draws_k_programs_and_says_so(
        server: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "--method", "sampling",
                 "-k", "3", "-r", "2", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stats"]["llm_calls"] == 3 and result["stats"]["nodes"] == 3
    assert not any(r.is_critic for r in server.requests_to("/api/chat"))
    session = load_session(result["session"])
    assert session.config.method.value == "sampling" and session.config.rounds == 0
    assert main(["solve", PROBLEM, "--method", "sampling", "-k", "1", "--model",
                 f"ollama:{MODEL}"]) == 0
    assert ": sampling: 1 program, 1 model call; session " in capsys.readouterr().err


def test_the_search_concurrency_reaches_the_model(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`-c 4` set the search's calls in flight, but the model was opened with the setting's
    2 (its semaphore; the embedded server's slots): two calls waited their turn."""
    reply = Script(find_problem(PROBLEM), chunk_delay_s=0.02)
    with FakeOllama(models=[MODEL], reply=reply) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        assert main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "--method", "sampling",
                     "-k", "4", "-c", "4", "--json"]) in (0, 1)
        assert server.stats.max_in_flight == 4
    capsys.readouterr()


def test_compare_names_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"x": 1}\n')
    assert main(["bench", "--compare", str(bad)]) == 2
    assert "bad.jsonl:1: not an orps bench record" in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_cancels_cleanly_and_keeps_the_session(tmp_path: Path) -> None:
    problem = find_problem(PROBLEM)
    with FakeOllama(models=[MODEL], reply=Script(problem, chunk_delay_s=0.05)) as srv:
        env = dict(os.environ, OLLAMA_HOST=srv.url, ORPS_DATA_DIR=str(tmp_path / "data"),
                   PYTHONPATH=str(REPO))
        code = "import sys; from orps_tui.cli import main; sys.exit(main())"
        proc = subprocess.Popen([sys.executable, "-c", code, "solve", PROBLEM, "--model",
                                 f"ollama:{MODEL}", "-k", "2", "-r", "1"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=default_sigint)
        try:
            assert srv.wait_for(lambda: len(srv.requests_to("/api/chat")) >= 1, 30)
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, err
    assert "continue with: orps solve --resume" in err
    assert "Traceback" not in err
    (session,) = list((tmp_path / "data" / "sessions").iterdir())
    loaded = load_session(session)
    assert loaded.finished is not None and loaded.finished["reason"] == "cancelled"
    assert all(not n.state.busy for n in loaded.tree.nodes.values())


def test_bench_collects_problems_from_folders_and_ids() -> None:
    from orps_tui.cli.bench import collect_problems

    problems = collect_problems([str(REPO / "problems"), PROBLEM])
    assert len(problems) > 10 and problems[-1].id == PROBLEM


def test_a_second_process_resuming_a_session_in_use_is_refused(
        server: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    """`orps --resume X` and `orps solve --resume X` both wrote to X: a session being
    written is locked, and the second writer is told so in one line (exit 2)."""
    from orps_tui.search.session import SessionWriter

    assert main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "2", "-r", "0",
                 "--json"]) == 0
    directory = Path(json.loads(capsys.readouterr().out)["session"])
    holder = subprocess.Popen(  # another process resumes it and keeps writing
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from orps_tui.search.session import SessionWriter; "
         "w = SessionWriter.append_to(Path(sys.argv[1])); print('ready', flush=True); "
         "time.sleep(30)", str(directory)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        lines_before = (directory / "session.jsonl").read_text().count("\n")
        assert main(["solve", "--resume", str(directory)]) == 2
        err = capsys.readouterr().err.strip()
        assert "is open in another orps process" in err and f"pid {holder.pid}" in err
        assert len(err.splitlines()) == 1
        assert (directory / "session.jsonl").read_text().count("\n") == lines_before
    finally:
        holder.kill()
        holder.wait()
    SessionWriter.append_to(directory).close()  # free again once that process has gone


def test_solve_exits_1_when_the_answer_fails_its_tests(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """It exited 0 with an answer that failed every test; 1 is "did not pass"."""
    from tests.support.fake_ollama import Request
    from tests.support.scripted_model import code_reply, critic_json

    def wrong(request: Request) -> str:
        if request.is_critic:
            return critic_json(2, "Off.")
        return code_reply("def factorial_zeros(n):\n    return -1\n")

    with FakeOllama(models=[MODEL], reply=wrong) as srv:
        monkeypatch.setenv("OLLAMA_HOST", srv.url)
        code = main(["solve", PROBLEM, "--model", f"ollama:{MODEL}", "-k", "1", "-r", "0",
                     "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["answer"] is not None and result["answer"]["public"]["passed"] == 0
    assert code == 1


def test_a_model_that_cannot_answer_stops_solve_and_bench_before_any_search(
        server: FakeOllama, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ollama down, or the model not pulled: one line saying so and how to fix it, before a
    session is written or a bench record made (it was a search of failed calls, a session
    and an error record per problem)."""
    out = tmp_path / "r.jsonl"
    assert main(["solve", PROBLEM, "--model", "ollama:not-pulled:1b"]) == 2
    err = capsys.readouterr().err.strip()
    assert "ollama:not-pulled:1b cannot answer" in err and "ollama pull" in err
    assert len(err.splitlines()) == 1
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # nothing listens there
    for argv in (["solve", PROBLEM], ["bench", PROBLEM, "--out", str(out)]):
        assert main([*argv, "--model", f"ollama:{MODEL}"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert "cannot answer" in err[-1] and "not running" in err[-1]
    assert list_sessions() == [] and (out.read_text() if out.exists() else "") == ""
    assert server.requests_to("/api/chat") == []
