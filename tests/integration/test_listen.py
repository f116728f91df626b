"""The Competitive Companion listener over a real socket, and `orps listen` as a process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from orps_tui.problems.companion_listener import CompanionListener, ListenerError, save_to
from orps_tui.problems.load import load_problem
from orps_tui.problems.model import Problem
from tests.support.signals import default_sigint

PAYLOAD = {
    "name": "A. Echo",
    "group": "Test Judge - Round 1",
    "url": "https://judge.example/problem/A",
    "interactive": False,
    "memoryLimit": 128,
    "timeLimit": 2000,
    "tests": [{"input": "1\n", "output": "1\n"}],
}


def post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_listener_saves_problems_and_survives_bad_requests(tmp_path: Path) -> None:
    saved: list[Path] = []
    errors: list[str] = []
    listener = CompanionListener(save_to(tmp_path, saved.append), port=0, on_error=errors.append)
    with listener:
        status, text = post(listener.url, json.dumps(PAYLOAD).encode())
        assert status == 200 and "A. Echo" in text
        status, text = post(listener.url, b"{not json")
        assert status == 400 and "malformed JSON" in text
        status, text = post(listener.url, json.dumps({"name": "x"}).encode())
        assert status == 400 and "'tests'" in text
        status, _ = post(listener.url, json.dumps(PAYLOAD).encode())  # still serving
        assert status == 200
    assert [p.name for p in saved] == ["a-echo.toml", "a-echo.toml"]
    assert len(errors) == 2
    problem = load_problem(saved[0])
    assert problem.id == "a-echo" and problem.tests[0].input == "1\n"
    assert problem.limits.time_s == 2.0


def test_a_resent_problem_follows_the_import_rule(tmp_path: Path) -> None:
    """It was saved again as `-2.toml`, where `orps import companion` refuses without
    --force. One rule: the same problem is already saved; a different one under a taken
    id is refused unless forced."""
    saved: list[Path] = []
    errors: list[str] = []
    with CompanionListener(save_to(tmp_path, saved.append), port=0,
                           on_error=errors.append) as listener:
        assert post(listener.url, json.dumps(PAYLOAD).encode())[0] == 200
        assert post(listener.url, json.dumps(PAYLOAD).encode())[0] == 200
        changed = {**PAYLOAD, "tests": [{"input": "2\n", "output": "2\n"}]}
        status, text = post(listener.url, json.dumps(changed).encode())
        assert status == 500 and "different problem" in text and "--force" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-echo.toml"]
    assert load_problem(tmp_path / "a-echo.toml").tests[0].input == "1\n"
    with CompanionListener(save_to(tmp_path, force=True), port=0) as listener:
        assert post(listener.url, json.dumps(changed).encode())[0] == 200
    assert load_problem(tmp_path / "a-echo.toml").tests[0].input == "2\n"


def test_callback_failure_is_500_and_the_server_keeps_running(tmp_path: Path) -> None:
    received: list[Problem] = []

    def flaky(problem: Problem) -> None:
        received.append(problem)
        if len(received) == 1:
            raise OSError("disk full")

    with CompanionListener(flaky, port=0) as listener:
        status, text = post(listener.url, json.dumps(PAYLOAD).encode())
        assert status == 500 and "disk full" in text
        assert post(listener.url, json.dumps(PAYLOAD).encode())[0] == 200
    assert len(received) == 2


def test_port_in_use_is_a_clear_error() -> None:
    with CompanionListener(lambda p: None, port=0) as first:
        second = CompanionListener(lambda p: None, port=first.port)
        with pytest.raises(ListenerError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            second.start()


def test_orps_listen_command(tmp_path: Path) -> None:
    with CompanionListener(lambda p: None, port=0) as probe:
        port = probe.port  # a port that was free a moment ago
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from orps_tui.cli import main; sys.exit(main())",
            "listen",
            "--port",
            str(port),
            "--out",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=default_sigint,
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        banner = proc.stderr.readline()
        assert f"listening on http://127.0.0.1:{port}/" in banner
        status, _ = post(f"http://127.0.0.1:{port}/", json.dumps(PAYLOAD).encode())
        assert status == 200
        line = proc.stdout.readline().strip()
        assert line == str(tmp_path / "a-echo.toml")
        assert load_problem(line).title == "A. Echo"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130  # Ctrl-C: "interrupted", as the README says (it was 0)
