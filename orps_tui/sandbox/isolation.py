"""The isolation layers a sandboxed child applies to itself: rlimits, Landlock, seccomp.

This module is stdlib-only on purpose: the sandboxed child (`harness.py`, started as
`python -S -P`) loads it as a top-level module, and the judge imports it as
`orps_tui.sandbox.isolation` for `detect()`.

Why the child restricts itself after exec instead of the parent before exec: the
harness runs trusted code only until it hands over to the solution, so applying the
layers there lets seccomp forbid `execve` outright (a filter installed before exec
would have to allow the exec itself) and lets the parent spawn with a plain
`posix_spawn` (no `preexec_fn`, which is slow and unsafe in a threaded judge).

Seccomp is a hand-written classic-BPF filter installed through `prctl` via ctypes rather
than `pyseccomp`/libseccomp: no extra dependency, no shared library to find, and the
argument checks we need (clone flags, kill targets, prlimit's new-limit pointer) are a
few instructions each. It is a deny-list: the syscalls a solution has no business making
(process creation, exec, sockets, tracing, signalling other processes, kernel
administration) fail with EPERM/EACCES; everything else is allowed.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

# Not `typing.TYPE_CHECKING`: importing typing costs the sandboxed child ~5 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from orps_tui.sandbox.report import IsolationStatus

# --- Landlock ---------------------------------------------------------------------------------
_SYS_LANDLOCK_CREATE_RULESET = 444  # same number on every architecture
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_RIGHTS = FS_READ_FILE | FS_READ_DIR
WRITE_RIGHTS = (
    READ_RIGHTS
    | FS_WRITE_FILE
    | FS_REMOVE_DIR
    | FS_REMOVE_FILE
    | FS_MAKE_DIR
    | FS_MAKE_REG
    | FS_TRUNCATE
)

# --- seccomp ----------------------------------------------------------------------------------
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_SECCOMP_MODE_FILTER = 2
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35
_JSET = 0x45
_RET = 0x06
_CLONE_THREAD = 0x00010000
_X32_SYSCALL_BIT = 0x40000000
_EPERM = 1
_EACCES = 13
_ENOSYS = 38

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}

# Syscalls added since Linux 5.1 have one number on every architecture.
_UNIFIED_SYSCALLS: dict[str, int] = {
    "pidfd_send_signal": 424,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_open": 434,
    "clone3": 435,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "mount_setattr": 442,
}

# Syscall numbers per architecture (x86_64 from asm/unistd_64.h, aarch64 from the
# generic table). Absent names simply do not exist there (aarch64 has no fork).
_SYSCALLS: dict[str, dict[str, int]] = {
    "x86_64": {
        "socket": 41,
        "clone": 56,
        "fork": 57,
        "vfork": 58,
        "execve": 59,
        "kill": 62,
        "ptrace": 101,
        "syslog": 103,
        "setpgid": 109,
        "setsid": 112,
        "capset": 126,
        "rt_sigqueueinfo": 129,
        "personality": 135,
        "vhangup": 153,
        "pivot_root": 155,
        "setrlimit": 160,
        "chroot": 161,
        "acct": 163,
        "settimeofday": 164,
        "mount": 165,
        "umount2": 166,
        "swapon": 167,
        "swapoff": 168,
        "reboot": 169,
        "iopl": 172,
        "ioperm": 173,
        "init_module": 175,
        "delete_module": 176,
        "quotactl": 179,
        "tkill": 200,
        "clock_settime": 227,
        "tgkill": 234,
        "kexec_load": 246,
        "add_key": 248,
        "request_key": 249,
        "keyctl": 250,
        "unshare": 272,
        "rt_tgsigqueueinfo": 297,
        "perf_event_open": 298,
        "fanotify_init": 300,
        "prlimit64": 302,
        "name_to_handle_at": 303,
        "open_by_handle_at": 304,
        "setns": 308,
        "process_vm_readv": 310,
        "process_vm_writev": 311,
        "kcmp": 312,
        "finit_module": 313,
        "kexec_file_load": 320,
        "bpf": 321,
        "execveat": 322,
        "userfaultfd": 323,
        **_UNIFIED_SYSCALLS,
    },
    "aarch64": {
        "umount2": 39,
        "mount": 40,
        "pivot_root": 41,
        "chroot": 51,
        "vhangup": 58,
        "quotactl": 60,
        "acct": 89,
        "capset": 91,
        "personality": 92,
        "unshare": 97,
        "kexec_load": 104,
        "init_module": 105,
        "delete_module": 106,
        "clock_settime": 112,
        "syslog": 116,
        "ptrace": 117,
        "kill": 129,
        "tkill": 130,
        "tgkill": 131,
        "rt_sigqueueinfo": 138,
        "reboot": 142,
        "setpgid": 154,
        "setsid": 157,
        "setrlimit": 164,
        "settimeofday": 170,
        "socket": 198,
        "add_key": 217,
        "request_key": 218,
        "keyctl": 219,
        "clone": 220,
        "execve": 221,
        "swapon": 224,
        "swapoff": 225,
        "rt_tgsigqueueinfo": 240,
        "perf_event_open": 241,
        "prlimit64": 261,
        "fanotify_init": 262,
        "name_to_handle_at": 264,
        "open_by_handle_at": 265,
        "setns": 268,
        "process_vm_readv": 270,
        "process_vm_writev": 271,
        "kcmp": 272,
        "finit_module": 273,
        "bpf": 280,
        "execveat": 281,
        "userfaultfd": 282,
        "kexec_file_load": 294,
        **_UNIFIED_SYSCALLS,
    },
}

# Denied outright (EPERM) by the shared filter, which the fork server installs on itself
# once and every forked child inherits: exec, tracing, other processes' memory,
# namespaces, kernel administration, io_uring (it can open sockets behind seccomp's back).
_DENY = (
    "execve",
    "execveat",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "tkill",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "swapon",
    "swapoff",
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "quotactl",
    "acct",
    "settimeofday",
    "clock_settime",
    "add_key",
    "request_key",
    "keyctl",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "fanotify_init",
    "name_to_handle_at",
    "open_by_handle_at",
    "iopl",
    "ioperm",
    "syslog",
    "vhangup",
    "personality",
    "process_madvise",
    "capset",
)
# Denied by the per-run filter only: the fork server forks, and a forked child takes its
# own session and lowers its own limits before it installs this part.
_EXEC = ("execve", "execveat")
"""Allowed (`allow_exec`) only for a compiled solution, which the harness execs, and for its
compiler; Landlock then limits what may be executed (docs/judge.md, Languages)."""
_DENY_PER_RUN = ("fork", "vfork", "setsid", "setpgid", "setrlimit")


class Applied:
    """What a child managed to apply to itself (sent back in its record). A plain class:
    dataclasses would pull inspect and dis into every sandboxed child's start-up."""

    def __init__(self) -> None:
        self.rlimits = False
        self.landlock_abi = 0
        self.seccomp = False
        self.caps_dropped = False
        self.errors: list[str] = []


# --- ctypes plumbing --------------------------------------------------------------------------
_libc: ctypes.CDLL | None = None


def _c() -> ctypes.CDLL:
    """libc, without ctypes' `use_errno`: its errno bookkeeping on every call is what a
    freshly forked child pays most for in a ctypes call (errno is read on failure only)."""
    global _libc
    if _libc is None:
        lib = ctypes.CDLL(None)
        lib.syscall.restype = ctypes.c_long
        lib.prctl.restype = ctypes.c_int
        lib.prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
        _libc = lib
    return _libc


def _oserror() -> OSError:
    """The OSError for errno as the failed call left it (nothing in between sets it)."""
    lib = _c()
    where = getattr(lib, "__errno_location", None) or getattr(lib, "__error", None)
    err = 0
    if where is not None:
        where.restype = ctypes.POINTER(ctypes.c_int)
        err = where()[0]
    return OSError(err, os.strerror(err))


def _syscall(nr: int, *args: object) -> int:
    conv = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    result = _c().syscall(ctypes.c_long(nr), *conv)
    if result < 0:
        raise _oserror()
    return int(result)


def _prctl(option: int, arg2: int = 0, arg3: int = 0) -> None:
    if not sys.platform.startswith("linux"):
        raise OSError(38, "prctl is Linux-only")
    if _c().prctl(option, arg2, arg3, 0, 0) != 0:
        raise _oserror()


def machine() -> str:
    name = os.uname().machine.lower()
    return {"arm64": "aarch64", "amd64": "x86_64"}.get(name, name)


# --- probes -----------------------------------------------------------------------------------
def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is absent or disabled."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        return _syscall(_SYS_LANDLOCK_CREATE_RULESET, None, 0, _LANDLOCK_CREATE_RULESET_VERSION)
    except OSError:
        return 0


_SECCOMP_SUPPORTED: list[bool] = []


def seccomp_supported() -> bool:
    """True when this kernel has seccomp filters and we know this architecture's table.
    Cached: it reads /proc, which Landlock hides once applied (forked children inherit
    the fork server's answer)."""
    if not _SECCOMP_SUPPORTED:
        ok = (
            sys.platform.startswith("linux")
            and machine() in _SYSCALLS
            and sys.byteorder == "little"
        )
        if ok:
            try:
                with open("/proc/self/status", encoding="ascii") as f:
                    ok = any(line.startswith("Seccomp:") for line in f)
            except OSError:
                ok = False
        _SECCOMP_SUPPORTED.append(ok)
    return _SECCOMP_SUPPORTED[0]


# --- rlimits ----------------------------------------------------------------------------------
def vm_size_bytes(status_fd: int | None = None) -> int:
    """This process's current address-space size (VmSize)."""
    text = _read_status(status_fd)
    return _status_kb(text, "VmSize:") * 1024


def vm_size_from_statm(statm_fd: int) -> int:
    """The address-space size of the process whose /proc/<pid>/statm `statm_fd` is
    (its first field, in pages): one short read, for the fork server before each fork."""
    return int(os.pread(statm_fd, 128, 0).split(None, 1)[0]) * resource.getpagesize()


def vm_hwm_kb(status_fd: int | None) -> int:
    """Peak resident set size (VmHWM) of this process, in KiB; 0 when unknown."""
    try:
        return _status_kb(_read_status(status_fd), "VmHWM:")
    except OSError:
        return 0


def forked_peak_kb() -> int:
    """VmHWM without /proc (which a child under the fork server's Landlock cannot open):
    the kernel's `ru_maxrss`, which for a forked process is the same high-water mark.
    Not for a fresh one: after exec it starts from the spawning process's peak."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _read_status(fd: int | None) -> str:
    if fd is None:
        with open("/proc/self/status", "rb") as f:
            return f.read().decode("ascii", "replace")
    return os.pread(fd, 8192, 0).decode("ascii", "replace")


def _status_kb(text: str, key: str) -> int:
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def apply_shared_rlimits() -> None:
    """The limits that are the same for every run: no core dumps."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def apply_rlimits(
    *,
    cpu_s: float,
    memory_bytes: int,
    fsize_bytes: int,
    nofile: int,
    status_fd: int | None,
    vm_bytes: int | None = None,
    shared: bool = True,
    stack_bytes: int | None = None,
) -> None:
    """CPU (SIGXCPU at the soft limit, SIGKILL one second later), address space
    (`memory_bytes` on top of what the interpreter already maps: `vm_bytes`, else read
    now), file size, open files, and (`shared`) the limits every run shares. Lowering
    one's own limits needs no privilege."""
    cpu = max(1, int(-(-cpu_s // 1)))
    if shared:
        apply_shared_rlimits()
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_bytes, fsize_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if memory_bytes > 0:
        if vm_bytes is None:
            try:
                vm_bytes = vm_size_bytes(status_fd)
            except (OSError, ValueError):
                vm_bytes = 64 << 20
        limit = vm_bytes + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if stack_bytes:  # a native binary's stack (deep recursion), as judges allow
        resource.setrlimit(resource.RLIMIT_STACK, (stack_bytes, stack_bytes))


# --- Landlock ---------------------------------------------------------------------------------
def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


class LandlockPaths:
    """Path rules looked up once (the fork server): an O_PATH fd per path, moved to
    consecutive numbers from `first_fd` so that a forked child can keep them while it
    closes everything else, and the rule struct naming each: read-only beneath `read`,
    read-write beneath `write` (the paths every run may write: /dev/null). A child then
    adds them to its own ruleset without a single path lookup. Not a dataclass: see
    `Applied`."""

    def __init__(self, read: list[str], abi: int, first_fd: int, write: tuple[str, ...] = ()):
        self.read = list(read)
        self.write = write
        self.abi = abi
        self.rules: list[bytes] = []
        self.first_fd = first_fd
        handled = _fs_rights(abi)
        for paths, rights in ((read, READ_RIGHTS), (write, WRITE_RIGHTS)):
            for path in paths:
                rule = _path_rule(path, rights & handled)
                if rule is None:
                    continue
                fd, _ = rule
                target = first_fd + len(self.rules)
                os.dup2(fd, target, inheritable=False)
                os.close(fd)
                self.rules.append(_rule_attr(path, target, rights & handled))
        self.end_fd = first_fd + len(self.rules)

    def close(self) -> None:
        os.closerange(self.first_fd, self.end_fd)


def apply_landlock(
    read: list[str],
    write: list[str],
    abi: int | None = None,
    *,
    prepared: LandlockPaths | None = None,
    execute: list[str] | None = None,
) -> int:
    """Read-only access beneath `read`, read-write beneath `write`, nothing else; no TCP
    bind/connect (ABI >= 4); no signals to or abstract sockets of processes outside
    this domain (ABI >= 6). Returns the ABI applied (0: not available). With `prepared`
    (made for the same `read` list) its rules come ready-made. `execute`: files (or
    folders) that may also be executed, read-only (a compiled solution and its loader);
    nothing else may be."""
    if prepared is not None and prepared.read == read:
        abi = prepared.abi
        write = [path for path in write if path not in prepared.write]
    else:
        prepared = None
        abi = landlock_abi() if abi is None else abi
    if abi <= 0:
        return 0
    handled_fs = _fs_rights(abi)
    handled_net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = _u64(handled_fs) + _u64(handled_net) + _u64(scoped)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _syscall(_SYS_LANDLOCK_CREATE_RULESET, attr[:size], size, 0)
    try:
        if prepared is not None:
            add, args = _c().syscall, _ADD_RULE_ARGS
            target = ctypes.c_long(ruleset)
            for rule in prepared.rules:
                if add(args[0], target, args[1], rule, args[2]) < 0:
                    raise _oserror()
        else:
            for path in read:
                _add_path_rule(ruleset, path, READ_RIGHTS & handled_fs)
        for path in write:
            _add_path_rule(ruleset, path, WRITE_RIGHTS & handled_fs)
        for path in execute or ():
            _add_path_rule(ruleset, path, (READ_RIGHTS | FS_EXECUTE) & handled_fs)
        _prctl(_PR_SET_NO_NEW_PRIVS, 1)
        _syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    return abi


_ADD_RULE_ARGS = (
    ctypes.c_long(_SYS_LANDLOCK_ADD_RULE),
    ctypes.c_long(_LANDLOCK_RULE_PATH_BENEATH),
    ctypes.c_long(0),
)


def _path_rule(path: str, rights: int) -> tuple[int, bytes] | None:
    """(an O_PATH fd, the rule struct naming it); None for a path that does not exist here."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return None  # a path that does not exist here grants nothing
    return fd, _rule_attr(path, fd, rights)


def _rule_attr(path: str, fd: int, rights: int) -> bytes:
    if not os.path.isdir(path):
        rights &= _FILE_RIGHTS
    return _u64(rights) + fd.to_bytes(4, "little", signed=True)  # packed struct


def _add_path_rule(ruleset: int, path: str, rights: int) -> None:
    rule = _path_rule(path, rights)
    if rule is None:
        return
    fd, attr = rule
    try:
        _syscall(_SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, attr, 0)
    finally:
        os.close(fd)


# --- seccomp ----------------------------------------------------------------------------------
def _u64(value: int) -> bytes:
    return value.to_bytes(8, "little")


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    """struct sock_filter {u16 code; u8 jt; u8 jf; u32 k} (little-endian only)."""
    return code.to_bytes(2, "little") + bytes((jt, jf)) + (k & 0xFFFFFFFF).to_bytes(4, "little")


def _arg_lo(i: int) -> int:
    return 16 + 8 * i  # seccomp_data.args[i], low 32 bits on little-endian


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_PID_HOLE = "pid"
_NEG_PID_HOLE = "-pid"
_Part = bytes | tuple[int, int, int, str]
"""An assembled instruction, or (code, jt, jf, hole) for one whose k is the pid."""


class SeccompFilter:
    """The classic-BPF filter, assembled once with the child's pid left open:
    `program(pid)` only fills it in, so a forked child does not pay for assembling it.

    `shared` is the part that names no process: the fork server installs it on itself
    once and its children inherit it. `per_run` is the rest (no new processes, sessions
    or limits; signals only within the run's group): each forked child adds it on top
    (stacked filters: the strictest answer wins). A fresh child installs both at once.
    Not a dataclass: see `Applied`."""

    def __init__(
        self,
        arch: str | None = None,
        *,
        shared: bool = True,
        per_run: bool = True,
        allow_exec: bool = False,
    ):
        arch = arch or machine()
        nrs = _SYSCALLS[arch]
        deny = _insn(_RET, 0, 0, _RET_ERRNO | _EPERM)
        allow = _insn(_RET, 0, 0, _RET_ALLOW)
        prog: list[_Part] = [
            _insn(_LD_ABS, 0, 0, 4),  # arch
            _insn(_JEQ, 1, 0, _AUDIT_ARCH[arch]),
            _insn(_RET, 0, 0, _RET_KILL_PROCESS),
            _insn(_LD_ABS, 0, 0, 0),  # syscall number
        ]
        if arch == "x86_64":  # x32 ABI numbers alias the same syscalls: refuse them all
            prog += [_insn(_JGE, 0, 1, _X32_SYSCALL_BIT), deny]

        def rule(name: str, block: list[_Part]) -> None:
            if name in nrs:
                prog.append(_insn(_JEQ, 0, len(block), nrs[name]))
                prog.extend(block)

        def only_values(arg: int, values: list[int | str]) -> list[_Part]:
            block: list[_Part] = [_insn(_LD_ABS, 0, 0, _arg_lo(arg))]
            for i, value in enumerate(values):
                jt = len(values) - i
                block.append(
                    (_JEQ, jt, 0, value) if isinstance(value, str) else _insn(_JEQ, jt, 0, value)
                )
            return [*block, deny, allow]

        if shared:
            for name in _DENY:
                if not (allow_exec and name in _EXEC):
                    rule(name, [deny])
            # Sockets: none at all. Named Unix sockets (docker, dbus) are outside Landlock's
            # reach, and in-process pairs go through socketpair(), which stays allowed.
            rule("socket", [_insn(_RET, 0, 0, _RET_ERRNO | _EACCES)])
            # clone3 hides its flags in memory, so it answers ENOSYS and glibc falls back
            # to clone(), whose flags the per-run part checks.
            rule("clone3", [_insn(_RET, 0, 0, _RET_ERRNO | _ENOSYS)])
        if per_run:
            for name in _DENY_PER_RUN:
                rule(name, [deny])
            # Threads yes (CLONE_THREAD), new processes no.
            rule(
                "clone",
                [_insn(_LD_ABS, 0, 0, _arg_lo(0)), _insn(_JSET, 0, 1, _CLONE_THREAD), allow, deny],
            )
            # Signals only to itself or its own process group.
            rule("kill", only_values(0, [_PID_HOLE, 0, _NEG_PID_HOLE]))
            rule("tgkill", only_values(0, [_PID_HOLE]))
            rule("rt_sigqueueinfo", only_values(0, [_PID_HOLE]))
            rule("rt_tgsigqueueinfo", only_values(0, [_PID_HOLE]))
            # prlimit64 may read limits (new_limit == NULL) but not set them.
            lo, hi = _arg_lo(2), _arg_lo(2) + 4
            rule(
                "prlimit64",
                [
                    _insn(_LD_ABS, 0, 0, lo),
                    _insn(_JEQ, 0, 3, 0),
                    _insn(_LD_ABS, 0, 0, hi),
                    _insn(_JEQ, 0, 1, 0),
                    allow,
                    deny,
                ],
            )
        prog.append(allow)
        self._parts = prog
        # Installed from here: the program with a 0 in each pid hole, filled in by
        # `install` (slices of a ctypes buffer), and the sock_fprog pointing at it.
        self._holes = [
            (8 * i + 4, part[3]) for i, part in enumerate(prog) if isinstance(part, tuple)
        ]
        self._buf: ctypes.Array[ctypes.c_char] | None = None
        self._fprog: _SockFprog | None = None

    def program(self, pid: int | None) -> bytes:
        """The filter for a child whose pid (and process group) is `pid`."""
        out = []
        for part in self._parts:
            if isinstance(part, bytes):
                out.append(part)
                continue
            if pid is None:
                raise ValueError("the per-run seccomp filter needs the child's pid")
            code, jt, jf, hole = part
            out.append(_insn(code, jt, jf, pid if hole == _PID_HOLE else (-pid) & 0xFFFFFFFF))
        return b"".join(out)

    def prepare(self) -> tuple[ctypes.Array[ctypes.c_char], int]:
        """(the program buffer, the address of its sock_fprog), built once: the fork
        server calls this before forking so that a child only fills in its pid."""
        if self._buf is None or self._fprog is None:
            program = self.program(0 if self._holes else None)
            self._buf = ctypes.create_string_buffer(program, len(program))
            self._fprog = _SockFprog(len(program) // 8, ctypes.addressof(self._buf))
        return self._buf, ctypes.addressof(self._fprog)

    def install(self, pid: int) -> None:
        """Install the filter for `pid` on this single-threaded process."""
        buf, fprog = self.prepare()
        for offset, hole in self._holes:
            value = pid if hole == _PID_HOLE else (-pid) & 0xFFFFFFFF
            buf[offset : offset + 4] = value.to_bytes(4, "little")  # type: ignore[call-overload]  # ctypes accepts bytes for a char-array slice; typeshed does not say so
        _prctl(_PR_SET_NO_NEW_PRIVS, 1)
        _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, fprog)


def seccomp_program(
    pid: int | None,
    arch: str | None = None,
    *,
    shared: bool = True,
    per_run: bool = True,
    allow_exec: bool = False,
) -> bytes:
    """The filter (or one part of it, see `SeccompFilter`) for the process `pid`."""
    return SeccompFilter(arch, shared=shared, per_run=per_run, allow_exec=allow_exec).program(pid)


def apply_seccomp(
    *,
    shared: bool = True,
    per_run: bool = True,
    prepared: SeccompFilter | None = None,
    allow_exec: bool = False,
) -> bool:
    """Install the filter (or one part of it, see `SeccompFilter`; `prepared` when it
    was assembled in advance) on this single-threaded process; check
    `seccomp_supported()` first, before Landlock hides /proc."""
    filt = prepared or SeccompFilter(shared=shared, per_run=per_run, allow_exec=allow_exec)
    filt.install(os.getpid())
    return True


# --- capabilities and process attributes ------------------------------------------------------
def drop_capabilities() -> bool:
    """Empty the effective/permitted/inheritable sets (matters when the judge runs as
    root: without it the child could raise its own rlimits, kill anything, mount...)."""
    nr = {"x86_64": 126, "aarch64": 91}.get(machine())
    if nr is None:
        return False
    header = (0x20080522).to_bytes(4, "little") + bytes(4)  # _LINUX_CAPABILITY_VERSION_3, pid 0
    data = bytes(24)
    _syscall(nr, header, data)
    return True


def set_parent_death_signal(sig: int) -> None:
    _prctl(_PR_SET_PDEATHSIG, sig)


def set_not_dumpable() -> None:
    """Hide /proc/<pid>/{environ,mem,fd} of this process from same-user processes."""
    _prctl(_PR_SET_DUMPABLE, 0)


# --- what the judge reports (parent side) -----------------------------------------------------
_DETECTED: object | None = None


def detect(probe: bool = False) -> IsolationStatus:
    """Which layers work on this machine, with a notice for each one that does not.

    Cheap (a few syscalls, cached); every JudgeReport carries it, and each run's child
    reports what it really applied (see `merge_applied`). `probe=True` (for `orps
    doctor`) also runs one real sandboxed child and lowers the answer to what it applied.
    """
    if probe:
        return _probe(detect())
    global _DETECTED
    from copy import deepcopy

    from orps_tui.sandbox.report import IsolationStatus

    if _DETECTED is None:
        linux = sys.platform.startswith("linux")
        notices: list[str] = []
        abi = landlock_abi()
        if not linux:
            notices.append(
                f"{sys.platform}: no Landlock or seccomp; only rlimits, a fresh work dir, a clean "
                "environment and the process group apply (the code can read your files and use the network)"
            )
        elif abi == 0:
            notices.append(
                "Landlock is not available (kernel < 5.13 or disabled): the code can read and write "
                "files anywhere your user can"
            )
        else:
            if abi < 4:
                notices.append(
                    f"Landlock ABI {abi} < 4: TCP is not restricted by Landlock (seccomp still blocks sockets)"
                )
            if abi < 6:
                notices.append(
                    f"Landlock ABI {abi} < 6: no signal scoping (seccomp still limits kill() to the run's own group)"
                )
        seccomp = linux and seccomp_supported()
        if linux and not seccomp:
            notices.append(
                f"seccomp is not available here ({machine()}): the code can start processes and open sockets"
                + (" (Landlock still blocks TCP)" if abi >= 4 else "")
            )
        _DETECTED = IsolationStatus(
            rlimits=True,
            landlock=abi > 0,
            seccomp=seccomp,
            process_group=True,
            clean_env=True,
            notices=notices,
        )
    return deepcopy(_DETECTED)  # type: ignore[return-value]


def _probe(status: IsolationStatus) -> IsolationStatus:
    from orps_tui.problems.model import Limits
    from orps_tui.sandbox.runner import run_isolated

    try:
        outcome = run_isolated([sys.executable, "-c", "pass"], limits=Limits(time_s=2.0))
    except Exception as exc:  # noqa: BLE001 - doctor reports, never crashes
        status.notices.append(f"the sandbox could not start a child: {exc}")
        return status
    if outcome.record is None:
        tail = outcome.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        status.notices.append(f"a sandboxed child did not report back: {tail[0]}")
        return status
    return merge_applied(status, [outcome.record.get("layers")])


def merge_applied(status: IsolationStatus, applied: list[dict | None]) -> IsolationStatus:
    """Lower `status` to what the runs' children really applied (and say so)."""
    for layers in applied:
        if not layers:
            continue
        if status.landlock and not layers.get("landlock_abi"):
            status.landlock = False
            status.notices.append(
                "Landlock was not applied in a run: " + "; ".join(layers.get("errors", []))
            )
        if status.seccomp and not layers.get("seccomp"):
            status.seccomp = False
            status.notices.append(
                "seccomp was not applied in a run: " + "; ".join(layers.get("errors", []))
            )
        if status.rlimits and not layers.get("rlimits"):
            status.rlimits = False
            status.notices.append(
                "rlimits were not applied in a run: " + "; ".join(layers.get("errors", []))
            )
    return status
