"""Hostile solutions, run for real: each must be contained, checked by its side effects.

Every test runs in fresh and in warm (fork-server) mode, and every run must come back
with a report. The checks look at the world, not at messages: no connection arrived, no
file appeared, no secret shows up anywhere in the report, no process survived.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

import psutil
import pytest

from orps_tui.problems.model import Limits
from orps_tui.sandbox.isolation import detect
from orps_tui.sandbox.judge import Judge
from orps_tui.sandbox.languages import Language
from orps_tui.sandbox.report import JudgeReport, Verdict
from orps_tui.sandbox.runner import RunSpec, execute, run_isolated
from tests.support.native_solutions import toolchain
from tests.support.sandbox_problems import function_problem, stdio_problem

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox runs on Linux"
)

needs_landlock = pytest.mark.skipif(not detect().landlock, reason="Landlock is not available here")
needs_seccomp = pytest.mark.skipif(not detect().seccomp, reason="seccomp is not available here")


@pytest.fixture(params=[False, True], ids=["fresh", "warm"])
def warm(request: pytest.FixtureRequest) -> bool:
    return request.param


def hostile(code: str, warm: bool, *, function: bool = False, **limits: float) -> JudgeReport:
    """Judge `code` on the public test; the report must come back in bounded time."""
    problem = function_problem(**limits) if function else stdio_problem(**limits)  # type: ignore[arg-type]
    started = time.monotonic()
    with Judge(problem, jobs=1, warm=warm) as j:
        report = j.run(code, "public")
    bound = 3 * problem.limits.time_s + 1 + 10  # the wall guard, plus slack for a busy machine
    assert time.monotonic() - started < bound
    assert report.total == 1
    return report


def report_text(report: JudgeReport) -> str:
    return json.dumps(report.to_dict(), default=str)


def no_process_with(marker: str) -> bool:
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in proc.info["cmdline"] or ()):
                return False
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return True


@needs_seccomp
def test_tcp_and_udp_reach_nothing(warm: bool) -> None:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(8)
        udp.bind(("127.0.0.1", 0))
        tcp_port, udp_port = tcp.getsockname()[1], udp.getsockname()[1]
        code = (
            "import socket\n"
            "for attempt in range(3):\n"
            "    try:\n"
            f"        s = socket.create_connection(('127.0.0.1', {tcp_port}), timeout=1)\n"
            "        s.sendall(b'leak')\n"
            "    except OSError as e:\n"
            "        print('tcp', e)\n"
            "    try:\n"
            "        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"        u.sendto(b'leak', ('127.0.0.1', {udp_port}))\n"
            "    except OSError as e:\n"
            "        print('udp', e)\n"
            "    try:\n"
            "        u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
            f"        u6.sendto(b'leak', ('::1', {udp_port}))\n"
            "    except OSError as e:\n"
            "        print('udp6', e)\n"
        )
        report = hostile(code, warm)
        assert report.verdict is not Verdict.AC
        tcp.settimeout(0.3)
        with pytest.raises(TimeoutError):
            tcp.accept()
        udp.settimeout(0.3)
        with pytest.raises(TimeoutError):
            udp.recvfrom(100)
    finally:
        tcp.close()
        udp.close()


@needs_landlock
def test_no_writes_outside_the_work_dir(warm: bool, tmp_path: Path) -> None:
    targets = [
        tmp_path / "pwned.txt",
        Path.home() / f"orps-pwned-{secrets.token_hex(4)}",
        Path("/tmp") / f"orps-pwned-{secrets.token_hex(4)}",
    ]
    code = (
        "import os\n"
        + "".join(
            f"try:\n    open({str(t)!r}, 'w').write('x')\nexcept OSError as e:\n    print(e)\n"
            for t in targets
        )
        + "os.makedirs('inside/ok', exist_ok=True)\nopen('inside/ok/f', 'w').write('fine')\n"
    )
    report = hostile(code, warm)
    assert report.tests[0].exit_code == 0  # writing inside the work dir works
    for target in targets:
        assert not target.exists(), f"{target} was written"


@needs_landlock
def test_a_secret_in_the_home_dir_stays_secret(warm: bool) -> None:
    secret_value = f"orps-secret-value-{secrets.token_hex(8)}"
    secret = Path.home() / f"orps-secret-{secrets.token_hex(4)}"
    secret.write_text(secret_value)
    try:
        code = (
            "import os, glob\n"
            f"for p in [{str(secret)!r}, os.path.expanduser('~/' + {secret.name!r})] + glob.glob({str(Path.home())!r} + '/orps-secret-*'):\n"
            "    try:\n"
            "        print(open(p).read())\n"
            "    except OSError as e:\n"
            "        print('denied', e)\n"
            "raise SystemExit(open(" + repr(str(secret)) + ").read())\n"
        )
        report = hostile(code, warm)
        assert secret_value not in report_text(report)
    finally:
        secret.unlink()


@needs_landlock
def test_the_judges_environment_stays_secret(warm: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    value = f"sk-orps-{secrets.token_hex(12)}"
    monkeypatch.setenv("ORPS_TEST_API_KEY", value)
    code = (
        "import os\n"
        "print(dict(os.environ))\n"
        f"for pid in (os.getppid(), {os.getpid()}, 'self', 1):\n"
        "    for what in ('environ', 'cmdline'):\n"
        "        try:\n"
        "            print(open(f'/proc/{pid}/{what}', 'rb').read())\n"
        "        except OSError as e:\n"
        "            print('denied', e)\n"
    )
    report = hostile(code, warm)
    text = report_text(report)
    assert value not in text
    assert "ORPS_TEST_API_KEY" not in text
    assert "HOME" in report.tests[0].output_head  # the run did print its own (clean) env


@needs_seccomp
def test_no_new_processes(warm: bool, tmp_path: Path) -> None:
    marker = tmp_path / "spawned"
    code = (
        "import os, subprocess\n"
        f"m = {str(marker)!r}\n"
        "for attempt in (\n"
        "    lambda: subprocess.run(['touch', m]),\n"
        "    lambda: os.system('touch ' + m),\n"
        "    lambda: os.fork() == 0 and (open(m, 'w'), os._exit(0)),\n"
        "    lambda: os.posix_spawn('/usr/bin/touch', ['touch', m], {}),\n"
        "    lambda: os.execv('/usr/bin/touch', ['touch', m]),\n"
        "):\n"
        "    try:\n"
        "        print(attempt())\n"
        "    except OSError as e:\n"
        "        print('blocked', e)\n"
    )
    report = hostile(code, warm)
    out = report.tests[0].output_head
    assert out.count("blocked") == 4  # os.system does not raise: it returns 127 << 8
    assert "32512" in out
    assert not marker.exists()


@needs_seccomp
def test_nothing_survives_the_run(warm: bool) -> None:
    marker = f"orps-survivor-{secrets.token_hex(6)}"
    code = (
        "import os, subprocess, sys, threading, time\n"
        "try:\n"
        f"    subprocess.Popen(['sleep', '1000', {marker!r}], start_new_session=True)\n"
        "except OSError as e:\n"
        "    print(e, file=sys.stderr)\n"
        "try:\n"
        "    if os.fork() == 0:\n"
        f"        os.execv('/bin/sleep', ['sleep', '1000', {marker!r}])\n"
        "except OSError as e:\n"
        "    print(e, file=sys.stderr)\n"
        "threading.Thread(target=time.sleep, args=(1000,)).start()\n"
        "print(6)\n"
    )
    report = hostile(code, warm)
    assert report.verdict is Verdict.AC  # it printed the answer; its helpers just never ran
    time.sleep(0.1)
    assert no_process_with(marker)


def test_the_process_group_is_killed_even_without_seccomp() -> None:
    """Degraded mode (seccomp off): a forked child must still die with the run."""
    code = (
        "import os, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(1000)\n"
        "os.write(int(os.environ['ORPS_REPORT_FD']), str(pid).encode())\n"
    )
    spec = RunSpec(
        job={"mode": "script", "script": code, "script_path": "bg.py", "args": []},
        limits=Limits(time_s=1.0, memory_mb=128, output_kb=64),
        seccomp=False,
    )
    spec.job["env"] = {}
    outcome = execute(spec)
    assert outcome.record is not None and outcome.report
    pid = int(outcome.report)
    time.sleep(0.1)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


@needs_seccomp
def test_the_judge_cannot_be_killed(warm: bool) -> None:
    me = os.getpid()
    code = (
        "import os, signal\n"
        f"for target in (os.getppid(), {me}, 1):\n"
        "    for sig in (signal.SIGKILL, signal.SIGTERM):\n"
        "        try:\n"
        "            os.kill(target, sig)\n"
        "        except OSError as e:\n"
        "            print('blocked', e)\n"
        "for call in (lambda: os.killpg(os.getpgid(os.getppid()), 9), lambda: os.kill(-1, 9),\n"
        f"             lambda: os.killpg({os.getpgid(me)}, 9)):\n"
        "    try:\n"
        "        call()\n"
        "    except OSError as e:\n"
        "        print('blocked', e)\n"
        "print(6)\n"
    )
    problem = stdio_problem()
    with Judge(problem, jobs=1, warm=warm) as j:
        first = j.run(code, "public")
        server = getattr(j._server, "pid", None)
        second = j.run("print(sum(map(int, input().split())))\n", "public")
        assert getattr(j._server, "pid", None) == server  # the fork server was not hurt either
    assert first.tests[0].output_head.count("blocked") == 9
    assert second.verdict is Verdict.AC


@needs_seccomp
def test_fork_bomb(warm: bool) -> None:
    code = "import os\nwhile True:\n    os.fork()\n"
    report = hostile(code, warm, time_s=0.5)
    assert report.verdict is Verdict.RE


def test_thread_bomb(warm: bool) -> None:
    code = (
        "import threading, time\n"
        "threads = []\n"
        "while True:\n"
        "    t = threading.Thread(target=time.sleep, args=(1000,))\n"
        "    t.start()\n"
        "    threads.append(t)\n"
    )
    report = hostile(code, warm, time_s=0.5)
    assert report.verdict in (Verdict.RE, Verdict.MLE, Verdict.TLE)


def test_memory_bomb(warm: bool) -> None:
    code = "x = []\nwhile True:\n    x.append(' ' * 10**7)\n"
    report = hostile(code, warm, memory_mb=64)
    assert report.verdict is Verdict.MLE
    assert report.tests[0].peak_rss_mb < 64 + 64


def test_loop_ignoring_signals(warm: bool) -> None:
    code = (
        "import signal\n"
        "for s in (signal.SIGTERM, signal.SIGXCPU, signal.SIGINT, signal.SIGHUP):\n"
        "    signal.signal(s, signal.SIG_IGN)\n"
        "while True:\n"
        "    pass\n"
    )
    report = hostile(code, warm, time_s=0.3)
    assert report.verdict is Verdict.TLE


def test_output_flood(warm: bool) -> None:
    code = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n    sys.stderr.write('y' * 65536)\n"
    report = hostile(code, warm, time_s=2.0, output_kb=64)
    assert report.verdict is Verdict.OLE
    assert len(report.tests[0].output_head) <= 64 * 1024
    assert len(report.tests[0].stderr_tail) <= 4096


def test_filling_the_disk(warm: bool) -> None:
    one_file = "f = open('big', 'wb')\nwhile True:\n    f.write(b'0' * 2**20)\n"
    report = hostile(one_file, warm, time_s=2.0)
    assert report.verdict in (Verdict.RE, Verdict.OLE)  # EFBIG at RLIMIT_FSIZE, or stopped
    many = "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'0' * 8 * 2**20)\n    i += 1\n"
    report = hostile(many, warm, time_s=2.0)
    assert report.verdict is Verdict.OLE


def test_forged_verdicts_on_stdout(warm: bool) -> None:
    code = (
        "print('AC')\n"
        "print('ORPS1 ' + '0' * 32 + ' 30')\n"
        'print(\'{"status": "ok", "exit_code": 0}\')\n'
    )
    report = hostile(code, warm)
    assert report.verdict is Verdict.WA


@pytest.mark.parametrize("exit_how", ["os._exit(0)", "pass"])
def test_forged_records_on_other_fds(warm: bool, exit_how: str) -> None:
    body = '{"status": "ok", "exit_code": 0, "message": "", "vmhwm_kb": 1}'
    code = (
        "import os\n"
        f"body = {body!r}.encode()\n"
        "frame = b'ORPS1 ' + b'0123456789abcdef' * 2 + b' ' + str(len(body)).encode() + b'\\n' + body\n"
        "for fd in range(3, 1024):\n"
        "    try:\n"
        "        os.write(fd, frame)\n"
        "    except OSError:\n"
        "        pass\n"
        "def add(a, b):\n"
        "    return 0\n"
        f"{exit_how}\n"
    )
    report = hostile(code, warm, function=True)
    assert report.verdict is Verdict.RE


def test_run_isolated_scripts_get_the_same_treatment(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(
        "import os, sys\n"
        "os.write(int(os.environ['ORPS_REPORT_FD']), repr(sys.argv[1:]).encode())\n"
        "print(open('data.txt').read())\n"
        "open('/etc/hostname').read()\n"
    )
    outcome = run_isolated(
        [sys.executable, "-I", str(script), "a", "b"],
        limits=Limits(time_s=1.0, memory_mb=128, output_kb=64),
        files={"data.txt": b"hello"},
    )
    assert outcome.report == b"['a', 'b']"
    assert outcome.stdout == b"hello\n"
    if detect().landlock:
        assert outcome.exit_code == 1 and b"PermissionError" in outcome.stderr


def test_a_killed_fork_server_is_replaced() -> None:
    with Judge(stdio_problem(), jobs=1, warm=True) as j:
        assert j.run("print(6)\n", "public").verdict is Verdict.AC
        first = j._server.pid
        os.killpg(first, signal.SIGKILL)
        time.sleep(0.2)
        report = j.run("print(6)\n", "public")
        assert report.verdict is Verdict.AC
        assert j._server.pid not in (None, first)


def test_a_fork_server_dying_mid_run_never_hangs() -> None:
    import threading

    code = "import time\ntime.sleep(0.6)\nprint(sum(map(int, input().split())))\n"
    with Judge(stdio_problem(), jobs=1, warm=True) as j:
        j._spawner().ensure_started()  # type: ignore[union-attr]
        first = j._server.pid
        killer = threading.Timer(0.3, lambda: os.killpg(first, signal.SIGKILL))
        killer.start()
        started = time.monotonic()
        report = j.run(code, "public")
        killer.join()
        assert time.monotonic() - started < 10
        assert report.verdict is Verdict.AC  # re-run on a new server
        assert j._server.pid not in (None, first)


@pytest.mark.parametrize("part", ["whole", "shared", "per_run"])
@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_seccomp_program_is_well_formed(arch: str, part: str) -> None:
    """The whole filter (a fresh child), and the part the fork server installs on itself
    and the part each forked child adds on top."""
    from orps_tui.sandbox import isolation

    program = isolation.seccomp_program(
        4242, arch, shared=part != "per_run", per_run=part != "shared"
    )
    assert len(program) % 8 == 0
    count = len(program) // 8
    assert count < 4096
    for i in range(count):
        code, jt, jf = (
            int.from_bytes(program[8 * i : 8 * i + 2], "little"),
            program[8 * i + 2],
            program[8 * i + 3],
        )
        if code & 0x07 == 0x05:  # BPF_JMP: both targets inside the program
            assert i + 1 + max(jt, jf) < count
    last = int.from_bytes(program[-4:], "little")
    assert last == 0x7FFF0000  # default: allow


def test_only_a_compiled_languages_filter_lets_exec_through() -> None:
    """The filter for a compiled solution differs from Python's by exactly the two exec
    calls (each a 2-instruction deny rule there)."""
    from orps_tui.sandbox import isolation

    python = isolation.seccomp_program(4242, "x86_64")
    native = isolation.seccomp_program(4242, "x86_64", allow_exec=True)
    assert len(python) - len(native) == 2 * 2 * 8
    execve_nr = 59
    jeq_execve = (0x15).to_bytes(2, "little") + bytes((0, 1)) + execve_nr.to_bytes(4, "little")
    assert jeq_execve in python and jeq_execve not in native


def test_a_record_is_only_trusted_with_its_nonce() -> None:
    from orps_tui.sandbox.runner import parse_record

    nonce = secrets.token_hex(16)
    body = b'{"status": "ok"}'
    good = b"ORPS1 %s %d\n%s" % (nonce.encode(), len(body), body)
    assert parse_record(good, nonce) == ({"status": "ok"}, False)
    assert parse_record(b"", nonce) == (None, False)
    other = secrets.token_hex(16)
    assert parse_record(good, other) == (None, True)
    assert parse_record(b"junk" + good, nonce) == (None, True)
    assert parse_record(good + good, nonce) == (None, True)
    assert parse_record(good[:-1], nonce) == (None, True)


def test_monkeypatching_the_harness_forges_nothing(warm: bool) -> None:
    code = (
        "import os, sys\n"
        "real_write = os.write\n"
        "def write(fd, data):\n"
        "    if data.startswith(b'ORPS1'):\n"
        "        head, body = data.split(b'\\n', 1)\n"
        "        body = body.replace(b'\"assert\"', b'\"ok\"')\n"
        "        parts = head.split(b' ')\n"
        "        data = b' '.join(parts[:2] + [str(len(body)).encode()]) + b'\\n' + body\n"
        "    return real_write(fd, data)\n"
        "os.write = write\n"
        "h = sys.modules.get('harness')\n"
        "if h is not None:\n"
        "    real_frame = h._frame\n"
        "    def frame(nonce, record, *rest):\n"
        "        record.update(status='ok', exit_code=0, message='')\n"
        "        return real_frame(nonce, record, *rest)\n"
        "    h._frame = frame\n"
        "    h._write_all = lambda fd, data, *rest: real_write(fd, data)\n"
        "def add(a, b):\n"
        "    return 0\n"
    )
    report = hostile(code, warm, function=True)
    assert report.verdict is Verdict.WA


def test_detect_with_a_probe_agrees_with_the_cheap_answer() -> None:
    cheap, probed = detect(), detect(probe=True)
    assert (probed.rlimits, probed.landlock, probed.seccomp) == (
        cheap.rlimits,
        cheap.landlock,
        cheap.seccomp,
    )


def test_a_layer_a_run_could_not_apply_is_reported() -> None:
    from orps_tui.sandbox.isolation import merge_applied
    from orps_tui.sandbox.report import IsolationStatus

    status = IsolationStatus(rlimits=True, landlock=True, seccomp=True, notices=[])
    layers = {"rlimits": True, "landlock_abi": 0, "seccomp": True, "errors": ["landlock: EPERM"]}
    merged = merge_applied(status, [layers, None])
    assert merged.rlimits and merged.seccomp and not merged.landlock
    assert any("Landlock" in n and "EPERM" in n for n in merged.notices)


def test_a_run_without_landlock_says_so_in_its_record() -> None:
    spec = RunSpec(
        job={"mode": "script", "script": "pass", "script_path": "p.py", "args": []},
        limits=Limits(time_s=1.0, memory_mb=128, output_kb=64),
        landlock=False,
    )
    outcome = execute(spec)
    assert outcome.record is not None
    assert outcome.record["layers"]["landlock_abi"] == 0
    assert outcome.record["layers"]["seccomp"] is detect().seccomp


@needs_seccomp
def test_the_fork_server_runs_under_the_shared_layers_itself() -> None:
    """The layers every run shares are applied once, to the server; its children inherit
    them (and each adds its own)."""
    with Judge(stdio_problem(), jobs=1, warm=True) as j:
        assert j.run("print(6)\n", "public").verdict is Verdict.AC
        fields = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{j._server.pid}/status").read_text().splitlines()
        )
    assert fields["Seccomp"].strip() == "2"
    assert fields["NoNewPrivs"].strip() == "1"
    assert int(fields["CapEff"], 16) == 0 and int(fields["CapPrm"], 16) == 0


@needs_landlock
def test_a_warm_run_cannot_touch_another_runs_files() -> None:
    """Every run of a fork server has its dir in the server's work root, which the
    server's ruleset may write; each run's own ruleset narrows that to its work dir."""
    token = f"orps-other-run-{secrets.token_hex(8)}"
    with Judge(stdio_problem(), jobs=1, warm=True) as j:
        root = Path(j._spawner().workspace())  # type: ignore[union-attr]
        other = root / "orps-run-other"
        (other / "work").mkdir(parents=True)
        (other / "stdout").write_text(token)
        code = (
            "import os\n"
            "root = os.path.dirname(os.path.dirname(os.getcwd()))\n"
            "for attempt in (\n"
            "    lambda: os.listdir(root),\n"
            "    lambda: open(os.path.join(root, 'orps-run-other', 'stdout')).read(),\n"
            "    lambda: open(os.path.join(root, 'orps-run-other', 'stdout'), 'w').write('6'),\n"
            "    lambda: open(os.path.join(root, 'orps-run-other', 'work', 'x'), 'w').write('x'),\n"
            "    lambda: open(os.path.join(root, 'pwned'), 'w').write('x'),\n"
            "):\n"
            "    try:\n"
            "        print(attempt())\n"
            "    except OSError as e:\n"
            "        print('blocked', e)\n"
        )
        report = j.run(code, "public")
        assert report.tests[0].output_head.count("blocked") == 5, report.tests[0].output_head
        assert token not in report_text(report)
        assert (other / "stdout").read_text() == token
        assert not (other / "work" / "x").exists() and not (root / "pwned").exists()
    assert not root.exists()  # the server's work root goes with it


def test_a_run_that_asks_for_fewer_layers_than_the_fork_server_has_starts_fresh() -> None:
    from orps_tui.sandbox.forkserver import ForkServer

    spec = RunSpec(
        job={"mode": "script", "script": "pass", "script_path": "p.py", "args": []},
        limits=Limits(time_s=1.0, memory_mb=128, output_kb=64),
        landlock=False,
    )
    with ForkServer() as server:
        outcome = execute(spec, server)
    assert outcome.record is not None and not outcome.warm
    assert outcome.record["layers"]["landlock_abi"] == 0


# --- the same attacks from a compiled solution (C++): the harness execs it under every layer ---
def hostile_cpp(code: str, **limits: float) -> JudgeReport:
    """Compile and judge C++ `code` on the public test; the report comes back in bounded time."""
    toolchain(Language.CPP)
    problem = stdio_problem(**limits)  # type: ignore[arg-type]
    started = time.monotonic()
    with Judge(problem, jobs=1) as j:
        report = j.run(code, "public", Language.CPP)
    assert time.monotonic() - started < 3 * problem.limits.time_s + 1 + 30  # + the compile
    assert report.total == 1
    return report


CPP_HEAD = (
    "#include <cstdio>\n#include <cstdlib>\n#include <cstring>\n#include <cerrno>\n"
    "#include <unistd.h>\n#include <signal.h>\n#include <fcntl.h>\n#include <sys/socket.h>\n"
    "#include <netinet/in.h>\n#include <arpa/inet.h>\n#include <sys/wait.h>\n#include <string>\n"
)


@needs_seccomp
def test_cpp_fork_bomb_and_exec_of_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "spawned"
    code = CPP_HEAD + (
        "int main(){int made=0;\n"
        "for(int i=0;i<200;i++){pid_t p=fork(); if(p==0){_exit(0);} if(p>0)made++;}\n"
        f'const char*m="{marker}";\n'
        'printf("forked %d\\n", made);\n'
        'printf("system %d\\n", system((std::string("touch ")+m).c_str()));\n'
        'execl("/bin/sh","sh","-c",(std::string("touch ")+m).c_str(),(char*)0);\n'
        'printf("exec sh %s\\n", strerror(errno));\n'
        'execl("/usr/bin/touch","touch",m,(char*)0);\n'
        'printf("exec touch %s\\n", strerror(errno));\n'
        'if(kill(getppid(), SIGKILL)!=0) printf("kill parent %s\\n", strerror(errno));\n'
        "return 0;}\n"
    )
    report = hostile_cpp(code, time_s=0.5)
    out = report.tests[0].output_head
    assert "forked 0" in out, out
    assert "exec sh" in out and "exec touch" in out and "kill parent" in out
    assert not marker.exists()


@needs_seccomp
def test_cpp_sockets_reach_nothing() -> None:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(8)
        port = tcp.getsockname()[1]
        code = CPP_HEAD + (
            "int main(){int s=socket(AF_INET,SOCK_STREAM,0);\n"
            'if(s<0){printf("socket %s\\n", strerror(errno));return 0;}\n'
            "sockaddr_in a{};a.sin_family=AF_INET;"
            f"a.sin_port=htons({port});a.sin_addr.s_addr=htonl(0x7f000001);\n"
            'if(connect(s,(sockaddr*)&a,sizeof a)==0){write(s,"leak",4);puts("connected");}\n'
            "return 0;}\n"
        )
        report = hostile_cpp(code)
        assert "socket" in report.tests[0].output_head
        tcp.settimeout(0.3)
        with pytest.raises(TimeoutError):
            tcp.accept()
    finally:
        tcp.close()


def test_cpp_no_writes_outside_the_work_dir(tmp_path: Path) -> None:
    targets = [tmp_path / "pwned.txt", Path("/tmp") / f"orps-pwned-{secrets.token_hex(4)}"]
    code = CPP_HEAD + (
        "int main(){\n"
        + "".join(
            f'{{FILE*f=fopen("{t}","w"); if(f){{fputs("x",f);fclose(f);}} '
            'else printf("denied %s\\n", strerror(errno));}\n'
            for t in targets
        )
        + 'FILE*f=fopen("inside.txt","w"); if(!f) return 9; fputs("fine",f); fclose(f);\n'
        "return 0;}\n"
    )
    report = hostile_cpp(code)
    assert report.tests[0].exit_code == 0  # writing inside the work dir works
    for target in targets:
        assert not target.exists(), f"{target} was written"


@needs_landlock
def test_cpp_a_secret_stays_secret_at_run_and_compile_time() -> None:
    secret_value = f"orps-secret-value-{secrets.token_hex(8)}"
    secret = Path.home() / f"orps-secret-{secrets.token_hex(4)}"
    secret.write_text(secret_value)
    try:
        run_time = CPP_HEAD + (
            "int main(){char b[256]={0};\n"
            f'FILE*f=fopen("{secret}","r"); if(!f){{printf("denied %s\\n", strerror(errno));'
            "return 0;}\n"
            'fread(b,1,255,f); printf("%s\\n", b); fprintf(stderr, "%s", b); return 0;}\n'
        )
        report = hostile_cpp(run_time)
        assert "denied" in report.tests[0].output_head
        assert secret_value not in report_text(report)
        compile_time = f'#include "{secret}"\nint main(){{}}\n'
        report = hostile_cpp(compile_time)
        assert report.verdict is Verdict.CE
        assert secret_value not in report_text(report)
    finally:
        secret.unlink()


def test_cpp_memory_bomb_and_output_flood() -> None:
    bomb = (
        "#include <vector>\n#include <cstring>\nint main(){std::vector<char*> v;"
        "for(;;){char*p=new char[10<<20]; std::memset(p,1,10<<20); v.push_back(p);}}\n"
    )
    report = hostile_cpp(bomb, memory_mb=64)
    assert report.verdict is Verdict.MLE
    assert report.tests[0].peak_rss_mb < 64 + 64
    flood = (
        '#include <cstdio>\nint main(){for(;;){fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",stdout);'
        'fputs("yyyyyyyyyyyyyyyy",stderr);}}\n'
    )
    report = hostile_cpp(flood, time_s=2.0, output_kb=64)
    assert report.verdict is Verdict.OLE
    assert len(report.tests[0].output_head) <= 64 * 1024
    assert len(report.tests[0].stderr_tail) <= 4096


# --- the same attacks from Java (the JVM the harness execs) and from Rust ---
def hostile_compiled(language: Language, code: str, **limits: float) -> JudgeReport:
    """Compile and judge `code` on the public test; the report comes back in bounded time."""
    toolchain(language)
    problem = stdio_problem(**limits)  # type: ignore[arg-type]
    started = time.monotonic()
    with Judge(problem, jobs=1) as j:
        report = j.run(code, "public", language)
    assert time.monotonic() - started < 3 * problem.limits.time_s + 1 + 60  # + the compile
    assert report.total == 1
    assert report.verdict is not Verdict.CE, report.compile_error
    return report


def java_main(body: str, imports: str = "import java.io.*;\nimport java.util.*;\n") -> str:
    return imports + (
        "public class Main {\n  public static void main(String[] args) throws Exception {\n"
        f"{body}\n  }}\n}}\n"
    )


RUST_HEAD = "use std::io::Write;\n"


@needs_seccomp
def test_java_process_builder_bomb_and_shell(tmp_path: Path) -> None:
    marker = tmp_path / "spawned"
    code = java_main(
        "int made = 0; String err = \"\";\n"
        "for (int i = 0; i < 200; i++) {\n"
        "  try { new ProcessBuilder(\"java\", \"-cp\", \"classes\", \"Main\").start(); made++; }\n"
        "  catch (IOException e) { err = e.getMessage(); }\n}\n"
        'System.out.println("started " + made + " " + err);\n'
        "try { Runtime.getRuntime().exec(new String[]{\"/bin/sh\", \"-c\", "
        f'"touch {marker}"}}); System.out.println("shell ran"); }}\n'
        'catch (IOException e) { System.out.println("shell denied " + e.getMessage()); }\n'
    )
    report = hostile_compiled(Language.JAVA, code, time_s=2.0)
    out = report.tests[0].output_head
    assert "started 0" in out and "shell denied" in out, out
    assert not marker.exists()


@needs_seccomp
def test_rust_process_bomb_and_shell(tmp_path: Path) -> None:
    marker = tmp_path / "spawned"
    code = (
        "use std::process::Command;\nfn main(){let mut made=0;\n"
        "let me=std::env::current_exe().unwrap();\n"
        "for _ in 0..200 { if Command::new(&me).spawn().is_ok() { made+=1; } }\n"
        'println!("started {}", made);\n'
        f'match Command::new("/bin/sh").arg("-c").arg("touch {marker}").status() {{\n'
        ' Ok(_)=>println!("shell ran"), Err(e)=>println!("shell denied {}", e) }}\n'
    )
    report = hostile_compiled(Language.RUST, code, time_s=2.0)
    out = report.tests[0].output_head
    assert "started 0" in out and "shell denied" in out, out
    assert not marker.exists()


@needs_seccomp
@pytest.mark.parametrize("language", [Language.JAVA, Language.RUST], ids=["java", "rust"])
def test_compiled_sockets_reach_nothing(language: Language) -> None:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(8)
        port = tcp.getsockname()[1]
        if language is Language.JAVA:
            code = java_main(
                f'try (var s = new java.net.Socket("127.0.0.1", {port})) {{\n'
                '  s.getOutputStream().write("leak".getBytes()); System.out.println("connected");\n'
                '} catch (IOException e) { System.out.println("socket " + e); }'
            )
        else:
            code = (
                RUST_HEAD + "fn main(){match std::net::TcpStream::connect"
                f'(("127.0.0.1", {port})) {{\n'
                ' Ok(mut s)=>{let _=s.write_all(b"leak");println!("connected");}\n'
                ' Err(e)=>println!("socket {}", e)}}\n'
            )
        report = hostile_compiled(language, code)
        assert "socket" in report.tests[0].output_head, report.tests[0]
        tcp.settimeout(0.3)
        with pytest.raises(TimeoutError):
            tcp.accept()
    finally:
        tcp.close()


@needs_landlock
@pytest.mark.parametrize("language", [Language.JAVA, Language.RUST], ids=["java", "rust"])
def test_compiled_no_writes_outside_the_work_dir(language: Language, tmp_path: Path) -> None:
    targets = [tmp_path / "pwned.txt", Path("/tmp") / f"orps-pwned-{secrets.token_hex(4)}"]
    if language is Language.JAVA:
        code = java_main(
            "".join(
                f'try (var w = new FileWriter("{t}")) {{ w.write("x"); }} '
                'catch (IOException e) { System.out.println("denied " + e.getMessage()); }\n'
                for t in targets
            )
            + 'try (var w = new FileWriter("inside.txt")) { w.write("fine"); }\n'
        )
    else:
        code = (
            "fn main(){\n"
            + "".join(
                f'if let Err(e)=std::fs::write("{t}","x"){{println!("denied {{}}",e);}}\n'
                for t in targets
            )
            + 'std::fs::write("inside.txt","fine").unwrap();}\n'
        )
    report = hostile_compiled(language, code)
    assert report.tests[0].exit_code == 0, report.tests[0]  # writing inside works
    lines = report.tests[0].output_head.splitlines()
    assert sum(line.startswith("denied") for line in lines) == 2, lines
    for target in targets:
        assert not target.exists(), f"{target} was written"


@needs_landlock
@pytest.mark.parametrize("language", [Language.JAVA, Language.RUST], ids=["java", "rust"])
def test_compiled_a_secret_stays_secret(language: Language) -> None:
    secret_value = f"orps-secret-value-{secrets.token_hex(8)}"
    secret = Path.home() / f"orps-secret-{secrets.token_hex(4)}"
    secret.write_text(secret_value)
    try:
        if language is Language.JAVA:
            code = java_main(
                f'try {{ String s = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("{secret}")));\n'
                "  System.out.println(s); System.err.println(s); }\n"
                'catch (IOException e) { System.out.println("denied " + e); }'
            )
        else:
            code = (
                f'fn main(){{match std::fs::read_to_string("{secret}") {{\n'
                ' Ok(s)=>{println!("{}",s);eprintln!("{}",s);}\n'
                ' Err(e)=>println!("denied {}",e)}}\n'
            )
        report = hostile_compiled(language, code)
        assert "denied" in report.tests[0].output_head, report.tests[0]
        assert secret_value not in report_text(report)
        if language is Language.RUST:  # read at compile time
            toolchain(language)
            with Judge(stdio_problem(), jobs=1) as j:
                report = j.run(
                    f'fn main(){{println!("{{}}", include_str!("{secret}"));}}\n', "public", language
                )
            assert report.verdict is Verdict.CE
            assert secret_value not in report_text(report)
    finally:
        secret.unlink()


@pytest.mark.parametrize("language", [Language.JAVA, Language.RUST], ids=["java", "rust"])
def test_compiled_memory_bomb_and_output_flood(language: Language) -> None:
    if language is Language.JAVA:
        bombs = [
            java_main(
                "var v = new ArrayList<byte[]>();\n"
                "for (;;) { byte[] b = new byte[10 << 20]; Arrays.fill(b, (byte) 1); v.add(b); }"
            ),
            java_main(  # off the heap
                "var v = new ArrayList<java.nio.ByteBuffer>();\n"
                "for (;;) { var b = java.nio.ByteBuffer.allocateDirect(10 << 20);\n"
                "  for (int i = 0; i < b.capacity(); i += 4096) b.put(i, (byte) 1); v.add(b); }"
            ),
        ]
        flood = java_main(
            "var out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);\n"
            'for (;;) { out.print("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"); '
            'System.err.print("yyyyyyyyyyyyyyyy"); }'
        )
    else:
        bombs = [
            "fn main(){let mut v:Vec<Vec<u8>>=Vec::new();loop{v.push(vec![1u8;10<<20]);}}\n"
        ]
        flood = (
            RUST_HEAD + "fn main(){let o=std::io::stdout();let mut o=o.lock();"
            'loop{let _=o.write_all(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");'
            'eprint!("yyyyyyyyyyyyyyyy");}}\n'
        )
    allowance = language.spec.rss_allowance_mb
    for bomb in bombs:
        report = hostile_compiled(language, bomb, memory_mb=64, time_s=3.0)
        assert report.verdict is Verdict.MLE, report.tests[0]
        assert report.tests[0].peak_rss_mb < 64 + allowance + 64
    report = hostile_compiled(language, flood, time_s=2.0, output_kb=64)
    assert report.verdict is Verdict.OLE
    assert len(report.tests[0].output_head) <= 64 * 1024
    assert len(report.tests[0].stderr_tail) <= 4096
