"""Parent side of one sandboxed run: work dir, spawn, watch, measure, clean up.

`run_isolated(argv, ...)` runs a Python script (the profiler's harness, a custom checker)
under every isolation layer; the judge uses `execute()` with a solution job. Both go
through the same path:

1. a fresh temp dir `orps-run-*/` holding `work/` (the only writable place, the cwd and
   HOME) and, outside it, the stdio files, the job and the record file;
2. a child `python -S -P -c BOOT` spawned with `posix_spawn` into a new session, with a
   minimal environment built from scratch (never the caller's), or a child forked by
   the warm fork server (forkserver.py);
3. the child applies rlimits, Landlock and seccomp to itself (harness.py) and runs;
4. the parent waits with a wall-clock guard, watching CPU time, output size and work
   dir size every `TICK_S`, kills the whole process group at the end, and reads the
   verified record (nonce-framed; see harness.py).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import secrets
import select
import shutil
import signal
import stat
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from orps_tui.problems.model import Limits

__all__ = ["Limits", "RunOutcome", "run_isolated", "execute", "RunSpec", "SANDBOX_DIR"]

SANDBOX_DIR = Path(__file__).resolve().parent
BOOT = (
    "import marshal,sys\n"
    "f=open({fd},'rb')\nI,H,J=marshal.load(f)\nf.close()\n"
    "for n,c in (('isolation',I),('harness',H)):\n"
    " m=type(sys)(n);m.__file__=c.co_filename;sys.modules[n]=m;exec(c,m.__dict__)\n"
    "del f,I,H,n,c,m\n"
    "sys.modules['harness'].{entry}(J)"
)
"""The child's `-c` program. It execs the harness from code objects compiled here once,
so a sandboxed start never compiles source (bytecode caching may be off, as it is when
PYTHONDONTWRITEBYTECODE is set) and never needs the package on its sys.path."""

TICK_S = 0.05
"""How often the parent checks CPU, output size and disk use of a running child."""
CPU_GRACE_S = 0.25
"""The watcher kills at limit + this (interpreter start-up counts in the kernel's figure)."""
WORK_FILE_LIMIT = 16 << 20
"""RLIMIT_FSIZE floor: the largest single file a run may write (output limit if larger)."""
WORK_DIR_LIMIT = 64 << 20
"""Total bytes the work dir may hold before the run is stopped."""
NOFILE = 64
RECORD_LIMIT = 1 << 20
SIDE_LIMIT = 64 << 20
STDERR_TAIL = 4096
EXTRA_READ_FILES = ("/etc/ld.so.cache", "/dev/urandom", "/dev/zero")
EXTRA_WRITE_FILES = ("/dev/null",)
SYSTEM_LIB_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib")
EXEC_SAMPLE_S = 0.001
"""How soon an exec'd program's memory is first sampled (then less and less often)."""
_FRAME = re.compile(rb"ORPS1 ([0-9a-f]{32}) (\d{1,9})\n")


@dataclass
class RunOutcome:
    """What happened to one sandboxed run. Times in seconds, memory in MiB."""

    exit_code: int | None
    """The exit status, None when a signal ended the process."""
    signal: int | None
    cpu_s: float
    """User + system CPU of the child (kernel figure, interpreter start-up included)."""
    wall_s: float
    peak_rss_mb: float
    stdout: bytes
    """At most the output limit (`stdout_size` tells the real size)."""
    stderr: bytes
    """The last few KB."""
    output_exceeded: bool
    timed_out: bool
    memory_exceeded: bool
    report: bytes | None
    """The side channel: what a script wrote to the fd named by ORPS_REPORT_FD."""
    cpu_timed_out: bool = False
    wall_timed_out: bool = False
    disk_exceeded: bool = False
    stdout_size: int = 0
    record: dict[str, Any] | None = None
    """The harness's verified record (status, message, peak memory, layers applied)."""
    tampered: bool = False
    """The record channel held something other than one frame with this run's nonce."""
    startup_cpu_s: float = 0.0
    warm: bool = False
    notes: list[str] = field(default_factory=list)
    stderr_head: bytes = b""
    """The first few KB of stderr (a compiler's first errors)."""
    collected: dict[str, bytes] = field(default_factory=dict)
    """The files `RunSpec.collect` named, read back from the work dir (a compiler's output)."""
    runtime_error: str = ""
    """An "exec" job: what `RunSpec.crash_pattern` found on stderr (Java's exception)."""

    @property
    def solution_cpu_s(self) -> float:
        return max(self.cpu_s - self.startup_cpu_s, 0.0)


@dataclass
class RunSpec:
    """One run: the job for the harness plus everything the parent needs around it."""

    job: dict[str, Any]
    limits: Limits
    stdin: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    wall_s: float | None = None
    wall_factor: float = 3.0
    python: str = sys.executable
    landlock: bool = True
    seccomp: bool = True
    executables: tuple[str, ...] = ()
    """Files in `files` that get the execute bit and Landlock's execute right (an "exec"
    job: a compiled solution)."""
    collect: tuple[str, ...] = ()
    """Work-dir files to read back into `RunOutcome.collected` before the dir is removed;
    a name ending in `/` collects every file beneath that folder."""
    oom_markers: tuple[bytes, ...] = ()
    """An "exec" job: what its runtime prints on stderr when an allocation fails (MLE)."""
    rss_allowance_mb: int = 0
    """An "exec" job: peak RSS its runtime takes beyond the limit before it is MLE (the JVM)."""
    crash_pattern: bytes = b""
    """An "exec" job: a regex on stderr whose group 1 names its runtime error."""

    @property
    def wall_limit(self) -> float:
        return (
            self.wall_s if self.wall_s is not None else self.wall_factor * self.limits.time_s + 1.0
        )


class Child(Protocol):
    """A started child, whichever way it was started."""

    pid: int

    def wait(self, timeout: float) -> bool: ...
    def kill(self) -> None: ...
    def finish(self) -> tuple[int, float, float]:
        """Reap: (wait status, user+sys CPU seconds, wall seconds)."""
        ...


class Spawner(Protocol):
    def workspace(self) -> str | None:
        """The folder this spawner's run dirs must be created in (None: the temp dir)."""
        ...

    def start(self, spec: RunSpec, paths: dict[str, str], job: dict[str, Any]) -> Child: ...


# --- the environment and the file-system view ------------------------------------------------
def minimal_env(workdir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": workdir,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if extra:
        env.update(extra)
    return env


def readable_paths(python: str = sys.executable) -> list[str]:
    """What a sandboxed interpreter may read: its stdlib and the system's shared libraries."""
    paths: list[str] = []
    for key in ("stdlib", "platstdlib"):
        p = sysconfig.get_path(key)
        if p:
            paths.append(p)
    dynload = os.path.join(sysconfig.get_path("platstdlib") or "", "lib-dynload")
    paths.append(dynload)
    paths.append(os.path.join(sys.base_prefix, "lib"))
    paths.extend(SYSTEM_LIB_DIRS)
    paths.extend(EXTRA_READ_FILES)
    seen: list[str] = []
    for p in paths:
        real = os.path.realpath(p)
        if os.path.exists(real) and real not in seen:
            seen.append(real)
    return seen


_READABLE: list[str] | None = None


def _readable() -> list[str]:
    global _READABLE
    if _READABLE is None:
        _READABLE = readable_paths()
    return _READABLE


def server_boot(root: str) -> dict[str, Any]:
    """What a fork server applies to itself once (harness.serve): the same read rules as
    every run, and write access beneath `root`, where each of its runs gets its dir."""
    return {
        "read_paths": _readable(),
        "write_paths": [root, *EXTRA_WRITE_FILES],
        "write_files": list(EXTRA_WRITE_FILES),
        "landlock": True,
        "seccomp": True,
    }


_COMPILED: tuple[Any, Any] | None = None


def child_code() -> tuple[Any, Any]:
    """(isolation, harness) compiled once per process."""
    global _COMPILED
    if _COMPILED is None:
        compiled = []
        for name in ("isolation.py", "harness.py"):
            path = SANDBOX_DIR / name
            compiled.append(
                compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
            )
        _COMPILED = (compiled[0], compiled[1])
    return _COMPILED


def boot_blob(job: dict[str, Any] | None) -> bytes:
    """What the child's fd holds: the harness code and its job."""
    iso, harness = child_code()
    return marshal.dumps((iso, harness, job))


def boot_argv(python: str, fd: int, entry: str) -> list[str]:
    return [python, "-S", "-P", "-c", BOOT.format(fd=fd, entry=entry)]


# --- fresh spawns ---------------------------------------------------------------------------
class _SpawnedChild:
    def __init__(self, pid: int):
        self.pid = pid
        self._start = time.monotonic()
        self._pidfd: int | None = None
        self.maxrss_kb = 0
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def wait(self, timeout: float) -> bool:
        if self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], max(timeout, 0.0))
            return bool(ready)
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while True:
            try:
                info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return True
            if info is not None:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.01)

    def kill(self) -> None:
        _killpg(self.pid)

    def finish(self) -> tuple[int, float, float]:
        _killpg(self.pid)  # whatever is left of the group; the zombie keeps the pgid reserved
        _, status, usage = os.wait4(self.pid, 0)
        self.maxrss_kb = usage.ru_maxrss
        wall = time.monotonic() - self._start
        if self._pidfd is not None:
            os.close(self._pidfd)
        return status, usage.ru_utime + usage.ru_stime, wall


class FreshSpawner:
    """A new interpreter per run (`posix_spawn` into a new session)."""

    def workspace(self) -> str | None:
        return run_root()

    def start(self, spec: RunSpec, paths: dict[str, str], job: dict[str, Any]) -> Child:
        job_path = paths["job"]
        with open(job_path, "wb") as f:
            f.write(boot_blob(job))
        fds: list[int] = []
        try:
            for name, flags in (
                ("stdin", os.O_RDONLY),
                ("stdout", os.O_WRONLY),
                ("stderr", os.O_WRONLY),
                ("job", os.O_RDONLY),
                ("report", os.O_WRONLY),
                ("side", os.O_WRONLY),
            ):
                fds.append(os.open(paths[name], flags | os.O_CLOEXEC))
            os.unlink(job_path)
            actions = [(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(fds)]
            argv = boot_argv(spec.python, 3, "main")
            env = minimal_env(paths["work"], spec.env)
            pid = os.posix_spawn(spec.python, argv, env, file_actions=actions, setsid=True)
        finally:
            for fd in fds:
                os.close(fd)
        return _SpawnedChild(pid)


FRESH = FreshSpawner()


# --- helpers ---------------------------------------------------------------------------------
def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def _proc_hwm_kb(pid: int, exec_name: bytes | None = None) -> int:
    """VmHWM of `pid`; with `exec_name`, only once the process runs that program."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if exec_name is not None and line.startswith(b"Name:"):
                    if line.split()[1:2] != [exec_name]:
                        return 0
                elif line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _dir_size(root: str, cap: int) -> int:
    total = 0
    stack = [root]
    seen = 0
    while stack and total <= cap:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    seen += 1
                    if seen > 100_000:
                        return cap + 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
        except OSError:
            continue
    return total


def _read_head(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return b""


def _read_tail(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(max(size - limit, 0))
            return f.read(limit)
    except OSError:
        return b""


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def parse_record(data: bytes, nonce: str) -> tuple[dict[str, Any] | None, bool]:
    """(record, tampered). Anything but exactly one frame carrying `nonce` is tampering."""
    if not data:
        return None, False
    import json

    m = _FRAME.match(data)
    if not m or m.group(1).decode() != nonce:
        return None, True
    length = int(m.group(2))
    body = data[m.end() :]
    if len(body) != length:
        return None, True
    try:
        record = json.loads(body)
    except ValueError:
        return None, True
    return (record, False) if isinstance(record, dict) else (None, True)


def _rmtree(path: str) -> None:
    def fix(func: Callable[..., Any], p: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=fix)


def _check_name(name: str) -> str:
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise ValueError(f"file name {name!r} must be relative and stay inside the work dir")
    return name


# --- the run --------------------------------------------------------------------------------
_RUN_ROOT: list[str | None] = []
SHM_MIN_FREE = 1 << 30


def run_root() -> str | None:
    """Where run dirs go: /dev/shm when it is a roomy tmpfs (file creation and removal
    there cost a fraction of a disk-backed /tmp's), else the default temp dir."""
    if not _RUN_ROOT:
        root = None
        with contextlib.suppress(OSError):
            st = os.statvfs("/dev/shm")
            if st.f_bavail * st.f_frsize >= SHM_MIN_FREE and os.access("/dev/shm", os.W_OK):
                root = "/dev/shm"
        _RUN_ROOT.append(root)
    return _RUN_ROOT[0]


def execute(spec: RunSpec, spawner: Spawner | None = None) -> RunOutcome:
    """Run one job in a fresh work dir; always cleans up, never leaves a process behind."""
    spawner = spawner or FRESH
    base = tempfile.mkdtemp(prefix="orps-run-", dir=spawner.workspace())
    try:
        return _execute_in(base, spec, spawner)
    finally:
        _rmtree(base)


def _execute_in(base: str, spec: RunSpec, spawner: Spawner) -> RunOutcome:
    work = os.path.join(base, "work")
    os.mkdir(work, 0o700)
    script = spec.job.get("mode") == "script"
    paths = {
        n: os.path.join(base, n) for n in ("stdin", "stdout", "stderr", "job", "report", "side")
    }
    paths["work"] = work
    # No file to make (and remove) for an empty stdin, nor for a side channel that only
    # scripts have: /dev/null reads and swallows the same.
    if not spec.stdin:
        paths["stdin"] = os.devnull
    if not script:
        paths["side"] = os.devnull
    for name, content in spec.files.items():
        target = os.path.join(work, _check_name(name))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(content)
        if name in spec.executables:
            os.chmod(target, 0o500)
    if spec.stdin:
        with open(paths["stdin"], "wb") as f:
            f.write(spec.stdin)
    for name in ("stdout", "stderr", "report", "side"):
        if paths[name] != os.devnull:
            open(paths[name], "wb").close()

    limits = spec.limits
    output_limit = max(int(limits.output_kb), 0) * 1024
    nonce = secrets.token_hex(16)
    job = dict(spec.job)
    job.update(
        nonce=nonce,
        workdir=work,
        env=minimal_env(work, spec.env),
        cpu_s=limits.time_s + CPU_GRACE_S,
        memory_bytes=int(limits.memory_mb) << 20,
        fsize_bytes=max(output_limit + 1, WORK_FILE_LIMIT),
        nofile=int(spec.job.get("nofile", NOFILE)),
        landlock=spec.landlock,
        seccomp=spec.seccomp,
        read_paths=[*_readable(), *spec.job.get("extra_read_paths", ())],
        write_paths=[work, *EXTRA_WRITE_FILES],
    )
    if job.get("mode") == "exec":
        job["env"]["TMPDIR"] = work
    if spec.executables:
        job["execute_paths"] = [
            *(os.path.join(work, name) for name in spec.executables),
            *job.get("execute_paths", []),
        ]
    if script:
        job["env"]["ORPS_REPORT_FD"] = "5"
    # posix_spawn's child shares this process's memory until its exec: the kernel's peak
    # for it starts from this process's own.
    spawner_hwm_kb = _proc_hwm_kb(os.getpid()) if job.get("mode") == "exec" else 0
    child = spawner.start(spec, paths, job)

    cpu_kill = limits.time_s + CPU_GRACE_S
    exec_name = (
        os.path.basename(spec.job["argv"][0]).encode()[:15]
        if spec.job.get("mode") == "exec"
        else None
    )
    wall_limit = spec.wall_limit
    started = time.monotonic()
    cpu_timed_out = wall_timed_out = output_exceeded = disk_exceeded = False
    sampled_hwm = 0
    # Most runs end within the first tick; check nothing before then.
    next_check = started + min(TICK_S, limits.time_s)
    # An exec'd program's memory can only be seen from outside, while it runs: sampled
    # often at first (its kernel peak also counts the launcher's, see below).
    sample_s = EXEC_SAMPLE_S
    while True:
        now = time.monotonic()
        remaining = started + wall_limit - now
        if remaining <= 0:
            wall_timed_out = True
            child.kill()
            break
        wait_s = min(remaining, max(next_check - now, 0.0))
        if exec_name is not None:
            wait_s = min(wait_s, sample_s)
        if child.wait(wait_s):
            break
        if exec_name is not None and child.pid:
            sampled_hwm = max(sampled_hwm, _proc_hwm_kb(child.pid, exec_name))
            sample_s = min(sample_s * 1.5, TICK_S)
        if time.monotonic() < next_check:
            continue
        next_check = time.monotonic() + TICK_S
        # (A warm child's pid comes once it has run a while: 0 reads as nothing used.)
        if child.pid and _proc_cpu(child.pid) > cpu_kill:
            cpu_timed_out = True
            child.kill()
            break
        if output_limit and _size(paths["stdout"]) > output_limit:
            output_exceeded = True
            child.kill()
            break
        if _dir_size(work, WORK_DIR_LIMIT) > WORK_DIR_LIMIT:
            disk_exceeded = True
            child.kill()
            break
        if child.pid:
            sampled_hwm = max(sampled_hwm, _proc_hwm_kb(child.pid, exec_name))
    status, cpu, wall = child.finish()
    ended = time.monotonic()
    runtime_error = ""
    collected = _collect(work, spec.collect)

    stdout_size = _size(paths["stdout"])
    if output_limit and stdout_size > output_limit:
        output_exceeded = True
    stdout = _read_head(paths["stdout"], output_limit if output_limit else 1 << 20)
    stderr = _read_tail(paths["stderr"], STDERR_TAIL)
    stderr_head = _read_head(paths["stderr"], STDERR_TAIL)
    record, tampered = parse_record(_read_head(paths["report"], RECORD_LIMIT + 1), nonce)
    side = _read_head(paths["side"], SIDE_LIMIT) if script else b""

    exit_code = os.waitstatus_to_exitcode(status)
    sig = -exit_code if exit_code < 0 else None
    startup = float(record.get("startup_cpu_s", 0.0)) if record else 0.0
    hwm_kb = int(record.get("vmhwm_kb", 0)) if record else 0
    peak_mb = (hwm_kb or sampled_hwm) / 1024
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits.time_s):
        cpu_timed_out = cpu_timed_out or not wall_timed_out
    if cpu - startup > limits.time_s:
        cpu_timed_out = True
    memory = bool(record and record.get("status") == "memory") or (
        record is None and b"MemoryError" in stderr
    )
    if record and record.get("status") == "exec":
        # A program the harness exec'd: the kernel's peak counts the harness's own (about
        # 20 MB) too, so a lower figure sampled from the program alone is preferred; the
        # wall time runs from its exec on.
        maxrss_mb = getattr(child, "maxrss_kb", 0) / 1024
        floor_kb = max(int(record.get("launcher_hwm_kb", 0)), spawner_hwm_kb)
        floor_mb = floor_kb / 1024 + 1
        peak_mb = maxrss_mb if maxrss_mb > floor_mb else sampled_hwm / 1024
        wall = max(ended - float(record.get("exec_monotonic", ended - wall)), 0.0)
        memory = (
            limits.memory_mb > 0 and peak_mb > limits.memory_mb + spec.rss_allowance_mb
        ) or any(marker in stderr or marker in stderr_head for marker in spec.oom_markers)
        if spec.crash_pattern:
            m = re.search(spec.crash_pattern, stderr_head) or re.search(spec.crash_pattern, stderr)
            runtime_error = m.group(1).decode("utf-8", "replace").strip()[:200] if m else ""
    return RunOutcome(
        exit_code=None if sig else exit_code,
        signal=sig,
        cpu_s=cpu,
        wall_s=float(record["user_wall_s"]) if record and "user_wall_s" in record else wall,
        peak_rss_mb=round(peak_mb, 2),
        stdout=stdout,
        stderr=stderr,
        output_exceeded=output_exceeded,
        timed_out=cpu_timed_out or wall_timed_out,
        memory_exceeded=memory,
        report=side if side else None,
        cpu_timed_out=cpu_timed_out,
        wall_timed_out=wall_timed_out,
        disk_exceeded=disk_exceeded,
        stdout_size=stdout_size,
        record=record,
        tampered=tampered,
        startup_cpu_s=startup,
        warm=getattr(child, "warm", False),
        stderr_head=stderr_head,
        collected=collected,
        runtime_error=runtime_error,
    )


def _collect(work: str, names: tuple[str, ...]) -> dict[str, bytes]:
    """The files `names` asked for (a folder's: every file beneath it), by work-dir path."""
    out: dict[str, bytes] = {}
    for name in names:
        path = os.path.join(work, _check_name(name))
        if not name.endswith("/"):
            out[name] = _read_head(path, WORK_FILE_LIMIT)
            continue
        total = 0
        for folder, _dirs, files in os.walk(path, followlinks=False):
            for file in files:
                full = os.path.join(folder, file)
                if os.path.islink(full) or total > WORK_DIR_LIMIT:
                    continue
                data = _read_head(full, WORK_FILE_LIMIT)
                total += len(data)
                out[os.path.relpath(full, work)] = data
    return out


# --- the generic entry point ------------------------------------------------------------------
_IGNORED_FLAGS = {"-I", "-S", "-E", "-s", "-B", "-u", "-P", "-q"}


def _script_job(argv: list[str], files: dict[str, bytes]) -> dict[str, Any]:
    if not argv:
        raise ValueError("empty command")
    rest = list(argv[1:])
    while rest and rest[0] in _IGNORED_FLAGS:
        rest.pop(0)
    if rest and rest[0] == "-c":
        if len(rest) < 2:
            raise ValueError("-c needs a code string")
        return {"mode": "script", "script": rest[1], "script_path": "-c", "args": rest[2:]}
    if not rest or rest[0].startswith("-"):
        raise ValueError(f"expected a script path after the interpreter, got {rest[:1]}")
    script, args = rest[0], rest[1:]
    if script in files:
        source = files[script].decode("utf-8")
    else:
        try:
            source = Path(script).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read script {script}: {exc.strerror or exc}") from None
    return {
        "mode": "script",
        "script": source,
        "script_path": os.path.basename(script),
        "args": args,
    }


def run_isolated(
    argv: list[str],
    *,
    stdin: bytes = b"",
    limits: Limits,
    files: dict[str, bytes] | None = None,
    env: dict[str, str] | None = None,
    wall_s: float | None = None,
    spawner: Spawner | None = None,
) -> RunOutcome:
    """Run a Python script under every isolation layer in a fresh temp work dir.

    `argv` is `[python, script, *args]` (or `[python, "-c", code, *args]`); the
    interpreter is always this one (`sys.executable`: the harness travels as its
    bytecode) and flags such as -I/-S are replaced by the sandbox's own (`-S -P`, a
    clean environment). The script is read here, before isolation, so it may live anywhere;
    `files` land in the work dir (the cwd, on sys.path). The script can send results back
    on the side channel: the fd in `$ORPS_REPORT_FD`, returned as `RunOutcome.report`.
    Only the stdlib is importable in the sandbox.
    """
    files = dict(files or {})
    job = _script_job(argv, files)
    spec = RunSpec(
        job=job, limits=limits, stdin=stdin, files=files, env=dict(env or {}), wall_s=wall_s
    )
    return execute(spec, spawner)
