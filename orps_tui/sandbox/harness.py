"""Child side of the sandbox: applies the isolation layers to itself, runs one job, reports.

Stdlib-only and loaded as a top-level module (`python -S -P -c BOOT`, see runner.py), so
it never imports orps_tui. Two entry points:

- `main()`: fresh mode. The job (a marshal'ed dict) arrives on fd 3, the record goes
  to fd 4, fd 5 is the side channel a script may write to; 0/1/2 are files.
- `serve()`: warm mode. A fork server on the Unix socket at fd 3: each request forks a
  child that opens its own stdio files and then does exactly what `main()` does.

This is the one child-side runner: the judge's runs and the profiler's (whose job adds
`profile`: instrument.py's probe around the user code, its figures in the record) run
the solution the same way.

The record is one frame `ORPS1 <nonce> <length>\\n<json>` written after the user code
has finished. The nonce reaches the child on fd 3 (or in the server's request), never in
argv or the environment; the parent rejects a channel holding anything but one frame
with its nonce, so printing or writing a look-alike to other fds forges nothing.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

# Not `typing.TYPE_CHECKING`: a fresh child would pay for importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType

    from orps_tui.sandbox.instrument import Probe

try:  # inside the package (the judge imports it only to warm the bytecode cache)
    from orps_tui.sandbox import isolation as layers
except ImportError:  # top-level in the sandboxed child
    import isolation as layers  # type: ignore[no-redef]

JOB_FD = 3
REPORT_FD = 4
SIDE_FD = 5
_SHOWN = 300
"""Longest test source line, call or expected string quoted in a WA message."""

# Imported by the fork server before it forks, so each child starts warm.
WARM_MODULES = (
    "ast",
    "array",
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "heapq",
    "itertools",
    "json",
    "math",
    "operator",
    "random",
    "re",
    "reprlib",
    "statistics",
    "string",
    "traceback",
    "types",
    "typing",
    "linecache",
    "io",
    "struct",
)


# --- records ----------------------------------------------------------------------------------
def _dumps(value: object, enc: object) -> str:
    """A tiny JSON encoder (the json package costs ~8 ms to import at start-up); `enc`
    is `_json.encode_basestring_ascii`, bound before the user code ran."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        finite = value == value and value not in (float("inf"), float("-inf"))
        return repr(value) if finite else "null"
    if isinstance(value, str):
        return enc(value)  # type: ignore[operator]
    if isinstance(value, dict):
        return "{" + ",".join(enc(str(k)) + ":" + _dumps(v, enc) for k, v in value.items()) + "}"  # type: ignore[operator]
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dumps(v, enc) for v in value) + "]"
    return enc(str(value))  # type: ignore[operator]


def _frame(nonce: str, record: dict[str, object], enc: object) -> bytes:
    body = _dumps(record, enc).encode("ascii")
    return b"ORPS1 %s %d\n" % (nonce.encode("ascii"), len(body)) + body


def _write_all(fd: int, data: bytes, write: object) -> None:
    while data:
        data = data[write(fd, data) :]  # type: ignore[operator]


# --- the job ----------------------------------------------------------------------------------
class _Shared:
    """What the fork server set up for its children (each inherits it by fork): once, the
    layers it applied to itself, the read rules looked up and the per-run seccomp part
    assembled in advance, the tests' code compiled; before each fork, the run's own code
    compiled, its environment, and the server's address-space size (its children cannot
    open /proc under its Landlock ruleset)."""

    def __init__(self, boot: dict):
        self.boot = boot
        self.env = dict(os.environ)
        self.applied = layers.Applied()
        self.paths: layers.LandlockPaths | None = None
        self.seccomp: layers.SeccompFilter | None = None
        self.vm_bytes: int | None = None
        self.own_code: CodeType | None = None
        self.last_own: tuple[str, CodeType] | None = None
        self.compiled: dict[tuple[str, str, str], tuple[CodeType, CodeType, CodeType] | None] = {}
        self.compiled_chars = 0


_PATH_FD = 100
"""Where the fork server keeps its O_PATH fds for the read rules (below the record fd)."""
_COMPILED_MAX = 256
_COMPILED_CHARS = 4 << 20
"""The fork server keeps the compiled code of at most this many tests, this much source."""


def _apply_shared(shared: _Shared) -> None:
    """In the fork server, once: the layers every run shares. Landlock: read the stdlib,
    write beneath the server's work root (every run dir is created in it); seccomp: the
    part of the filter that names no process; no core dumps; no capabilities."""
    boot, applied = shared.boot, shared.applied
    try:
        layers.apply_shared_rlimits()
        applied.rlimits = True
    except (OSError, ValueError) as exc:
        applied.errors.append(f"rlimits (shared): {exc}")
    abi = layers.landlock_abi() if boot["landlock"] else 0
    if abi:
        try:
            shared.paths = layers.LandlockPaths(
                boot["read_paths"], abi, _PATH_FD, tuple(boot["write_files"])
            )
            applied.landlock_abi = layers.apply_landlock(
                boot["read_paths"], boot["write_paths"], prepared=shared.paths
            )
        except OSError as exc:
            applied.errors.append(f"landlock (shared): {exc}")
    try:
        applied.caps_dropped = layers.drop_capabilities()
    except OSError as exc:
        applied.errors.append(f"capabilities: {exc}")
    if boot["seccomp"] and layers.seccomp_supported():
        try:
            applied.seccomp = layers.apply_seccomp(per_run=False)
        except OSError as exc:
            applied.errors.append(f"seccomp (shared): {exc}")
        # What each child adds: the per-run part, or the whole filter if that failed.
        shared.seccomp = layers.SeccompFilter(shared=not applied.seccomp)
        shared.seccomp.prepare()


def _isolate(
    job: dict, status_fd: int | None, shared: _Shared | None
) -> tuple[layers.Applied, int]:
    """Apply this run's layers: all of them in a fresh child; in a forked one, only what
    differs per run (or what the fork server could not apply to itself)."""
    applied = layers.Applied()
    base = shared.applied if shared is not None else layers.Applied()
    applied.errors.extend(base.errors)
    seccomp_ok = job["seccomp"] and layers.seccomp_supported()  # reads /proc: before Landlock
    if shared is None:  # a forked child inherits both from the server (`_enter_run`)
        _enter_run(job, None)
    # Move the record fd away from the low numbers user code might poke at; before
    # RLIMIT_NOFILE, which forbids new fds above it (an fd already there stays usable).
    try:
        report_fd = os.dup2(REPORT_FD, 200 + (os.getpid() % 700), inheritable=False)
        os.close(REPORT_FD)
    except OSError:
        report_fd = REPORT_FD
    try:
        layers.apply_rlimits(
            cpu_s=job["cpu_s"],
            memory_bytes=job["memory_bytes"],
            fsize_bytes=job["fsize_bytes"],
            nofile=job["nofile"],
            status_fd=status_fd,
            vm_bytes=job.get("vm_bytes", shared.vm_bytes if shared is not None else None),
            shared=not base.rlimits,
            stack_bytes=job.get("stack_bytes"),
        )
        applied.rlimits = True
    except (OSError, ValueError) as exc:
        applied.errors.append(f"rlimits: {exc}")
    # A complete ruleset of its own even under the fork server's: that one grants the
    # whole work root, this one only this run's work dir (no run sees another's files).
    if job["landlock"]:
        try:
            applied.landlock_abi = layers.apply_landlock(
                job["read_paths"],
                job["write_paths"],
                prepared=shared.paths if shared is not None else None,
                execute=job.get("execute_paths"),
            )
        except OSError as exc:
            applied.errors.append(f"landlock: {exc}")
    if shared is not None and shared.paths is not None:
        shared.paths.close()
    applied.caps_dropped = base.caps_dropped
    if not applied.caps_dropped:
        try:
            applied.caps_dropped = layers.drop_capabilities()
        except OSError as exc:
            applied.errors.append(f"capabilities: {exc}")
    if seccomp_ok:
        try:
            applied.seccomp = layers.apply_seccomp(
                shared=not base.seccomp,
                per_run=job.get("per_run_seccomp", True),
                prepared=shared.seccomp if shared is not None else None,
                allow_exec=job.get("allow_exec", False),
            )
        except OSError as exc:
            applied.errors.append(f"seccomp: {exc}")
    return applied, report_fd


def _enter_run(job: dict, shared: _Shared | None) -> None:
    """The run's cwd and environment. The fork server does this just before it forks
    (it uses neither), so the child starts with both."""
    os.chdir(job["workdir"])
    env: dict[str, str] = job["env"]
    # What differs from the environment now in force (in the fork server, the last
    # run's: HOME alone, as a rule).
    current = shared.env if shared is not None else dict(os.environ)
    for key in current.keys() - env.keys():
        del os.environ[key]
    for key, value in env.items():
        if current.get(key) != value:
            os.environ[key] = value
    if shared is not None:
        shared.env = env


def run_job(job: dict, shared: _Shared | None = None) -> None:
    """Apply the layers, run the job, write the record, exit. Never returns."""
    status_fd = None
    if shared is None:  # a forked child cannot open /proc (the server's Landlock)
        try:
            status_fd = os.open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            status_fd = None
    if job["mode"] != "script":
        try:  # noqa: SIM105
            os.close(SIDE_FD)
        except OSError:
            pass
    applied, report_fd = _isolate(job, status_fd, shared)
    if job["mode"] == "exec":
        _exec(job, applied, report_fd, status_fd)
    # A profiled run (the profiler's option): its probe is built before the clocks start.
    probe = _probe(job) if job.get("profile") else None
    # What runs after the user code is bound now, as locals: replacing os.write, os._exit
    # or this module's functions from the solution then changes nothing here. (Code that
    # digs through frames or the gc can still reach this process's memory: see docs.)
    from _json import encode_basestring_ascii as enc

    write, exit_now, frame, write_all, flush, hwm, forked_hwm = (
        os.write,
        os._exit,
        _frame,
        _write_all,
        _flush,
        layers.vm_hwm_kb,
        layers.forked_peak_kb if shared is not None else None,
    )
    layer_record = _layers(applied)
    cpu0 = _cpu()
    wall0 = time.monotonic()
    nonce = job.pop("nonce")
    result: dict[str, object] = {"status": "ok", "message": "", "exit_code": 0}

    def finish() -> None:
        """Write the record and exit (at the end, or when a probe's budget is spent)."""
        wall = time.monotonic() - wall0
        flush()
        result.update(
            startup_cpu_s=cpu0,
            user_wall_s=wall,
            vmhwm_kb=(
                forked_hwm() if forked_hwm else hwm(status_fd) if status_fd is not None else 0
            ),
            layers=layer_record,
        )
        code = int(result["exit_code"]) if isinstance(result["exit_code"], int) else 1
        try:  # noqa: SIM105
            write_all(report_fd, frame(nonce, result, enc), write)
        except OSError:
            pass
        exit_now(code & 0xFF)

    if probe is not None:

        def budget_spent(figures: dict) -> None:
            result.update(
                status="budget",
                exit_code=probe.budget_exit_code,
                message="stopped at the instrumentation budget",
                profile=figures,
            )
            finish()

        probe.on_budget = budget_spent
    try:
        mode = job["mode"]
        if mode == "stdio":
            _run_stdio(job, result, shared, probe)
        elif mode == "function":
            _run_function(job, result, shared, probe)
        else:
            _run_script(job, result, shared, probe)
    except BaseException as exc:  # noqa: BLE001 - the harness must always report
        result.update(status="harness_error", message=f"{type(exc).__name__}: {exc}", exit_code=1)
    if probe is not None:
        result["profile"] = probe.finish()
    finish()


def _layers(applied: layers.Applied) -> dict[str, object]:
    return {
        "rlimits": applied.rlimits,
        "landlock_abi": applied.landlock_abi,
        "seccomp": applied.seccomp,
        "caps_dropped": applied.caps_dropped,
        "errors": applied.errors,
    }


def _exec(job: dict, applied: layers.Applied, report_fd: int, status_fd: int | None) -> None:
    """A compiled solution or a compiler (docs/judge.md, Languages): the record goes out
    first (what was applied, the CPU and the moment the program starts), its fd is closed,
    and the program replaces this process under the layers just applied. Never returns."""
    from _json import encode_basestring_ascii as enc

    argv = list(job["argv"])
    record = {
        "status": "exec",
        "message": "",
        "exit_code": 0,
        "startup_cpu_s": _cpu(),
        "exec_monotonic": time.monotonic(),
        # the kernel's peak for the process will count this launcher's own
        "launcher_hwm_kb": layers.vm_hwm_kb(status_fd) if status_fd is not None else 0,
        "layers": _layers(applied),
    }
    try:  # noqa: SIM105
        _write_all(report_fd, _frame(job.pop("nonce"), record, enc), os.write)
    except OSError:
        pass
    os.close(report_fd)
    try:
        os.execve(argv[0], argv, job["env"])
    except OSError as exc:
        os.write(2, f"cannot run {argv[0]}: {exc.strerror or exc}\n".encode())
    os._exit(127)


def _probe(job: dict) -> Probe:
    """The profiler's instrumentation (instrument.py, compiled by the parent) for this run."""
    config = job["profile"]
    code = config["code"]
    module = type(sys)("orps_instrument")
    module.__file__ = code.co_filename
    exec(code, module.__dict__)
    _, solution_path = _own_code(job)
    return module.Probe(config, solution_path, (__file__,))


def _probed_exec(code: CodeType, namespace: dict, probe: Probe | None) -> None:
    """`exec`, with the probe (if any) on for exactly the user code's run."""
    if probe is None:
        exec(code, namespace)
        return
    probe.start()
    try:
        exec(code, namespace)
    finally:
        probe.stop()


def _cpu() -> float:
    """CPU used so far, precise to the microsecond; the parent subtracts it from wait4()'s.

    Not os.times() (10 ms ticks), and not process_time(): once RLIMIT_CPU arms the kernel's
    process-wide CPU timer, CLOCK_PROCESS_CPUTIME_ID is only updated at ticks. The thread
    clock stays precise, and before the solution starts this is the only thread."""
    return time.thread_time()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105
            stream.flush()
        except BaseException:  # noqa: BLE001 - EFBIG at the file-size limit, closed streams
            pass


def _new_module(name: str, path: str) -> object:
    import builtins

    module = type(sys)(name)
    module.__file__ = path
    module.__builtins__ = builtins  # type: ignore[attr-defined]  # a fresh module's own builtins, as the interpreter sets for __main__
    return module


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:  # noqa: SIM105
        print(code, file=sys.stderr)
    except BaseException:  # noqa: BLE001
        pass
    return 1


def _print_user_traceback(exc: BaseException, files: tuple[str, ...]) -> None:
    """The traceback from the first frame of user code on (the harness's frames cut)."""
    try:
        import traceback

        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename not in files:
            tb = tb.tb_next
        traceback.print_exception(type(exc), exc, tb or exc.__traceback__, file=sys.stderr)
    except BaseException:  # noqa: BLE001
        pass


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = ""
    name = type(exc).__name__
    return f"{name}: {text}"[:300] if text else name


def _is_memory_error(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError)


def _own_code(job: dict) -> tuple[str, str]:
    """(the source of the job's own code: the solution or the script, its file name)."""
    if job["mode"] == "script":
        return job["script"], job["script_path"]
    return job["code"], os.path.join(job["workdir"], "solution.py")


def _compile_own(job: dict, shared: _Shared | None) -> CodeType:
    """The job's own code compiled: by the fork server for this very run when it could
    (see `_prepare`), else here."""
    if shared is not None and shared.own_code is not None:
        return shared.own_code
    source, path = _own_code(job)
    return compile(source, path, "exec", dont_inherit=True)


def _run_stdio(
    job: dict, result: dict[str, object], shared: _Shared | None, probe: Probe | None
) -> None:
    _, path = _own_code(job)
    _exec_as_main(job, path, [path], result, shared, probe)


def _run_script(
    job: dict, result: dict[str, object], shared: _Shared | None, probe: Probe | None
) -> None:
    _, path = _own_code(job)
    _exec_as_main(job, path, [path, *job["args"]], result, shared, probe)


def _exec_as_main(
    job: dict,
    path: str,
    argv: list[str],
    result: dict[str, object],
    shared: _Shared | None,
    probe: Probe | None,
) -> None:
    """Run the job's code as the `__main__` module of `path`, recording how it ended in
    `result`."""
    main = _new_module("__main__", path)
    sys.modules["__main__"] = main  # type: ignore[assignment]
    sys.argv = argv
    sys.path.insert(0, job["workdir"])
    try:
        _probed_exec(_compile_own(job, shared), main.__dict__, probe)
    except SystemExit as exc:
        result["exit_code"] = _exit_code(exc)
        result["status"] = "ok" if result["exit_code"] == 0 else "exit"
    except BaseException as exc:  # noqa: BLE001
        result["exit_code"] = 1
        result["status"] = "memory" if _is_memory_error(exc) else "exception"
        result["message"] = _describe(exc)
        _print_user_traceback(exc, (path,))


# --- function problems ------------------------------------------------------------------------
_SELF_NAMES = ("code", "solution")
_SETUP_FILE = "<setup>"


def _split_setup(setup: str) -> tuple[str, str]:
    """(before, after): `from code import f` and friends can only run once the solution
    is defined, so those top-level statements move after it; the rest (imports and
    helpers the solution may use) runs before."""
    import ast

    if not setup.strip():
        return "", ""
    tree = ast.parse(setup)
    before: list[ast.stmt] = []
    after: list[ast.stmt] = []
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module.split(".")[0]]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        (after if any(n in _SELF_NAMES for n in names) else before).append(node)
    return (
        ast.unparse(ast.Module(body=before, type_ignores=[])) if before else "",
        ast.unparse(ast.Module(body=after, type_ignores=[])) if after else "",
    )


def _compile_asserts(source: str, filename: str) -> CodeType:
    """Compile test code with every `assert a == b` routed through `__orps_eq__` (see
    `_equality_recorder`), so a failure can show the actual value without calling the
    solution twice."""
    import ast

    class Rewrite(ast.NodeTransformer):
        def visit_Assert(self, node: ast.Assert) -> ast.Assert:
            self.generic_visit(node)
            test = node.test
            if (
                isinstance(test, ast.Compare)
                and len(test.ops) == 1
                and isinstance(test.ops[0], ast.Eq)
            ):
                node.test = ast.copy_location(
                    ast.Call(
                        func=ast.Name(id="__orps_eq__", ctx=ast.Load()),
                        args=[test.left, test.comparators[0], ast.Constant(node.lineno)],
                        keywords=[],
                    ),
                    test,
                )
            return node

    tree = Rewrite().visit(ast.parse(source, filename))
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec", dont_inherit=True)


def _equality_recorder() -> dict[str, object]:
    """The names a `_compile_asserts` test needs: the recorder and what it captured."""
    captured: dict[int, tuple] = {}

    def record(left: object, right: object, line: int) -> object:
        captured[line] = (left, right)
        return left == right

    return {"__orps_eq__": record, "_": captured}


def _test_key(job: dict) -> tuple[str, str, str]:
    return job["setup"], job["test_code"], job["test_name"]


def _compile_test(job: dict) -> tuple[CodeType, CodeType, CodeType]:
    """The problem's side of a function test, compiled: the set-up that runs before the
    solution, the set-up that runs after it, and the test itself. It depends only on
    the problem, so the fork server compiles it once for all candidates (`_prepare`)."""
    before, after = _split_setup(job["setup"])
    return (
        compile(before, _SETUP_FILE, "exec", dont_inherit=True),
        compile(after, _SETUP_FILE, "exec", dont_inherit=True),
        _compile_asserts(job["test_code"], f"<test {job['test_name']}>"),
    )


def _prepare(job: dict, shared: _Shared) -> None:
    """In the fork server, just before the fork: compile what the child would, since a
    forked child compiles slowly (the compiler's allocations land on pages it shares
    with the server: copy-on-write faults). The solution (the judge has already
    compiled the same source, unsandboxed, to decide CE) once per candidate, renamed
    for each of its runs; the test's code (the problem's) once for all candidates. A
    failure is left for the child to meet again and report."""
    shared.own_code = None
    try:
        source, path = _own_code(job)
        last = shared.last_own
        if last is not None and last[0] == source:
            shared.own_code = _renamed(last[1], path)
        else:
            shared.last_own = None
            shared.own_code = compile(source, path, "exec", dont_inherit=True)
            shared.last_own = (source, shared.own_code)
    except Exception:  # noqa: BLE001 - see above
        pass
    if job.get("mode") != "function":
        return
    key = _test_key(job)
    if key in shared.compiled:
        return
    size = len(key[0]) + len(key[1])
    if len(shared.compiled) >= _COMPILED_MAX or shared.compiled_chars + size > _COMPILED_CHARS:
        # Every child would inherit a big cache (and pay for it in fork and exit).
        shared.compiled.clear()
        shared.compiled_chars = 0
    try:
        shared.compiled[key] = _compile_test(job)
    except Exception:  # noqa: BLE001 - see above
        shared.compiled[key] = None
    shared.compiled_chars += size


def _renamed(code: CodeType, filename: str) -> CodeType:
    """`code` as if compiled from `filename` (the tracebacks and frames name the run's
    own file): the same code objects, nested ones included, with another co_filename."""
    if code.co_filename == filename:
        return code
    consts = tuple(
        _renamed(c, filename) if isinstance(c, type(code)) else c for c in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=consts)


def _short_repr(value: object) -> str:
    try:
        import reprlib

        r = reprlib.Repr()
        r.maxstring = r.maxother = 160
        r.maxlist = r.maxtuple = r.maxset = r.maxdict = 24
        r.maxlevel = 4
        return r.repr(value)
    except BaseException:  # noqa: BLE001 - the solution controls __repr__
        return f"<{type(value).__name__} object>"


def _frames(exc: BaseException) -> list[tuple[str, int]]:
    out = []
    tb = exc.__traceback__
    while tb is not None:
        out.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return out


def _run_function(
    job: dict, result: dict[str, object], shared: _Shared | None, probe: Probe | None
) -> None:
    workdir = job["workdir"]
    path = os.path.join(workdir, "solution.py")
    setup_file, test_file = _SETUP_FILE, f"<test {job['test_name']}>"
    module = _new_module("solution", path)
    sys.modules["solution"] = module  # type: ignore[assignment]
    sys.modules["code"] = module  # type: ignore[assignment]  # LBPP: `from code import f`
    sys.argv = [path]
    sys.path.insert(0, workdir)
    ns = module.__dict__
    phase = "setup"
    try:
        compiled = shared.compiled.get(_test_key(job)) if shared is not None else None
        setup_before, setup_after, test_code = compiled or _compile_test(job)
        extra = _equality_recorder()
        solution = _compile_own(job, shared)
    except SyntaxError as exc:
        result.update(status="test_error", exit_code=1, message=f"the test does not compile: {exc}")
        return
    try:
        exec(setup_before, ns)
        if probe is not None:
            probe.start()  # the solution and the test's calls into it
        try:
            phase = "solution"
            exec(solution, ns)
            phase = "test"
            test_ns = dict(ns)
            test_ns["__name__"] = "__main__"
            test_ns.update(extra)
            exec(setup_after, test_ns)
            exec(test_code, test_ns)
        finally:
            if probe is not None:
                probe.stop()
    except SystemExit as exc:
        result.update(
            status="exit",
            exit_code=1,
            message=f"the code called sys.exit({exc.code!r}) during the {phase}: "
            "the test's assertions did not run to the end",
        )
        return
    except AssertionError as exc:
        result.update(
            status="assert", exit_code=1, message=_assert_message(exc, job, test_file, path, extra)
        )
        return
    except ModuleNotFoundError as exc:
        files = [f for f, _ in _frames(exc)]
        if phase != "solution" and path not in files:
            result.update(
                status="unavailable",
                exit_code=1,
                message=f"the test needs the module {exc.name!r}, which the sandbox does not provide",
            )
            return
        result.update(status="exception", exit_code=1, message=_describe(exc))
        _print_user_traceback(exc, (path, setup_file, test_file))
        return
    except BaseException as exc:  # noqa: BLE001
        result.update(
            status="memory" if _is_memory_error(exc) else "exception",
            exit_code=1,
            message=_describe(exc) + _where(exc, path, test_file),
        )
        _print_user_traceback(exc, (path, setup_file, test_file))
        return
    result.update(status="ok", exit_code=0, message="")


def _where(exc: BaseException, path: str, test_file: str) -> str:
    for filename, line in reversed(_frames(exc)):
        if filename == path:
            return f" (solution line {line})"
        if filename == test_file:
            return f" (test line {line})"
    return ""


def _assert_message(exc: AssertionError, job: dict, test_file: str, path: str, extra: dict) -> str:
    frames = _frames(exc)
    lines = job["test_code"].splitlines()
    test_line = next((ln for f, ln in reversed(frames) if f == test_file), None)
    if frames and frames[-1][0] == path:
        return f"AssertionError raised inside the solution (line {frames[-1][1]})"
    source = lines[test_line - 1].strip() if test_line and 0 < test_line <= len(lines) else ""
    source = source if len(source) <= _SHOWN else source[:_SHOWN] + "..."
    actual = None
    captured = extra["_"]
    if test_line in captured:
        actual = _short_repr(captured[test_line][0])
    call, expected = job.get("call"), job.get("expected")
    call = call[:_SHOWN] if call else call
    expected = expected[:_SHOWN] if expected else expected
    try:
        detail = f": {str(exc)[:_SHOWN]}" if str(exc) else ""
    except BaseException:  # noqa: BLE001 - an assertion message with a hostile __str__
        detail = ""
    if call and expected:
        got = f", got {actual}" if actual is not None else ""
        return f"{call}: expected {expected}{got}{detail}"
    where = f"test line {test_line}: {source}" if source else "assertion failed"
    if actual is not None:
        return f"{where} - got {actual}{detail}"
    return f"{where}{detail}"


# --- entry points -----------------------------------------------------------------------------
def main(job: dict) -> None:
    """Fresh mode: the boot code read the job from fd 3; record to fd 4, side channel fd 5."""
    os.closerange(SIDE_FD + 1, 1 << 16)
    run_job(job)


STARTED_AFTER_S = 0.01
"""The fork server tells the judge a child's pid once it has run this long (the judge
needs it only to watch a longer run's CPU and memory)."""


def serve(boot: dict) -> None:
    """Warm mode: the fork server on the Unix socket at fd 4 (parent side: forkserver.py).

    `boot` names what it reads and the work root its children write beneath. Before it
    answers "ready" it applies to itself every layer that is the same for every run
    (`_apply_shared`); each child inherits them and adds only its own (`_isolate`).
    Requests and replies are length-prefixed marshal'ed tuples:
    ("run", id, job_bytes, paths) -> ["started", id, pid] ... ("exited", id, status, cpu_s,
    wall_s, pid); "started" only for a child still running `STARTED_AFTER_S` after the
    fork (most tests are over by then, and each message costs the server copy-on-write
    faults while its child shares its pages); ("kill", id) kills that child's process
    group if it has not been reaped yet.
    The server never runs user code itself; EOF on the socket ends it and its children.
    """
    import gc
    import select
    import signal
    import socket

    sock = socket.socket(fileno=JOB_FD + 1)  # fd 3 held the boot code, fd 4 is the socket
    try:  # noqa: SIM105
        layers.set_not_dumpable()
    except OSError:
        pass
    for name in WARM_MODULES:
        try:  # noqa: SIM105
            __import__(name)
        except ImportError:
            pass
    layers.seccomp_supported()
    layers.landlock_abi()
    try:
        statm_fd: int | None = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        statm_fd = None
    shared = _Shared(boot)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    server_fds = tuple(fd for fd in (sock.fileno(), wake_r, wake_w, statm_fd) if fd is not None)
    running: dict[int, tuple[int, float]] = {}  # pid -> (request id, fork time)
    by_id: dict[int, int] = {}
    unannounced: dict[int, float] = {}  # pid -> when to send its "started"
    _apply_shared(shared)

    def send(message: tuple) -> None:
        data = marshal.dumps(message)
        sock.sendall(len(data).to_bytes(4, "little") + data)

    def reap() -> None:
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None:
                return
            pid = info.si_pid
            try:  # noqa: SIM105
                os.killpg(pid, signal.SIGKILL)  # leftovers; the zombie keeps the pgid reserved
            except OSError:
                pass
            _, status, usage = os.wait4(pid, 0)
            entry = running.pop(pid, None)
            unannounced.pop(pid, None)
            if entry is not None:
                rid, t0 = entry
                by_id.pop(rid, None)
                cpu = usage.ru_utime + usage.ru_stime
                send(("exited", rid, status, cpu, time.monotonic() - t0, pid))

    def announce() -> float | None:
        """Send "started" for the children due; the select timeout until the next one."""
        now = time.monotonic()
        for pid, due in list(unannounced.items()):
            if due <= now:
                del unannounced[pid]
                send(("started", running[pid][0], pid))
        return max(min(unannounced.values()) - now, 0.0) if unannounced else None

    def start(rid: int, job_bytes: bytes, paths: dict) -> None:
        shared.own_code = None
        try:
            job = marshal.loads(job_bytes)
            _prepare(job, shared)
            _enter_run(job, shared)
        except Exception:  # noqa: BLE001 - the child exits 121: the run is RE
            job = None
            shared.env = dict(os.environ)  # whatever `_enter_run` got done
        try:
            shared.vm_bytes = layers.vm_size_from_statm(statm_fd) if statm_fd is not None else None
        except (OSError, ValueError, IndexError):
            shared.vm_bytes = None
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _forked_child(job, paths, server_fds, shared)
        running[pid] = (rid, t0)
        by_id[rid] = pid
        unannounced[pid] = t0 + STARTED_AFTER_S

    # What exists now is never scanned by a child's collections, so a child does not
    # copy those pages just to walk them.
    gc.collect()
    gc.freeze()
    send(("ready", os.getpid()))
    buf = b""
    while True:
        try:
            ready, _, _ = select.select([sock.fileno(), wake_r], [], [], announce())
        except InterruptedError:
            continue
        if wake_r in ready:
            try:  # noqa: SIM105
                os.read(wake_r, 4096)
            except OSError:
                pass
            reap()
        if sock.fileno() in ready:
            data = sock.recv(1 << 16)  # not more: a bigger buffer is an mmap per call
            if not data:
                for pid in list(running):
                    try:  # noqa: SIM105
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                os._exit(0)
            buf += data
            while len(buf) >= 4:
                size = int.from_bytes(buf[:4], "little")
                if len(buf) < 4 + size:
                    break
                message, buf = marshal.loads(buf[4 : 4 + size]), buf[4 + size :]
                if message[0] == "run":
                    start(message[1], message[2], message[3])
                elif message[0] == "kill" and message[1] in by_id:
                    try:  # noqa: SIM105
                        os.killpg(by_id[message[1]], signal.SIGKILL)
                    except OSError:
                        pass
        reap()


_CHILD_FDS = (
    ("stdin", os.O_RDONLY),
    ("stdout", os.O_WRONLY),
    ("stderr", os.O_WRONLY),
    ("job", None),  # fd 3: nothing to read in warm mode (the job came in the request)
    ("report", os.O_WRONLY),
    ("side", os.O_WRONLY),
)


def _forked_child(
    job: dict | None, paths: dict, server_fds: tuple[int, ...], shared: _Shared
) -> None:
    """In the forked child: own session, own stdio, nothing of the server's left open
    (but the read-rule fds, until its own Landlock ruleset is in force)."""
    import _signal  # not `signal`: its enum wrappers cost a fresh fork ~0.1 ms

    try:
        os.setsid()
        _signal.set_wakeup_fd(-1)
        _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)
        try:  # noqa: SIM105
            layers.set_parent_death_signal(_signal.SIGKILL)
        except OSError:
            pass
        for fd in server_fds:
            os.close(fd)
        for target, (name, flags) in enumerate(_CHILD_FDS):
            fd = os.open(os.devnull if flags is None else paths[name], flags or os.O_RDONLY)
            if fd != target:
                os.dup2(fd, target)
                os.close(fd)
        keep = shared.paths
        if keep is not None:
            os.closerange(SIDE_FD + 1, keep.first_fd)
            os.closerange(keep.end_fd, 1 << 16)
        else:
            os.closerange(SIDE_FD + 1, 1 << 16)
        if job is None:
            raise ValueError("no job")
    except BaseException:  # noqa: BLE001
        os._exit(121)
    run_job(job, shared)
